from django.urls import include, path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export/", views.person_export, name="person_export"),
    path("new/", views.person_create, name="person_create"),
    path("pick/", views.person_pick, name="person_pick"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("<int:pk>/poverty/", views.person_poverty, name="person_poverty"),
    path("<int:pk>/exclusions/new/", views.person_exclusion_add, name="person_exclusion_add"),
    path("<int:pk>/exclusions/<int:exclusion_pk>/end/", views.person_exclusion_end, name="person_exclusion_end"),
    path("<int:pk>/death/", views.person_death, name="person_death"),
    path("<int:pk>/move-out/", views.person_move_out, name="person_move_out"),
    path("<int:pk>/notes/", views.person_note_add, name="person_note_add"),
    path("<int:pk>/summary.pdf", views.person_pdf, name="person_pdf"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/members/", views.household_add_member, name="household_add_member"),
    path("households/<int:pk>/head/", views.household_set_head, name="household_set_head"),
    # Roster upload and import (township liaisons and county staff).
    path("rosters/", include("cases.roster_urls")),
    # Agency comparison (数据比对): county staff upload and apply; liaisons see their township's findings.
    path("comparisons/", include("cases.comparison_urls")),
]
