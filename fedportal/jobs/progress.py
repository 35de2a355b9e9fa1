"""Progress that the page can see while the job's own transaction is still open.

The handler's writes live in one transaction, so progress written to the job row inside it would stay
invisible until the end. Progress goes to the cache instead (throttled), and to the row when the job ends.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a running handler (at a progress step) once the user asked to cancel it."""


def _key(job_id: int) -> str:
    return f"job-progress:{job_id}"


class ProgressReporter:
    def __init__(self, job, *, min_interval: float = 0.5, cancelled=None):
        self.job = job
        self.cancelled = cancelled
        self.min_interval = min_interval
        self._last = 0.0
        self.done = 0
        self.total = job.total
        self.message = ""

    def start(self, total: int, message: str = "") -> None:
        self.total, self.done, self.message = total, 0, message
        self._publish(force=True)

    def step(self, count: int = 1, message: str | None = None) -> None:
        self.done += count
        if message is not None:
            self.message = message
        self._publish()

    def set(self, done: int, message: str | None = None) -> None:
        self.done = done
        if message is not None:
            self.message = message
        self._publish()

    def _publish(self, *, force: bool = False) -> None:
        if self.cancelled is not None and self.cancelled():
            raise JobCancelled
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        try:
            cache.set(
                _key(self.job.pk), {"progress": self.done, "total": self.total, "message": str(self.message)}, 3600
            )
        except Exception as exc:  # noqa: BLE001 - live progress is a nicety: a cache outage must not fail the job
            logger.warning("job %s: progress not published: %s", self.job.pk, exc)


def live_progress(job) -> dict:
    """The freshest progress known for a job: the cache while it runs, the row once it has ended."""
    if not job.is_finished:
        try:
            cached = cache.get(_key(job.pk))
        except Exception:  # noqa: BLE001 - without the cache the row's own figures are shown
            cached = None
        if cached:
            return cached
    return {"progress": job.progress, "total": job.total, "message": job.message}


def clear_progress(job_id: int) -> None:
    try:
        cache.delete(_key(job_id))
    except Exception as exc:  # noqa: BLE001 - the entry expires by itself
        logger.warning("job %s: progress not cleared: %s", job_id, exc)
