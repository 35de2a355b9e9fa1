"""Rehabilitation and home care (康复、托养): providers, needs, the yearly needs survey and the services delivered.

Every delivered service, whatever workflow produced it (a device fitting, a home-care visit, a renovation, a
children's rescue service, a medication subsidy, training…), leaves one row in the ledger `ServiceRecord`: the
indicators (who was served) and the spending figures (by service type and provider) aggregate that one table.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceType(models.TextChoices):
    """The kinds of need and of service; a need of one type is met by a service of the same type."""

    REHAB_TRAINING = "training", _("康复训练")
    DEVICE = "device", _("辅助器具")
    HOME_CARE = "home_care", _("居家托养")
    ACCESSIBILITY = "accessibility", _("无障碍改造")
    MEDICATION = "medication", _("服药补助")
    SURGERY = "surgery", _("矫治手术")
    FAMILY_DOCTOR = "family_doctor", _("家庭医生签约")


class DeviceType(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("轮椅")
    WALKER = "walker", _("助行器")
    CRUTCH = "crutch", _("拐杖")
    COMMODE = "commode", _("坐便椅")
    HEARING_AID = "hearing_aid", _("助听器")
    WHITE_CANE = "white_cane", _("盲杖")
    PROSTHESIS = "prosthesis", _("假肢")
    ORTHOSIS = "orthosis", _("矫形器")
    OTHER = "other", _("其他辅具")


# Replacement cycle in years (a default the caseworker may change per fitting).
DEVICE_REPLACEMENT_YEARS = {
    DeviceType.WHEELCHAIR: 5,
    DeviceType.WALKER: 3,
    DeviceType.CRUTCH: 2,
    DeviceType.COMMODE: 3,
    DeviceType.HEARING_AID: 5,
    DeviceType.WHITE_CANE: 2,
    DeviceType.PROSTHESIS: 4,
    DeviceType.ORTHOSIS: 2,
    DeviceType.OTHER: 3,
}


class ProviderKind(models.TextChoices):
    REHAB_INSTITUTION = "institution", _("定点康复机构")
    HOME_CARE = "home_care", _("居家托养服务机构")
    DEVICE_SUPPLIER = "device_supplier", _("辅具供应商")
    CONTRACTOR = "contractor", _("无障碍改造施工单位")


@audited()
class RehabSetting(models.Model):
    """Rules that are configuration, with the day they take effect; the latest row on or before a day applies."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    child_rescue_max_age = models.PositiveSmallIntegerField(
        _("儿童康复救助年龄上限(周岁)"),
        default=6,
        help_text=_("0-6周岁为国家标准；地方可扩展到10周岁或更高。满上限+1周岁的前一天仍可救助。"),
    )
    home_visit_target = models.DecimalField(_("入户率目标(%)"), max_digits=5, decimal_places=2, default=95)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("康复政策参数")
        verbose_name_plural = _("康复政策参数")
        constraints = [
            models.CheckConstraint(condition=Q(child_rescue_max_age__lte=17), name="rehab_child_age_below_18"),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


@audited()
class Provider(models.Model):
    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=ProviderKind.choices)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")

    def __str__(self) -> str:
        return self.name


@audited()
class ProviderContract(models.Model):
    """One contract period (tender, designation) of a provider; a provider is assignable on the days one covers."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("服务机构")
    )
    number = models.CharField(_("合同编号"), max_length=50, blank=True)
    start_date = models.DateField(_("合同开始"))
    end_date = models.DateField(_("合同结束"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["provider", "-start_date"]
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="rehab_contract_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.start_date:%Y-%m-%d}—{self.end_date:%Y-%m-%d}"

    def covers(self, day) -> bool:
        return self.start_date <= day <= self.end_date


@audited()
class ProviderService(models.Model):
    """A service type a provider delivers, with its unit price and the federation's subsidy per unit."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="services", verbose_name=_("服务机构")
    )
    service_type = models.CharField(_("服务类型"), max_length=20, choices=ServiceType.choices)
    device_type = models.CharField(_("辅具类型"), max_length=20, choices=DeviceType.choices, blank=True)
    unit = models.CharField(_("计价单位"), max_length=10, default="次")
    price = models.DecimalField(_("单价(元)"), **MONEY)
    subsidy = models.DecimalField(_("补助标准(元)"), **MONEY)

    class Meta:
        ordering = ["provider", "service_type", "device_type"]
        verbose_name = _("服务项目与价格")
        verbose_name_plural = _("服务项目与价格")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type", "device_type"], name="rehab_provider_service_once"
            ),
            models.CheckConstraint(condition=Q(price__gte=0) & Q(subsidy__gte=0), name="rehab_price_not_negative"),
            models.CheckConstraint(condition=Q(subsidy__lte=F("price")), name="rehab_subsidy_within_price"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_service_type_display()}"


class NeedSource(models.TextChoices):
    CASEWORK = "casework", _("日常工作")
    SURVEY = "survey", _("需求调查")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待服务")
    IN_PROGRESS = "in_progress", _("服务中")
    MET = "met", _("已满足")
    CANCELLED = "cancelled", _("已取消")


@audited()
class Need(models.Model):
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="rehab_needs", verbose_name=_("残疾人")
    )
    need_type = models.CharField(_("需求类型"), max_length=20, choices=ServiceType.choices)
    device_type = models.CharField(_("辅具类型"), max_length=20, choices=DeviceType.choices, blank=True)
    recorded_on = models.DateField(_("登记日期"))
    source = models.CharField(_("来源"), max_length=20, choices=NeedSource.choices, default=NeedSource.CASEWORK)
    survey_record = models.ForeignKey(
        "SurveyRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("调查记录"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    met_on = models.DateField(_("满足日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("康复需求")
        verbose_name_plural = _("康复需求")
        constraints = [
            models.CheckConstraint(
                condition=Q(need_type="device") | Q(device_type=""), name="rehab_need_device_type_only_for_devices"
            ),
            models.CheckConstraint(condition=~Q(status="met") | Q(met_on__isnull=False), name="rehab_need_met_dated"),
        ]
        indexes = [
            models.Index(fields=["recorded_on", "need_type"], name="rehab_need_date_type"),
            models.Index(fields=["person", "recorded_on"], name="rehab_need_person_date"),
        ]

    def __str__(self) -> str:
        label = self.get_need_type_display()
        return f"{label}（{self.get_device_type_display()}）" if self.device_type else str(label)


class SurveyRoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


@audited()
class SurveyRound(models.Model):
    """残疾人基本服务状况和需求信息动态更新: one round a year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyRoundStatus.choices, default=SurveyRoundStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("需求调查轮次")
        verbose_name_plural = _("需求调查轮次")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="rehab_round_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.title


class ContactMethod(models.TextChoices):
    HOME = "home", _("入户")
    MEET = "meet", _("见面")
    PHONE = "phone", _("电话")
    LOST = "lost", _("失访")


def _service_array(verbose_name):
    return ArrayField(
        models.CharField(max_length=20, choices=ServiceType.choices),
        verbose_name=verbose_name,
        default=list,
        blank=True,
    )


@audited()
class SurveyRecord(models.Model):
    survey_round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, related_name="records", verbose_name=_("调查轮次")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="survey_records", verbose_name=_("残疾人")
    )
    # The person's township when surveyed: progress stays put when someone moves later.
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    contact_method = models.CharField(_("调查方式"), max_length=10, choices=ContactMethod.choices)
    visited_on = models.DateField(_("调查日期"))
    services_received = _service_array(_("已获得的服务"))
    services_needed = _service_array(_("需要的服务"))
    device_type_needed = models.CharField(_("需要的辅具"), max_length=20, choices=DeviceType.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("调查员"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("需求调查记录")
        verbose_name_plural = _("需求调查记录")
        constraints = [models.UniqueConstraint(fields=["survey_round", "person"], name="rehab_survey_once_per_round")]
        indexes = [models.Index(fields=["survey_round", "township", "contact_method"], name="rehab_survey_progress")]

    def __str__(self) -> str:
        return f"{self.survey_round} · {self.person}"


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
