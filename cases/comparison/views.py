"""Comparison pages: upload + history, one comparison (progress, findings by kind, unmatched, bad rows, apply),
deselecting a finding, downloads."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.clock import local_today
from fedportal.jobs.progress import live_progress

from . import describe, services
from .forms import ComparisonUploadForm, DeselectForm
from .hooks import comparison_panels
from .models import ComparisonKind, ComparisonOrigin, ComparisonStatus, FindingKind
from .schema import available_kinds
from .selectors import (
    comparison_get_for_user,
    comparison_list_for_user,
    finding_counts_by_kind,
    finding_get_for_user,
    finding_list_for_user,
    user_sees_whole_county,
)
from .workbooks import build_list_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINDINGS_PER_PAGE = 100
UNMATCHED_SHOWN = 200


@require_perm(Perm.COMPARISON_VIEW)
def comparison_list(request):
    may_upload = has_perm(request.user, Perm.COMPARISON_UPLOAD)
    form = None
    if may_upload:
        initial = {"as_of": local_today()}
        form = ComparisonUploadForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                comparison = services.comparison_upload(
                    kind=form.cleaned_data["kind"],
                    source=form.cleaned_data["source"],
                    as_of=form.cleaned_data["as_of"],
                    filename=upload.name,
                    content=upload.read(),
                    acting_user=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else "file", errors)
                else:
                    form.add_error("file", exc)
            else:
                messages.success(request, _("名单已上传，正在比对。"))
                return redirect("cases:comparison_detail", comparison_id=comparison.pk)
    elif request.method == "POST":
        raise PermissionDenied
    # The history never shows the lists kept on each row (thousands of unmatched numbers on a 民政 roll).
    comparisons = comparison_list_for_user(user=request.user).defer("unmatched", "roll_person_ids", "issues")
    page = Paginator(comparisons, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/comparison_list.html",
        {
            "form": form,
            "page": page,
            "comparisons": page.object_list,
            "query_string": "",
            "kinds": available_kinds(),
            "whole_county": user_sees_whole_county(user=request.user),
        },
    )


@require_perm(Perm.COMPARISON_UPLOAD)
def comparison_template(request):
    kind = request.GET.get("kind", ComparisonKind.DEATHS)
    if kind not in dict(available_kinds()):
        raise Http404
    content = build_list_template(kind=kind)
    response = HttpResponse(content, content_type=XLSX)
    filename = _("比对名单模板-%(kind)s.xlsx") % {"kind": ComparisonKind(kind).label}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _finding_rows(findings):
    return [
        {
            "finding": finding,
            "registry": describe.registry_value(finding.kind, finding.change, finding.notes),
            "listed": describe.list_value(finding.kind, finding.change, finding.notes),
            "effect": describe.effect_text(finding.effects),
            "warnings": describe.warnings(finding.notes),
        }
        for finding in findings
    ]


@require_perm(Perm.COMPARISON_VIEW)
def comparison_detail(request, comparison_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    job = comparison.apply_job or comparison.compare_job
    busy = comparison.status in (ComparisonStatus.COMPARING, ComparisonStatus.APPLYING)
    all_findings = finding_list_for_user(user=request.user, comparison=comparison)
    groups = finding_counts_by_kind(findings=all_findings)
    kind = request.GET.get("kind") or (groups[0]["kind"] if groups else "")
    if kind and kind not in FindingKind.values:
        raise Http404
    page = Paginator(
        finding_list_for_user(user=request.user, comparison=comparison, kind=kind), FINDINGS_PER_PAGE
    ).get_page(request.GET.get("page"))
    whole_county = user_sees_whole_county(user=request.user)
    may_apply = (
        comparison.status == ComparisonStatus.READY
        and has_perm(request.user, Perm.COMPARISON_APPLY)
        and not (comparison.origin == ComparisonOrigin.WEB and comparison.uploaded_by_id == request.user.pk)
    )
    return render(
        request,
        "cases/comparison_detail.html",
        {
            "comparison": comparison,
            "job": job,
            "live": live_progress(job) if job else None,
            "busy": busy,
            "groups": groups,
            "kind": kind,
            "page": page,
            "rows": _finding_rows(page.object_list),
            "query_string": urlencode({"kind": kind}),
            "whole_county": whole_county,
            "unmatched": (comparison.unmatched or [])[:UNMATCHED_SHOWN] if whole_county else [],
            "unmatched_shown": UNMATCHED_SHOWN,
            "issues": comparison.issues or [],
            "may_apply": may_apply,
            "may_review": comparison.status == ComparisonStatus.READY and has_perm(request.user, Perm.COMPARISON_APPLY),
            "own_upload": comparison.uploaded_by_id == request.user.pk and comparison.origin == ComparisonOrigin.WEB,
            "panels": comparison_panels(request, comparison) if not busy else [],
            "deselect_form": DeselectForm(),
        },
    )


@require_perm(Perm.COMPARISON_APPLY)
def comparison_apply(request, comparison_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.comparison_apply_start(comparison=comparison, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您不能应用这份比对结果。"))
    else:
        messages.success(request, _("已开始应用比对结果。"))
    return redirect("cases:comparison_detail", comparison_id=comparison.pk)


@require_perm(Perm.COMPARISON_APPLY)
def finding_deselect(request, comparison_id: int, finding_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    finding = finding_get_for_user(user=request.user, comparison=comparison, finding_id=finding_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DeselectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写不采用的原因。"))
    else:
        try:
            services.finding_deselect(finding=finding, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已不采用 %(name)s 的这项差异。") % {"name": finding.person.name})
    return _redirect_to_kind(request, comparison, finding)


@require_perm(Perm.COMPARISON_APPLY)
def finding_reselect(request, comparison_id: int, finding_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    finding = finding_get_for_user(user=request.user, comparison=comparison, finding_id=finding_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.finding_reselect(finding=finding, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已恢复采用 %(name)s 的这项差异。") % {"name": finding.person.name})
    return _redirect_to_kind(request, comparison, finding)


def _redirect_to_kind(request, comparison, finding):
    from django.urls import reverse

    page = request.POST.get("page") or "1"
    query = urlencode({"kind": finding.kind, "page": page if page.isdigit() else "1"})
    return redirect(f"{reverse('cases:comparison_detail', args=[comparison.pk])}?{query}#finding-{finding.pk}")


@require_perm(Perm.COMPARISON_UPLOAD)
def comparison_file(request, comparison_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    if not comparison.file:
        raise Http404
    return FileResponse(
        comparison.file.open("rb"), as_attachment=True, filename=comparison.original_name or "list.xlsx"
    )


@require_perm(Perm.COMPARISON_UPLOAD)
def comparison_result(request, comparison_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    if not comparison.result_file:
        raise Http404
    stem = comparison.original_name.rsplit(".", 1)[0] or "list"
    return FileResponse(comparison.result_file.open("rb"), as_attachment=True, filename=f"{stem}-{_('比对结果')}.xlsx")
