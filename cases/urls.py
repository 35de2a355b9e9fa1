from django.urls import include, path

app_name = "cases"

urlpatterns = [
    # Roster upload and import (township liaisons and county staff).
    path("rosters/", include("cases.roster_urls")),
]
