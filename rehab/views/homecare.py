"""Home-care service plans and their visits; children's rescue rehabilitation; accessibility renovation."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.clock import local_today
from fedportal.core.forms import run_service
from fedportal.core.sensitive import mask_for

from .. import exports, services
from ..filters import ChildRescueFilter, PlanFilter, RenovationFilter
from ..forms import ChildRescueForm, PlanEndForm, PlanForm, RenovationCompleteForm, RenovationForm, VisitForm
from ..models import HomeCareService, PlanStatus
from ..selectors import (
    child_rescue_is_eligible_age,
    child_rescue_list_for_user,
    child_rescue_priority_groups,
    plan_get_for_user,
    plan_list_for_user,
    plan_month_rows,
    rehab_person_get_for_user,
    rehab_setting_on,
    renovation_get_for_user,
    renovation_list_for_user,
)
from .common import checked_parameters, done, filtered_list, render_form
from .records import _need_or_none


def _labels(values):
    return "、".join(str(HomeCareService(v).label) for v in values)


def _with_service_labels(plan):
    plan.service_labels = _labels(plan.services)


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def plan_list(request):
    plans = PlanFilter(request.GET, queryset=plan_list_for_user(user=request.user), request=request)
    return filtered_list(
        request,
        plans,
        template="rehab/plan_list.html",
        export=exports.HOME_CARE_PLANS,
        each=_with_service_labels,
        statuses=PlanStatus.choices,
    )


@require_perm(Perm.REHAB_VIEW)
def plan_detail(request, pk):
    plan = plan_get_for_user(user=request.user, plan_id=pk)
    months = plan_month_rows(plan=plan)
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
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
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
    plan = plan_get_for_user(user=request.user, plan_id=pk)
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
    plan = plan_get_for_user(user=request.user, plan_id=pk)
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


def _with_groups(rescue):
    rescue.groups = "、".join(str(g) for g in child_rescue_priority_groups(rescue=rescue))


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def child_list(request):
    rescues = ChildRescueFilter(request.GET, queryset=child_rescue_list_for_user(user=request.user), request=request)
    return filtered_list(
        request,
        rescues,
        template="rehab/child_list.html",
        export=exports.CHILD_RESCUES,
        each=_with_groups,
        max_age=rehab_setting_on(day=local_today()).child_rescue_max_age,
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def child_create(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
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
    max_age = rehab_setting_on(day=local_today()).child_rescue_max_age
    eligible = child_rescue_is_eligible_age(birth_date=person.birth_date, day=local_today(), max_age=max_age)
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
    renovations = RenovationFilter(request.GET, queryset=renovation_list_for_user(user=request.user), request=request)
    return filtered_list(
        request,
        renovations,
        template="rehab/renovation_list.html",
        export=exports.RENOVATIONS,
        can_edit=has_perm(request.user, Perm.REHAB_EDIT),
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def renovation_create(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
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
    renovation = renovation_get_for_user(user=request.user, renovation_id=pk)
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
