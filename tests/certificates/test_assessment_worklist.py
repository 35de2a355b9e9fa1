"""Assessments waiting for county review: the worklist, review once the notice is over, reject with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from certificates.models import Assessment
from certificates.selectors import assessments_ready_for, assessments_waiting_for_review
from certificates.services import assessment_reject, assessment_review
from fedportal.accounts.models import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def assessment(person, *, days_ago=40, notice=True):
    day = timezone.localdate() - timedelta(days=days_ago)
    return Assessment.objects.create(
        person=person,
        hospital="县人民医院",
        assessor="李医生",
        assessed_on=day,
        category=4,
        grade=2,
        notice_start=day if notice else None,
        notice_end=day + timedelta(days=7) if notice else None,
    )


@pytest.fixture
def person(village):
    return PersonFactory(village=village, name="王五")


def test_worklist_lists_what_waits_and_says_whether_review_is_possible(person, users, village, other_village):
    over = assessment(person)
    running = assessment(PersonFactory(village=village), days_ago=2)
    unpublished = assessment(PersonFactory(village=village), notice=False)
    reviewed = assessment(PersonFactory(village=village))
    assessment_review(assessment=reviewed, reviewed_on=timezone.localdate(), acting_user=users[Role.REVIEWER])
    rejected = assessment(PersonFactory(village=village))
    assessment_reject(assessment=rejected, reason="与病历不符", acting_user=users[Role.REVIEWER])
    rows = {a.pk: a.notice_over for a in assessments_waiting_for_review(user=users[Role.REVIEWER])}
    assert rows == {over.pk: True, running.pk: False, unpublished.pk: False}


def test_reject_needs_a_reason_and_blocks_review_and_issue(person, users):
    a = assessment(person)
    reviewer = users[Role.REVIEWER]
    with pytest.raises(ValidationError) as error:
        assessment_reject(assessment=a, reason="  ", acting_user=reviewer)
    assert "reason" in error.value.error_dict
    assessment_reject(assessment=a, reason="评定等级与病历不符", acting_user=reviewer)
    a.refresh_from_db()
    assert (a.rejected_on, a.rejected_by, a.reject_reason) == (timezone.localdate(), reviewer, "评定等级与病历不符")
    with pytest.raises(ValidationError):
        assessment_review(assessment=a, reviewed_on=timezone.localdate(), acting_user=reviewer)
    with pytest.raises(ValidationError):
        assessment_reject(assessment=a, reason="again", acting_user=reviewer)
    assert list(assessments_ready_for(person=person)) == []


def test_a_reviewed_assessment_cannot_be_rejected(person, users):
    a = assessment(person)
    assessment_review(assessment=a, reviewed_on=timezone.localdate(), acting_user=users[Role.REVIEWER])
    with pytest.raises(ValidationError):
        assessment_reject(assessment=a, reason="x", acting_user=users[Role.REVIEWER])


def test_only_reviewers_reject(person, users):
    a = assessment(person)
    for role in (Role.CASEWORKER, Role.LIAISON, Role.LEADER, Role.FINANCE):
        with pytest.raises(PermissionDenied):
            assessment_reject(assessment=a, reason="x", acting_user=users[role])
    a.refresh_from_db()
    assert a.rejected_on is None


def test_worklist_page_and_reject_through_the_pages(client, person, users):
    a = assessment(person)
    client.force_login(users[Role.REVIEWER])
    assert (
        reverse("certificates:assessment_worklist")
        in client.get(reverse("certificates:certificate_list")).content.decode()
    )
    page = client.get(reverse("certificates:assessment_worklist")).content.decode()
    assert "王五" in page and "公示期满，可审核" in page
    assert reverse("certificates:assessment_review", args=[a.pk]) in page
    reject_url = reverse("certificates:assessment_reject", args=[a.pk])
    response = client.post(reject_url, {"reason": ""})
    assert response.status_code == 200
    response = client.post(reject_url, {"reason": "评定等级与病历不符"})
    assert response.status_code == 302
    worklist = client.get(reverse("certificates:assessment_worklist")).content.decode()
    assert "已驳回 王五 的评定结果" in worklist  # the message after the redirect
    assert reject_url not in worklist and "没有待审核的评残" in worklist
    detail = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "县级驳回：评定等级与病历不符" in detail
    # Caseworkers do not review: no worklist.
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("certificates:assessment_worklist")).status_code == 403
