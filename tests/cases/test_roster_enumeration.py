"""A township upload is no way to look ID numbers up county-wide: a row registered elsewhere says so without naming
the township or the person, and each upload's count of such answers is kept and audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cases.models import RosterImport, RosterStatus
from fedportal.audit.models import SensitiveAccess, SensitiveField
from fedportal.jobs.services import job_execute
from tests.factories import HouseholdFactory, PersonFactory

from .roster_fixtures import person_row, persons_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese_after():
    """Pages asked for in English leave English active in this thread: later tests expect the default."""
    yield
    from django.utils import translation

    translation.activate("zh-hans")


def test_ids_registered_elsewhere_are_counted_never_named(client, liaison, village, other_village):
    others = [
        PersonFactory(village=other_village, township=other_village.township, name=f"王外乡{n}") for n in range(3)
    ]
    HouseholdFactory(register_number="HH777001", village=other_village)
    rows = [person_row(n + 1, id_number=person.id_number) for n, person in enumerate(others)]
    rows.append(person_row(9, 户籍编号="HH777001"))
    rows.append(person_row(10))
    client.force_login(liaison)
    upload = SimpleUploadedFile("花名册.xlsx", persons_file(*rows), content_type="application/octet-stream")
    client.post(reverse("cases:roster_list"), {"kind": "persons", "file": upload})
    roster = RosterImport.objects.get()
    job_execute(roster.validate_job_id)
    job_execute(roster.validate_job_id)  # a retried validation: still one audit record
    roster.refresh_from_db()
    assert roster.status == RosterStatus.INVALID and roster.elsewhere_rows == 4

    forbidden = [other_village.township.name, other_village.name, *(person.name for person in others)]
    issues = " ".join(issue["message"] for issue in roster.issues)
    assert "该身份证号已在其他乡镇登记，请联系县残联核实。" in issues
    assert "该户籍编号已在其他乡镇登记，请联系县残联核实。" in issues
    for language in ("zh-hans", "en"):
        with translation.override(language):
            page = client.get(reverse("cases:roster_detail", args=[roster.pk]), HTTP_ACCEPT_LANGUAGE=language)
            text = page.content.decode()
            assert page.status_code == 200
            assert not [name for name in forbidden if name in text]
            assert 'data-testid="roster-elsewhere">4<' in text

    [record] = SensitiveAccess.objects.filter(field=SensitiveField.ROSTER_ELSEWHERE)
    assert record.user == liaison and record.person is None
    assert record.detail.startswith(f"#{roster.pk} ") and "4" in record.detail
    assert not [name for name in forbidden if name in record.detail]
