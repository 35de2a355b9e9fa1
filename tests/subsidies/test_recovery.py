"""Recovery (追回) reaches as far back as payments go, for monthly and yearly programs."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.models import PaymentRun, RunStatus
from subsidies.services import payment_run_approve
from tests.factories import HouseholdFactory

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal


def _approve_as_other(run):
    from fedportal.accounts.models import User

    payment_run_approve(run=run, acting_user=User.objects.exclude(pk=run.created_by_id).get(username="finance2"))


def test_monthly_recovery_reaches_beyond_two_years(make_holder, enroll, compute):
    person = make_holder(grade=1, issue=date(2020, 1, 1))
    enroll(person, "nursing", start=date(2023, 1, 1))
    # One approved run pays January 2023; later runs pay the months up to April 2026.
    compute("nursing", date(2023, 1, 1), approve=True)
    for year in (2023, 2024, 2025):
        compute("nursing", date(year, 12, 1), approve=True)  # back pay fills the year (12 months at most)
    for month in range(1, 5):
        compute("nursing", date(2026, month, 1), approve=True)
    assert PaymentRun.objects.filter(status=RunStatus.APPROVED).count() == 8
    # The death on 10 January 2023 is recorded in May 2026: every month from February 2023 is recovered.
    person.death_date = date(2023, 1, 10)
    person.save()
    may = compute("nursing", date(2026, 5, 1))
    recovered = lines_of(may, "recovery")
    assert min(month for _pid, month, _k in recovered) == "2023-02"
    assert len(recovered) == 39  # February 2023 .. April 2026
    assert may.recovery_total == D("3900.00")
    assert stops_of(may) == {person.pk: ["death"]}


def test_yearly_enrolled_program_is_recovered(make_holder, enroll, compute):
    student = make_holder(grade=2, education_stage="college")
    enroll(student, "education", start=date(2024, 1, 1))
    compute("education", date(2024, 1, 1), approve=True)
    compute("education", date(2025, 1, 1), approve=True)
    # A fraud finding: the card was never valid (cancelled from its issue). Both years are recovered in 2026.
    student.certificates.update(status="cancelled", ended_on=date(2020, 1, 1), end_reason="not_meeting_standard")
    run = compute("education", date(2026, 1, 1))
    assert lines_of(run, "recovery") == {
        (student.pk, "2024-01", "recovery"): D("2000.00"),
        (student.pk, "2025-01", "recovery"): D("2000.00"),
    }
    assert run.recovery_total == D("4000.00")
    assert run.lines.get(kind="recovery", month=date(2024, 1, 1)).reasons == "cert_cancelled,parent_no_certificate"
    # Approved, the recovery is not listed again next year.
    _approve_as_other(run)
    assert lines_of(compute("education", date(2027, 1, 1)), "recovery") == {}


def test_yearly_recovery_is_judged_on_the_as_of_date_of_the_paying_run(make_holder, compute, village):
    household = HouseholdFactory(village=village)
    first = make_holder(household=household)
    second = make_holder(household=household)
    compute("multi", date(2025, 1, 1), as_of=date(2025, 12, 1), approve=True)
    # The second member died on 15 December 2025 (after the as-of date): 2025 stands.
    second.death_date = date(2025, 12, 15)
    second.save()
    run = compute("multi", date(2026, 1, 1), as_of=date(2026, 12, 1))
    assert lines_of(run, "recovery") == {}
    # Recorded as 20 November instead (before the as-of date): both members' 2025 grants are recovered.
    second.death_date = date(2025, 11, 20)
    second.save()
    run = compute("multi", date(2026, 1, 1), as_of=date(2026, 12, 1))
    recovered = {pid for pid, _m, _k in lines_of(run, "recovery")}
    assert recovered == {first.pk, second.pk}
    reasons = {line.person_id: line.reasons for line in run.lines.filter(kind="recovery")}
    assert reasons == {first.pk: "not_multi_household", second.pk: "death,not_multi_household"}
