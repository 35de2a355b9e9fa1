from django.urls import path  # noqa: F401

# Included by cases/urls.py under the "cases" namespace: names here are cases:roster_*.
urlpatterns: list = []
