"""Disability certificates (残疾人证): one row per card period, with the lifecycle events that made it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.disability import Category, Generation, Grade
from fedportal.audit.tracking import audited


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUPERSEDED = "superseded", _("已换领/变更")
    CANCELLED = "cancelled", _("已注销")
    TRANSFERRED_OUT = "transferred_out", _("已迁出")


class EndReason(models.TextChoices):
    RENEWED = "renewed", _("换领")
    CHANGED = "changed", _("类别/等级变更")
    REISSUED = "reissued", _("挂失补办")
    DEATH = "death", _("死亡")
    NOT_MEETING_STANDARD = "not_meeting_standard", _("不再符合评残标准")
    TRANSFERRED_OUT = "transferred_out", _("迁出")
    OTHER = "other", _("其他")


@audited()
class Assessment(models.Model):
    """评残: the assessment a new issue or a change of category/grade rests on."""

    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="assessments")
    hospital = models.CharField(_("评定医院"), max_length=100)
    assessor = models.CharField(_("评定医师"), max_length=50)
    assessed_on = models.DateField(_("评定日期"))
    category = models.PositiveSmallIntegerField(_("残疾类别"), choices=Category.choices)
    grade = models.PositiveSmallIntegerField(_("残疾等级"), choices=Grade.choices)
    # For 多重: [{"category": 4, "grade": 2}, ...]
    components = models.JSONField(_("多重残疾构成"), default=list, blank=True)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("县级审核人"),
    )
    reviewed_on = models.DateField(_("县级审核日期"), null=True, blank=True)
    # County review may also reject the result (with a reason): a rejected assessment supports no certificate.
    rejected_on = models.DateField(_("县级驳回日期"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("驳回人"),
    )
    reject_reason = models.CharField(_("驳回理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = _("残疾评定")
        verbose_name_plural = _("残疾评定")
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True) | Q(rejected_on__isnull=True),
                name="assessment_reviewed_or_rejected",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}{self.get_grade_display()} {self.assessed_on}"


@audited(bulk_written=True)
class Certificate(models.Model):
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("残疾人证号"), max_length=20)
    category = models.PositiveSmallIntegerField(_("残疾类别"), choices=Category.choices)
    grade = models.PositiveSmallIntegerField(_("残疾等级"), choices=Grade.choices)
    generation = models.PositiveSmallIntegerField(_("证件代别"), choices=Generation.choices, default=Generation.THIRD)
    issue_date = models.DateField(_("发证日期"))
    expiry_date = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.ACTIVE
    )
    # The first day the card no longer counts (renewal, change, cancellation, transfer out).
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=30, choices=EndReason.choices, blank=True)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date"]
        verbose_name = _("残疾人证")
        verbose_name_plural = _("残疾人证")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="active"),
                name="one_active_certificate_per_person",
                violation_error_message=_("此人已有一张有效的残疾人证。"),
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__gt=models.F("issue_date")), name="certificate_expiry_after_issue"
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(ended_on__isnull=True))
                | (~Q(status="active") & Q(ended_on__isnull=False)),
                name="certificate_ended_iff_not_active",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^\d{17}[\dX][1-7][1-4]$"), name="certificate_number_format"
            ),
        ]
        indexes = [
            models.Index(fields=["number"], opclasses=["varchar_pattern_ops"], name="certificate_number_prefix"),
            models.Index(fields=["status", "expiry_date"], name="certificate_status_expiry"),
            models.Index(fields=["person", "issue_date"], name="certificate_person_issue"),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day) -> bool:
        return self.issue_date <= day <= self.expiry_date and (self.ended_on is None or day < self.ended_on)


@audited(bulk_written=True)
class CertificateComponent(models.Model):
    """One component disability of a 多重 certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="components")
    category = models.PositiveSmallIntegerField(_("残疾类别"), choices=Category.choices[:6])
    grade = models.PositiveSmallIntegerField(_("残疾等级"), choices=Grade.choices)

    class Meta:
        verbose_name = _("多重残疾构成")
        verbose_name_plural = _("多重残疾构成")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "category"], name="component_category_once"),
            models.CheckConstraint(condition=Q(category__lte=6), name="component_not_multiple"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}{self.get_grade_display()}"


class EventKind(models.TextChoices):
    ISSUE = "issue", _("新办")
    RENEW = "renew", _("换领")
    CHANGE = "change", _("类别/等级变更")
    REISSUE = "reissue", _("挂失补办")
    TRANSFER_IN = "transfer_in", _("迁入")
    TRANSFER_OUT = "transfer_out", _("迁出")
    CANCEL = "cancel", _("注销")
    IMPORT = "import", _("花名册导入")


@audited()
class CertificateLifecycleEvent(models.Model):
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="certificate_events")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="lifecycle_events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    event_date = models.DateField(_("办理日期"))
    reason = models.CharField(_("原因"), max_length=30, choices=EndReason.choices, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-event_date", "-created_at"]
        verbose_name = _("证件办理记录")
        verbose_name_plural = _("证件办理记录")
        indexes = [
            models.Index(fields=["kind", "event_date"], name="certificate_event_kind_date"),
            # The certificate page's "recent events", newest event date first, read from the index with its limit.
            models.Index(fields=["-event_date", "-created_at"], name="certificate_event_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_date}"
