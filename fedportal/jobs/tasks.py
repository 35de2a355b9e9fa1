from celery import shared_task
from django.conf import settings

from .services import job_execute, job_fail_stale, job_purge_sensitive_files


@shared_task(name="fedportal.run_job", acks_late=True)
def run_job(job_id: int) -> dict:
    """The one Celery task behind every background job: the job row is the idempotency key."""
    job = job_execute(job_id)
    if job is None:
        return {"job": job_id, "status": "missing"}
    return {"job": job.pk, "status": job.status, "result": job.result}


@shared_task(name="fedportal.purge_sensitive_files")
def purge_sensitive_files() -> dict:
    return {"purged": job_purge_sensitive_files(older_than_days=settings.SENSITIVE_FILE_RETENTION_DAYS)}


@shared_task(name="fedportal.fail_stale_jobs")
def fail_stale_jobs() -> dict:
    """Every half minute (beat): running jobs whose worker died are failed, so they can be retried."""
    return {"failed": job_fail_stale()}
