"""Dashboard, drill-down list and report centre: thin views over selectors and services."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import township_list_for_user
from certificates.models import EventKind
from fedportal.accounts.permissions import Perm, require_perm, township_scope
from fedportal.core.dates import add_months
from fedportal.core.forms import apply_errors
from fedportal.core.sensitive import CERTIFICATE, mask_for
from fedportal.dbrouting import replica_reads

from . import selectors
from .forms import ReportRequestForm
from .sections import LinkRights, dashboard_sections, gaps_section
from .selectors import (
    certificate_event_list_for_user,
    dashboard_cache_clear,
    dashboard_figures,
    dashboard_gaps_cached,
    dashboard_township_for_user,
    report_get_for_user,
    report_list_for_user,
)
from .services import report_request


def _dashboard_url(township_id) -> str:
    url = reverse("dashboards:dashboard")
    return f"{url}?{urlencode({'township': township_id})}" if township_id else url


@require_perm(Perm.DASHBOARD_VIEW)
def dashboard(request):
    township_id = dashboard_township_for_user(user=request.user, requested=request.GET.get("township"))
    figures = dashboard_figures(township_id=township_id)
    gaps = dashboard_gaps_cached(township_id=township_id)
    townships = township_list_for_user(user=request.user).order_by("code")
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "figures": figures,
            "sections": dashboard_sections(
                figures if gaps is None else {**figures, "gaps": gaps}, rights=LinkRights.for_user(request.user)
            ),
            "gaps_pending": gaps is None,
            "townships": townships,
            "selected_township": township_id,
            "selected_township_name": next((t.name for t in townships if t.pk == township_id), None),
            "township_locked": township_scope(request.user) is not None,
            "computed_at": timezone.localtime(figures["computed_at"]),
        },
    )


@require_perm(Perm.DASHBOARD_VIEW)
def dashboard_gaps(request):
    """The 动态管理 section, loaded by the dashboard after its other figures (htmx), or as a page without script."""
    township_id = dashboard_township_for_user(user=request.user, requested=request.GET.get("township"))
    gaps = selectors.dashboard_gaps(township_id=township_id)
    sections = [s for s in [gaps_section(gaps, scope=township_id, rights=LinkRights.for_user(request.user))] if s]
    template = "dashboards/_gaps.html" if request.htmx else "dashboards/gaps_page.html"
    return render(request, template, {"sections": sections, "back_url": _dashboard_url(township_id)})


@require_perm(Perm.DASHBOARD_VIEW)
@require_POST
def dashboard_refresh(request):
    township_id = dashboard_township_for_user(user=request.user, requested=request.POST.get("township"))
    dashboard_cache_clear(township_id=township_id)
    dashboard_figures(township_id=township_id, refresh=True)
    messages.success(request, _("统计数据已重新计算。"))
    return redirect(_dashboard_url(township_id))


def _month_param(value: str | None) -> date | None:
    try:
        return date(int(value[:4]), int(value[5:7]), 1) if value and len(value) == 7 else None
    except ValueError:
        return None


@require_perm(Perm.DASHBOARD_VIEW, Perm.PERSON_VIEW)
@replica_reads()
def certificate_event_list(request):
    """The certificates behind a monthly figure: lifecycle events of one kind, month and township."""
    events = certificate_event_list_for_user(user=request.user).select_related(
        "person", "person__township", "certificate"
    )
    kind = request.GET.get("kind")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    month = _month_param(request.GET.get("month"))
    start, end = _month_param(request.GET.get("start")), _month_param(request.GET.get("end"))
    if month:
        events = events.filter(event_date__year=month.year, event_date__month=month.month)
    else:
        if start:
            events = events.filter(event_date__gte=start)
        if end:
            events = events.filter(event_date__lt=add_months(end, 1))
    township_id = dashboard_township_for_user(user=request.user, requested=request.GET.get("township"))
    if township_id:
        events = events.filter(person__township_id=township_id)
    page = Paginator(events.order_by("-event_date", "-pk"), 50).get_page(request.GET.get("page"))
    rows = [
        {
            "event": e,
            "masked_number": mask_for(request.user, e.certificate.number, CERTIFICATE),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/certificate_event_list.html",
        {
            "page": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "kind_label": EventKind(kind).label if kind in EventKind.values else _("全部事项"),
            "month": month,
            "start": None if month else start,
            "end": None if month else end,
            "township_name": township_list_for_user(user=request.user)
            .filter(pk=township_id)
            .values_list("name", flat=True)
            .first()
            if township_id
            else None,
            "back_url": _dashboard_url(township_id if township_scope(request.user) is None else None),
        },
    )


REPORT_CHOICE_KEY = "dashboards.report_choice"


@require_perm(Perm.REPORT_GENERATE)
def report_list(request):
    # The form comes back with what the user chose last (kind, year, month, township), not the first report kind.
    form = ReportRequestForm(request.POST or None, user=request.user, initial=request.session.get(REPORT_CHOICE_KEY))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        request.session[REPORT_CHOICE_KEY] = {
            "kind": data["kind"],
            "year": data.get("year"),
            "month": data.get("month") or "",
            "township": data["township"].pk if data.get("township") else None,
        }
        try:
            report = report_request(
                kind=data["kind"],
                params={"year": data.get("year"), "month": data.get("month")},
                township=data.get("township"),
                acting_user=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已开始生成“%(title)s”，完成后可在下方下载。") % {"title": report.title})
            return redirect("dashboards:report_list")
    page = Paginator(report_list_for_user(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "dashboards/report_list.html", {"form": form, "page": page, "reports": page.object_list})


@require_perm(Perm.REPORT_GENERATE)
def report_download(request, report_id: int, fmt: str):
    report = report_get_for_user(user=request.user, report_id=report_id)
    file = {"xlsx": report.xlsx_file, "pdf": report.pdf_file}.get(fmt)
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=True, filename=f"{report.title}.{fmt}")
