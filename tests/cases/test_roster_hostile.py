"""Every hostile workbook, through each way in: the upload page, the CLI (its own process, memory capped) and the
annotated-copy view (built by a real worker whose memory is capped). Each is refused within seconds with its
message; the processes stay alive; nothing is written."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Person, RosterImport, RosterStatus
from fedportal.jobs.models import Job, JobStatus
from tests.conftest import _database_url
from tests.hostile_workbooks import HOSTILE

from .roster_fixtures import person_row, persons_file

BASE_DIR = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1024 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile():
    base = persons_file(person_row(1), person_row(2))
    return [(name, build(base), code, fragment) for name, build, code, fragment in HOSTILE]


@pytest.mark.django_db
def test_the_upload_page_refuses_every_hostile_workbook_and_stores_nothing(client, caseworker, village, hostile):
    client.force_login(caseworker)
    for name, content, _code, fragment in hostile:
        started = time.monotonic()
        response = client.post(
            reverse("cases:roster_list"),
            {"kind": "persons", "file": SimpleUploadedFile(f"{name}.xlsx", content)},
        )
        assert response.status_code == 200, name
        assert fragment in response.content.decode(), name
        assert time.monotonic() - started < 10, name
    assert not RosterImport.objects.exists() and not Job.objects.exists() and not Person.objects.exists()


def _limit_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.django_db(transaction=True)
def test_the_cli_refuses_every_hostile_workbook_under_a_memory_cap(tmp_path, village, caseworker, hostile):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fedportal.settings_test",
        "DATABASE_URL": _database_url(),
    }
    for name, content, _code, fragment in hostile:
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", "import_roster", str(path), "--kind", "persons", "--commit"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_limit_memory,
        )
        assert result.returncode == 1, (name, result.returncode, result.stderr[-500:])  # refused, not killed
        assert fragment in result.stderr, (name, result.stderr[-500:])
        assert time.monotonic() - started < 60, name
    assert not Person.objects.exists() and not RosterImport.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_annotated_copies_of_stored_hostile_files_are_built_by_a_capped_worker(
    client, caseworker, village, celery_worker_factory, hostile
):
    """Rosters stored before the upload check existed: the view never opens them, a job does, in the worker."""
    worker = celery_worker_factory(memory_limit=MEMORY_CAP)
    try:
        client.force_login(caseworker)
        jobs = {}
        for name, content, _code, _fragment in hostile:
            roster = RosterImport(kind="persons", original_name=f"{name}.xlsx", uploaded_by=caseworker)
            roster.status = RosterStatus.INVALID
            roster.file.save(f"{name}.xlsx", ContentFile(content), save=False)
            roster.save()
            response = client.get(reverse("cases:roster_annotated", args=[roster.pk]))
            assert response.status_code == 302 and "/jobs/" in response["Location"], name
            jobs[name] = Job.objects.get(kind="roster.annotate", params__roster_id=roster.pk)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and Job.objects.filter(status__in=["pending", "running"]).exists():
            time.sleep(0.5)
        assert worker.poll() is None, "the worker died"
        for name, _content, _code, fragment in hostile:
            job = Job.objects.get(pk=jobs[name].pk)
            assert job.status == JobStatus.SUCCEEDED, (name, job.status, job.error[:300])
            with job.result_file.open("rb") as handle:
                sheet = load_workbook(handle).worksheets[0]
            assert fragment in str(sheet.cell(row=2, column=1).value), name
            response = client.get(reverse("cases:roster_annotated", args=[job.params["roster_id"]]))
            assert response.status_code == 200, name
        assert not Person.objects.exists()
    finally:
        worker.terminate()
        worker.wait(10)
