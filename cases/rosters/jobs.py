"""Background jobs of the roster flow: validation after upload, import after confirmation."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import RosterImport, RosterStatus
from fedportal.jobs.registry import job_handler
from fedportal.jobs.services import JobError, job_attach_file, sensitive_file_purger

from .services import RosterNotValid, roster_import, roster_purge_files, roster_validate
from .workbooks import build_annotated


def _reporter(progress):
    def report(done: int, total: int, message: str) -> None:
        if total != progress.total:
            progress.start(total, message)
        progress.set(done, message)

    return report


def _roster(job) -> RosterImport:
    roster = (
        RosterImport.objects.select_related("township", "uploaded_by").filter(pk=job.params.get("roster_id")).first()
    )
    if roster is None:
        raise JobError(_("花名册记录不存在。"))
    return roster


def _validation_abandoned(job) -> None:
    """The check never finished (worker lost, cancelled, queue down): the roster says so instead of "validating"."""
    RosterImport.objects.filter(pk=job.params.get("roster_id"), status=RosterStatus.VALIDATING).update(
        status=RosterStatus.FAILED
    )


def _import_abandoned(job) -> None:
    """The import never finished, so nothing was written (one transaction): the roster can be confirmed again."""
    RosterImport.objects.filter(pk=job.params.get("roster_id"), status=RosterStatus.IMPORTING).update(
        status=RosterStatus.VALID
    )


def annotated_name(roster: RosterImport) -> str:
    stem = roster.original_name.rsplit(".", 1)[0] or "roster"
    return f"{stem}-{_('校验结果')}.xlsx"


def _attach_annotated(job, roster: RosterImport) -> None:
    """The uploaded rows with their issues marked, built here in the worker: the web process never reads an uploaded
    workbook, it serves this file."""
    roster.refresh_from_db(fields=["issues"])
    with roster.file.open("rb") as handle:
        content = build_annotated(content=handle, issues=roster.issues or [])
    job_attach_file(job=job, filename=annotated_name(roster), content=content)


@job_handler(
    "roster.validate",
    label=gettext_lazy("花名册校验"),
    time_limit=15 * 60,
    on_abandon=_validation_abandoned,
    full_numbers=True,
)
def validate_roster(job, progress):
    roster = _roster(job)
    report = roster_validate(roster=roster, progress=_reporter(progress))
    if report.issues:
        _attach_annotated(job, roster)
    return {"roster_id": roster.pk, **report.counts()}


@job_handler("roster.annotate", label=gettext_lazy("花名册标注工作簿"), time_limit=10 * 60, full_numbers=True)
def annotate_roster(job, progress):
    roster = _roster(job)
    _attach_annotated(job, roster)
    return {"roster_id": roster.pk}


@job_handler(
    "roster.import",
    label=gettext_lazy("花名册导入"),
    time_limit=30 * 60,
    on_abandon=_import_abandoned,
    full_numbers=True,
)
def import_roster(job, progress):
    roster = _roster(job)
    try:
        counts = roster_import(roster=roster, acting_user=job.created_by, progress=_reporter(progress))
    except RosterNotValid as exc:
        _attach_annotated(job, roster)
        raise JobError(
            _("导入前重新校验发现 %(n)s 行有错误（登记信息可能已被修改），未写入任何数据。请查看错误清单。")
            % {"n": exc.report.invalid_rows or 1}
        ) from None
    return {"roster_id": roster.pk, **counts}


# Uploaded rosters and their annotated copies hold full numbers: the nightly purge deletes them after the retention.
sensitive_file_purger(roster_purge_files)
