"""Fixtures of the subsidies tests: the four programs, certificate holders with a poverty history, enrollments and
runs computed in-process (the job handler called directly; the Celery path has its own worker test)."""

from datetime import date

import pytest

from cases.models import Person
from fedportal.accounts.models import Role
from fedportal.jobs.services import job_execute
from subsidies.eligibility import enrolled_eligibility_codes
from subsidies.models import Enrollment, EnrollmentStatus, PaymentRun
from subsidies.rules import eligibility_codes
from subsidies.services import payment_run_approve, payment_run_create
from tests.factories import HolderFactory


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE, "finance")


@pytest.fixture
def finance2(make_user):
    return make_user(Role.FINANCE, "finance2")


@pytest.fixture
def make_holder(village):
    """A person holding one certificate, with an optional poverty record (HolderFactory with this file's defaults)."""

    def make(
        *,
        grade=2,
        category=4,
        issue=date(2020, 1, 1),
        expiry=None,
        generation=3,
        poverty=None,
        poverty_start=date(2015, 1, 1),
        poverty_end=None,
        certificate=True,
        village_=None,
        **person_fields,
    ):
        return HolderFactory(
            village=village_ or village,
            grade=grade,
            category=category,
            issue=issue,
            expiry=expiry,
            generation=generation,
            poverty=poverty,
            poverty_start=poverty_start,
            poverty_end=poverty_end,
            certificate=certificate,
            **person_fields,
        )

    return make


@pytest.fixture
def enroll(programs):
    def make(person, code, start=date(2026, 1, 1), paid_through=None, **kw):
        return Enrollment.objects.create(
            person=person, program=programs[code], start_month=start, paid_through=paid_through, **kw
        )

    return make


@pytest.fixture
def compute(programs, finance, finance2):
    """Create (or recompute) and compute a run in-process; optionally approve it as the second finance user."""

    def run(code, period, *, as_of=None, approve=False, user=None, approver=None) -> PaymentRun:
        created = payment_run_create(program=programs[code], period=period, as_of=as_of, acting_user=user or finance)
        job = job_execute(created.job_id)
        assert job.status == "succeeded", job.error
        created.refresh_from_db()
        if approve:
            payment_run_approve(run=created, acting_user=approver or finance2)
            created.refresh_from_db()
        return created

    return run


def lines_of(run, kind=None):
    """{(person_id, 'YYYY-MM', kind): amount} of a run."""
    rows = run.lines.all()
    if kind:
        rows = rows.filter(kind=kind)
    return {(line.person_id, f"{line.month:%Y-%m}", line.kind): line.amount for line in rows}


def stops_of(run):
    return {stop.person_id: stop.reasons.split(",") for stop in run.stops.all()}


def gaps_person_by_person(program, township_id: int, on: date) -> dict:
    """应享未享 / 应退未退 of one program in one township on `on`, counted with the rule's per-person verdicts: every
    living person who is not moved out and not actively enrolled is judged (no candidate condition at all), the
    enrolled as the payment run judges them. The check the gap judge (subsidies/eligibility.py) must pass."""
    in_township = Person.objects.filter(township_id=township_id)
    active = Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE, person__in=in_township)
    enrolled_ids = list(active.values_list("person_id", flat=True))
    others = list(
        in_township.filter(death_date__isnull=True, moved_out_date__isnull=True)
        .exclude(pk__in=enrolled_ids)
        .values_list("pk", flat=True)
    )
    missing = set()
    if not program.automatic:
        missing = {pk for pk, (codes, _tier) in eligibility_codes(program.code, others, on).items() if not codes}
    excess = {pk for pk, (codes, _tier) in enrolled_eligibility_codes(program.code, enrolled_ids, on).items() if codes}
    return {"missing": missing, "excess": excess, "enrolled": len(enrolled_ids)}
