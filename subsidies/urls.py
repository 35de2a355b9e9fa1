from django.urls import path

from . import comparison_views, views, views_payments

app_name = "subsidies"

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/action/", views.application_action, name="application_action"),
    path("dynamic/", views.dynamic_management, name="dynamic_management"),
    path("runs/", views.payment_run_list, name="payment_run_list"),
    path("runs/new/", views.payment_run_create_view, name="payment_run_create"),
    path("runs/<int:run_id>/", views_payments.payment_run_detail, name="payment_run_detail"),
    path("runs/<int:run_id>/action/", views.payment_run_action, name="payment_run_action"),
    path("runs/<int:run_id>/approve/", views_payments.payment_run_approve_confirm, name="payment_run_approve"),
    path("runs/<int:run_id>/export/", views_payments.payment_run_export, name="payment_run_export"),
    path("runs/<int:run_id>/returns/", views_payments.bank_return_upload_view, name="bank_return_upload"),
    path("returns/<int:return_id>/", views_payments.bank_return_detail, name="bank_return_detail"),
    path("returns/<int:return_id>/file/", views_payments.bank_return_file, name="bank_return_file"),
    path("failed-payments/", views_payments.failed_payment_list, name="failed_payment_list"),
    path(
        "failed-payments/<int:line_id>/account/",
        views_payments.failed_payment_account,
        name="failed_payment_account",
    ),
    path("budgets/", views.budget_list, name="budget_list"),
    path(
        "comparisons/<int:comparison_id>/candidates/<int:person_id>/apply/",
        comparison_views.comparison_candidate_apply,
        name="comparison_candidate_apply",
    ),
]
