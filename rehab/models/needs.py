"""Needs (康复需求) and the yearly needs survey (需求调查) that records many of them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from fedportal.audit.tracking import audited

from .common import DeviceType, ServiceType


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
        if not self.device_type:
            return str(label)
        return f"{label}{pgettext('punctuation', '（')}{self.get_device_type_display()}{pgettext('punctuation', '）')}"


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
