from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.home, name="home"),
    # employment
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("attendances/<int:pk>/remove/", views.attendance_remove, name="attendance_remove"),
    path("job-fairs/", views.job_fair_list, name="job_fair_list"),
    path("job-fairs/new/", views.job_fair_create, name="job_fair_create"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("persons/<int:person_id>/referrals/new/", views.referral_create, name="person_referral_create"),
    path("referrals/<int:pk>/place/", views.referral_place, name="referral_place"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workers/<int:pk>/leave/", views.worker_leave, name="worker_leave"),
    # relief visits
    path("relief/", views.relief_list, name="relief_list"),
    path("relief/new/", views.relief_create, name="relief_create"),
    path("persons/<int:person_id>/relief/new/", views.relief_create, name="person_relief_create"),
    # legal aid and complaints
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("persons/<int:person_id>/cases/new/", views.case_create, name="person_case_create"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    # culture and sports
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    # early detection
    path("screening/", views.screening_list, name="screening_list"),
    path("screening/new/", views.screening_record, name="screening_record"),
    path("suspected/", views.suspected_list, name="suspected_list"),
    path("suspected/new/", views.suspected_create, name="suspected_create"),
    path("suspected/<int:pk>/resolve/", views.suspected_resolve, name="suspected_resolve"),
]
