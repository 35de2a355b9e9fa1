from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fedportal.core.clock import local_today
from rehab.models import Need, NeedSource, SurveyRoundStatus
from rehab.selectors import survey_population, survey_progress
from rehab.services import need_create, survey_record_save, survey_round_create

pytestmark = pytest.mark.django_db

TODAY = local_today()


@pytest.fixture
def survey_round(caseworker):
    return survey_round_create(
        year=TODAY.year,
        start_date=TODAY.replace(month=1, day=1),
        end_date=TODAY.replace(month=12, day=31),
        acting_user=caseworker,
    )


def test_a_visit_records_needed_services_as_needs(survey_round, person, liaison, caseworker):
    need_create(person=person, need_type="home_care", recorded_on=TODAY, acting_user=caseworker)  # already open
    record, needs = survey_record_save(
        survey_round=survey_round,
        person=person,
        contact_method="home",
        visited_on=TODAY,
        services_received=["family_doctor"],
        services_needed=["device", "home_care", "training"],
        device_type_needed="wheelchair",
        acting_user=liaison,
    )
    assert record.township_id == person.township_id
    assert sorted(str(n) for n in needs) == ["康复训练", "辅助器具（轮椅）"]
    assert all(n.source == NeedSource.SURVEY and n.survey_record == record for n in needs)
    # Saving again corrects the record and adds no duplicate needs.
    survey_record_save(
        survey_round=survey_round,
        person=person,
        contact_method="meet",
        visited_on=TODAY,
        services_received=[],
        services_needed=["device"],
        device_type_needed="wheelchair",
        acting_user=liaison,
    )
    assert Need.objects.filter(person=person).count() == 3
    assert survey_round.records.get().contact_method == "meet"


def test_device_need_requires_a_device_type(survey_round, person, liaison):
    with pytest.raises(ValidationError):
        survey_record_save(
            survey_round=survey_round,
            person=person,
            contact_method="home",
            visited_on=TODAY,
            services_received=[],
            services_needed=["device"],
            acting_user=liaison,
        )


def test_closed_round_and_dates_outside_are_refused(survey_round, person, liaison):
    with pytest.raises(ValidationError):
        survey_record_save(
            survey_round=survey_round,
            person=person,
            contact_method="home",
            visited_on=survey_round.start_date - timedelta(days=1),
            services_received=[],
            services_needed=[],
            acting_user=liaison,
        )
    survey_round.status = SurveyRoundStatus.CLOSED
    survey_round.save()
    with pytest.raises(ValidationError, match="已结束"):
        survey_record_save(
            survey_round=survey_round,
            person=person,
            contact_method="home",
            visited_on=TODAY,
            services_received=[],
            services_needed=[],
            acting_user=liaison,
        )


def test_liaison_cannot_survey_another_township(survey_round, other_person, liaison):
    with pytest.raises(PermissionDenied):
        survey_record_save(
            survey_round=survey_round,
            person=other_person,
            contact_method="home",
            visited_on=TODAY,
            services_received=[],
            services_needed=[],
            acting_user=liaison,
        )


def test_progress_and_home_visit_rate(survey_round, make_person, other_person, township, liaison, caseworker):
    persons = [make_person() for _ in range(4)]
    make_person(certified=False)  # no certificate: not in the population
    make_person(death_date=TODAY.replace(month=1, day=1))  # died before the round's reference date
    assert survey_population(survey_round=survey_round).filter(township=township).count() == 4
    for p, method in zip(persons, ["home", "home", "home", "phone"], strict=True):
        survey_record_save(
            survey_round=survey_round,
            person=p,
            contact_method=method,
            visited_on=TODAY,
            services_received=[],
            services_needed=[],
            acting_user=liaison,
        )
    [row] = survey_progress(survey_round=survey_round, township_id=township.pk)
    assert (row["to_survey"], row["done"], row["home"], row["phone"]) == (4, 4, 3, 1)
    assert row["done_rate"] == Decimal("100.0") and row["home_rate"] == Decimal("75.0")
    assert row["target"] == Decimal("95.00") and row["meets_target"] is False
