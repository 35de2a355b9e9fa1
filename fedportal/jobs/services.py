"""Creating, running, retrying and cancelling background jobs.

A job cannot get stuck or run twice:
- it is enqueued after its row is committed; when the broker cannot take it, the job is failed at once with the
  reason and `JobEnqueueError` tells the caller (no row left pending forever);
- an execution claims the row (pending -> running) in one UPDATE, so a second delivery of the same message, or a
  redelivery while it runs, finds nothing to claim and stops;
- while it runs, a thread writes a heartbeat on the row; the beat task `fedportal.fail_stale_jobs` fails a
  running job whose heartbeat stopped (its worker died) within JOB_STALE_SECONDS, and it can then be retried;
- a message redelivered for a job whose process died under it is not run again: the job is failed and says why;
- each kind has its own Celery time limit.
"""

import logging
import os
import socket
import threading
import traceback
import uuid
from datetime import timedelta

import pghistory
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus
from .progress import JobCancelled, ProgressReporter, clear_progress
from .registry import job_kind

logger = logging.getLogger(__name__)

__all__ = ["JobCancelled", "JobEnqueueError", "JobError", "job_cancel", "job_create", "job_execute", "job_retry"]


class JobError(Exception):
    """A failure the user should read: its message is shown as the job's error, without a traceback."""


class JobEnqueueError(Exception):
    """The task queue could not take the job; the job has been marked failed with the same message."""


def _stale_seconds() -> int:
    return int(getattr(settings, "JOB_STALE_SECONDS", 90))


def _heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def job_create(*, kind: str, acting_user, params: dict | None = None, township=None, total: int = 0) -> Job:
    """Record a job and enqueue it once the surrounding transaction commits.

    When the broker is unreachable the commit stands, the job is failed with the reason, and JobEnqueueError is
    raised from the end of the outermost transaction (or here, outside one)."""
    job_kind(kind)  # fail early on an unknown kind
    job = Job.objects.create(kind=kind, params=params or {}, township=township, created_by=acting_user, total=total)
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    from .tasks import run_job

    kind = job_kind(job.kind)
    try:
        run_job.apply_async(
            args=[job.pk],
            time_limit=kind.time_limit,
            soft_time_limit=kind.soft_time_limit,
            retry=False,
        )
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds for an unreachable broker; all mean the same
        logger.warning("job %s (%s) could not be enqueued: %s", job.pk, job.kind, exc)
        message = _("任务队列暂时无法连接，任务未能开始。请稍后重试；如果持续出现，请联系系统管理员。")
        Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now()
        )
        job.refresh_from_db()
        _abandon(job)
        raise JobEnqueueError(message) from None


def job_retry(*, job: Job, acting_user) -> Job:
    """Run a failed or cancelled job again with the same parameters."""
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job.pk, status__in=(JobStatus.FAILED, JobStatus.CANCELLED)).update(
            status=JobStatus.PENDING,
            error="",
            progress=0,
            message="",
            cancel_requested=False,
            heartbeat_at=None,
            run_token="",
            finished_at=None,
        )
        if not claimed:
            raise JobError(_("只有失败或已取消的任务可以重试。"))
        transaction.on_commit(lambda: _enqueue(job))
    job.refresh_from_db()
    return job


def job_cancel(*, job: Job, acting_user) -> Job:
    """Cancel a job: a pending one never starts; a running one stops at its next progress step and writes nothing
    (its transaction is rolled back); a running one whose process is gone is cancelled at once."""
    abandoned = False
    with transaction.atomic():
        current = Job.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
        if current is None:  # the running handler holds the row: ask it to stop
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            job.refresh_from_db()
            return job
        if current.status == JobStatus.PENDING or (current.status == JobStatus.RUNNING and _is_stale(current)):
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.CANCELLED,
                error=_("已由 %(user)s 取消。") % {"user": acting_user.get_username()},
                finished_at=timezone.now(),
                run_token="",
            )
            abandoned = True
        elif current.status == JobStatus.RUNNING:
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        else:
            raise JobError(_("任务已经结束，无法取消。"))
    job.refresh_from_db()
    if abandoned:
        _abandon(job)
    return job


def _is_stale(job: Job) -> bool:
    beat = job.heartbeat_at or job.started_at
    return beat is None or beat < timezone.now() - timedelta(seconds=_stale_seconds())


def _abandon(job: Job) -> None:
    """Let the job's app put its own rows back in a state the user can act on."""
    try:
        kind = job_kind(job.kind)
    except LookupError:
        return
    if kind.on_abandon is not None:
        try:
            kind.on_abandon(job)
        except Exception:
            logger.exception("job %s (%s): on_abandon failed", job.pk, job.kind)
    clear_progress(job.pk)


def job_fail_stale(*, now=None) -> int:
    """Fail every running job whose heartbeat stopped: its process died (killed, out of memory, machine restart).

    A row still locked by a live transaction is skipped: whoever holds it is alive."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=_stale_seconds())
    failed = []
    with transaction.atomic():
        stale = Job.objects.select_for_update(skip_locked=True).filter(status=JobStatus.RUNNING)
        for job in stale:
            if not _is_stale(job) or (job.heartbeat_at or job.started_at) >= cutoff:
                continue
            job.lost_runs += 1
            job.status = JobStatus.FAILED
            job.finished_at = now
            job.run_token = ""
            job.error = _(
                "执行任务的进程在运行中意外退出（可能是内存不足、超时或服务器重启），已超过 %(seconds)s 秒没有心跳。"
                "数据没有被部分写入；可以重试。"
            ) % {"seconds": _stale_seconds()}
            job.save(update_fields=["lost_runs", "status", "finished_at", "run_token", "error"])
            failed.append(job)
    for job in failed:
        logger.warning("job %s (%s) failed: no heartbeat (worker %s)", job.pk, job.kind, job.worker)
        _abandon(job)
    return len(failed)


class _Heartbeat(threading.Thread):
    """Writes the heartbeat on the job row from its own database connection while the handler runs."""

    def __init__(self, job: Job, token: str):
        super().__init__(name=f"job-heartbeat-{job.pk}", daemon=True)
        self.job_id, self.token = job.pk, token
        self.stopped = threading.Event()
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(_heartbeat_seconds()):
                try:
                    with transaction.atomic():
                        with connection.cursor() as cursor:
                            # Never wait behind the handler's own lock on the row; the next beat will do.
                            cursor.execute("SET LOCAL lock_timeout = '2s'")
                        beat = Job.objects.filter(pk=self.job_id, run_token=self.token, status=JobStatus.RUNNING)
                        beat.update(heartbeat_at=timezone.now())
                    if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
                        self.cancel.set()
                except DatabaseError as exc:
                    logger.warning("job %s heartbeat skipped: %s", self.job_id, exc)
        finally:
            connection.close()


def job_execute(job_id: int) -> Job | None:
    """Run one job's handler, if this execution can claim it.

    Only a pending job is claimed (pending -> running in one UPDATE): a finished job is left alone, a job another
    execution is running is not started again, and a job whose process died under it is failed with the reason
    instead of being run again by the redelivered message."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.PENDING, cancel_requested=False).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        run_token=token,
        worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
        error="",
        finished_at=None,
    )
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return None
    if not claimed:
        _refuse_redelivery(job)
        return job
    Job.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    job.attempts += 1

    heartbeat = _Heartbeat(job, token)
    heartbeat.start()
    reporter = ProgressReporter(job, cancelled=heartbeat.cancel.is_set)
    try:
        with pghistory.context(user=job.created_by_id, job=job.pk, job_kind=job.kind):
            result = job_kind(job.kind).handler(job, reporter)
    except JobCancelled:
        _finish(job, token, JobStatus.CANCELLED, reporter, error=_("任务已按要求取消，未写入任何数据。"))
    except SoftTimeLimitExceeded:
        limit = job_kind(job.kind).time_limit
        _finish(
            job,
            token,
            JobStatus.FAILED,
            reporter,
            error=_("任务超过了 %(minutes)s 分钟的时间限制，已停止，未写入任何数据。") % {"minutes": limit // 60},
        )
    except JobError as exc:
        _finish(job, token, JobStatus.FAILED, reporter, error=str(exc))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            token,
            JobStatus.FAILED,
            reporter,
            error=_("任务执行出错：%(error)s") % {"error": exc},
            trace=traceback.format_exc(),
        )
    else:
        _finish(job, token, JobStatus.SUCCEEDED, reporter, result=result or {})
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=5)
    job.refresh_from_db()
    return job


def _refuse_redelivery(job: Job) -> None:
    """A message for a job this execution could not claim. Running with a live heartbeat: another process has it.
    Running without one: its process died running it (out of memory on this input, say); do not run it again."""
    if job.status != JobStatus.RUNNING or not _is_stale(job):
        logger.info("job %s (%s) is %s: delivery ignored", job.pk, job.kind, job.status)
        return
    lost = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, run_token=job.run_token).update(
        status=JobStatus.FAILED,
        lost_runs=job.lost_runs + 1,
        finished_at=timezone.now(),
        run_token="",
        error=_(
            "执行任务的进程在运行中意外退出（可能是这份数据使内存不足或超时），为避免反复崩溃，任务没有自动重新执行。"
            "请检查数据后重试，或联系系统管理员。"
        ),
    )
    if lost:
        job.refresh_from_db()
        _abandon(job)


def job_attach_file(*, job: Job, filename: str, content) -> None:
    """Store a job's result file; `content` is bytes or an open binary file (copied in chunks, never all in memory)."""
    stored = ContentFile(content) if isinstance(content, bytes) else File(content)
    job.result_file.save(filename, stored, save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def _finish(
    job: Job, token: str, status: str, reporter: ProgressReporter, *, result=None, error: str = "", trace: str = ""
) -> None:
    """Record the end of this execution, unless it no longer owns the row (the stale-job task failed it)."""
    job.status = status
    job.finished_at = timezone.now()
    job.progress = reporter.done if status != JobStatus.SUCCEEDED else max(reporter.done, reporter.total)
    job.total = reporter.total
    job.message = str(reporter.message)[:200]
    if result is not None:
        job.result = result
    job.error = error if not trace else f"{error}\n\n{trace}"
    Job.objects.filter(pk=job.pk, run_token=token).update(
        status=job.status,
        finished_at=job.finished_at,
        progress=job.progress,
        total=job.total,
        message=job.message,
        result=job.result,
        error=job.error,
        run_token="",
        cancel_requested=False,
    )
    clear_progress(job.pk)
    if status != JobStatus.SUCCEEDED:
        _abandon(job)


# Apps whose own files hold full numbers (uploaded rosters and their annotated copies) register a function here
# (`@sensitive_file_purger` in their AppConfig.ready imports); each takes the cutoff time and returns how many files
# it deleted. The platform cannot import them (layers), so they come to it.
_PURGERS: list = []


def sensitive_file_purger(purge):
    _PURGERS.append(purge)
    return purge


def job_purge_result_file(job: Job) -> None:
    """Delete a job's result file, keep the row (who did what, when) and say why the file is gone."""
    job.result_file.delete(save=False)
    Job.objects.filter(pk=job.pk).update(result_file="", message=_("完整号码文件已按保留期限删除"))


def job_purge_sensitive_files(*, older_than_days: int) -> int:
    """Delete the files of full-number exports older than the retention, and every registered app's full-number
    files: collect what the work needs, keep it no longer than needed. The rows (who exported what, when) stay."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    purged = 0
    for job in Job.objects.filter(params__reveal=True, finished_at__lt=cutoff).exclude(result_file=""):
        job_purge_result_file(job)
        purged += 1
    for purge in _PURGERS:
        purged += purge(cutoff)
    return purged
