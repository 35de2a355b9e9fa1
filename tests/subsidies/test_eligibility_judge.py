"""One gap judge (subsidies/eligibility.py): the dashboard's 应享未享 / 应退未退 figures and the dynamic-management page
count the same persons, per program and township, and both equal a check person by person with the rule's own
verdicts (eligibility_codes for everyone living who is not enrolled, enrolled_eligibility_codes for the enrolled)."""

from datetime import date

import pytest
from django.db import connection

from dashboards.statistics import enrollment_gaps
from fedportal.accounts.models import Role
from subsidies.eligibility import program_gap_counts, program_gap_persons
from subsidies.models import Enrollment, EnrollmentStatus, Program
from subsidies.rules import Rule, registered_codes, rule_for
from subsidies.selectors import dynamic_management
from subsidies.services import application_decide, application_submit, application_township_check
from tests.factories import HouseholdFactory

from .conftest import gaps_person_by_person

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 5)


def apply_and_approve(person, program, users, applied_on):
    application = application_submit(
        person=person, program=program, applied_on=applied_on, acting_user=users[Role.CASEWORKER]
    )
    application_township_check(application=application, acting_user=users[Role.LIAISON])
    application_decide(application=application, acting_user=users[Role.REVIEWER], approve=True)
    return Enrollment.objects.get(person=person, program=program)


@pytest.fixture
def world(make_holder, enroll, programs, users, village, other_village):
    """Township A (village) and B (other_village), with the edge cases of the judge."""
    w = {}
    # An education student without a card whose parent holds one (a candidate through the parent), and a student
    # with neither (a candidate who does not qualify).
    household = HouseholdFactory(village=village)
    make_holder(household=household, relation_to_head="head", grade=3)
    w["student"] = make_holder(
        household=household, relation_to_head="child", education_stage="college", certificate=False
    )
    w["lone_student"] = make_holder(education_stage="compulsory", certificate=False, village_=other_village)
    # Enrolled in its first month: the card came on 7 November, the application on the 8th, after the day asked.
    w["first_month"] = make_holder(grade=1, issue=date(2026, 11, 7))
    apply_and_approve(w["first_month"], programs["nursing"], users, date(2026, 11, 8))
    # The same card and month without an application: judged on the day asked, so excess.
    w["imported"] = make_holder(grade=1, issue=date(2026, 11, 7), village_=other_village)
    enroll(w["imported"], "nursing", start=date(2026, 11, 1))
    # Enrolled and died: excess (应退尽退), though no longer a candidate.
    w["died"] = make_holder(grade=1, death_date=date(2026, 10, 20))
    enroll(w["died"], "nursing")
    # Enrolled and moved out of the county: excess.
    w["moved"] = make_holder(grade=2, poverty="dibao", moved_out_date=date(2026, 10, 1), village_=other_village)
    enroll(w["moved"], "living")
    # An expired card: not a candidate, and not missing; enrolled with one: excess.
    w["expired"] = make_holder(grade=1, issue=date(2014, 1, 1), expiry=date(2024, 1, 1))
    w["expired_enrolled"] = make_holder(grade=1, issue=date(2014, 1, 1), expiry=date(2024, 1, 1))
    enroll(w["expired_enrolled"], "nursing")
    # Plain cases: enrolled and qualifying (kept), qualifying and not enrolled (missing), a suspended enrollment
    # (not active: a candidate again).
    w["kept"] = make_holder(grade=1, poverty="dibao")
    enroll(w["kept"], "nursing")
    enroll(w["kept"], "living")
    w["missing"] = make_holder(grade=2, poverty="dibao", village_=other_village)
    w["suspended"] = make_holder(grade=1, village_=other_village)
    enroll(w["suspended"], "nursing", status=EnrollmentStatus.SUSPENDED)
    w["mental"] = make_holder(grade=3, category=6)
    w["not_living_dibao"] = make_holder(grade=2)
    enroll(w["not_living_dibao"], "living")
    # Two 2nd/3rd-generation holders of one register (一户多残, automatic): enrolled ones are judged, no missing half.
    multi = HouseholdFactory(village=other_village)
    w["multi"] = make_holder(household=multi, relation_to_head="head", grade=4)
    make_holder(household=multi, relation_to_head="spouse", grade=4)
    enroll(w["multi"], "multi")
    # An assessed person without a card (the assessment subsidy needs none).
    from certificates.models import Assessment

    w["assessed"] = make_holder(certificate=False)
    Assessment.objects.create(
        person=w["assessed"], hospital="县医院", assessor="医师", assessed_on=date(2026, 10, 1), category=4, grade=2
    )
    return w


def test_every_program_and_township_the_dashboard_the_page_and_the_rule_agree(world, programs, users, township):
    from cases.models import Township

    dashboard = {p["code"]: {t["township_id"]: t for t in p["townships"]} for p in enrollment_gaps(on=ON)["programs"]}
    assert set(dashboard) == {"living", "nursing", "medication"}
    compared = 0
    for program in Program.objects.filter(is_active=True):
        for township_id in Township.objects.values_list("pk", flat=True):
            expected = gaps_person_by_person(program, township_id, ON)
            counts = {"missing": len(expected["missing"]), "excess": len(expected["excess"])}
            counts["enrolled"] = expected["enrolled"]
            judged = program_gap_counts(program=program, on=ON, township_id=township_id).get(
                township_id, {"missing": 0, "excess": 0, "enrolled": 0}
            )
            assert judged == counts, (program.code, township_id)
            if program.code in dashboard:
                row = dashboard[program.code][township_id]
                assert {k: row[k] for k in counts} == counts, (program.code, township_id)
            page = dynamic_management(
                user=users[Role.ADMIN], program=program, on=ON, township_id=township_id, limit=1000
            )
            assert (page["qualifying_count"], page["not_qualifying_count"]) == (counts["missing"], counts["excess"])
            assert {row["person"].pk for row in page["qualifying"]} == expected["missing"], program.code
            assert {row["person"].pk for row in page["not_qualifying"]} == expected["excess"], program.code
            compared += 1
    assert compared == 2 * Program.objects.filter(is_active=True).count()
    # The county-wide figures are the townships' sums.
    county = program_gap_counts(program=programs["nursing"], on=ON)
    assert sum(c["excess"] for c in county.values()) == sum(r["excess"] for r in dashboard["nursing"].values())


def test_the_edge_cases(world, programs, users):
    w = world

    def page(code, **kw):
        figures = dynamic_management(user=users[Role.ADMIN], program=programs[code], on=ON, **kw)
        missing = {row["person"].pk: row["tier"] for row in figures.get("qualifying", [])}
        excess = {row["person"].pk: row["reasons"] for row in figures.get("not_qualifying", [])}
        return missing, excess

    missing, _excess = page("education")
    # The student qualifies through the parent's card; the student without one is a candidate who does not.
    assert missing == {w["student"].pk: rule_for("education").tiers["college_parent"]}  # the label, not the code
    missing, excess = page("nursing")
    # Judged on the application date in the first month: not excess; the same without an application is.
    assert w["first_month"].pk not in excess
    assert excess[w["imported"].pk] == "无有效残疾人证"
    assert "死亡" in excess[w["died"].pk]
    assert excess[w["expired_enrolled"].pk] == "证件过期"
    assert w["expired"].pk not in missing and w["kept"].pk not in missing
    # Grade 3 (精神) needs the extension; a suspended enrollment is not an active one.
    assert set(missing) == {w["missing"].pk, w["suspended"].pk, w["not_living_dibao"].pk}
    _missing, excess = page("living")
    assert "户籍迁出" in excess[w["moved"].pk]
    assert excess[w["not_living_dibao"].pk] == "不再低保"
    missing, excess = page("multi")
    assert missing == {} and excess == {}
    assert program_gap_persons(program=programs["multi"], on=ON)["enrolled"] == 1
    missing, _excess = page("assessment")
    assert w["assessed"].pk in missing


def candidates(code: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM cases_person p WHERE {rule_for(code).candidate_condition()}", {"on": ON})
        return {row[0] for row in cursor.fetchall()}


def test_each_rule_owns_its_candidates(world):
    w = world
    nursing = candidates("nursing")
    assert w["expired"].pk not in nursing and w["student"].pk not in nursing
    assert w["kept"].pk in nursing
    # A card issued after the day is no card yet.
    assert w["first_month"].pk not in nursing
    education = candidates("education")
    assert {w["student"].pk, w["lone_student"].pk} <= education and w["kept"].pk not in education
    assert w["student"].pk in candidates("freshman") and w["lone_student"].pk not in candidates("freshman")
    assert w["assessed"].pk in candidates("assessment")


def test_the_page_lists_at_most_the_limit_in_township_and_name_order(world, programs, users, township):
    full = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=ON)
    short = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=ON, limit=2)
    assert short["not_qualifying_count"] == full["not_qualifying_count"] > 2
    assert [r["person"].pk for r in short["not_qualifying"]] == [r["person"].pk for r in full["not_qualifying"]][:2]
    order = [(r["person"].township.code, r["person"].name) for r in full["not_qualifying"]]
    assert order == sorted(order)
    # One half asked: the other is not judged.
    excess_only = dynamic_management(user=users[Role.ADMIN], program=programs["nursing"], on=ON, view="excess")
    assert "qualifying" not in excess_only and excess_only["not_qualifying_count"] == full["not_qualifying_count"]
    # A liaison gets their own township whatever is asked.
    liaison = dynamic_management(user=users[Role.LIAISON], program=programs["nursing"], on=ON)
    assert {r["person"].township_id for r in liaison["not_qualifying"]} == {township.pk}


def test_a_rule_that_needs_no_card_of_ones_own_says_whom_it_may_accept():
    """The default candidates hold a valid card; a rule accepting others must widen them, or the judge misses them."""
    for code in registered_codes():
        rule = rule_for(code)
        if not rule.requires_own_certificate:
            assert type(rule).candidate_condition is not Rule.candidate_condition, code
