"""The rehabilitation landing page, the indicators and the spending figures (with their exports)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.clock import local_today

from ..exports import xlsx_response
from ..models import FittingStatus, NeedStatus, SurveyRoundStatus
from ..selectors import (
    fitting_list_for_user,
    need_list_for_user,
    plan_list_for_user,
    plans_with_missed_visits,
    rehab_indicators,
    rehab_indicators_total,
    rehab_spending,
    replacements_due,
    survey_progress,
    survey_round_list_for_user,
)
from .common import checked_parameters, filter_context, selected_township, selected_year


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def home(request):
    year = local_today().year
    township_id = selected_township(request)
    rows = rehab_indicators(year=year, township_id=township_id)
    current_round = survey_round_list_for_user(user=request.user).filter(status=SurveyRoundStatus.OPEN).first()
    progress = survey_progress(survey_round=current_round, township_id=township_id) if current_round else []
    needs = need_list_for_user(user=request.user)
    context = filter_context(
        request,
        year=year,
        rows=rows,
        total=rehab_indicators_total(rows=rows),
        current_round=current_round,
        progress=progress,
        open_needs=needs.filter(status=NeedStatus.OPEN).count(),
        open_fittings=fitting_list_for_user(user=request.user)
        .filter(status__in=[FittingStatus.ASSESSING, FittingStatus.ASSESSED, FittingStatus.FITTED])
        .count(),
        missed_plans=plans_with_missed_visits(plans=plan_list_for_user(user=request.user)).count(),
        replacements=replacements_due(fittings=fitting_list_for_user(user=request.user)).count(),
        can_edit=has_perm(request.user, Perm.REHAB_EDIT),
        can_survey=has_perm(request.user, Perm.SURVEY_EDIT),
    )
    return render(request, "rehab/home.html", context)


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def indicators(request):
    year = selected_year(request)
    rows = rehab_indicators(year=year, township_id=selected_township(request))
    if request.GET.get("format") == "xlsx":
        headers = [
            _("乡镇(街道)"),
            _("年度"),
            _("有需求人数"),
            _("已服务人数"),
            _("康复服务率(%)"),
            _("有辅具需求人数"),
            _("已适配人数"),
            _("辅具适配率(%)"),
        ]
        data = [
            [
                r["township_name"],
                r["year"],
                r["need_count"],
                r["served_count"],
                r["service_rate"],
                r["device_need_count"],
                r["device_fitted_count"],
                r["fitting_rate"],
            ]
            for r in rows
        ]
        return xlsx_response(f"rehab-indicators-{year}.xlsx", [(_("康复指标"), headers, data)])
    context = filter_context(request, rows=rows, total=rehab_indicators_total(rows=rows))
    return render(request, "rehab/indicators.html", context)


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def spending(request):
    year = selected_year(request)
    data = rehab_spending(year=year, township_id=selected_township(request))
    if request.GET.get("format") == "xlsx":
        headers = [_("服务类型"), _("服务次数"), _("服务人数"), _("费用(元)"), _("补助(元)")]
        by_type = [
            [r["label"], r["services"], r["persons"], r["amount"], r["subsidy"]] for r in data["by_service_type"]
        ]
        headers2 = [_("服务机构"), _("机构类型"), _("服务次数"), _("服务人数"), _("费用(元)"), _("补助(元)")]
        by_provider = [
            [r["provider_name"], r["provider_kind"], r["services"], r["persons"], r["amount"], r["subsidy"]]
            for r in data["by_provider"]
        ]
        return xlsx_response(
            f"rehab-spending-{year}.xlsx",
            [(_("按服务类型"), headers, by_type), (_("按服务机构"), headers2, by_provider)],
        )
    return render(request, "rehab/spending.html", filter_context(request, data=data))
