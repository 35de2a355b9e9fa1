from django.urls import path

from cases.rosters import views

# Included by cases/urls.py under the "cases" namespace: names here are cases:roster_*.
urlpatterns = [
    path("", views.roster_list, name="roster_list"),
    path("template/", views.roster_template, name="roster_template"),
    path("<int:roster_id>/", views.roster_detail, name="roster_detail"),
    path("<int:roster_id>/confirm/", views.roster_confirm, name="roster_confirm"),
    path("<int:roster_id>/annotated/", views.roster_annotated, name="roster_annotated"),
    path("<int:roster_id>/file/", views.roster_file, name="roster_file"),
]
