from django.urls import path

from cases.comparison import views

# Included by cases/urls.py under the "cases" namespace: names here are cases:comparison_* / cases:finding_*.
urlpatterns = [
    path("", views.comparison_list, name="comparison_list"),
    path("template/", views.comparison_template, name="comparison_template"),
    path("<int:comparison_id>/", views.comparison_detail, name="comparison_detail"),
    path("<int:comparison_id>/apply/", views.comparison_apply, name="comparison_apply"),
    path("<int:comparison_id>/file/", views.comparison_file, name="comparison_file"),
    path("<int:comparison_id>/result/", views.comparison_result, name="comparison_result"),
    path("<int:comparison_id>/findings/<int:finding_id>/deselect/", views.finding_deselect, name="finding_deselect"),
    path("<int:comparison_id>/findings/<int:finding_id>/reselect/", views.finding_reselect, name="finding_reselect"),
]
