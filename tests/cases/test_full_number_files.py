"""Full numbers shown or handed out are recorded: the person edit form, every download of an uploaded roster and of
its annotated copy (on the roster page or as a job's file); roster files are deleted after the retention like
full-number exports, the roster row and its report kept."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import RosterImport, RosterStatus
from fedportal.audit.models import SensitiveAccess, SensitiveField
from fedportal.jobs.models import Job
from fedportal.jobs.services import job_execute, job_purge_sensitive_files

from .roster_fixtures import person_row, persons_file

pytestmark = pytest.mark.django_db


def accesses(field):
    return list(SensitiveAccess.objects.filter(field=field).order_by("pk"))


def test_the_edit_form_records_a_view_of_the_full_numbers(client, caseworker, person):
    client.force_login(caseworker)
    page = client.get(reverse("cases:person_edit", args=[person.pk]))
    assert page.status_code == 200 and person.id_number in page.content.decode()
    [record] = accesses(SensitiveField.EDIT_FORM)
    assert record.user == caseworker and record.person == person and record.ip_address == "127.0.0.1"


def upload_checked(client, *rows) -> RosterImport:
    content = persons_file(*rows)
    client.post(
        reverse("cases:roster_list"),
        {
            "kind": "persons",
            "file": SimpleUploadedFile("花名册.xlsx", content, content_type="application/octet-stream"),
        },
    )
    roster = RosterImport.objects.order_by("-pk").first()
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    return roster


def test_every_roster_file_download_is_recorded(client, liaison, village):
    client.force_login(liaison)
    roster = upload_checked(client, person_row(1, 残疾等级="五级"))
    assert roster.status == RosterStatus.INVALID and roster.validate_job.result_file
    for name in ("cases:roster_file", "cases:roster_annotated", "cases:roster_file"):
        response = client.get(reverse(name, args=[roster.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    response = client.get(reverse("jobs:job_download", args=[roster.validate_job_id]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    records = accesses(SensitiveField.ROSTER_FILE)
    assert len(records) == 3 and all(record.user == liaison for record in records)
    assert [f"#{roster.pk}" in record.detail for record in records] == [True] * 3
    [job_download] = [r for r in accesses(SensitiveField.EXPORT) if f"#{roster.validate_job_id}" in r.detail]
    assert job_download.user == liaison


def test_roster_files_of_finished_uploads_are_deleted_after_the_retention(client, liaison, village):
    client.force_login(liaison)
    old_invalid = upload_checked(client, person_row(1, 残疾等级="五级"))
    waiting = upload_checked(client, person_row(2))  # valid, not yet confirmed: its file is still needed
    recent_invalid = upload_checked(client, person_row(3, 残疾等级="五级"))
    assert waiting.status == RosterStatus.VALID
    long_ago = timezone.now() - timedelta(days=10)
    RosterImport.objects.filter(pk__in=[old_invalid.pk, waiting.pk]).update(created_at=long_ago)
    annotated_path = old_invalid.validate_job.result_file.path

    assert job_purge_sensitive_files(older_than_days=7) == 2  # the upload and its annotated copy
    for roster in (old_invalid, waiting, recent_invalid):
        roster.refresh_from_db()
    assert not old_invalid.file and old_invalid.files_deleted_at and old_invalid.issues and old_invalid.rows == 1
    assert not Job.objects.get(pk=old_invalid.validate_job_id).result_file
    assert not os.path.exists(annotated_path)
    assert waiting.file and not waiting.files_deleted_at
    assert recent_invalid.file and recent_invalid.validate_job.result_file
    page = client.get(reverse("cases:roster_detail", args=[old_invalid.pk])).content.decode()
    assert 'data-testid="roster-files-deleted"' in page and "不是有效的残疾等级" in page
    assert reverse("cases:roster_file", args=[old_invalid.pk]) not in page
    assert client.get(reverse("cases:roster_file", args=[old_invalid.pk])).status_code == 404
    # Run again: nothing more to delete.
    assert job_purge_sensitive_files(older_than_days=7) == 0
