"""The services delivered (device fittings, home care, children's rescue, renovations) and their ledger.

Each workflow's record leaves one row in `ServiceRecord`, the table the indicators and spending figures read.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited

from .common import MONEY, DeviceType, ServiceType
from .needs import Need
from .providers import Provider


class FittingStatus(models.TextChoices):
    ASSESSING = "assessing", _("待评估")
    ASSESSED = "assessed", _("已评估待适配")
    FITTED = "fitted", _("已适配待回访")
    CLOSED = "closed", _("已回访结案")
    CANCELLED = "cancelled", _("已取消")


@audited()
class DeviceFitting(models.Model):
    """辅助器具适配: need -> assessment -> fitting -> follow-up."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="device_fittings", verbose_name=_("残疾人")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="fittings", verbose_name=_("需求")
    )
    device_type = models.CharField(_("辅具类型"), max_length=20, choices=DeviceType.choices)
    status = models.CharField(_("状态"), max_length=20, choices=FittingStatus.choices, default=FittingStatus.ASSESSING)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    assessor = models.CharField(_("评估人/机构"), max_length=100, blank=True)
    assessment_result = models.CharField(_("评估意见"), max_length=300, blank=True)
    fitted_on = models.DateField(_("适配日期"), null=True, blank=True)
    supplier = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="fittings", verbose_name=_("供应商")
    )
    device_model = models.CharField(_("产品型号"), max_length=100, blank=True)
    cost = models.DecimalField(_("费用(元)"), null=True, blank=True, **MONEY)
    subsidy = models.DecimalField(_("补助(元)"), null=True, blank=True, **MONEY)
    replacement_date = models.DateField(_("建议更换日期"), null=True, blank=True)
    followup_on = models.DateField(_("回访日期"), null=True, blank=True)
    followup_result = models.CharField(_("回访情况"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("辅具适配")
        verbose_name_plural = _("辅具适配")
        constraints = [
            # A fitting never skips its assessment, and follows it in time.
            models.CheckConstraint(
                condition=Q(fitted_on__isnull=True)
                | (Q(assessed_on__isnull=False) & Q(fitted_on__gte=F("assessed_on"))),
                name="rehab_fitting_after_assessment",
            ),
            models.CheckConstraint(
                condition=Q(followup_on__isnull=True)
                | (Q(fitted_on__isnull=False) & Q(followup_on__gte=F("fitted_on"))),
                name="rehab_followup_after_fitting",
            ),
        ]
        indexes = [models.Index(fields=["status", "replacement_date"], name="rehab_fitting_status_repl")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_device_type_display()}"


class HomeCareService(models.TextChoices):
    DAILY_CARE = "daily_care", _("生活照料")
    NURSING = "nursing", _("康复护理")
    COMFORT = "comfort", _("精神慰藉")
    HOUSEKEEPING = "housekeeping", _("家政服务")
    MEALS = "meals", _("助餐")
    BATHING = "bathing", _("助浴")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("执行中")
    ENDED = "ended", _("已终止")


@audited()
class HomeCarePlan(models.Model):
    """居家托养服务计划: one person, one or several services (一人一服务/一人多服务), one provider."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="home_care_plans", verbose_name=_("残疾人")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans", verbose_name=_("需求")
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="plans", verbose_name=_("服务机构"))
    services = ArrayField(
        models.CharField(max_length=20, choices=HomeCareService.choices), verbose_name=_("服务内容"), default=list
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    visits_per_month = models.PositiveSmallIntegerField(_("每月上门次数"))
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("居家托养服务计划")
        verbose_name_plural = _("居家托养服务计划")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="rehab_plan_dates_ordered"),
            models.CheckConstraint(condition=Q(visits_per_month__gte=1), name="rehab_plan_visits_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.provider}"


@audited()
class HomeCareVisit(models.Model):
    plan = models.ForeignKey(HomeCarePlan, on_delete=models.CASCADE, related_name="visits", verbose_name=_("服务计划"))
    visited_on = models.DateField(_("服务日期"))
    services = ArrayField(
        models.CharField(max_length=20, choices=HomeCareService.choices), verbose_name=_("本次服务内容"), default=list
    )
    duration_minutes = models.PositiveSmallIntegerField(_("服务时长(分钟)"), default=60)
    caregiver = models.CharField(_("服务人员"), max_length=50, blank=True)
    note = models.CharField(_("服务记录"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("上门服务记录")
        verbose_name_plural = _("上门服务记录")
        indexes = [models.Index(fields=["plan", "visited_on"], name="rehab_visit_plan_date")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.visited_on:%Y-%m-%d}"


class ChildCondition(models.TextChoices):
    VISUAL = "visual", _("视力残疾")
    HEARING = "hearing", _("听力残疾")
    SPEECH = "speech", _("言语残疾")
    PHYSICAL = "physical", _("肢体残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    AUTISM = "autism", _("孤独症")


class RescueKind(models.TextChoices):
    TRAINING = "training", _("康复训练")
    SURGERY = "surgery", _("手术")
    DEVICE = "device", _("辅助器具适配")


RESCUE_SERVICE_TYPE = {
    RescueKind.TRAINING: ServiceType.REHAB_TRAINING,
    RescueKind.SURGERY: ServiceType.SURGERY,
    RescueKind.DEVICE: ServiceType.DEVICE,
}


@audited()
class ChildRescue(models.Model):
    """残疾儿童康复救助 (国发〔2018〕20号): one approved rescue, at an institution chosen by the family."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="child_rescues", verbose_name=_("儿童")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("需求")
    )
    applied_on = models.DateField(_("申请日期"))
    condition = models.CharField(_("残疾类别"), max_length=20, choices=ChildCondition.choices)
    rescue_kind = models.CharField(_("救助项目"), max_length=20, choices=RescueKind.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="child_rescues", verbose_name=_("定点机构")
    )
    start_date = models.DateField(_("服务开始"))
    end_date = models.DateField(_("服务结束"))
    amount = models.DecimalField(_("救助金额(元)"), **MONEY)
    # Priority groups the registry does not hold; 低保 and 特困 come from Person.poverty_status.
    is_orphan = models.BooleanField(_("孤儿"), default=False)
    is_registered_poor = models.BooleanField(_("建档立卡家庭"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on"]
        verbose_name = _("残疾儿童康复救助")
        verbose_name_plural = _("残疾儿童康复救助")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="rehab_rescue_dates_ordered"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rehab_rescue_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_rescue_kind_display()}"


class RenovationStatus(models.TextChoices):
    PLANNED = "planned", _("已立项")
    COMPLETED = "completed", _("已完工")


@audited()
class Renovation(models.Model):
    """家庭无障碍改造, per household; `person` is the member it is done for."""

    household = models.ForeignKey(
        "cases.Household", on_delete=models.PROTECT, related_name="renovations", verbose_name=_("户")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="renovations", verbose_name=_("残疾人")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("需求")
    )
    items = models.CharField(_("改造内容"), max_length=300)
    provider = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renovations",
        verbose_name=_("施工单位"),
    )
    planned_on = models.DateField(_("立项日期"))
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    cost = models.DecimalField(_("改造费用(元)"), **MONEY)
    subsidy = models.DecimalField(_("补助(元)"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=20, choices=RenovationStatus.choices, default=RenovationStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-planned_on"]
        verbose_name = _("无障碍改造")
        verbose_name_plural = _("无障碍改造")
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy__lte=F("cost")) & Q(subsidy__gte=0), name="rehab_renovation_subsidy"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(completed_on__isnull=False), name="rehab_renovation_completed_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.items}"


@audited()
class ServiceRecord(models.Model):
    """The ledger: one row per service delivered to a person (the basis of indicators, spending and statements)."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="rehab_services", verbose_name=_("残疾人")
    )
    service_type = models.CharField(_("服务类型"), max_length=20, choices=ServiceType.choices)
    provider = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
        verbose_name=_("服务机构"),
    )
    served_on = models.DateField(_("服务日期"))
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    amount = models.DecimalField(_("费用(元)"), **MONEY)
    subsidy = models.DecimalField(_("补助(元)"), **MONEY)
    description = models.CharField(_("服务内容"), max_length=200, blank=True)
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="services", verbose_name=_("需求")
    )
    # Where the row came from (at most one is set; none for a service entered directly).
    fitting = models.OneToOneField(
        DeviceFitting, null=True, blank=True, on_delete=models.CASCADE, related_name="service_record"
    )
    visit = models.OneToOneField(
        HomeCareVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="service_record"
    )
    renovation = models.OneToOneField(
        Renovation, null=True, blank=True, on_delete=models.CASCADE, related_name="service_record"
    )
    child_rescue = models.OneToOneField(
        ChildRescue, null=True, blank=True, on_delete=models.CASCADE, related_name="service_record"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(subsidy__gte=0) & Q(subsidy__lte=F("amount")), name="rehab_service_money"
            ),
        ]
        indexes = [
            models.Index(fields=["served_on", "service_type"], name="rehab_service_date_type"),
            models.Index(fields=["person", "served_on"], name="rehab_service_person_date"),
            models.Index(fields=["provider", "served_on"], name="rehab_service_provider_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_service_type_display()} · {self.served_on:%Y-%m-%d}"
