"""Background jobs of the roster flow: validation after upload, import after confirmation."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import RosterImport
from fedportal.jobs.registry import job_handler
from fedportal.jobs.services import JobError

from .services import RosterNotValid, roster_import, roster_validate


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


@job_handler("roster.validate", label=gettext_lazy("花名册校验"))
def validate_roster(job, progress):
    roster = _roster(job)
    report = roster_validate(roster=roster, progress=_reporter(progress))
    return {"roster_id": roster.pk, **report.counts()}


@job_handler("roster.import", label=gettext_lazy("花名册导入"))
def import_roster(job, progress):
    roster = _roster(job)
    try:
        counts = roster_import(roster=roster, acting_user=job.created_by, progress=_reporter(progress))
    except RosterNotValid as exc:
        raise JobError(
            _("导入前重新校验发现 %(n)s 行有错误（登记信息可能已被修改），未写入任何数据。请查看错误清单。")
            % {"n": exc.report.invalid_rows or 1}
        ) from None
    return {"roster_id": roster.pk, **counts}
