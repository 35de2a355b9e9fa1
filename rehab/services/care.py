"""Service workflows: children's rescue, assistive devices, home care, accessibility renovation."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today

from ..models import (
    DEVICE_REPLACEMENT_YEARS,
    RESCUE_SERVICE_TYPE,
    ChildRescue,
    DeviceFitting,
    FittingStatus,
    HomeCarePlan,
    HomeCareVisit,
    Need,
    NeedStatus,
    PlanStatus,
    Provider,
    Renovation,
    RenovationStatus,
    ServiceRecord,
    ServiceType,
)
from ..selectors import age_on, child_rescue_priority_groups, rehab_setting_on
from ._base import _add_years
from .needs import _check_need, _need_in_progress, _need_met, service_record_create
from .providers import _price, provider_check_assignable

# ---------------------------------------------------------------- children's rescue rehabilitation


def child_rescue_check_age(*, birth_date: date, on: date) -> None:
    max_age = rehab_setting_on(day=on).child_rescue_max_age
    if on < birth_date:
        raise ValidationError({"applied_on": _("申请日期早于出生日期。")})
    if age_on(birth_date, on) > max_age:
        limit = _add_years(birth_date, max_age + 1)
        raise ValidationError(
            {
                "applied_on": _(
                    "申请日%(day)s已满%(limit_age)s周岁（%(limit)s），超出残疾儿童康复救助年龄范围（0-%(max)s周岁）。"
                )
                % {"day": f"{on:%Y-%m-%d}", "limit_age": max_age + 1, "limit": f"{limit:%Y-%m-%d}", "max": max_age}
            }
        )


@transaction.atomic
def child_rescue_create(
    *,
    person,
    applied_on: date,
    condition: str,
    rescue_kind: str,
    provider: Provider,
    start_date: date,
    end_date: date,
    amount: Decimal,
    is_orphan: bool = False,
    is_registered_poor: bool = False,
    need: Need | None = None,
    acting_user,
) -> ChildRescue:
    authorize(acting_user, Perm.REHAB_EDIT, person)
    child_rescue_check_age(birth_date=person.birth_date, on=applied_on)
    if end_date < start_date:
        raise ValidationError({"end_date": _("服务结束日期不能早于开始日期。")})
    service_type = RESCUE_SERVICE_TYPE[rescue_kind]
    provider_check_assignable(provider=provider, on=start_date, service_type=service_type)
    _check_need(need, person, service_type)
    rescue = ChildRescue(
        person=person,
        applied_on=applied_on,
        condition=condition,
        rescue_kind=rescue_kind,
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        amount=amount,
        is_orphan=is_orphan,
        is_registered_poor=is_registered_poor,
        need=need,
        created_by=acting_user,
    )
    rescue.full_clean()
    rescue.save()
    groups = "、".join(str(g) for g in child_rescue_priority_groups(rescue=rescue))
    service_record_create(
        person=person,
        service_type=service_type,
        served_on=start_date,
        provider=provider,
        amount=amount,
        subsidy=amount,
        need=need,
        child_rescue=rescue,
        acting_user=acting_user,
        description=_("儿童康复救助") + (f"（{_('优先')}：{groups}）" if groups else ""),
    )
    return rescue


# ---------------------------------------------------------------- assistive devices


@transaction.atomic
def fitting_start(*, person, device_type: str, need: Need | None = None, acting_user) -> DeviceFitting:
    authorize(acting_user, Perm.REHAB_EDIT, person)
    _check_need(need, person, ServiceType.DEVICE)
    if need is not None and need.status == NeedStatus.MET:
        raise ValidationError(_("该需求已满足。"))
    if need is not None and need.fittings.exclude(status=FittingStatus.CANCELLED).exists():
        raise ValidationError(_("该需求已有适配记录。"))
    fitting = DeviceFitting(person=person, device_type=device_type, need=need, created_by=acting_user)
    fitting.full_clean()
    fitting.save()
    _need_in_progress(need)
    return fitting


def fitting_from_need(*, need: Need, acting_user) -> DeviceFitting:
    authorize(acting_user, Perm.REHAB_EDIT, need)
    if need.need_type != ServiceType.DEVICE:
        raise ValidationError(_("只有辅助器具需求可以转为辅具适配。"))
    return fitting_start(
        person=need.person, device_type=need.device_type or "other", need=need, acting_user=acting_user
    )


def fitting_assess(
    *, fitting: DeviceFitting, assessed_on: date, assessor: str, result: str = "", acting_user
) -> DeviceFitting:
    authorize(acting_user, Perm.REHAB_EDIT, fitting.person)
    if fitting.status not in (FittingStatus.ASSESSING, FittingStatus.ASSESSED):
        raise ValidationError(_("已适配的记录不能再修改评估。"))
    fitting.assessed_on = assessed_on
    fitting.assessor = assessor
    fitting.assessment_result = result
    fitting.status = FittingStatus.ASSESSED
    fitting.full_clean()
    fitting.save()
    return fitting


@transaction.atomic
def fitting_fit(
    *,
    fitting: DeviceFitting,
    fitted_on: date,
    supplier: Provider,
    device_model: str = "",
    cost: Decimal | None = None,
    subsidy: Decimal | None = None,
    replacement_date: date | None = None,
    acting_user,
) -> DeviceFitting:
    authorize(acting_user, Perm.REHAB_EDIT, fitting.person)
    if fitting.assessed_on is None or fitting.status == FittingStatus.ASSESSING:
        raise ValidationError(_("尚未完成适配评估，不能直接适配。请先录入评估结果。"))
    if fitting.status != FittingStatus.ASSESSED:
        raise ValidationError(_("该记录已适配。"))
    if fitted_on < fitting.assessed_on:
        raise ValidationError({"fitted_on": _("适配日期不能早于评估日期。")})
    item = provider_check_assignable(
        provider=supplier, on=fitted_on, service_type=ServiceType.DEVICE, device_type=fitting.device_type
    )
    cost, subsidy = _price(item, 1, cost, subsidy)
    fitting.fitted_on = fitted_on
    fitting.supplier = supplier
    fitting.device_model = device_model
    fitting.cost = cost
    fitting.subsidy = subsidy
    fitting.replacement_date = replacement_date or _add_years(fitted_on, DEVICE_REPLACEMENT_YEARS[fitting.device_type])
    fitting.status = FittingStatus.FITTED
    fitting.full_clean()
    fitting.save()
    service_record_create(
        person=fitting.person,
        service_type=ServiceType.DEVICE,
        served_on=fitted_on,
        provider=supplier,
        amount=cost,
        subsidy=subsidy,
        need=fitting.need,
        fitting=fitting,
        acting_user=acting_user,
        description=f"{fitting.get_device_type_display()} {device_model}".strip(),
    )
    return fitting


def fitting_follow_up(*, fitting: DeviceFitting, followup_on: date, result: str, acting_user) -> DeviceFitting:
    """The follow-up visit closes the fitting."""
    authorize(acting_user, Perm.REHAB_EDIT, fitting.person)
    if fitting.status != FittingStatus.FITTED:
        raise ValidationError(_("只有已适配的记录可以回访结案。"))
    if followup_on < fitting.fitted_on:
        raise ValidationError({"followup_on": _("回访日期不能早于适配日期。")})
    fitting.followup_on = followup_on
    fitting.followup_result = result
    fitting.status = FittingStatus.CLOSED
    fitting.full_clean()
    fitting.save()
    return fitting


def fitting_cancel(*, fitting: DeviceFitting, acting_user) -> DeviceFitting:
    authorize(acting_user, Perm.REHAB_EDIT, fitting.person)
    if fitting.status not in (FittingStatus.ASSESSING, FittingStatus.ASSESSED):
        raise ValidationError(_("已适配的记录不能取消。"))
    fitting.status = FittingStatus.CANCELLED
    fitting.save(update_fields=["status"])
    if fitting.need and fitting.need.status == NeedStatus.IN_PROGRESS:
        fitting.need.status = NeedStatus.OPEN
        fitting.need.save(update_fields=["status"])
    return fitting


# ---------------------------------------------------------------- home care


@transaction.atomic
def home_care_plan_create(
    *,
    person,
    provider: Provider,
    services: list[str],
    start_date: date,
    end_date: date,
    visits_per_month: int,
    note: str = "",
    need: Need | None = None,
    acting_user,
) -> HomeCarePlan:
    authorize(acting_user, Perm.REHAB_EDIT, person)
    if not services:
        raise ValidationError({"services": _("请至少选择一项服务内容。")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    provider_check_assignable(provider=provider, on=start_date, service_type=ServiceType.HOME_CARE)
    _check_need(need, person, ServiceType.HOME_CARE)
    overlapping = HomeCarePlan.objects.filter(
        person=person, provider=provider, status=PlanStatus.ACTIVE, start_date__lte=end_date, end_date__gte=start_date
    )
    if overlapping.exists():
        raise ValidationError(_("此人在该机构已有重叠期间的服务计划。"))
    plan = HomeCarePlan(
        person=person,
        provider=provider,
        services=sorted(set(services)),
        start_date=start_date,
        end_date=end_date,
        visits_per_month=visits_per_month,
        note=note,
        need=need,
        created_by=acting_user,
    )
    plan.full_clean()
    plan.save()
    _need_in_progress(need)
    return plan


def home_care_plan_end(*, plan: HomeCarePlan, end_date: date, acting_user) -> HomeCarePlan:
    authorize(acting_user, Perm.REHAB_EDIT, plan.person)
    if end_date < plan.start_date:
        raise ValidationError({"end_date": _("终止日期不能早于计划开始日期。")})
    last_visit = plan.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if last_visit and end_date < last_visit:
        raise ValidationError(
            {"end_date": _("终止日期不能早于最后一次上门服务（%(day)s）。") % {"day": f"{last_visit:%Y-%m-%d}"}}
        )
    plan.end_date = min(end_date, plan.end_date)
    plan.status = PlanStatus.ENDED
    plan.save(update_fields=["end_date", "status"])
    return plan


@transaction.atomic
def home_care_visit_record(
    *,
    plan: HomeCarePlan,
    visited_on: date,
    services: list[str],
    duration_minutes: int = 60,
    caregiver: str = "",
    note: str = "",
    acting_user,
) -> HomeCareVisit:
    authorize(acting_user, Perm.REHAB_EDIT, plan.person)
    if not plan.start_date <= visited_on <= plan.end_date:
        raise ValidationError(
            {
                "visited_on": _("服务日期%(day)s不在服务计划期间（%(start)s 至 %(end)s）内，不能登记。")
                % {
                    "day": f"{visited_on:%Y-%m-%d}",
                    "start": f"{plan.start_date:%Y-%m-%d}",
                    "end": f"{plan.end_date:%Y-%m-%d}",
                }
            }
        )
    if visited_on > local_today():
        raise ValidationError({"visited_on": _("服务日期不能晚于今天。")})
    extra = set(services) - set(plan.services)
    if extra:
        raise ValidationError({"services": _("本次服务内容须在计划的服务内容之内。")})
    visit = HomeCareVisit(
        plan=plan,
        visited_on=visited_on,
        services=sorted(set(services)) or plan.services,
        duration_minutes=duration_minutes,
        caregiver=caregiver,
        note=note,
        created_by=acting_user,
    )
    visit.full_clean()
    visit.save()
    service_record_create(
        person=plan.person,
        service_type=ServiceType.HOME_CARE,
        served_on=visited_on,
        provider=plan.provider,
        need=plan.need,
        visit=visit,
        acting_user=acting_user,
        description=_("居家托养上门服务"),
    )
    return visit


# ---------------------------------------------------------------- accessibility renovation


def renovation_create(
    *,
    person,
    items: str,
    planned_on: date,
    cost: Decimal,
    subsidy: Decimal,
    provider: Provider | None = None,
    need: Need | None = None,
    acting_user,
) -> Renovation:
    authorize(acting_user, Perm.REHAB_EDIT, person)
    if person.household_id is None:
        raise ValidationError(_("此人没有户籍信息，无障碍改造按户登记，请先完善户籍。"))
    if subsidy > cost:
        raise ValidationError({"subsidy": _("补助不能高于改造费用。")})
    if provider is not None:
        provider_check_assignable(provider=provider, on=planned_on, service_type=ServiceType.ACCESSIBILITY)
    _check_need(need, person, ServiceType.ACCESSIBILITY)
    renovation = Renovation(
        household_id=person.household_id,
        person=person,
        items=items,
        planned_on=planned_on,
        cost=cost,
        subsidy=subsidy,
        provider=provider,
        need=need,
        created_by=acting_user,
    )
    renovation.full_clean()
    renovation.save()
    _need_in_progress(need)
    return renovation


@transaction.atomic
def renovation_complete(*, renovation: Renovation, completed_on: date, acting_user) -> Renovation:
    authorize(acting_user, Perm.REHAB_EDIT, renovation.person)
    if renovation.status == RenovationStatus.COMPLETED:
        raise ValidationError(_("该改造已完工。"))
    if completed_on < renovation.planned_on:
        raise ValidationError({"completed_on": _("完工日期不能早于立项日期。")})
    renovation.completed_on = completed_on
    renovation.status = RenovationStatus.COMPLETED
    renovation.save(update_fields=["completed_on", "status"])
    # The contract was checked when the work was assigned; completion itself is not an assignment.
    record = ServiceRecord(
        person=renovation.person,
        service_type=ServiceType.ACCESSIBILITY,
        provider=renovation.provider,
        served_on=completed_on,
        amount=renovation.cost,
        subsidy=renovation.subsidy,
        description=renovation.items[:200],
        need=renovation.need,
        renovation=renovation,
        created_by=acting_user,
    )
    record.full_clean()
    record.save()
    _need_met(renovation.need, completed_on)
    return renovation
