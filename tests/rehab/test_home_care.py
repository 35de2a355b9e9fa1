from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rehab.models import HomeCarePlan, ServiceRecord
from rehab.selectors import plan_list_for_user, plan_month_rows, plans_with_missed_visits
from rehab.services import home_care_plan_create, home_care_visit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(person, home_care_provider, caseworker):
    return home_care_plan_create(
        person=person,
        provider=home_care_provider,
        services=["daily_care", "nursing"],
        start_date=date(2026, 3, 1),
        end_date=date(2026, 8, 31),
        visits_per_month=2,
        acting_user=caseworker,
    )


@pytest.mark.parametrize("day", [date(2026, 2, 28), date(2026, 9, 1)])
def test_visit_outside_the_plan_period_is_refused(plan, caseworker, day):
    with pytest.raises(ValidationError) as error:
        home_care_visit_record(plan=plan, visited_on=day, services=["daily_care"], acting_user=caseworker)
    assert "不在服务计划期间（2026-03-01 至 2026-08-31）内" in str(error.value)
    assert not plan.visits.exists()


def test_visits_on_the_first_and_last_day_are_recorded_and_priced(plan, caseworker):
    home_care_visit_record(plan=plan, visited_on=date(2026, 3, 1), services=["daily_care"], acting_user=caseworker)
    home_care_visit_record(plan=plan, visited_on=date(2026, 8, 31), services=[], acting_user=caseworker)
    records = ServiceRecord.objects.filter(visit__plan=plan)
    assert records.count() == 2
    assert {r.subsidy for r in records} == {Decimal("80.00")}
    assert plan.visits.get(visited_on=date(2026, 8, 31)).services == ["daily_care", "nursing"]


def test_service_outside_the_plan_is_refused(plan, caseworker):
    with pytest.raises(ValidationError):
        home_care_visit_record(plan=plan, visited_on=date(2026, 3, 2), services=["bathing"], acting_user=caseworker)


def test_missed_visits_by_month(plan, caseworker):
    home_care_visit_record(plan=plan, visited_on=date(2026, 3, 3), services=[], acting_user=caseworker)
    home_care_visit_record(plan=plan, visited_on=date(2026, 3, 17), services=[], acting_user=caseworker)
    home_care_visit_record(plan=plan, visited_on=date(2026, 4, 8), services=[], acting_user=caseworker)
    rows = {r["month"]: r for r in plan_month_rows(plan=plan, today=date(2026, 6, 15))}
    assert rows[date(2026, 3, 1)]["missed"] == 0
    assert rows[date(2026, 4, 1)]["missed"] == 1
    assert rows[date(2026, 5, 1)]["missed"] == 2
    assert rows[date(2026, 6, 1)]["finished"] is False and rows[date(2026, 6, 1)]["missed"] == 0
    missed = plans_with_missed_visits(plans=plan_list_for_user(user=caseworker), today=date(2026, 5, 3))
    assert list(missed) == [plan]  # April: 1 visit of 2
    assert not plans_with_missed_visits(
        plans=HomeCarePlan.objects.all(), today=date(2026, 4, 3)
    ).exists()  # March: 2 of 2
