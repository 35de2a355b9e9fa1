"""Back pay of a monthly run: earlier unpaid months are judged for whoever qualifies in the period and for the
persons whose facts changed inside the back-pay window; everyone else did not qualify then either. A parameter
change inside the window, or a rule that reads the age, makes every enrollment's earlier months judged."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.models import ProgramParameter
from subsidies.rules import rule_for
from tests.factories import HouseholdFactory

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal
NOV = date(2026, 11, 1)


def test_months_before_a_certificate_expired_are_paid_back(make_holder, enroll, compute):
    person = make_holder(grade=1, issue=date(2020, 1, 1), expiry=date(2026, 9, 30))
    enroll(person, "nursing", start=date(2026, 6, 1))
    run = compute("nursing", NOV)
    assert stops_of(run) == {person.pk: ["cert_expired"]}
    assert lines_of(run) == {
        (person.pk, month, "backpay"): D("100.00") for month in ("2026-06", "2026-07", "2026-08", "2026-09")
    }


def test_a_qualifying_person_gets_every_unpaid_earlier_month(make_holder, enroll, compute):
    person = make_holder(grade=2)
    enroll(person, "nursing", start=date(2026, 8, 1))
    compute("nursing", date(2026, 8, 1), approve=True)
    # No run of September or October was approved: both are owed, found on the ledger of paid months.
    run = compute("nursing", NOV)
    assert lines_of(run) == {
        (person.pk, "2026-09", "backpay"): D("80.00"),
        (person.pk, "2026-10", "backpay"): D("80.00"),
        (person.pk, "2026-11", "current"): D("80.00"),
    }


def test_paid_months_are_not_paid_again_and_the_ledger_gap_is_found(make_holder, enroll, compute):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2026, 8, 1))
    compute("nursing", date(2026, 8, 1), approve=True)
    compute("nursing", date(2026, 10, 1), approve=True)  # pays September back and October
    run = compute("nursing", NOV)
    assert lines_of(run) == {(person.pk, "2026-11", "current"): D("100.00")}


def test_someone_who_never_qualified_gets_a_stop_and_nothing_else(make_holder, enroll, compute):
    person = make_holder(grade=3, category=4)
    enroll(person, "nursing", start=date(2026, 6, 1))
    run = compute("nursing", NOV)
    assert stops_of(run) == {person.pk: ["grade"]}
    assert lines_of(run) == {}


def test_a_parameter_change_in_the_window_judges_every_earlier_month(make_holder, enroll, compute, programs):
    """The grade-3 mental extension ran from January to September: a grade-3 mental person enrolled from July does
    not qualify in November, with no event of their own, but July to September are owed."""
    nursing = programs["nursing"]
    ProgramParameter.objects.create(
        program=nursing, key="extend_grade3_mental", effective_from=date(2026, 1, 1), value=1
    )
    ProgramParameter.objects.create(
        program=nursing, key="extend_grade3_mental", effective_from=date(2026, 10, 1), value=0
    )
    person = make_holder(grade=3, category=6)
    enroll(person, "nursing", start=date(2026, 7, 1))
    run = compute("nursing", NOV)
    assert stops_of(run) == {person.pk: ["grade"]}
    assert lines_of(run) == {(person.pk, month, "backpay"): D("50.00") for month in ("2026-07", "2026-08", "2026-09")}


def test_a_household_heads_poverty_ending_in_the_window_makes_the_member_a_candidate(
    make_holder, enroll, compute, village
):
    """Living allowance through the head's 低保, which ended in September: the member's own record has no event."""
    household = HouseholdFactory(village=village)
    make_holder(
        household=household, relation_to_head="head", certificate=False, poverty="dibao", poverty_end=date(2026, 9, 30)
    )
    member = make_holder(grade=2, household=household, relation_to_head="child")
    enroll(member, "living", start=date(2026, 8, 1))
    run = compute("living", NOV)
    assert stops_of(run) == {member.pk: ["not_dibao"]}
    assert set(lines_of(run)) == {(member.pk, "2026-08", "backpay"), (member.pk, "2026-09", "backpay")}


def test_rules_reading_the_birth_date_are_judged_every_month():
    assert rule_for("pension").uses_age and rule_for("self_employment").uses_age
    assert not any(rule_for(code).uses_age for code in ("living", "nursing", "medication"))
