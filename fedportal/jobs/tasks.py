from celery import shared_task

from .services import job_execute


@shared_task(name="fedportal.run_job", acks_late=True)
def run_job(job_id: int) -> dict:
    """The one Celery task behind every background job: the job row is the idempotency key."""
    job = job_execute(job_id)
    if job is None:
        return {"job": job_id, "status": "missing"}
    return {"job": job.pk, "status": job.status, "result": job.result}
