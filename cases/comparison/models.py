"""One uploaded agency list (a comparison) and the differences it found (findings)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited


class ComparisonKind(models.TextChoices):
    DEATHS = "deaths", _("死亡、火化名单")
    MOVES = "moves", _("户籍迁出名单")
    POVERTY = "poverty", _("低保、低保边缘、特困供养名册")
    INJURY = "injury", _("工伤保险生活护理费名单")


class ComparisonStatus(models.TextChoices):
    COMPARING = "comparing", _("比对中")
    INVALID = "invalid", _("有错误行")
    READY = "ready", _("待应用")
    APPLYING = "applying", _("应用中")
    APPLIED = "applied", _("已应用")
    FAILED = "failed", _("失败")


class ComparisonOrigin(models.TextChoices):
    WEB = "web", _("网页上传")
    COMMAND = "command", _("命令行")


@audited()
class Comparison(models.Model):
    """One agency list: its file, who uploaded and who applied it, the counts and the result workbook."""

    kind = models.CharField(_("名单类型"), max_length=20, choices=ComparisonKind.choices)
    source = models.CharField(_("名单来源"), max_length=100, help_text=_("例如：县公安局 2026 年 11 月死亡名单"))
    as_of = models.DateField(_("名单日期"))
    origin = models.CharField(max_length=10, choices=ComparisonOrigin.choices, default=ComparisonOrigin.WEB)
    file = models.FileField(_("文件"), upload_to="comparisons/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ComparisonStatus.choices, default=ComparisonStatus.COMPARING
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    matched = models.PositiveIntegerField(_("匹配"), default=0)
    unmatched_count = models.PositiveIntegerField(_("未匹配"), default=0)
    findings_count = models.PositiveIntegerField(_("差异"), default=0)
    applied_count = models.PositiveIntegerField(_("已应用"), default=0)
    # [{"row": 5, "column": "死亡日期", "message": "..."}]: any bad row blocks applying.
    issues = models.JSONField(_("错误行"), default=list, blank=True)
    # ID numbers not in the registry: [{"row": 7, "id_number": "...", "name": "..."}]; county staff only.
    unmatched = models.JSONField(_("未匹配的身份证号"), default=list, blank=True)
    # Persons the list carries as 低保 on its date (poverty lists): the 应补尽补 candidates are looked for among them.
    roll_person_ids = models.JSONField(default=list, blank=True)
    result_file = models.FileField(_("比对结果"), upload_to="comparisons/%Y/%m/", blank=True)
    compare_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    apply_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("应用人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("应用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据比对")
        verbose_name_plural = _("数据比对")
        constraints = [
            # The second-person rule, held by the database for the web path; the operator's command applies as
            # the user it names (CONTRACT.md), which is why it is recorded as its own origin.
            models.CheckConstraint(
                condition=Q(origin="command") | Q(applied_by__isnull=True) | ~Q(applied_by=models.F("uploaded_by")),
                name="comparison_applied_by_another_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.source}"


class FindingKind(models.TextChoices):
    DEATH = "death", _("死亡未登记")
    MOVE = "move", _("户籍迁出未登记")
    POVERTY_START = "poverty_start", _("新纳入低保类救助")
    POVERTY_END = "poverty_end", _("低保类救助已终止")
    POVERTY_CHANGE = "poverty_change", _("救助类型变化")
    INJURY_START = "injury_start", _("领取工伤保险生活护理费")
    INJURY_END = "injury_end", _("工伤保险生活护理费已终止")


class FindingOutcome(models.TextChoices):
    PENDING = "pending", _("待应用")
    APPLIED = "applied", _("已应用")
    DESELECTED = "deselected", _("未采用")
    SKIPPED = "skipped", _("已不适用")


@audited()
class ComparisonFinding(models.Model):
    """One difference between the list and the registry, and what applying it does."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("差异类型"), max_length=20, choices=FindingKind.choices)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("残疾人"))
    # The person's township when compared: a liaison sees the findings of their own township only.
    township = models.ForeignKey("cases.Township", on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField(_("行"), null=True, blank=True)  # none for a status the roll no longer carries
    # What the change is: {"date": "2026-09-20", "status": "dibao", "registry_status": "none", "destination": "..."}
    change = models.JSONField(default=dict)
    # Kind-specific facts shown beside it: registry date, name on the list when it differs ...
    notes = models.JSONField(default=dict, blank=True)
    # What applying it does to money, from the subsidies rules: [{"program": "护理补贴", "stop": "2026-12",
    # "recover": ["2026-10", "2026-11"], "amount": "160.00"}, {"program": "生活补贴", "candidate": true}]
    effects = models.JSONField(default=list, blank=True)
    selected = models.BooleanField(_("应用"), default=True)
    deselect_reason = models.CharField(_("不采用的原因"), max_length=200, blank=True)
    deselected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("结果"), max_length=20, choices=FindingOutcome.choices, default=FindingOutcome.PENDING)
    outcome_note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["comparison", "kind", "row", "pk"]
        verbose_name = _("比对差异")
        verbose_name_plural = _("比对差异")
        constraints = [
            models.UniqueConstraint(fields=["comparison", "person", "kind"], name="one_finding_per_person_and_kind"),
            models.CheckConstraint(
                condition=Q(selected=True) | ~Q(deselect_reason=""), name="deselected_finding_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["comparison", "township"], name="finding_comparison_township")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id}"
