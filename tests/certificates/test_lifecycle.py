"""Every lifecycle transition of a certificate and the forbidden ones."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.services import person_mark_deceased, person_mark_moved_out
from certificates.models import (
    Certificate,
    CertificateLifecycleEvent,
    CertificateStatus,
    EndReason,
    EventKind,
    Generation,
)
from certificates.services import (
    assessment_record,
    assessment_review,
    certificate_cancel,
    certificate_change,
    certificate_issue,
    certificate_reissue,
    certificate_renew,
    certificate_transfer_in,
    certificate_transfer_out,
)
from certificates.validation import add_working_days, expiry_for
from fedportal.core.clock import local_today

pytestmark = pytest.mark.django_db
TODAY = local_today()


def issue(person, make_assessment, caseworker, **kwargs):
    assessment = make_assessment(person, **kwargs)
    return certificate_issue(
        person=person, assessment=assessment, issue_date=assessment.reviewed_on, acting_user=caseworker
    )


def test_issue_after_reviewed_assessment(person, make_assessment, caseworker):
    assessment = make_assessment(person, category=4, grade=3)
    certificate = certificate_issue(
        person=person, assessment=assessment, issue_date=assessment.reviewed_on, acting_user=caseworker
    )
    assert certificate.number == person.id_number + "43"
    assert certificate.status == CertificateStatus.ACTIVE
    assert certificate.expiry_date == expiry_for(certificate.issue_date)
    event = CertificateLifecycleEvent.objects.get(certificate=certificate)
    assert (event.kind, event.acting_user, event.assessment) == (EventKind.ISSUE, caseworker, assessment)


def test_notice_is_five_working_days():
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 26)  # Fri -> next Thu
    assert add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)  # Sat starts Monday


def test_review_refused_during_notice_and_by_caseworker(person, caseworker, reviewer):
    assessed_on = TODAY - timedelta(days=3)
    assessment = assessment_record(
        person=person,
        hospital="医院",
        assessor="医生",
        assessed_on=assessed_on,
        category=1,
        grade=2,
        notice_start=assessed_on,
        acting_user=caseworker,
    )
    with pytest.raises(ValidationError, match="公示期"):
        assessment_review(assessment=assessment, reviewed_on=assessment.notice_end, acting_user=reviewer)
    with pytest.raises(PermissionDenied):  # only the county review (CERTIFICATE_REVIEW)
        assessment_review(assessment=assessment, reviewed_on=TODAY, acting_user=caseworker)


def test_issue_refused_without_review(person, make_assessment, caseworker):
    assessment = make_assessment(person, reviewed=False)
    with pytest.raises(ValidationError, match="尚未经县残联审核"):
        certificate_issue(person=person, assessment=assessment, issue_date=TODAY, acting_user=caseworker)
    assert not Certificate.objects.exists()


def test_second_active_certificate_refused(person, make_assessment, caseworker):
    issue(person, make_assessment, caseworker)
    second = make_assessment(person, category=1, grade=1, days_ago=20)
    with pytest.raises(ValidationError, match="已有一张有效的残疾人证"):
        certificate_issue(person=person, assessment=second, issue_date=second.reviewed_on, acting_user=caseworker)
    assert Certificate.objects.filter(person=person).count() == 1


def test_multiple_disability_grade_is_most_severe_component(person, make_assessment, caseworker):
    certificate = issue(
        person,
        make_assessment,
        caseworker,
        category=7,
        components=[{"category": 4, "grade": 3}, {"category": 2, "grade": 2}],
    )
    assert (certificate.category, certificate.grade) == (7, 2)
    assert certificate.number.endswith("72")
    assert sorted(certificate.components.values_list("category", "grade")) == [(2, 2), (4, 3)]


def test_multiple_disability_needs_two_components(person, caseworker):
    with pytest.raises(ValidationError, match="至少填写两类"):
        assessment_record(
            person=person,
            hospital="医院",
            assessor="医生",
            assessed_on=TODAY,
            category=7,
            components=[{"category": 4, "grade": 3}],
            acting_user=caseworker,
        )
    with pytest.raises(ValidationError, match="最重的等级"):
        assessment_record(
            person=person,
            hospital="医院",
            assessor="医生",
            assessed_on=TODAY,
            category=7,
            grade=3,
            components=[{"category": 4, "grade": 3}, {"category": 1, "grade": 1}],
            acting_user=caseworker,
        )


def _expiring(person, make_assessment, caseworker, *, generation=Generation.THIRD):
    certificate = issue(person, make_assessment, caseworker)
    Certificate.objects.filter(pk=certificate.pk).update(
        issue_date=TODAY - timedelta(days=3600), expiry_date=TODAY + timedelta(days=30), generation=generation
    )
    certificate.refresh_from_db()
    return certificate


def test_renew_supersedes_old_card(person, make_assessment, caseworker):
    old = _expiring(person, make_assessment, caseworker)
    new = certificate_renew(certificate=old, issue_date=TODAY, acting_user=caseworker)
    old.refresh_from_db()
    assert (old.status, old.ended_on, old.end_reason) == (CertificateStatus.SUPERSEDED, TODAY, EndReason.RENEWED)
    assert new.number == old.number and new.status == CertificateStatus.ACTIVE
    assert new.expiry_date == expiry_for(TODAY)
    assert new.lifecycle_events.get().kind == EventKind.RENEW


def test_renew_refused_long_before_expiry_unless_upgrading(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker)
    with pytest.raises(ValidationError, match="才能换领"):
        certificate_renew(certificate=certificate, issue_date=TODAY, acting_user=caseworker)
    Certificate.objects.filter(pk=certificate.pk).update(generation=Generation.SECOND)
    certificate.refresh_from_db()
    new = certificate_renew(
        certificate=certificate, issue_date=TODAY, generation=Generation.THIRD, acting_user=caseworker
    )
    assert new.generation == Generation.THIRD


def test_renewing_cancelled_or_superseded_certificate_refused(person, make_assessment, caseworker):
    old = _expiring(person, make_assessment, caseworker)
    certificate_renew(certificate=old, issue_date=TODAY, acting_user=caseworker)
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="已被换领或变更后的新证取代"):
        certificate_renew(certificate=old, issue_date=TODAY, acting_user=caseworker)
    active = Certificate.objects.get(person=person, status=CertificateStatus.ACTIVE)
    certificate_cancel(
        certificate=active,
        reason=EndReason.NOT_MEETING_STANDARD,
        event_date=TODAY,
        comment="复评不达标",
        acting_user=caseworker,
    )
    active.refresh_from_db()
    with pytest.raises(ValidationError, match="此证已注销，不能办理换领"):
        certificate_renew(certificate=active, issue_date=TODAY, acting_user=caseworker)
    with pytest.raises(ValidationError, match="此证已注销"):
        certificate_reissue(certificate=active, issue_date=TODAY, acting_user=caseworker)


def test_change_needs_new_assessment_and_changes_number(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker, category=4, grade=3, days_ago=60)
    same = make_assessment(person, category=4, grade=3, days_ago=20)
    with pytest.raises(ValidationError, match="无需变更"):
        certificate_change(certificate=certificate, assessment=same, issue_date=TODAY, acting_user=caseworker)
    worse = make_assessment(person, category=4, grade=1, days_ago=15)
    new = certificate_change(certificate=certificate, assessment=worse, issue_date=TODAY, acting_user=caseworker)
    certificate.refresh_from_db()
    assert new.number == person.id_number + "41" != certificate.number
    assert (certificate.status, certificate.end_reason) == (CertificateStatus.SUPERSEDED, EndReason.CHANGED)
    assert new.lifecycle_events.get().kind == EventKind.CHANGE


def test_change_refused_with_unreviewed_assessment(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker, days_ago=60)
    pending = make_assessment(person, grade=1, days_ago=10, reviewed=False)
    with pytest.raises(ValidationError, match="尚未经县残联审核"):
        certificate_change(certificate=certificate, assessment=pending, issue_date=TODAY, acting_user=caseworker)


def test_reissue_keeps_number_and_validity(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker, days_ago=60)
    new = certificate_reissue(certificate=certificate, issue_date=TODAY, comment="遗失", acting_user=caseworker)
    certificate.refresh_from_db()
    assert (new.number, new.expiry_date) == (certificate.number, certificate.expiry_date)
    assert certificate.end_reason == EndReason.REISSUED
    assert new.lifecycle_events.get().kind == EventKind.REISSUE


def test_transfer_out_and_in(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker)
    certificate_transfer_out(
        certificate=certificate, event_date=TODAY, destination="南昌市东湖区", acting_user=caseworker
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.ended_on) == (CertificateStatus.TRANSFERRED_OUT, TODAY)
    with pytest.raises(ValidationError, match="已随户籍迁出"):
        certificate_transfer_out(certificate=certificate, event_date=TODAY, acting_user=caseworker)
    incoming = certificate_transfer_in(
        person=person,
        number=person.id_number.lower() + "52",
        category=5,
        grade=2,
        generation=Generation.THIRD,
        issue_date=TODAY - timedelta(days=400),
        expiry_date=TODAY + timedelta(days=3000),
        event_date=TODAY,
        origin="新建区",
        acting_user=caseworker,
    )
    assert incoming.status == CertificateStatus.ACTIVE
    assert incoming.lifecycle_events.get().kind == EventKind.TRANSFER_IN


def test_transfer_in_number_must_match_holder(person, caseworker):
    kwargs = dict(
        category=4,
        grade=2,
        generation=Generation.THIRD,
        issue_date=TODAY - timedelta(days=10),
        expiry_date=TODAY + timedelta(days=3000),
        event_date=TODAY,
        origin="新建区",
        acting_user=caseworker,
    )
    other_id = "11010519491231002X"
    with pytest.raises(ValidationError, match="与持证人身份证号不一致"):
        certificate_transfer_in(person=person, number=other_id + "42", **kwargs)
    with pytest.raises(ValidationError, match="与残疾等级"):
        certificate_transfer_in(person=person, number=person.id_number + "43", **kwargs)
    with pytest.raises(ValidationError, match="与残疾类别"):
        certificate_transfer_in(person=person, number=person.id_number + "12", **kwargs)
    with pytest.raises(ValidationError, match="20 位"):
        certificate_transfer_in(person=person, number=person.id_number + "4", **kwargs)


def test_cancel_not_meeting_standard_bars_new_application_for_a_year(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker, days_ago=60)
    with pytest.raises(ValidationError, match="具体原因"):
        certificate_cancel(
            certificate=certificate, reason=EndReason.NOT_MEETING_STANDARD, event_date=TODAY, acting_user=caseworker
        )
    certificate_cancel(
        certificate=certificate,
        reason=EndReason.NOT_MEETING_STANDARD,
        event_date=TODAY - timedelta(days=5),
        comment="复评不达标",
        acting_user=caseworker,
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.CANCELLED
    assert certificate.lifecycle_events.filter(kind=EventKind.CANCEL).exists()
    with pytest.raises(ValidationError, match="一年内"):
        make_assessment(person, days_ago=1)


def test_cancel_for_death_requires_recorded_death(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker)
    with pytest.raises(ValidationError, match="未登记死亡"):
        certificate_cancel(certificate=certificate, reason=EndReason.DEATH, event_date=TODAY, acting_user=caseworker)
    death = TODAY - timedelta(days=2)
    person_mark_deceased(person=person, death_date=death, acting_user=caseworker)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.end_reason) == (CertificateStatus.CANCELLED, EndReason.DEATH)
    assert certificate.is_valid_on(death) and not certificate.is_valid_on(death + timedelta(days=1))
    with pytest.raises(ValidationError, match="死亡"):
        make_assessment(person, days_ago=1)


def test_moving_out_transfers_the_certificate(person, make_assessment, caseworker):
    certificate = issue(person, make_assessment, caseworker)
    person_mark_moved_out(person=person, moved_out_date=TODAY, destination="外省", acting_user=caseworker)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.TRANSFERRED_OUT
