from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.models import Household, Relation
from cases.services import household_add_member, household_set_head
from certificates.households import household_refresh_multi_flags
from certificates.models import EndReason, Generation
from certificates.services import certificate_cancel
from fedportal.core.clock import local_today
from tests.factories import CertificateFactory, HouseholdFactory, MultiHouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(village):
    return HouseholdFactory(village=village)


def member(household, caseworker, relation=Relation.CHILD):
    person = PersonFactory(village=household.village)
    return household_add_member(household=household, person=person, relation=relation, acting_user=caseworker)


def test_flag_follows_certificates(household, caseworker):
    a, b = member(household, caseworker, Relation.HEAD), member(household, caseworker)
    CertificateFactory(person=a, issue_date=local_today() - timedelta(days=10))
    cert_b = CertificateFactory(person=b, issue_date=local_today() - timedelta(days=10), generation=Generation.SECOND)
    assert household_refresh_multi_flags(household_ids=[household.pk]) == {"flagged": 1, "unflagged": 0}
    household.refresh_from_db()
    assert household.is_multi_disability
    certificate_cancel(
        certificate=cert_b,
        reason=EndReason.NOT_MEETING_STANDARD,
        event_date=local_today(),
        comment="复评",
        acting_user=caseworker,
    )
    household.refresh_from_db()
    assert not household.is_multi_disability


def test_expired_certificate_does_not_count(household, caseworker):
    a, b = member(household, caseworker, Relation.HEAD), member(household, caseworker)
    CertificateFactory(person=a, issue_date=date(2010, 1, 1))  # expired 2019
    CertificateFactory(person=b, issue_date=local_today() - timedelta(days=1))
    household_refresh_multi_flags()
    household.refresh_from_db()
    assert not household.is_multi_disability


def test_bulk_refresh_only_touches_changed(village, caseworker):
    households = [HouseholdFactory(village=village) for _ in range(3)]
    for household in households[:2]:
        for _ in range(2):
            CertificateFactory(person=member(household, caseworker), issue_date=local_today() - timedelta(days=5))
    Household.objects.filter(pk=households[2].pk).update(is_multi_disability=True)
    assert household_refresh_multi_flags() == {"flagged": 2, "unflagged": 1}
    assert household_refresh_multi_flags() == {"flagged": 0, "unflagged": 0}


def test_set_head(household, caseworker):
    head, child = member(household, caseworker, Relation.HEAD), member(household, caseworker)
    household_set_head(
        household=household, person=child, previous_head_relation=Relation.PARENT, acting_user=caseworker
    )
    head.refresh_from_db()
    child.refresh_from_db()
    assert (head.relation_to_head, child.relation_to_head) == (Relation.PARENT, Relation.HEAD)


def test_second_head_and_other_township_refused(household, other_village, caseworker):
    member(household, caseworker, Relation.HEAD)
    with pytest.raises(ValidationError, match="已有户主"):
        member(household, caseworker, Relation.HEAD)
    stranger = PersonFactory(village=other_village)
    with pytest.raises(ValidationError, match="不能加入"):
        household_add_member(household=household, person=stranger, relation=Relation.OTHER, acting_user=caseworker)


def test_a_household_of_two_holders_is_flagged_and_one_is_not():
    multi = MultiHouseholdFactory()
    single = MultiHouseholdFactory(members=1)
    household_refresh_multi_flags(household_ids=[multi.pk, single.pk])
    multi.refresh_from_db()
    single.refresh_from_db()
    assert multi.members.count() == 2 and multi.is_multi_disability
    assert single.members.count() == 1 and not single.is_multi_disability
