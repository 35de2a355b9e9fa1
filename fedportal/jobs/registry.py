"""Job kinds and their handlers.

An app registers what a kind of job does:

    @job_handler("roster.validate", label=_("花名册校验"))
    def validate_roster(job, progress):
        ...
        return {"rows": 20000}          # stored in job.result

A handler does its writes in one transaction, so a failure leaves the data as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Callable
    # Celery's hard limit for one execution (seconds); the soft limit, a minute earlier, lets the job fail cleanly.
    time_limit: int = 30 * 60
    # Called with the job when it ends without its handler finishing (worker lost, cancelled, never enqueued), so
    # the app can put its own rows back in a state the user can act on (a roster "importing" becomes confirmable).
    on_abandon: Callable | None = None
    # The kind's result file holds full ID, phone or account numbers whatever its parameters (a roster's annotated
    # copy): every download is recorded as a view of them, like a full-number export's ("reveal" in its params).
    full_numbers: bool = False

    @property
    def soft_time_limit(self) -> int:
        return max(self.time_limit - 60, int(self.time_limit * 0.9))


_KINDS: dict[str, JobKind] = {}


def job_handler(
    name: str, *, label, time_limit: int = 30 * 60, on_abandon: Callable | None = None, full_numbers: bool = False
):
    def register(handler):
        _KINDS[name] = JobKind(
            name=name,
            label=label,
            handler=handler,
            time_limit=time_limit,
            on_abandon=on_abandon,
            full_numbers=full_numbers,
        )
        return handler

    return register


def job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def job_holds_full_numbers(job) -> bool:
    """Whether the job's result file shows full numbers: a full-number export, or a kind whose files always do."""
    kind = _KINDS.get(job.kind)
    return bool((job.params or {}).get("reveal")) or (kind is not None and kind.full_numbers)


def job_kind_label(name: str):
    kind = _KINDS.get(name)
    return kind.label if kind else name


# What a finished job offers for download, by kind, when it is more than its one result file (a report: the Excel
# workbook and the PDF). Each function takes the job and returns (label, url, icon) triples.
_FILES: dict[str, Callable] = {}


def job_files(*names: str):
    def register(files):
        for name in names:
            _FILES[name] = files
        return files

    return register


def job_result_links(job) -> list[tuple[str, str, str]]:
    """Every file a finished job offers, so the progress box can list them all as soon as the job ends."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    files = _FILES.get(job.kind)
    if files is not None:
        links = list(files(job))
        if links:
            return links
    if job.result_file:
        return [(_("下载结果文件"), reverse("jobs:job_download", args=[job.pk]), "download")]
    return []
