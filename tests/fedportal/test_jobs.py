import time

import pytest
from django.urls import reverse

from fedportal.accounts.models import Role
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.registry import job_handler
from fedportal.jobs.services import JobError, job_create, job_execute, job_retry


@job_handler("test.fails", label="测试失败任务")
def _failing_handler(job, progress):
    raise JobError("第 3 行数据有误")


@pytest.mark.django_db
def test_a_job_runs_its_handler_and_records_the_result(caseworker):
    job = Job.objects.create(kind="system.selftest", created_by=caseworker)
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["cache_ok"] is True
    assert job.result["users"] >= 1
    assert job.attempts == 1 and job.finished_at is not None


@pytest.mark.django_db
def test_a_failed_job_keeps_a_readable_error_and_can_be_retried(caseworker):
    job = Job.objects.create(kind="test.fails", created_by=caseworker)
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "第 3 行数据有误"
    job_retry(job=job, acting_user=caseworker)
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING


@pytest.mark.django_db
def test_running_a_finished_job_twice_changes_nothing(caseworker):
    job = Job.objects.create(kind="system.selftest", created_by=caseworker)
    job_execute(job.pk)
    job_execute(job.pk)
    assert Job.objects.get(pk=job.pk).attempts == 1


@pytest.mark.django_db
def test_users_see_only_their_own_jobs(client, users):
    job = Job.objects.create(kind="system.selftest", created_by=users[Role.CASEWORKER])
    client.force_login(users[Role.LIAISON])
    assert client.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404
    client.force_login(users[Role.CASEWORKER])
    response = client.get(reverse("jobs:job_detail", args=[job.pk]))
    assert response.status_code == 200
    assert "系统自检" in response.content.decode()
    client.force_login(users[Role.ADMIN])
    assert client.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 200


@pytest.mark.worker
def test_a_real_celery_worker_runs_a_job(celery_worker, caseworker):
    """The web process enqueues through Redis; a separate worker process does the work on PostgreSQL."""
    job = job_create(kind="system.selftest", acting_user=caseworker)  # autocommit: enqueued at once
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["database"].startswith("PostgreSQL")
    assert job.result["users"] >= 1


@pytest.mark.worker
def test_the_progress_component_polls_until_the_job_ends(celery_worker, client, caseworker):
    job = job_create(kind="system.selftest", acting_user=caseworker)
    client.force_login(caseworker)
    deadline = time.monotonic() + 60
    body = ""
    while time.monotonic() < deadline:
        body = client.get(reverse("jobs:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
        if 'data-status="succeeded"' in body:
            break
        assert 'hx-trigger="every 1s"' in body
        time.sleep(0.2)
    assert 'data-status="succeeded"' in body
    assert "hx-trigger" not in body


@pytest.mark.django_db
def test_downloading_a_full_number_file_is_logged_for_whoever_downloads(client, users):
    from django.core.files.base import ContentFile

    from fedportal.audit.models import SensitiveAccess

    job = Job.objects.create(
        kind="system.selftest", created_by=users[Role.CASEWORKER], status="succeeded", params={"reveal": True}
    )
    job.result_file.save("export.xlsx", ContentFile(b"x"))
    client.force_login(users[Role.ADMIN])
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert SensitiveAccess.objects.filter(user=users[Role.ADMIN], field="export").count() == 1


@pytest.mark.django_db
def test_full_number_files_are_deleted_after_the_retention(users):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from fedportal.jobs.services import job_purge_sensitive_files

    def finished_job(days_ago, reveal):
        job = Job.objects.create(
            kind="system.selftest",
            created_by=users[Role.CASEWORKER],
            status="succeeded",
            params={"reveal": reveal},
            finished_at=timezone.now() - timedelta(days=days_ago),
        )
        job.result_file.save("export.xlsx", ContentFile(b"x"))
        return job

    old_full, new_full, old_masked = finished_job(10, True), finished_job(1, True), finished_job(10, False)
    assert job_purge_sensitive_files(older_than_days=7) == 1
    old_full.refresh_from_db(), new_full.refresh_from_db(), old_masked.refresh_from_db()
    assert not old_full.result_file and new_full.result_file and old_masked.result_file
