"""The first month of an enrollment is judged on the application date (自递交申请当月计发); an enrollment without
one (imported) on the first day of its first month, as every later month."""

from datetime import date
from decimal import Decimal

import pytest

from fedportal.accounts.models import Role
from subsidies.models import Enrollment, EnrollmentStatus
from subsidies.selectors import dynamic_management
from subsidies.services import application_decide, application_submit, application_township_check

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal
NOV = date(2026, 11, 1)


def apply_and_approve(person, programs, users, applied_on, code="nursing"):
    application = application_submit(
        person=person, program=programs[code], applied_on=applied_on, acting_user=users[Role.CASEWORKER]
    )
    application_township_check(application=application, acting_user=users[Role.LIAISON])
    application_decide(application=application, acting_user=users[Role.REVIEWER], approve=True)
    return Enrollment.objects.get(person=person, program=programs[code])


def test_certificate_issued_the_day_before_the_application_is_paid_that_month(make_holder, compute, programs, users):
    person = make_holder(grade=1, issue=date(2026, 11, 2))
    enrollment = apply_and_approve(person, programs, users, date(2026, 11, 3))
    assert enrollment.start_month == NOV
    november = compute("nursing", NOV, approve=True)
    assert lines_of(november) == {(person.pk, "2026-11", "current"): D("100.00")}
    assert stops_of(november) == {}
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    # Dynamic management agrees: enrolled, qualifying, neither missing nor excess.
    figures = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=date(2026, 11, 5))
    assert person.pk not in [row["person"].pk for row in figures["qualifying"]]
    assert person.pk not in [row["person"].pk for row in figures["not_qualifying"]]
    # The next month is judged on its first day as usual, and nothing of November is recovered.
    december = compute("nursing", date(2026, 12, 1))
    assert lines_of(december) == {(person.pk, "2026-12", "current"): D("100.00")}


def test_application_on_the_issue_day_is_paid(make_holder, compute, programs, users):
    person = make_holder(grade=1, issue=date(2026, 11, 3))
    apply_and_approve(person, programs, users, date(2026, 11, 3))
    assert lines_of(compute("nursing", NOV)) == {(person.pk, "2026-11", "current"): D("100.00")}


def test_application_before_the_certificate_is_not_paid_for_that_month(make_holder, compute, programs, users):
    person = make_holder(grade=1, issue=date(2026, 11, 3))
    # Submitted on 2 November, the day before the card (approved later, when it qualified): November is not paid.
    application = application_submit(
        person=person, program=programs["nursing"], applied_on=date(2026, 11, 2), acting_user=users[Role.CASEWORKER]
    )
    Enrollment.objects.create(person=person, program=programs["nursing"], start_month=NOV, application=application)
    november = compute("nursing", NOV)
    assert lines_of(november) == {}
    assert stops_of(november) == {person.pk: ["no_certificate"]}


def test_enrollment_without_application_is_judged_on_the_first_day(make_holder, enroll, compute, programs):
    person = make_holder(grade=1, issue=date(2026, 11, 2))
    enroll(person, "nursing", start=NOV)
    november = compute("nursing", NOV)
    assert lines_of(november) == {}
    assert stops_of(november) == {person.pk: ["no_certificate"]}
    on_first = make_holder(grade=1, issue=date(2026, 11, 1))
    enroll(on_first, "nursing", start=NOV)
    assert (on_first.pk, "2026-11", "current") in lines_of(compute("nursing", NOV))


def test_first_month_as_back_pay_is_judged_on_the_application_date(make_holder, compute, programs, users):
    person = make_holder(grade=1, issue=date(2026, 10, 2))
    apply_and_approve(person, programs, users, date(2026, 10, 20))
    # The first run after approval is November's: October is back pay, judged on 20 October.
    assert lines_of(compute("nursing", NOV)) == {
        (person.pk, "2026-10", "backpay"): D("100.00"),
        (person.pk, "2026-11", "current"): D("100.00"),
    }


def test_first_month_paid_is_not_recovered_later(make_holder, compute, programs, users):
    person = make_holder(grade=1, issue=date(2026, 10, 2))
    apply_and_approve(person, programs, users, date(2026, 10, 3))
    compute("nursing", date(2026, 10, 1), approve=True)
    compute("nursing", NOV, approve=True)
    # A poverty event in the window makes the person a recovery candidate; October still stands.
    from cases.models import PovertyRecord

    PovertyRecord.objects.create(person=person, status="marginal", start_date=date(2026, 11, 15))
    december = compute("nursing", date(2026, 12, 1))
    assert lines_of(december, "recovery") == {}


def test_dynamic_management_early_in_the_first_month_agrees_with_the_run(make_holder, programs, users):
    person = make_holder(grade=1, issue=date(2026, 11, 2))
    apply_and_approve(person, programs, users, date(2026, 11, 3))
    # On 1 November the card did not exist yet, but November is judged on the application date: not excess.
    figures = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=NOV)
    assert person.pk not in [row["person"].pk for row in figures["not_qualifying"]]
    # A month later the ordinary first-day rule applies again (and holds).
    figures = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=date(2026, 12, 1))
    assert person.pk not in [row["person"].pk for row in figures["not_qualifying"]]
    # An enrollment without an application is judged on the day asked.
    other = make_holder(grade=1, issue=date(2026, 11, 2))
    Enrollment.objects.create(person=other, program=programs["nursing"], start_month=NOV)
    figures = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=NOV)
    assert other.pk in [row["person"].pk for row in figures["not_qualifying"]]
