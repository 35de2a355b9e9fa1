"""Payment runs: current month, back pay, 已发放至, stops, recoveries, rates by month, maker-checker, one approved
run per period, idempotent recompute, yearly programs."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from subsidies.models import EnrollmentStatus, PaymentRun, ProgramParameter, ProgramRate, RunStatus
from subsidies.services import payment_run_approve, payment_run_create
from tests.factories import HouseholdFactory

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal


def test_current_month_line(make_holder, enroll, compute):
    one, two = make_holder(grade=1), make_holder(grade=2)
    enroll(one, "nursing"), enroll(two, "nursing")
    run = compute("nursing", date(2026, 1, 1))
    assert lines_of(run) == {(one.pk, "2026-01", "current"): D("100.00"), (two.pk, "2026-01", "current"): D("80.00")}
    assert run.lines_count == 2 and run.total == D("180.00") and run.status == RunStatus.DRAFT


def test_rate_change_at_a_year_boundary(make_holder, enroll, compute, programs):
    person = make_holder(grade=2)
    enroll(person, "nursing", start=date(2026, 12, 1))
    ProgramRate.objects.create(
        program=programs["nursing"], tier="grade2", effective_from=date(2027, 1, 1), amount=D("90")
    )
    december = compute("nursing", date(2026, 12, 1), approve=True)
    january = compute("nursing", date(2027, 1, 1))
    assert lines_of(december) == {(person.pk, "2026-12", "current"): D("80.00")}
    assert lines_of(january) == {(person.pk, "2027-01", "current"): D("90.00")}


def test_back_pay_across_a_rate_change(make_holder, enroll, compute, programs):
    person = make_holder(grade=2)
    enroll(person, "nursing", start=date(2026, 11, 1))
    ProgramRate.objects.create(
        program=programs["nursing"], tier="grade2", effective_from=date(2027, 1, 1), amount=D("90")
    )
    run = compute("nursing", date(2027, 2, 1))
    assert lines_of(run) == {
        (person.pk, "2026-11", "backpay"): D("80.00"),
        (person.pk, "2026-12", "backpay"): D("80.00"),
        (person.pk, "2027-01", "backpay"): D("90.00"),
        (person.pk, "2027-02", "current"): D("90.00"),
    }
    assert run.backpay_count == 3 and run.backpay_total == D("250.00") and run.total == D("340.00")


def test_paid_through_stops_back_pay(make_holder, enroll, compute):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2025, 6, 1), paid_through=date(2026, 1, 1))
    run = compute("nursing", date(2026, 3, 1))
    assert lines_of(run) == {
        (person.pk, "2026-02", "backpay"): D("100.00"),
        (person.pk, "2026-03", "current"): D("100.00"),
    }


def test_paid_through_at_or_after_the_period_pays_nothing(make_holder, enroll, compute):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2025, 6, 1), paid_through=date(2026, 3, 1))
    assert lines_of(compute("nursing", date(2026, 3, 1))) == {}


def test_back_pay_reaches_at_most_twelve_months(make_holder, enroll, compute):
    person = make_holder(grade=1, issue=date(2020, 1, 1))
    enroll(person, "nursing", start=date(2024, 1, 1))
    run = compute("nursing", date(2026, 6, 1))
    months = sorted(month for _p, month, kind in lines_of(run, "backpay"))
    assert months[0] == "2025-06" and months[-1] == "2026-05" and len(months) == 12
    assert run.lines_count == 13


def test_back_pay_limit_is_configurable(make_holder, enroll, compute, programs):
    person = make_holder(grade=1, issue=date(2020, 1, 1))
    enroll(person, "nursing", start=date(2024, 1, 1))
    ProgramParameter.objects.create(
        program=programs["nursing"], key="backpay_months", effective_from=date(2026, 1, 1), value=3
    )
    run = compute("nursing", date(2026, 6, 1))
    assert sorted(m for _p, m, _k in lines_of(run, "backpay")) == ["2026-03", "2026-04", "2026-05"]


def test_back_pay_never_repays_a_month_of_an_approved_run(make_holder, enroll, compute):
    early, late = make_holder(grade=1), make_holder(grade=2)
    enroll(early, "nursing", start=date(2026, 1, 1))
    compute("nursing", date(2026, 1, 1), approve=True)
    # Enrolled late with a January start: January is back pay for them, never again for the first one.
    enroll(late, "nursing", start=date(2026, 1, 1))
    february = compute("nursing", date(2026, 2, 1))
    assert lines_of(february) == {
        (early.pk, "2026-02", "current"): D("100.00"),
        (late.pk, "2026-01", "backpay"): D("80.00"),
        (late.pk, "2026-02", "current"): D("80.00"),
    }


def test_back_pay_only_for_eligible_months(make_holder, enroll, compute):
    # Certificate issued mid-December: December is not eligible (judged on the 1st), January is.
    person = make_holder(grade=1, issue=date(2025, 12, 15))
    enroll(person, "nursing", start=date(2025, 11, 1))
    run = compute("nursing", date(2026, 2, 1))
    assert sorted(m for _p, m, _k in lines_of(run)) == ["2026-01", "2026-02"]


@pytest.mark.parametrize(
    ("death", "paid_april"), [(date(2026, 4, 1), True), (date(2026, 4, 2), True), (date(2026, 3, 31), False)]
)
def test_death_edges_in_a_run(make_holder, enroll, compute, death, paid_april):
    person = make_holder(grade=1, death_date=death)
    enroll(person, "nursing", start=date(2026, 4, 1))
    april = compute("nursing", date(2026, 4, 1), approve=True)
    assert bool(lines_of(april)) is paid_april
    if not paid_april:
        assert stops_of(april) == {person.pk: ["death"]}
        return
    may = compute("nursing", date(2026, 5, 1))
    assert lines_of(may) == {}
    assert stops_of(may) == {person.pk: ["death"]}


def test_stop_with_reason_and_approval_suspends_the_enrollment(make_holder, enroll, compute):
    person = make_holder(grade=1, expiry=date(2026, 1, 31))
    enrollment = enroll(person, "nursing", start=date(2026, 1, 1))
    compute("nursing", date(2026, 1, 1), approve=True)
    february = compute("nursing", date(2026, 2, 1))
    assert stops_of(february) == {person.pk: ["cert_expired"]}
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    payment_run_approve(run=february, acting_user=february.approved_by or _other(february))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.SUSPENDED
    assert "证件过期" in enrollment.status_reason


def _other(run):
    from fedportal.accounts.models import User

    return User.objects.exclude(pk=run.created_by_id).get(username="finance2")


def test_recovery_after_a_late_recorded_death(make_holder, enroll, compute):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2026, 1, 1))
    for month in (1, 2, 3):
        compute("nursing", date(2026, month, 1), approve=True)
    # The death on 20 January is recorded only in April: February and March were paid wrongly.
    person.death_date = date(2026, 1, 20)
    person.save()
    april = compute("nursing", date(2026, 4, 1))
    assert lines_of(april) == {
        (person.pk, "2026-02", "recovery"): D("100.00"),
        (person.pk, "2026-03", "recovery"): D("100.00"),
    }
    assert april.lines_count == 0 and april.recovery_total == D("200.00")
    assert stops_of(april) == {person.pk: ["death"]}
    assert april.lines.get(month=date(2026, 2, 1)).reasons == "death"
    # Once the recovery is approved, the next run does not recover the same months again.
    payment_run_approve(run=april, acting_user=_other(april))
    may = compute("nursing", date(2026, 5, 1))
    assert lines_of(may, "recovery") == {}


def test_same_period_approved_twice_is_refused(make_holder, enroll, compute, programs, finance):
    enroll(make_holder(grade=1), "nursing")
    january = compute("nursing", date(2026, 1, 1), approve=True)
    with pytest.raises(ValidationError):
        payment_run_create(program=programs["nursing"], period=date(2026, 1, 1), acting_user=finance)
    # The database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.create(
            program=programs["nursing"],
            period=date(2026, 1, 1),
            as_of=date(2026, 1, 1),
            status=RunStatus.APPROVED,
            created_by=january.created_by,
            approved_by=january.approved_by,
        )


def test_creator_cannot_approve_their_own_run(make_holder, enroll, compute, finance):
    enroll(make_holder(grade=1), "nursing")
    run = compute("nursing", date(2026, 1, 1))
    with pytest.raises(ValidationError, match="制表人"):
        payment_run_approve(run=run, acting_user=finance)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.filter(pk=run.pk).update(status=RunStatus.APPROVED, approved_by=finance)


def test_recompute_is_idempotent(make_holder, enroll, compute):
    persons = [make_holder(grade=1 + i % 3) for i in range(6)]
    for person in persons:
        enroll(person, "nursing", start=date(2025, 11, 1))
    first = compute("nursing", date(2026, 1, 1))
    before = lines_of(first)
    again = compute("nursing", date(2026, 1, 1))
    assert again.pk == first.pk
    assert lines_of(again) == before
    assert again.lines.count() == len(before) == 12


def test_living_run_follows_poverty_history(make_holder, enroll, compute):
    person = make_holder(poverty="dibao", poverty_start=date(2025, 1, 1), poverty_end=date(2026, 1, 20))
    enroll(person, "living", start=date(2025, 12, 1))
    run = compute("living", date(2026, 2, 1))
    assert lines_of(run) == {
        (person.pk, "2025-12", "backpay"): D("80.00"),
        (person.pk, "2026-01", "backpay"): D("80.00"),
    }
    assert stops_of(run) == {person.pk: ["not_dibao"]}


def test_enrollment_starting_after_the_period_is_ignored(make_holder, enroll, compute):
    enroll(make_holder(grade=1), "nursing", start=date(2026, 3, 1))
    run = compute("nursing", date(2026, 2, 1))
    assert lines_of(run) == {} and stops_of(run) == {}


def test_education_yearly_run(make_holder, enroll, compute):
    student, graduate = make_holder(education_stage="college"), make_holder(education_stage="none")
    enroll(student, "education", start=date(2026, 9, 1))
    enroll(graduate, "education", start=date(2026, 9, 1))
    run = compute("education", date(2026, 1, 1))
    assert run.as_of == date(2026, 12, 1)
    assert lines_of(run) == {(student.pk, "2026-01", "current"): D("2000.00")}
    assert stops_of(run) == {graduate.pk: ["not_student"]}
    assert run.period_label == "2026"


def test_multi_yearly_run_is_automatic(make_holder, compute, village):
    household = HouseholdFactory(village=village)
    first, second = make_holder(household=household), make_holder(household=household)
    make_holder(household=HouseholdFactory(village=village))
    run2026 = compute("multi", date(2026, 1, 1), approve=True)
    assert lines_of(run2026) == {
        (first.pk, "2026-01", "current"): D("500.00"),
        (second.pk, "2026-01", "current"): D("500.00"),
    }
    second.death_date = date(2027, 5, 1)
    second.save()
    run2027 = compute("multi", date(2027, 1, 1))
    assert lines_of(run2027) == {}
    assert stops_of(run2027) == {first.pk: ["not_multi_household"], second.pk: ["death", "not_multi_household"]}


def test_period_must_be_the_first_day(programs, finance):
    with pytest.raises(ValidationError):
        payment_run_create(program=programs["nursing"], period=date(2026, 1, 2), acting_user=finance)
    with pytest.raises(ValidationError):
        payment_run_create(program=programs["multi"], period=date(2026, 2, 1), acting_user=finance)
