from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("<int:job_id>/download/", views.job_download, name="job_download"),
    path("<int:job_id>/retry/", views.job_retry_view, name="job_retry"),
    path("<int:job_id>/cancel/", views.job_cancel_view, name="job_cancel"),
]
