"""The history of generated reports: which report, which period, who asked for it, when, and its files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited


class ReportKind(models.TextChoices):
    WORK_HALF_YEAR = "work_half_year", _("半年工作报告")
    WORK_YEAR = "work_year", _("年度工作报告")
    SUBSIDY_MONTH = "subsidy_month", _("月度补贴发放统计表")
    SURVEY_YEAR = "survey_year", _("年度需求调查汇总")


@audited()
class GeneratedReport(models.Model):
    kind = models.CharField(_("报表"), max_length=30, choices=ReportKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # Null: the whole county; else the report counts only this township.
    township = models.ForeignKey(
        "cases.Township",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("乡镇(街道)"),
    )
    job = models.OneToOneField(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generated_report",
        verbose_name=_("任务"),
    )
    xlsx_file = models.FileField(_("统计表(XLSX)"), upload_to="reports/%Y/%m/", blank=True)
    pdf_file = models.FileField(_("报告(PDF)"), upload_to="reports/%Y/%m/", blank=True)
    scheduled = models.BooleanField(_("定时生成"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("生成人")
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("生成的报表")
        verbose_name_plural = _("生成的报表")

    def __str__(self) -> str:
        return self.title
