"""Creating, running and retrying background jobs."""

import logging
import traceback
from datetime import timedelta

import pghistory
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus
from .progress import ProgressReporter, clear_progress
from .registry import job_kind

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure the user should read: its message is shown as the job's error, without a traceback."""


def job_create(*, kind: str, acting_user, params: dict | None = None, township=None, total: int = 0) -> Job:
    """Record a job and enqueue it once the surrounding transaction commits."""
    from .tasks import run_job

    job_kind(kind)  # fail early on an unknown kind
    job = Job.objects.create(kind=kind, params=params or {}, township=township, created_by=acting_user, total=total)
    run_job.delay_on_commit(job.pk)
    return job


def job_retry(*, job: Job, acting_user) -> Job:
    """Run a failed job again with the same parameters."""
    from .tasks import run_job

    if job.status != JobStatus.FAILED:
        raise JobError(_("只有失败的任务可以重试。"))
    Job.objects.filter(pk=job.pk).update(status=JobStatus.PENDING, error="", progress=0, message="")
    run_job.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def job_execute(job_id: int) -> Job | None:
    """Run one job's handler. Safe to call twice: a job that already succeeded is left alone."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
        if job is None or job.status == JobStatus.SUCCEEDED:
            return job
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.attempts += 1
        job.error = ""
        job.save(update_fields=["status", "started_at", "attempts", "error"])

    reporter = ProgressReporter(job)
    try:
        with pghistory.context(user=job.created_by_id, job=job.pk, job_kind=job.kind):
            result = job_kind(job.kind).handler(job, reporter)
    except JobError as exc:
        _finish(job, JobStatus.FAILED, reporter, error=str(exc))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            JobStatus.FAILED,
            reporter,
            error=_("任务执行出错：%(error)s") % {"error": exc},
            trace=traceback.format_exc(),
        )
    else:
        _finish(job, JobStatus.SUCCEEDED, reporter, result=result or {})
    return job


def job_attach_file(*, job: Job, filename: str, content) -> None:
    """Store a job's result file; `content` is bytes or an open binary file (copied in chunks, never all in memory)."""
    stored = ContentFile(content) if isinstance(content, bytes) else File(content)
    job.result_file.save(filename, stored, save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def _finish(
    job: Job, status: str, reporter: ProgressReporter, *, result=None, error: str = "", trace: str = ""
) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.progress = reporter.done if status == JobStatus.FAILED else max(reporter.done, reporter.total)
    job.total = reporter.total
    job.message = str(reporter.message)[:200]
    if result is not None:
        job.result = result
    job.error = error if not trace else f"{error}\n\n{trace}"
    Job.objects.filter(pk=job.pk).update(
        status=job.status,
        finished_at=job.finished_at,
        progress=job.progress,
        total=job.total,
        message=job.message,
        result=job.result,
        error=job.error,
    )
    clear_progress(job.pk)


def job_purge_sensitive_files(*, older_than_days: int) -> int:
    """Delete the files of full-number exports older than the retention: collect what the work needs, keep it no
    longer than needed. The job rows (who exported what, when) stay."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    purged = 0
    for job in Job.objects.filter(params__reveal=True, finished_at__lt=cutoff).exclude(result_file=""):
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="", message=_("完整号码文件已按保留期限删除"))
        purged += 1
    return purged
