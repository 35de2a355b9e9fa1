"""Household 低保 (the head's 低保 counts for every member of the register) and the education grant's parents,
derived from the two persons' relations to the head."""

from datetime import date
from decimal import Decimal
from itertools import product

import pytest

from cases.models import Relation
from subsidies.rules import eligibility_codes, eligibility_reasons
from tests.factories import HouseholdFactory

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db

D = Decimal
DAY = date(2026, 3, 1)


@pytest.fixture
def household(village):
    return HouseholdFactory(village=village)


def living(person, on=DAY):
    return eligibility_reasons("living", [person.pk], on)[person.pk]


def test_member_of_a_dibao_head_counts_as_dibao(make_holder, programs, household):
    make_holder(household=household, relation_to_head="head", poverty="dibao", certificate=False)
    for relation in ("spouse", "child", "parent", "sibling", "grandchild", "other"):
        assert living(make_holder(household=household, relation_to_head=relation)) == [], relation


def test_the_heads_dibao_is_judged_on_the_day(make_holder, programs, household):
    make_holder(
        household=household,
        relation_to_head="head",
        poverty="dibao",
        poverty_start=date(2026, 2, 2),
        poverty_end=date(2026, 3, 1),
    )
    member = make_holder(household=household, relation_to_head="child")
    assert living(member, date(2026, 2, 1)) == ["不再低保"]
    assert living(member, date(2026, 2, 2)) == []
    assert living(member, date(2026, 3, 1)) == []
    assert living(member, date(2026, 3, 2)) == ["不再低保"]


def test_only_the_head_grants_it(make_holder, programs, household, village):
    make_holder(household=household, relation_to_head="spouse", poverty="dibao")
    make_holder(household=household, relation_to_head="child", poverty="dibao")
    member = make_holder(household=household, relation_to_head="sibling")
    assert living(member) == ["不再低保"]
    # A 低保 head of another register grants nothing.
    make_holder(household=HouseholdFactory(village=village), relation_to_head="head", poverty="dibao")
    assert living(member) == ["不再低保"]
    # A person without a register has only their own record.
    assert living(make_holder(relation_to_head="")) == ["不再低保"]


def test_own_status_still_counts(make_holder, programs, household):
    make_holder(household=household, relation_to_head="head", poverty="dibao")
    marginal = make_holder(household=household, relation_to_head="child", poverty="marginal")
    extreme = make_holder(household=household, relation_to_head="child", poverty="extreme")
    single = make_holder(
        household=HouseholdFactory(village=household.village), relation_to_head="child", poverty="dibao"
    )
    assert living(marginal) == []
    assert living(extreme) == ["特困供养"]  # 特困供养 gets neither allowance, whatever the household
    assert living(single) == []  # 单人保: recorded on the person alone


def test_run_pays_the_member_and_stops_and_recovers_when_the_heads_dibao_ends(
    make_holder, enroll, compute, programs, household
):
    head = make_holder(household=household, relation_to_head="head", poverty="dibao", certificate=False)
    member = make_holder(household=household, relation_to_head="child")
    enroll(member, "living", start=date(2026, 1, 1))
    january = compute("living", date(2026, 1, 1), approve=True)
    assert lines_of(january) == {(member.pk, "2026-01", "current"): D("80.00")}
    compute("living", date(2026, 2, 1), approve=True)
    compute("living", date(2026, 3, 1), approve=True)
    # The head's 低保 is found in April to have ended on 31 January: February and March are recovered.
    head.poverty_records.update(end_date=date(2026, 1, 31))
    april = compute("living", date(2026, 4, 1))
    assert lines_of(april) == {
        (member.pk, "2026-02", "recovery"): D("80.00"),
        (member.pk, "2026-03", "recovery"): D("80.00"),
    }
    assert stops_of(april) == {member.pk: ["not_dibao"]}


# Whose parent is whom, written out independently of the code: (student's relation, member's relation).
PARENTS = {
    ("child", "head"),
    ("child", "spouse"),
    ("head", "parent"),
    ("sibling", "parent"),
    ("grandchild", "child"),
}


def test_education_parent_of_every_pair_of_relations(make_holder, programs, village):
    relations = list(Relation.values)
    students = {}
    for student_relation, member_relation in product(relations, relations):
        household = HouseholdFactory(village=village)
        make_holder(household=household, relation_to_head=member_relation, grade=4)
        student = make_holder(
            household=household, relation_to_head=student_relation, education_stage="college", certificate=False
        )
        students[student.pk] = (student_relation, member_relation)
    judged = eligibility_codes("education", list(students), DAY)
    wrong = []
    for pk, pair in students.items():
        expected = ([], "college_parent") if pair in PARENTS else (["no_certificate", "parent_no_certificate"], None)
        codes, tier = judged[pk]
        if (codes, tier if not codes else None) != expected:
            wrong.append((pair, codes, tier))
    assert wrong == []
    assert len(students) == 64


def test_education_parent_must_hold_a_valid_certificate_on_the_day(make_holder, programs, household):
    make_holder(household=household, relation_to_head="parent", issue=date(2026, 3, 2))
    student = make_holder(household=household, relation_to_head="head", education_stage="college", certificate=False)
    assert eligibility_codes("education", [student.pk], date(2026, 3, 1))[student.pk][0] == [
        "no_certificate",
        "parent_no_certificate",
    ]
    assert eligibility_codes("education", [student.pk], date(2026, 3, 2))[student.pk] == ([], "college_parent")


@pytest.mark.parametrize(
    ("second_member", "counts"),
    [
        ({}, True),
        ({"death_date": date(2026, 2, 10)}, False),  # died before the day
        ({"death_date": DAY}, True),  # died on the day: still a member that day
        ({"moved_out_date": date(2026, 1, 5)}, False),  # 户籍 moved out of the county
        ({"generation": 1}, False),  # a first-generation card does not count
        ({"expiry": date(2026, 2, 28)}, False),  # expired the day before
        ({"certificate": False}, False),
    ],
)
def test_the_household_flag_and_the_multi_grant_count_members_alike(
    make_holder, programs, village, second_member, counts
):
    """一户多残 has one definition (certificates.households.multi_member_sql): the household's flag and the
    multi-household grant agree on who counts, dead and moved-out members included."""
    from certificates.households import household_refresh_multi_flags

    household = HouseholdFactory(village=village)
    first = make_holder(household=household, relation_to_head="head")
    make_holder(household=household, relation_to_head="child", **second_member)
    household_refresh_multi_flags(household_ids=[household.pk], on=DAY)
    household.refresh_from_db()
    assert household.is_multi_disability is counts
    codes, _tier = eligibility_codes("multi", [first.pk], DAY)[first.pk]
    assert ("not_multi_household" not in codes) is counts, codes
