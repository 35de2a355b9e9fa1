"""Jobs that cannot get stuck or run twice: a killed worker, a redelivered message, a cancel, a queue that is down."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Person, RosterStatus
from cases.rosters.services import roster_confirm, roster_upload
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.services import job_cancel, job_execute, job_fail_stale, job_retry
from tests.cases.comparison_fixtures import list_file
from tests.cases.roster_fixtures import person_row, persons_file
from tests.conftest import _database_url

BASE_DIR = Path(__file__).resolve().parents[2]


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.django_db
def test_a_redelivered_message_does_not_start_a_running_job_again(caseworker):
    job = Job.objects.create(
        kind="system.selftest",
        created_by=caseworker,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        run_token="other-execution",
        attempts=1,
    )
    job_execute(job.pk)  # the same message again while another process runs it
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and job.run_token == "other-execution"


@pytest.mark.django_db
def test_a_job_whose_process_died_is_not_run_again_by_its_redelivered_message(caseworker, settings):
    settings.JOB_STALE_SECONDS = 5
    long_ago = timezone.now() - timedelta(minutes=5)
    job = Job.objects.create(
        kind="system.selftest",
        created_by=caseworker,
        status=JobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        run_token="dead",
        attempts=1,
    )
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.lost_runs == 1
    assert "没有自动重新执行" in job.error
    job_retry(job=job, acting_user=caseworker)  # a person decides to run it again
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2


@pytest.mark.django_db
def test_the_stale_job_task_fails_only_silent_jobs(caseworker, settings):
    settings.JOB_STALE_SECONDS = 60
    now = timezone.now()
    silent = Job.objects.create(
        kind="system.selftest",
        created_by=caseworker,
        status="running",
        started_at=now,
        heartbeat_at=now - timedelta(seconds=61),
    )
    alive = Job.objects.create(
        kind="system.selftest", created_by=caseworker, status="running", started_at=now, heartbeat_at=now
    )
    assert job_fail_stale() == 1
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert silent.status == JobStatus.FAILED and silent.may_retry and "心跳" in silent.error
    assert alive.status == JobStatus.RUNNING
    schedule = settings.CELERY_BEAT_SCHEDULE["jobs-fail-stale"]
    assert schedule["task"] == "fedportal.fail_stale_jobs" and schedule["schedule"] <= 60


@pytest.mark.django_db
def test_a_pending_job_can_be_cancelled_and_then_never_runs(caseworker, client):
    job = Job.objects.create(kind="system.selftest", created_by=caseworker)
    client.force_login(caseworker)
    response = client.post(reverse("jobs:job_cancel", args=[job.pk]), follow=True)
    assert "任务已取消" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    job_execute(job.pk)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
    assert "重试" in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()


@pytest.mark.django_db
def test_a_cancelled_roster_import_can_be_confirmed_again(caseworker, village):
    roster = roster_upload(
        kind="persons", filename="a.xlsx", content=persons_file(person_row(1)), acting_user=caseworker
    )
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    roster = roster_confirm(roster=roster, acting_user=caseworker)
    assert roster.status == RosterStatus.IMPORTING
    job_cancel(job=roster.import_job, acting_user=caseworker)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.VALID  # not stuck in "importing"
    assert not Person.objects.exists()


@pytest.mark.worker
def test_a_killed_worker_s_job_is_failed_within_two_minutes_and_retries_cleanly(
    transactional_db, celery_worker_factory, caseworker, village, settings
):
    settings.JOB_STALE_SECONDS = 5
    roster = roster_upload(
        kind="persons", filename="a.xlsx", content=persons_file(person_row(1), person_row(2)), acting_user=caseworker
    )
    job_execute(roster.validate_job_id)  # validated here; the import goes to a slow worker
    roster.refresh_from_db()
    assert roster.status == RosterStatus.VALID
    worker = celery_worker_factory(
        extra_env={"FEDPORTAL_ROSTER_IMPORT_DELAY_MS": "60000", "JOB_HEARTBEAT_SECONDS": "1"}
    )
    roster = roster_confirm(roster=roster, acting_user=caseworker)
    job = roster.import_job
    _wait(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING)
    _wait(lambda: Job.objects.get(pk=job.pk).heartbeat_at > Job.objects.get(pk=job.pk).started_at, timeout=10)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    killed_at = time.monotonic()

    # What the beat task does every 30 seconds, run here until it sees the silence.
    _wait(lambda: job_fail_stale() or Job.objects.get(pk=job.pk).status == JobStatus.FAILED, timeout=110)
    assert time.monotonic() - killed_at < 120
    job.refresh_from_db()
    roster.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.may_retry and job.lost_runs == 1
    assert roster.status == RosterStatus.VALID  # confirmable again, not stuck in "importing"
    assert not Person.objects.exists()  # the killed transaction wrote nothing

    worker2 = celery_worker_factory()
    try:
        job_retry(job=job, acting_user=caseworker)
        _wait(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60)
        assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
        roster.refresh_from_db()
        assert roster.status == RosterStatus.IMPORTED and Person.objects.count() == 2
    finally:
        worker2.terminate()
        worker2.wait(10)


@pytest.mark.worker
def test_a_job_that_killed_its_worker_is_not_run_again_by_the_redelivered_message(
    transactional_db, celery_worker_factory, caseworker, village, settings
):
    """The 64 redeliveries of the issue: a worker dies under a job (out of memory on its input, say), the broker
    hands the unacknowledged message to the next worker, and that worker must not run the job again: the job is
    failed, says why, and waits for a person to retry it."""
    from fedportal.jobs.services import _is_stale

    settings.JOB_STALE_SECONDS = 5
    roster = roster_upload(
        kind="persons", filename="a.xlsx", content=persons_file(person_row(1)), acting_user=caseworker
    )
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    worker = celery_worker_factory(
        extra_env={"FEDPORTAL_ROSTER_IMPORT_DELAY_MS": "60000", "JOB_HEARTBEAT_SECONDS": "1"}
    )
    roster = roster_confirm(roster=roster, acting_user=caseworker)
    job = roster.import_job
    _wait(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING)
    os.kill(worker.pid, signal.SIGKILL)  # the message stays unacknowledged on the broker
    worker.wait(10)
    _wait(lambda: _is_stale(Job.objects.get(pk=job.pk)), timeout=30)

    # The next worker takes the message back once its visibility timeout has passed.
    second = celery_worker_factory(extra_env={"CELERY_VISIBILITY_TIMEOUT": "2", "JOB_STALE_SECONDS": "5"})
    try:
        _wait(lambda: Job.objects.get(pk=job.pk).status == JobStatus.FAILED, timeout=90)
        job.refresh_from_db()
        roster.refresh_from_db()
        assert job.attempts == 1 and job.lost_runs == 1  # delivered again, never run again
        assert "没有自动重新执行" in job.error and job.may_retry
        assert roster.status == RosterStatus.VALID and not Person.objects.exists()
        assert second.poll() is None
    finally:
        second.terminate()
        second.wait(10)


_BROKER_DOWN = """
import json, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from cases.models import RosterImport
from fedportal.jobs.models import Job
user = get_user_model().objects.get(username="caseworker")
admin = get_user_model().objects.get(username="admin")
client = Client()
out = {}
client.force_login(user)
content = open(%(roster)r, "rb").read()
started = time.monotonic()
response = client.post("/persons/rosters/", {"kind": "persons", "file": SimpleUploadedFile("a.xlsx", content)})
out["upload"] = [response.status_code, time.monotonic() - started, response.content.decode()]
from django.urls import reverse
from cases.models import Comparison
started = time.monotonic()
response = client.post(
    reverse("cases:comparison_list"),
    {"kind": "deaths", "source": "list", "as_of": "2026-01-01", "file": SimpleUploadedFile("l.xlsx", open(%(list)r, "rb").read())},
)
out["comparison"] = [response.status_code, time.monotonic() - started, response.content.decode()]
out["comparisons"] = Comparison.objects.count()
started = time.monotonic()
response = client.post("/persons/export/")
out["export"] = [response.status_code, time.monotonic() - started, response.content.decode()[:20000]]
client.force_login(admin)
started = time.monotonic()
response = client.get("/dashboards/")
out["dashboard"] = [response.status_code, time.monotonic() - started, ""]
out["rosters"] = RosterImport.objects.count()
out["pending_jobs"] = Job.objects.filter(status__in=["pending", "running"]).count()
print(json.dumps(out))
"""


def test_with_the_broker_unreachable_requests_fail_fast_and_clearly_and_leave_no_orphans(
    transactional_db, users, village, tmp_path
):
    """Redis (broker and cache) pointed at a closed port, in a separate process so nothing of this one is touched."""
    import json

    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(persons_file(person_row(1)))
    agency_list = tmp_path / "list.xlsx"
    agency_list.write_bytes(
        list_file("deaths", {"身份证号": "11010519491231002X", "姓名": "外县人", "死亡日期": "2026-01-01"})
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fedportal.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", _BROKER_DOWN % {"roster": str(roster), "list": str(agency_list)}],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    status, seconds, body = out["upload"]
    import re

    errors = re.findall(r"invalid-feedback[^>]*>([^<]*)", body)
    assert status == 200 and "任务队列暂时无法连接" in body and seconds < 3, (status, seconds, errors)
    status, seconds, body = out["comparison"]
    assert status == 200 and "任务队列暂时无法连接" in body and seconds < 3, (status, seconds)
    assert out["comparisons"] == 0
    status, seconds, body = out["export"]
    assert status == 503 and "任务队列暂时无法连接" in body and seconds < 3, (status, seconds)
    status, seconds, _body = out["dashboard"]
    assert status == 200 and seconds < 5, (status, seconds)  # computed from the database
    assert out["rosters"] == 0 and out["pending_jobs"] == 0
