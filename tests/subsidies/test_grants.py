"""The grants of issue 13 through the subsidies machinery: each rule's eligibility and amount, the 'once' kind's
"never twice" (the ledger's constraint and the application check), and the payment run's lines, including the
contribution subsidies whose sheet pays the insurer."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import Assessment
from fedportal.accounts.models import Role
from subsidies.exports import write_payment_sheet
from subsidies.models import EnrollmentStatus, OncePayment, PaymentLine
from subsidies.rules import eligibility_codes
from subsidies.services import application_decide, application_submit, application_township_check
from tests.factories import make_id_number

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.fixture
def grant(programs, users):
    """Submit, check at the township and approve an application: the machinery's three steps."""

    def apply(person, code, *, applied_on=DAY, **fields):
        application = application_submit(
            person=person, program=programs[code], applied_on=applied_on, acting_user=users[Role.CASEWORKER], **fields
        )
        application_township_check(application=application, acting_user=users[Role.LIAISON])
        return application_decide(application=application, acting_user=users[Role.REVIEWER], approve=True)

    return apply


def verdict(code, person, on=DAY):
    return eligibility_codes(code, [person.pk], on)[person.pk]


def born(year, sequence):
    return make_id_number(birth=date(year, 6, 1), sequence=sequence)


def test_fuel_subsidy_limb_only_yearly_260(make_holder, enroll, compute):
    limb, visual = make_holder(category=4, grade=3), make_holder(category=1, grade=1)
    assert verdict("fuel", limb) == ([], "default")
    assert verdict("fuel", visual)[0] == ["not_limb"]
    enroll(limb, "fuel")
    enroll(visual, "fuel")
    run = compute("fuel", date(2026, 1, 1), as_of=date(2026, 12, 1))
    assert lines_of(run) == {(limb.pk, "2026-01", "current"): Decimal("260.00")}
    assert stops_of(run) == {visual.pk: ["not_limb"]}


def test_medication_subsidy_mental_monthly(make_holder, enroll, compute):
    mental, limb = make_holder(category=6, grade=3), make_holder(category=4, grade=3)
    extreme = make_holder(category=6, grade=2, poverty="extreme")
    assert verdict("medication", mental) == ([], "default")
    assert verdict("medication", limb)[0] == ["not_mental"]
    assert verdict("medication", extreme)[0] == ["extreme_poverty"]
    enroll(mental, "medication", start=date(2026, 2, 1))
    run = compute("medication", date(2026, 3, 1))
    assert lines_of(run) == {
        (mental.pk, "2026-03", "current"): Decimal("100.00"),
        (mental.pk, "2026-02", "backpay"): Decimal("100.00"),
    }


def test_assessment_subsidy_per_assessment(make_holder, grant, compute, programs, users):
    assessed = make_holder(certificate=False)
    never = make_holder(certificate=False)
    Assessment.objects.create(
        person=assessed, hospital="县人民医院", assessor="李医生", assessed_on=date(2026, 3, 1), category=4, grade=3
    )
    assert verdict("assessment", assessed) == ([], "default")
    assert verdict("assessment", never)[0] == ["no_assessment"]
    with pytest.raises(ValidationError, match="事由"):
        application_submit(
            person=assessed, program=programs["assessment"], applied_on=DAY, acting_user=users[Role.CASEWORKER]
        )
    first = grant(assessed, "assessment", occasion="评残 2026-03-01")
    run = compute("assessment", date(2026, 3, 1), approve=True)
    assert lines_of(run) == {(assessed.pk, "2026-03", "current"): Decimal("150.00")}
    assert OncePayment.objects.get(person=assessed).event == first.pk
    # A second assessment (a change of grade) is a second event: paid once more, in its own run.
    grant(assessed, "assessment", applied_on=date(2026, 4, 2), occasion="评残 2026-04-01")
    again = compute("assessment", date(2026, 4, 1), approve=True)
    assert lines_of(again) == {(assessed.pk, "2026-04", "current"): Decimal("150.00")}
    assert OncePayment.objects.filter(person=assessed).count() == 2


def test_self_employment_once_per_person(make_holder, grant, compute, programs, users):
    worker = make_holder(id_number=born(1990, 901))
    old = make_holder(id_number=born(1950, 902))
    assert verdict("self_employment", worker) == ([], "default")
    assert verdict("self_employment", old)[0] == ["working_age"]
    application = grant(worker, "self_employment")
    # While it waits to be paid, no second application.
    with pytest.raises(ValidationError, match="待发放"):
        application_submit(
            person=worker, program=programs["self_employment"], applied_on=DAY, acting_user=users[Role.CASEWORKER]
        )
    run = compute("self_employment", date(2026, 3, 1), approve=True)
    assert lines_of(run) == {(worker.pk, "2026-03", "current"): Decimal("5000.00")}
    enrollment = worker.enrollments.get(program=programs["self_employment"])
    assert enrollment.status == EnrollmentStatus.ENDED and enrollment.application_id == application.pk
    # Paid: never a second application, and the next month's run pays nobody.
    with pytest.raises(ValidationError, match="已享受过"):
        application_submit(
            person=worker, program=programs["self_employment"], applied_on=DAY, acting_user=users[Role.CASEWORKER]
        )
    assert lines_of(compute("self_employment", date(2026, 4, 1))) == {}
    # Even reactivated by hand, the run does not pay it again, and the ledger refuses a second row.
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.save()
    assert lines_of(compute("self_employment", date(2026, 5, 1))) == {}
    line = PaymentLine.objects.get(run=run)
    with pytest.raises(IntegrityError), transaction.atomic():
        OncePayment.objects.create(program=programs["self_employment"], person=worker, line=line, paid_on=line.month)


def test_preschool_grant_once_per_child(make_holder, grant, compute):
    child = make_holder(id_number=born(2021, 903), education_stage="preschool")
    pupil = make_holder(id_number=born(2016, 904), education_stage="compulsory")
    assert verdict("preschool", child) == ([], "default")
    assert verdict("preschool", pupil)[0] == ["not_preschool"]
    grant(child, "preschool")
    run = compute("preschool", date(2026, 3, 1), approve=True)
    assert lines_of(run) == {(child.pk, "2026-03", "current"): Decimal("3000.00")}


def test_college_freshman_own_or_parents_certificate(make_holder, grant, compute, village):
    from tests.factories import HouseholdFactory

    household = HouseholdFactory(village=village)
    make_holder(household=household, relation_to_head="head", grade=1)
    child = make_holder(certificate=False, household=household, relation_to_head="child", education_stage="college")
    student = make_holder(education_stage="college")
    nobody = make_holder(certificate=False, education_stage="college")
    assert verdict("freshman", child) == ([], "college_parent")
    assert verdict("freshman", student) == ([], "college_self")
    assert verdict("freshman", nobody)[0] == ["no_certificate"]
    grant(child, "freshman", school="南昌大学")
    grant(student, "freshman", school="江西师范大学")
    run = compute("freshman", date(2026, 3, 1), approve=True)
    assert lines_of(run) == {
        (child.pk, "2026-03", "current"): Decimal("5000.00"),
        (student.pk, "2026-03", "current"): Decimal("5000.00"),
    }


def test_pension_contribution_severe_or_poor_paid_to_the_insurer(make_holder, enroll, compute, programs):
    severe = make_holder(grade=1, id_number=born(1980, 905))
    poor = make_holder(grade=3, poverty="dibao", id_number=born(1981, 906))
    neither = make_holder(grade=3, id_number=born(1982, 907))
    retired = make_holder(grade=1, id_number=born(1950, 908))
    assert verdict("pension", severe) == ([], "severe")
    assert verdict("pension", poor) == ([], "poor")
    assert verdict("pension", neither)[0] == ["not_severe_or_poor"]
    assert verdict("pension", retired)[0] == ["working_age"]
    for person in (severe, poor):
        enroll(person, "pension")
    run = compute("pension", date(2026, 1, 1), approve=True)
    assert lines_of(run) == {
        (severe.pk, "2026-01", "current"): Decimal("100.00"),
        (poor.pk, "2026-01", "current"): Decimal("100.00"),
    }
    program = programs["pension"]
    sheet = io.BytesIO()
    write_payment_sheet(run, sheet)
    rows = list(load_workbook(sheet, read_only=True)["发放明细"].iter_rows(min_row=2, values_only=True))
    # 姓名, 社保卡号, 开户银行 are the insurer's; 备注 says the contribution is paid for the person of the ID number.
    assert {(r[2], r[4], r[5], r[9]) for r in rows[:-1]} == {
        (program.payee_name, program.payee_account, program.payee_bank, "代缴")
    }
    frozen = {(line.payee_name, line.account, line.bank_name, line.id_number) for line in run.lines.all()}
    # The payee is the insurer; the ID number says whose contribution it is.
    assert frozen == {
        (program.payee_name, program.payee_account, program.payee_bank, severe.id_number),
        (program.payee_name, program.payee_account, program.payee_bank, poor.id_number),
    }


def test_medical_contribution_dated_amounts(make_holder, enroll, compute):
    person = make_holder(grade=2)
    enroll(person, "medical", start=date(2024, 1, 1))
    assert lines_of(compute("medical", date(2024, 1, 1), as_of=date(2024, 12, 1))) == {
        (person.pk, "2024-01", "current"): Decimal("380.00")
    }
    assert lines_of(compute("medical", date(2025, 1, 1), as_of=date(2025, 12, 1))) == {
        (person.pk, "2025-01", "current"): Decimal("400.00")
    }


def test_holiday_relief_once_per_occasion(make_holder, grant, compute, programs):
    person = make_holder(poverty="dibao")
    grant(person, "holiday", applied_on=date(2026, 1, 20), occasion="2026年春节慰问")
    spring = compute("holiday", date(2026, 1, 1), approve=True)
    assert lines_of(spring) == {(person.pk, "2026-01", "current"): Decimal("500.00")}
    assert spring.lines.get().kind == "current"
    # The next occasion's list pays the same person again, once.
    grant(person, "holiday", applied_on=date(2026, 5, 15), occasion="2026年助残日慰问")
    may = compute("holiday", date(2026, 5, 1), approve=True)
    assert lines_of(may) == {(person.pk, "2026-05", "current"): Decimal("500.00")}
    assert lines_of(compute("holiday", date(2026, 6, 1))) == {}
    assert OncePayment.objects.filter(person=person, program=programs["holiday"]).count() == 2


def test_paid_once_shows_as_a_reason_and_the_form_asks_for_the_occasion(client, make_holder, grant, compute, users):
    from subsidies.services import application_eligibility

    worker = make_holder(id_number=born(1991, 909))
    application = grant(worker, "self_employment")
    compute("self_employment", date(2026, 3, 1), approve=True)
    assert application_eligibility(application) == ["已享受过该一次性补贴"]
    client.force_login(users[Role.CASEWORKER])
    url = reverse("subsidies:application_create")
    holiday = client.get(url, {"person": worker.pk, "program": "holiday"}).content.decode()
    assert 'name="occasion"' in holiday and 'name="school"' not in holiday
    freshman = client.get(url, {"person": worker.pk, "program": "freshman"}).content.decode()
    assert 'name="school"' in freshman and 'name="occasion"' not in freshman


def test_holiday_relief_by_the_occasions_list(make_holder, compute, programs, caseworker):
    """A list for the occasion (the enrollments roster's rows, 起始年月 the occasion's month): each list pays once."""
    from subsidies.services import enrollment_bulk_upsert

    first, second = make_holder(poverty="dibao"), make_holder(grade=1)

    def occasion(month, persons):
        enrollment_bulk_upsert(
            rows=[
                {"person_id": p.pk, "program_code": "holiday", "start_month": month, "paid_through": None, "note": ""}
                for p in persons
            ],
            acting_user=caseworker,
        )

    occasion(date(2026, 1, 1), [first, second])
    assert len(lines_of(compute("holiday", date(2026, 1, 1), approve=True))) == 2
    occasion(date(2026, 1, 1), [first])  # the same list again: already paid
    assert lines_of(compute("holiday", date(2026, 2, 1))) == {}
    occasion(date(2026, 5, 1), [first])  # 助残日: a new occasion
    assert lines_of(compute("holiday", date(2026, 5, 1), approve=True)) == {
        (first.pk, "2026-05", "current"): Decimal("500.00")
    }
    assert OncePayment.objects.filter(program=programs["holiday"], person=first).count() == 2
