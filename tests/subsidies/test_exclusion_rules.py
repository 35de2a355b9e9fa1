"""Exclusions (cases.PersonExclusion) in the eligibility check and in payment runs: each kind stops the programs it
should, with its own reason, judged on the day like every other fact."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import ExclusionKind
from cases.services import exclusion_end, exclusion_record
from subsidies.models import EnrollmentStatus
from subsidies.rules import eligibility_codes, eligibility_reasons

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal
DAY = date(2026, 3, 1)


def exclude(person, user, kind, start=date(2026, 2, 15), end=None, program_code=""):
    return exclusion_record(
        person=person,
        kind=kind,
        start_date=start,
        end_date=end,
        source="测试依据",
        program_code=program_code,
        acting_user=user,
    )


# kind -> (reason code, the programs it stops among living / nursing / education)
EXPECTED = {
    ExclusionKind.WORK_INJURY: ("work_injury_care", {"nursing"}),
    ExclusionKind.ORPHAN: ("orphan_support", {"living"}),
    ExclusionKind.PRISON: ("prison", {"living", "nursing", "education"}),
    ExclusionKind.FRAUD: ("fraud", {"living", "nursing", "education"}),
    ExclusionKind.REVIEW_FAILED: ("review_failed", {"living", "nursing"}),
    ExclusionKind.REVIEW_MISSED: ("review_missed", {"living", "nursing"}),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_kind_stops_its_programs_with_its_reason(make_holder, programs, caseworker, kind):
    person = make_holder(grade=1, poverty="dibao", education_stage="college")
    exclude(person, caseworker, kind)
    reason, stopped = EXPECTED[kind]
    for code in ("living", "nursing", "education"):
        codes, _tier = eligibility_codes(code, [person.pk], DAY)[person.pk]
        assert (codes == [reason]) is (code in stopped), (code, codes)
        if code not in stopped:
            assert codes == []


def test_similar_stops_only_the_program_it_names(make_holder, programs, caseworker):
    person = make_holder(grade=1, poverty="dibao")
    exclude(person, caseworker, ExclusionKind.SIMILAR, program_code="nursing")
    assert eligibility_reasons("nursing", [person.pk], DAY)[person.pk] == ["择高享受同类补贴"]
    assert eligibility_reasons("living", [person.pk], DAY)[person.pk] == []


def test_judged_on_the_day_at_both_ends(make_holder, programs, caseworker):
    person = make_holder(grade=1)
    exclude(person, caseworker, ExclusionKind.PRISON, start=date(2026, 3, 1), end=date(2026, 4, 30))
    judged = lambda day: eligibility_reasons("nursing", [person.pk], day)[person.pk]  # noqa: E731
    assert judged(date(2026, 2, 28)) == []
    assert judged(date(2026, 3, 1)) == ["服刑暂停"]
    assert judged(date(2026, 4, 30)) == ["服刑暂停"]
    assert judged(date(2026, 5, 1)) == []


def test_several_exclusions_give_several_reasons(make_holder, programs, caseworker):
    person = make_holder(grade=1)
    exclude(person, caseworker, ExclusionKind.WORK_INJURY)
    exclude(person, caseworker, ExclusionKind.FRAUD)
    assert eligibility_reasons("nursing", [person.pk], DAY)[person.pk] == ["领取工伤保险生活护理费", "骗取补贴"]


def test_run_stops_with_the_exclusion_reason(make_holder, enroll, compute, programs, caseworker):
    person, other = make_holder(grade=1), make_holder(grade=2)
    enroll(person, "nursing", start=date(2026, 2, 1)), enroll(other, "nursing", start=date(2026, 2, 1))
    # Starts 15 February: February is paid (judged on 1 February), March is not.
    exclude(person, caseworker, ExclusionKind.WORK_INJURY, start=date(2026, 2, 15))
    february = compute("nursing", date(2026, 2, 1), approve=True)
    assert (person.pk, "2026-02", "current") in lines_of(february)
    march = compute("nursing", date(2026, 3, 1))
    assert lines_of(march) == {(other.pk, "2026-03", "current"): D("80.00")}
    assert stops_of(march) == {person.pk: ["work_injury_care"]}


def test_exclusion_recorded_late_is_recovered(make_holder, enroll, compute, programs, caseworker):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2026, 1, 1))
    for month in (1, 2, 3):
        compute("nursing", date(2026, month, 1), approve=True)
    # A fraud found in April, dated from 10 January: February and March are recovered.
    exclude(person, caseworker, ExclusionKind.FRAUD, start=date(2026, 1, 10))
    april = compute("nursing", date(2026, 4, 1))
    assert lines_of(april) == {
        (person.pk, "2026-02", "recovery"): D("100.00"),
        (person.pk, "2026-03", "recovery"): D("100.00"),
    }
    assert april.lines.get(month=date(2026, 2, 1)).reasons == "fraud"
    assert stops_of(april) == {person.pk: ["fraud"]}


def test_approval_suspends_with_the_exclusion_reason(make_holder, enroll, compute, programs, caseworker):
    person = make_holder(grade=1, poverty="dibao")
    enrollment = enroll(person, "living")
    exclude(person, caseworker, ExclusionKind.ORPHAN, start=date(2026, 1, 1))
    compute("living", date(2026, 2, 1), approve=True)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.SUSPENDED
    assert "享受孤儿基本生活保障" in enrollment.status_reason


def test_ended_exclusion_allows_back_pay_of_the_months_after(make_holder, enroll, compute, programs, caseworker):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2026, 1, 1))
    exclusion = exclude(person, caseworker, ExclusionKind.PRISON, start=date(2026, 1, 1))
    exclusion_end(exclusion=exclusion, end_date=date(2026, 2, 20), acting_user=caseworker)
    april = compute("nursing", date(2026, 4, 1))
    # January and February were in force on their first day; March is back pay, April current.
    assert lines_of(april) == {
        (person.pk, "2026-03", "backpay"): D("100.00"),
        (person.pk, "2026-04", "current"): D("100.00"),
    }


def test_exclusion_that_ended_before_the_period_is_still_recovered(make_holder, enroll, compute, programs, caseworker):
    person = make_holder(grade=1)
    enroll(person, "nursing", start=date(2026, 1, 1))
    for month in (1, 2, 3, 4):
        compute("nursing", date(2026, month, 1), approve=True)
    # A prison sentence from 10 January to 20 March, recorded in May: February and March are recovered, May is paid.
    exclude(person, caseworker, ExclusionKind.PRISON, start=date(2026, 1, 10), end=date(2026, 3, 20))
    may = compute("nursing", date(2026, 5, 1))
    assert lines_of(may) == {
        (person.pk, "2026-02", "recovery"): D("100.00"),
        (person.pk, "2026-03", "recovery"): D("100.00"),
        (person.pk, "2026-05", "current"): D("100.00"),
    }
    assert stops_of(may) == {}
