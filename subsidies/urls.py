from django.urls import path

from . import comparison_views, views

app_name = "subsidies"

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/action/", views.application_action, name="application_action"),
    path("dynamic/", views.dynamic_management, name="dynamic_management"),
    path("runs/", views.payment_run_list, name="payment_run_list"),
    path("runs/new/", views.payment_run_create_view, name="payment_run_create"),
    path("runs/<int:run_id>/", views.payment_run_detail, name="payment_run_detail"),
    path("runs/<int:run_id>/action/", views.payment_run_action, name="payment_run_action"),
    path("runs/<int:run_id>/export/", views.payment_run_export, name="payment_run_export"),
    path("budgets/", views.budget_list, name="budget_list"),
    path(
        "comparisons/<int:comparison_id>/candidates/<int:person_id>/apply/",
        comparison_views.comparison_candidate_apply,
        name="comparison_candidate_apply",
    ),
]
