from django.urls import path

from .views import fittings, home, homecare, providers, records, survey

app_name = "rehab"

urlpatterns = [
    path("", home.home, name="home"),
    path("indicators/", home.indicators, name="indicators"),
    path("spending/", home.spending, name="spending"),
    # providers
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/new/", providers.provider_create, name="provider_create"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/contracts/new/", providers.contract_add, name="contract_add"),
    path("providers/<int:pk>/services/new/", providers.provider_service_add, name="provider_service_add"),
    path("providers/<int:pk>/statement.pdf", providers.provider_statement_view, name="provider_statement"),
    # persons, needs and the ledger
    path("persons/", records.person_search, name="person_search"),
    path("persons/<int:person_id>/", records.person_rehab, name="person_rehab"),
    path("persons/<int:person_id>/needs/new/", records.need_create, name="need_create"),
    path("persons/<int:person_id>/services/new/", records.service_create, name="service_create"),
    path("persons/<int:person_id>/fittings/new/", fittings.fitting_create, name="fitting_create"),
    path("persons/<int:person_id>/plans/new/", homecare.plan_create, name="plan_create"),
    path("persons/<int:person_id>/child-rescue/new/", homecare.child_create, name="child_create"),
    path("persons/<int:person_id>/renovations/new/", homecare.renovation_create, name="renovation_create"),
    path("needs/", records.need_list, name="need_list"),
    path("needs/<int:pk>/", records.need_detail, name="need_detail"),
    path("needs/<int:pk>/cancel/", records.need_cancel, name="need_cancel"),
    path("needs/<int:pk>/to-fitting/", fittings.need_to_fitting, name="need_to_fitting"),
    path("services/", records.service_list, name="service_list"),
    # assistive devices
    path("fittings/", fittings.fitting_list, name="fitting_list"),
    path("fittings/<int:pk>/", fittings.fitting_detail, name="fitting_detail"),
    path("fittings/<int:pk>/assess/", fittings.fitting_assess, name="fitting_assess"),
    path("fittings/<int:pk>/fit/", fittings.fitting_fit, name="fitting_fit"),
    path("fittings/<int:pk>/follow-up/", fittings.fitting_followup, name="fitting_followup"),
    path("fittings/<int:pk>/cancel/", fittings.fitting_cancel, name="fitting_cancel"),
    # home care
    path("plans/", homecare.plan_list, name="plan_list"),
    path("plans/<int:pk>/", homecare.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/end/", homecare.plan_end, name="plan_end"),
    path("plans/<int:pk>/visits/new/", homecare.visit_create, name="visit_create"),
    # children's rescue and renovation
    path("child-rescue/", homecare.child_list, name="child_list"),
    path("renovations/", homecare.renovation_list, name="renovation_list"),
    path("renovations/<int:pk>/complete/", homecare.renovation_complete, name="renovation_complete"),
    # yearly needs survey
    path("survey/", survey.round_list, name="survey_round_list"),
    path("survey/new/", survey.round_create, name="survey_round_create"),
    path("survey/<int:pk>/", survey.round_detail, name="survey_round_detail"),
    path("survey/<int:pk>/toggle/", survey.round_toggle, name="survey_round_toggle"),
    path("survey/<int:pk>/persons/", survey.person_list, name="survey_person_list"),
    path("survey/<int:pk>/persons/<int:person_id>/", survey.record_edit, name="survey_record_edit"),
]
