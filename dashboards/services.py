"""Writes of the dashboards app: asking for a report (a GeneratedReport row and its background job)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Township
from fedportal.accounts.permissions import Perm, authorize, township_scope
from fedportal.core.clock import local_today
from fedportal.jobs.services import job_create

from .models import GeneratedReport, ReportKind

JOB_KINDS = {
    ReportKind.WORK_HALF_YEAR: "dashboards.work_report",
    ReportKind.WORK_YEAR: "dashboards.work_report",
    ReportKind.SUBSIDY_MONTH: "dashboards.subsidy_statement",
    ReportKind.SURVEY_YEAR: "dashboards.survey_summary",
}


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)


def report_title(*, kind: str, params: dict, township: Township | None) -> str:
    where = township.name if township else _("全县")
    if kind == ReportKind.WORK_HALF_YEAR:
        what = _("%(year)s年上半年工作报告") % {"year": params["year"]}
    elif kind == ReportKind.WORK_YEAR:
        what = _("%(year)s年度工作报告") % {"year": params["year"]}
    elif kind == ReportKind.SUBSIDY_MONTH:
        year, month = params["month"].split("-")
        what = _("%(year)s年%(month)s月补贴发放统计表") % {"year": year, "month": int(month)}
    else:
        what = _("%(year)s年需求调查汇总") % {"year": params["year"]}
    return f"{where}{what}"


def _clean_params(kind: str, params: dict, today: date) -> dict:
    if kind in (ReportKind.WORK_HALF_YEAR, ReportKind.WORK_YEAR, ReportKind.SURVEY_YEAR):
        try:
            year = int(params.get("year") or today.year)
        except (TypeError, ValueError):
            raise ValidationError({"year": _("年度必须是四位数字。")}) from None
        if not 2000 <= year <= today.year:
            raise ValidationError({"year": _("年度必须在 2000 年到今年之间。")})
        return {"year": year}
    if kind == ReportKind.SUBSIDY_MONTH:
        month = params.get("month") or f"{previous_month(today):%Y-%m}"
        try:
            parsed = date(int(month[:4]), int(month[5:7]), 1)
        except (TypeError, ValueError):
            raise ValidationError({"month": _("月份格式应为 YYYY-MM。")}) from None
        if len(month) != 7 or parsed > today:
            raise ValidationError({"month": _("月份格式应为 YYYY-MM，且不能晚于本月。")})
        return {"month": f"{parsed:%Y-%m}"}
    raise ValidationError({"kind": _("未知的报表类型。")})


@transaction.atomic
def report_request(
    *, kind: str, params: dict, acting_user, township: Township | None = None, scheduled: bool = False
) -> GeneratedReport:
    """Record a report request and start its job (enqueued when the transaction commits).

    A township-scoped user always gets their own township's report, whatever township was asked for."""
    authorize(acting_user, Perm.REPORT_GENERATE, township)
    scope = township_scope(acting_user)
    if scope is not None:
        township = Township.objects.filter(pk=scope).first()
        if township is None:
            raise ValidationError(_("您的账号未绑定乡镇，不能生成报表。"))
    clean = _clean_params(kind, params, local_today())
    title = report_title(kind=kind, params=clean, township=township)
    job = job_create(
        kind=JOB_KINDS[kind],
        acting_user=acting_user,
        params={"report_kind": kind, **clean, "township_id": township.pk if township else None},
        township=township,
    )
    return GeneratedReport.objects.create(
        kind=kind, title=title, params=clean, township=township, job=job, created_by=acting_user, scheduled=scheduled
    )
