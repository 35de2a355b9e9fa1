from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("sensitive/", views.sensitive_access_list_view, name="sensitive_access_list"),
    path("accounts/", views.account_event_list_view, name="account_event_list"),
]
