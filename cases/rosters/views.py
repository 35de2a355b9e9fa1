"""Roster pages: upload + history, the report of one upload (progress, errors, counts, confirm), downloads."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import RosterKind, RosterStatus, Township
from cases.selectors import township_list_for_user, village_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_perm, township_scope
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.forms import apply_errors, message_errors
from fedportal.jobs.progress import live_progress
from fedportal.jobs.services import JobEnqueueError

from . import services
from .forms import RosterUploadForm
from .jobs import annotated_name
from .selectors import roster_get_for_user, roster_list_for_user
from .workbooks import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISSUES_PER_PAGE = 200


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_perm(Perm.ROSTER_UPLOAD)
def roster_list(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            roster = services.roster_upload(
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=upload.read(),
                acting_user=request.user,
                township=form.cleaned_data.get("township"),
            )
        except ValidationError as exc:
            apply_errors(form, exc, field="file")
        else:
            messages.success(request, _("文件已上传，正在校验。"))
            return redirect("cases:roster_detail", roster_id=roster.pk)
    page = Paginator(roster_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/roster_list.html",
        {
            "form": form,
            "page": page,
            "rosters": page.object_list,
            "query_string": "",
            "may_enroll": has_perm(request.user, Perm.ROSTER_ENROLLMENTS),
        },
    )


@require_perm(Perm.ROSTER_UPLOAD)
def roster_template(request):
    kind = request.GET.get("kind", RosterKind.PERSONS)
    if kind not in RosterKind.values:
        raise Http404
    if kind == RosterKind.ENROLLMENTS and not has_perm(request.user, Perm.ROSTER_ENROLLMENTS):
        raise PermissionDenied
    townships = township_list_for_user(user=request.user)
    villages = village_list_for_user(user=request.user)
    chosen = _chosen_township(request.user, request.GET.get("township")) if kind == RosterKind.PERSONS else None
    if chosen is not None:  # county staff picked a township: its villages only in the drop-down
        townships, villages = townships.filter(pk=chosen.pk), villages.filter(township=chosen)
    content = build_template(kind=kind, townships=list(townships), villages=list(villages))
    name = _("残疾人花名册模板") if kind == RosterKind.PERSONS else _("补贴对象花名册模板")
    return _xlsx_response(content, f"{name}-{chosen.name}.xlsx" if chosen else f"{name}.xlsx")


def _chosen_township(user, value: str | None) -> Township | None:
    """?township=ID of county staff (404 when unknown); township-bound users' templates are their township's anyway."""
    if not value or township_scope(user) is not None:
        return None
    township = (
        township_list_for_user(user=user).filter(pk=value).first() if value.isascii() and value.isdigit() else None
    )
    if township is None:
        raise Http404
    return township


@require_perm(Perm.ROSTER_UPLOAD)
def roster_detail(request, roster_id: int):
    roster = roster_get_for_user(user=request.user, roster_id=roster_id)
    job = roster.import_job or roster.validate_job
    issues = roster.issues or []
    errors = sum(1 for issue in issues if issue.get("level") == "error")
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/roster_detail.html",
        {
            "roster": roster,
            "job": job,
            "live": live_progress(job) if job else None,
            "page": page,
            "issues": page.object_list,
            "error_count": errors,
            "warning_count": len(issues) - errors,
            "query_string": "",
            "may_confirm": roster.status == RosterStatus.VALID,
            "busy": roster.status in (RosterStatus.VALIDATING, RosterStatus.IMPORTING),
        },
    )


@require_perm(Perm.ROSTER_UPLOAD)
def roster_confirm(request, roster_id: int):
    # Access first: another township's roster is 404 whatever the method.
    roster = roster_get_for_user(user=request.user, roster_id=roster_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.roster_confirm(roster=roster, acting_user=request.user)
    except ValidationError as exc:
        message_errors(request, exc)
    except JobEnqueueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已开始导入。"))
    return redirect("cases:roster_detail", roster_id=roster.pk)


@require_perm(Perm.ROSTER_UPLOAD)
def roster_annotated(request, roster_id: int):
    """The annotated copy the last check built in the worker; when there is none yet, a job builds it.

    The web process never opens an uploaded workbook (a hostile one must not cost a web worker its memory)."""
    roster = roster_get_for_user(user=request.user, roster_id=roster_id)
    if not roster.file:
        raise Http404
    job = services.roster_annotated_job(roster=roster)
    if job is not None and job.result_file:
        _record_download(request, roster, _("花名册 #%(id)s 标注错误的工作簿") % {"id": roster.pk})
        return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=annotated_name(roster))
    if job is None or job.is_finished:
        try:
            job = services.roster_annotate(roster=roster, acting_user=request.user)
        except JobEnqueueError as exc:
            messages.error(request, str(exc))
            return redirect("cases:roster_detail", roster_id=roster.pk)
    messages.info(request, _("正在生成标注错误的工作簿，完成后可在本页下载。"))
    return redirect("jobs:job_detail", job_id=job.pk)


@require_perm(Perm.ROSTER_UPLOAD)
def roster_file(request, roster_id: int):
    roster = roster_get_for_user(user=request.user, roster_id=roster_id)
    if not roster.file:
        raise Http404
    _record_download(request, roster, _("花名册 #%(id)s 原文件") % {"id": roster.pk})
    return FileResponse(roster.file.open("rb"), as_attachment=True, filename=roster.original_name or "roster.xlsx")


def _record_download(request, roster, detail: str) -> None:
    """A roster and its annotated copy hold full ID, phone and account numbers: every download is a view of them."""
    sensitive_access_record(user=request.user, field=SensitiveField.ROSTER_FILE, detail=detail, request=request)
