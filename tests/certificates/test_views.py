import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.services import person_create
from certificates.models import Certificate, CertificateStatus
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_person(other_village, caseworker):
    return person_create(
        id_number=make_id_number(sequence=77), name="外乡人", village=other_village, acting_user=caseworker
    )


def test_issue_and_renew_through_forms(client, caseworker, person, make_assessment):
    client.force_login(caseworker)
    assessment = make_assessment(person, category=6, grade=2)
    response = client.post(
        reverse("certificates:certificate_issue", args=[person.pk]),
        {
            "assessment": assessment.pk,
            "issue_date": assessment.reviewed_on.isoformat(),
            "generation": 3,
        },
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(person=person)
    # Too early to renew: the form shows the service's message.
    response = client.post(
        reverse("certificates:certificate_renew", args=[certificate.pk]),
        {"issue_date": assessment.reviewed_on.isoformat()},
    )
    assert response.status_code == 200 and "才能换领" in response.content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(expiry_date=certificate.issue_date + timedelta(days=100))
    response = client.post(
        reverse("certificates:certificate_renew", args=[certificate.pk]),
        {"issue_date": (certificate.issue_date + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    assert Certificate.objects.filter(person=person, status=CertificateStatus.SUPERSEDED).count() == 1


def test_liaison_cannot_run_lifecycle_and_foreign_is_404(
    client, liaison, caseworker, person, other_person, make_assessment
):
    assessment = make_assessment(other_person)
    client.force_login(liaison)
    assert client.get(reverse("certificates:certificate_issue", args=[person.pk])).status_code == 403
    assert client.get(reverse("certificates:application_form_pdf", args=[assessment.pk])).status_code == 404
    client.force_login(caseworker)
    assert client.get(reverse("certificates:certificate_issue", args=[other_person.pk])).status_code == 200


def test_review_form_requires_reviewer(client, caseworker, reviewer, person, make_assessment):
    assessment = make_assessment(person, reviewed=False)
    url = reverse("certificates:assessment_review", args=[assessment.pk])
    client.force_login(caseworker)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    response = client.post(url, {"reviewed_on": (assessment.notice_end + timedelta(days=1)).isoformat()})
    assert response.status_code == 302


def test_certificate_list_scoped(client, liaison, person, other_person, make_assessment, caseworker):
    from certificates.services import certificate_issue

    for holder in (person, other_person):
        a = make_assessment(holder)
        certificate_issue(person=holder, assessment=a, issue_date=a.reviewed_on, acting_user=caseworker)
    client.force_login(liaison)
    page = client.get(reverse("certificates:certificate_list")).context["page"]
    assert [c.person for c in page] == [person]


def test_application_form_pdf_has_name_and_category(client, caseworker, person, make_assessment):
    assessment = make_assessment(
        person, category=7, components=[{"category": 1, "grade": 2}, {"category": 4, "grade": 3}]
    )
    client.force_login(caseworker)
    response = client.get(reverse("certificates:application_form_pdf", args=[assessment.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "残疾人证申请审批表" in text and "张三" in text and "多重" in text and "视力" in text


def test_recent_events_are_listed_in_the_order_of_their_dates(client, caseworker, person):
    """An event entered today for last year (a late entry) is listed by its date, not by when it was typed."""
    from datetime import date

    from certificates.models import CertificateLifecycleEvent, EventKind
    from tests.factories import CertificateFactory

    certificate = CertificateFactory(person=person)
    for day in (date(2026, 3, 1), date(2025, 1, 5), date(2026, 6, 30), date(2025, 12, 31)):
        CertificateLifecycleEvent.objects.create(
            person=person, certificate=certificate, kind=EventKind.RENEW, event_date=day, acting_user=caseworker
        )
    client.force_login(caseworker)
    events = list(client.get(reverse("certificates:certificate_list")).context["recent_events"])
    dates = [e.event_date for e in events]
    assert dates == sorted(dates, reverse=True) and dates[0] == date(2026, 6, 30)
