"""The person list's XLSX export as a background job: scope, filters, masking, the reveal log, the worker."""

import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import exports
from cases.exports import EXPORT_JOB_KIND, person_export_xlsx
from cases.models import Person
from fedportal.accounts.models import Role
from fedportal.audit.models import SensitiveAccess
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.services import job_create, job_execute
from tests.factories import CertificateFactory, PersonFactory

EXPORT_URL = reverse("cases:person_export")


def _masked(id_number: str) -> str:
    return id_number[:4] + "**********" + id_number[-4:]


def _start(client, user, query: str = "", full: bool = False) -> Job:
    """Press an export button on the list (filters in the query string) and land on the job page."""
    client.force_login(user)
    response = client.post(f"{EXPORT_URL}?{query}", {"full": "1" if full else "0"})
    job = Job.objects.get(kind=EXPORT_JOB_KIND, created_by=user)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    return job


def _rows(client, job: Job) -> list[tuple]:
    """The job's file, downloaded through the jobs app's access function."""
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    return rows[1:]


def _run(job: Job) -> Job:
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


@pytest.mark.django_db
def test_masked_export_has_exactly_the_filtered_rows(client, caseworker, person, other_person, village):
    CertificateFactory(person=person, category=5, grade=1)
    other = PersonFactory(village=village)
    CertificateFactory(person=other, category=5, grade=2)
    CertificateFactory(person=PersonFactory(village=village), category=4, grade=1)  # another category
    job = _start(client, caseworker, query="category=5&page=3")
    assert job.params == {"filters": {"category": ["5"]}, "reveal": False}
    assert job.township is None
    assert not SensitiveAccess.objects.exists()
    rows = _rows(client, _run(job))
    assert [row[0] for row in rows] == [person.name, other.name]
    assert rows[0][3] == _masked(person.id_number) and rows[0][4] == "139****1111"
    assert job.result == {"rows": 2, "full_numbers": False}


@pytest.mark.django_db
def test_full_export_is_logged_when_started_and_has_full_numbers(client, caseworker, person, other_person):
    job = _start(client, caseworker, query=f"township={person.township_id}", full=True)
    access = SensitiveAccess.objects.get()  # logged before the job has even run
    assert (access.user, access.field) == (caseworker, "export")
    assert f"#{job.pk}" in access.detail and f"township={person.township_id}" in access.detail
    rows = _rows(client, _run(job))
    assert [(row[0], row[3], row[4]) for row in rows] == [(person.name, person.id_number, person.phone)]
    assert job.result["full_numbers"] is True


@pytest.mark.django_db
def test_liaison_export_is_scoped_and_formula_safe(client, liaison, person, other_person):
    Person.objects.filter(pk=person.pk).update(name='=HYPERLINK("x")')
    job = _start(client, liaison)
    assert job.township_id == person.township_id
    response = client.get(reverse("jobs:job_download", args=[_run(job).pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert len(rows) == 1 and rows[0][0] == '=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    assert rows[0][3] == _masked(person.id_number)


@pytest.mark.django_db
def test_liaison_never_gets_another_township_even_with_forged_params(client, liaison, person, other_person):
    client.force_login(liaison)
    # Asking for the other township through the form: the filter's choices are the liaison's own township.
    rows = _rows(client, _run(_start(client, liaison, query=f"township={other_person.township_id}")))
    assert other_person.name not in [row[0] for row in rows]
    # A job row written with forged parameters: the scope is applied when the job runs.
    forged = (
        ({"township": [str(other_person.township_id)]}, [person.name]),  # not one of the filter's choices: ignored
        ({"village": [str(other_person.village_id)]}, [person.name]),
        ({"q": [other_person.id_number]}, []),
        ({}, [person.name]),
    )
    for filters, expected in forged:
        job = _run(job_create(kind=EXPORT_JOB_KIND, acting_user=liaison, params={"filters": filters, "reveal": False}))
        assert [row[0] for row in _rows(client, job)] == expected, filters


@pytest.mark.django_db
def test_scope_and_reveal_are_those_of_the_user_when_the_job_runs(client, liaison, caseworker, person, other_person):
    job = _start(client, caseworker, full=True)
    caseworker.role = Role.LIAISON  # moved to a township post before the job ran
    caseworker.township = person.township
    caseworker.save()
    rows = _rows(client, _run(job))
    assert [row[0] for row in rows] == [person.name]
    # Without the reveal capability a forged reveal flag gives masked numbers; without export, no file at all.
    caseworker.role = Role.LEADER
    caseworker.save()
    job = job_create(kind=EXPORT_JOB_KIND, acting_user=caseworker, params={"filters": {}, "reveal": True})
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "导出权限" in job.error and not job.result_file


@pytest.mark.django_db
def test_who_may_start_and_download(client, users, person):
    for role in (Role.LEADER, Role.FINANCE):  # finance may reveal single numbers but not export
        client.force_login(users[role])
        assert client.post(EXPORT_URL, {"full": "1"}).status_code == 403
    client.force_login(users[Role.CASEWORKER])
    assert client.get(EXPORT_URL).status_code == 405  # a GET never starts a job
    assert not Job.objects.exists()
    job = _run(_start(client, users[Role.CASEWORKER], full=True))
    client.force_login(users[Role.LIAISON])
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_list_page_offers_post_buttons_with_the_filters(client, users, person):
    client.force_login(users[Role.CASEWORKER])
    body = client.get(reverse("cases:person_list"), {"category": "5"}).content.decode()
    assert f'action="{EXPORT_URL}?category=5"' in body and 'name="full" value="1"' in body
    client.force_login(users[Role.LEADER])
    assert EXPORT_URL not in client.get(reverse("cases:person_list")).content.decode()


@pytest.mark.django_db
def test_progress_is_reported_every_few_thousand_rows(monkeypatch, village):
    assert 1000 <= exports.PROGRESS_EVERY <= 10000
    for _ in range(5):
        PersonFactory(village=village)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    reports = []
    person_export_xlsx(Person.objects.all(), progress=reports.append).close()
    assert reports == [2, 4, 5]


@pytest.mark.worker
def test_export_runs_on_a_real_celery_worker(celery_worker, client, caseworker, person, other_person):
    job = _start(client, caseworker, query=f"township={person.township_id}")  # autocommit: enqueued at once
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == JobStatus.SUCCEEDED, job.error
    body = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'data-status="succeeded"' in body and reverse("jobs:job_download", args=[job.pk]) in body
    rows = _rows(client, job)
    assert [(row[0], row[3]) for row in rows] == [(person.name, _masked(person.id_number))]
