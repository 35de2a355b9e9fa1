from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("gaps/", views.dashboard_gaps, name="dashboard_gaps"),
    path("certificate-events/", views.certificate_event_list, name="certificate_event_list"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:report_id>/<str:fmt>/", views.report_download, name="report_download"),
]
