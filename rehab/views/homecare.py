"""Home-care service plans and their visits; children's rescue rehabilitation; accessibility renovation."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.clock import local_today
from fedportal.core.forms import run_service
from fedportal.core.sensitive import mask_for

from .. import services
from ..exports import id_formatter, iterate, xlsx_response
from ..forms import ChildRescueForm, PlanEndForm, PlanForm, RenovationCompleteForm, RenovationForm, VisitForm
from ..models import HomeCareService, PlanStatus
from ..selectors import (
    child_rescue_is_eligible_age,
    child_rescue_list_for_user,
    child_rescue_priority_groups,
    plan_get_for_user,
    plan_list_for_user,
    plan_month_rows,
    plans_with_missed_visits,
    priority_q,
    rehab_person_get_for_user,
    rehab_setting_on,
    renovation_get_for_user,
    renovation_list_for_user,
)
from .common import checked_parameters, done, filter_context, paginate, render_form, selected_township, selected_year
from .records import _need_or_none


def _labels(values):
    return "、".join(str(HomeCareService(v).label) for v in values)


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def plan_list(request):
    plans = plan_list_for_user(request.user)
    township = selected_township(request)
    if township:
        plans = plans.filter(person__township_id=township)
    if request.GET.get("status"):
        plans = plans.filter(status=request.GET["status"])
    if request.GET.get("missed"):
        plans = plans_with_missed_visits(plans)
    plans = plans.order_by("-start_date", "-pk")
    if request.GET.get("format") == "xlsx":
        show_id = id_formatter(request.user, request=request, what=_("居家托养服务计划"))
        headers = [
            _("乡镇(街道)"),
            _("姓名"),
            _("身份证号"),
            _("服务机构"),
            _("服务内容"),
            _("开始日期"),
            _("结束日期"),
            _("每月上门次数"),
            _("状态"),
        ]
        rows = (
            [
                p.person.township.name,
                p.person.name,
                show_id(p.person.id_number),
                p.provider.name,
                _labels(p.services),
                p.start_date,
                p.end_date,
                p.visits_per_month,
                p.get_status_display(),
            ]
            for p in iterate(plans)
        )
        return xlsx_response("rehab-home-care-plans.xlsx", [(_("居家托养服务计划"), headers, rows)])
    page, query_string = paginate(request, plans)
    for plan in page.object_list:
        plan.service_labels = _labels(plan.services)
    return render(
        request,
        "rehab/plan_list.html",
        filter_context(
            request,
            page=page,
            query_string=query_string,
            statuses=PlanStatus.choices,
            params=request.GET,
        ),
    )


@require_perm(Perm.REHAB_VIEW)
def plan_detail(request, pk):
    plan = plan_get_for_user(request.user, pk)
    months = plan_month_rows(plan)
    return render(
        request,
        "rehab/plan_detail.html",
        {
            "plan": plan,
            "masked_id": mask_for(request.user, plan.person.id_number),
            "service_labels": _labels(plan.services),
            "months": months,
            "missed_total": sum(m["missed"] for m in months),
            "visits": [(v, _labels(v.services)) for v in plan.visits.all()[:200]],
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
            "today": local_today(),
        },
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def plan_create(request, person_id):
    person = rehab_person_get_for_user(request.user, person_id)
    need = _need_or_none(request, request.GET.get("need"))
    form = PlanForm(request.POST or None)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form,
            lambda: services.home_care_plan_create(
                person=person,
                need=need if need and need.need_type == "home_care" else None,
                acting_user=request.user,
                **form.cleaned_data,
            ),
        )
        if plan:
            return done(request, _("已建立居家托养服务计划。"), reverse("rehab:plan_detail", args=[plan.pk]))
    return render_form(request, form, title=_("新建居家托养服务计划"), back_url=back, submit=_("保存"), subject=person)


@require_perm(Perm.REHAB_EDIT)
def plan_end(request, pk):
    plan = plan_get_for_user(request.user, pk)
    form = PlanEndForm(request.POST or None)
    back = reverse("rehab:plan_detail", args=[pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.home_care_plan_end(plan=plan, acting_user=request.user, **form.cleaned_data)
        )
    ):
        return done(request, _("已终止服务计划。"), back)
    return render_form(request, form, title=_("终止服务计划"), back_url=back, submit=_("终止"), subject=plan.person)


@require_perm(Perm.REHAB_EDIT)
def visit_create(request, pk):
    plan = plan_get_for_user(request.user, pk)
    form = VisitForm(request.POST or None, plan=plan)
    back = reverse("rehab:plan_detail", args=[pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.home_care_visit_record(plan=plan, acting_user=request.user, **form.cleaned_data)
        )
    ):
        return done(request, _("已登记上门服务。"), back)
    intro = _("计划期间：%(start)s 至 %(end)s") % {
        "start": f"{plan.start_date:%Y-%m-%d}",
        "end": f"{plan.end_date:%Y-%m-%d}",
    }
    return render_form(
        request, form, title=_("登记上门服务"), back_url=back, submit=_("保存"), subject=plan.person, intro=intro
    )


# ---------------------------------------------------------------- children's rescue rehabilitation


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def child_list(request):
    rescues = child_rescue_list_for_user(request.user).filter(applied_on__year=selected_year(request))
    township = selected_township(request)
    if township:
        rescues = rescues.filter(person__township_id=township)
    if request.GET.get("priority"):
        rescues = rescues.filter(priority_q())
    rescues = rescues.order_by("-applied_on", "-pk")
    if request.GET.get("format") == "xlsx":
        show_id = id_formatter(request.user, request=request, what=_("儿童康复救助"))
        headers = [
            _("乡镇(街道)"),
            _("姓名"),
            _("身份证号"),
            _("出生日期"),
            _("申请日期"),
            _("残疾类别"),
            _("救助项目"),
            _("定点机构"),
            _("服务开始"),
            _("服务结束"),
            _("救助金额(元)"),
            _("优先对象"),
        ]
        rows = (
            [
                r.person.township.name,
                r.person.name,
                show_id(r.person.id_number),
                r.person.birth_date,
                r.applied_on,
                r.get_condition_display(),
                r.get_rescue_kind_display(),
                r.provider.name,
                r.start_date,
                r.end_date,
                r.amount,
                "、".join(str(g) for g in child_rescue_priority_groups(r)),
            ]
            for r in iterate(rescues)
        )
        return xlsx_response("rehab-child-rescue.xlsx", [(_("儿童康复救助"), headers, rows)])
    page, query_string = paginate(request, rescues)
    for rescue in page.object_list:
        rescue.groups = "、".join(str(g) for g in child_rescue_priority_groups(rescue))
    return render(
        request,
        "rehab/child_list.html",
        filter_context(
            request,
            page=page,
            query_string=query_string,
            params=request.GET,
            max_age=rehab_setting_on(local_today()).child_rescue_max_age,
        ),
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def child_create(request, person_id):
    person = rehab_person_get_for_user(request.user, person_id)
    need = _need_or_none(request, request.GET.get("need"))
    form = ChildRescueForm(request.POST or None)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        rescue = run_service(
            form,
            lambda: services.child_rescue_create(
                person=person, need=need, acting_user=request.user, **form.cleaned_data
            ),
        )
        if rescue:
            return done(request, _("已登记儿童康复救助。"), reverse("rehab:child_list"))
    max_age = rehab_setting_on(local_today()).child_rescue_max_age
    eligible = child_rescue_is_eligible_age(person.birth_date, local_today(), max_age)
    intro = _("出生日期 %(birth)s；救助年龄 0-%(max)s 周岁。") % {
        "birth": f"{person.birth_date:%Y-%m-%d}",
        "max": max_age,
    }
    if not eligible:
        intro += " " + _("今天已超出救助年龄。")
    return render_form(
        request, form, title=_("残疾儿童康复救助"), back_url=back, submit=_("保存"), subject=person, intro=intro
    )


# ---------------------------------------------------------------- accessibility renovation


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def renovation_list(request):
    renovations = renovation_list_for_user(request.user).filter(planned_on__year=selected_year(request))
    township = selected_township(request)
    if township:
        renovations = renovations.filter(person__township_id=township)
    renovations = renovations.order_by("-planned_on", "-pk")
    if request.GET.get("format") == "xlsx":
        show_id = id_formatter(request.user, request=request, what=_("无障碍改造"))
        headers = [
            _("乡镇(街道)"),
            _("户籍编号"),
            _("一户多残"),
            _("姓名"),
            _("身份证号"),
            _("改造内容"),
            _("施工单位"),
            _("立项日期"),
            _("完工日期"),
            _("改造费用(元)"),
            _("补助(元)"),
            _("状态"),
        ]
        rows = (
            [
                r.person.township.name,
                r.household.register_number,
                r.household.is_multi_disability,
                r.person.name,
                show_id(r.person.id_number),
                r.items,
                r.provider.name if r.provider else "",
                r.planned_on,
                r.completed_on,
                r.cost,
                r.subsidy,
                r.get_status_display(),
            ]
            for r in iterate(renovations)
        )
        return xlsx_response("rehab-renovations.xlsx", [(_("无障碍改造"), headers, rows)])
    page, query_string = paginate(request, renovations)
    return render(
        request,
        "rehab/renovation_list.html",
        filter_context(
            request,
            page=page,
            query_string=query_string,
            params=request.GET,
            can_edit=has_perm(request.user, Perm.REHAB_EDIT),
        ),
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def renovation_create(request, person_id):
    person = rehab_person_get_for_user(request.user, person_id)
    need = _need_or_none(request, request.GET.get("need"))
    form = RenovationForm(request.POST or None)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.renovation_create(person=person, need=need, acting_user=request.user, **form.cleaned_data),
        )
    ):
        return done(request, _("已登记无障碍改造。"), reverse("rehab:renovation_list"))
    return render_form(request, form, title=_("家庭无障碍改造"), back_url=back, submit=_("保存"), subject=person)


@require_perm(Perm.REHAB_EDIT)
def renovation_complete(request, pk):
    renovation = renovation_get_for_user(request.user, pk)
    form = RenovationCompleteForm(request.POST or None)
    back = reverse("rehab:renovation_list")
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.renovation_complete(renovation=renovation, acting_user=request.user, **form.cleaned_data),
        )
    ):
        return done(request, _("已完工。"), back)
    return render_form(
        request,
        form,
        title=_("改造完工"),
        back_url=back,
        submit=_("保存"),
        subject=renovation.person,
        intro=renovation.items,
    )
