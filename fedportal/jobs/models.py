"""One generic background job row for every import, payment run and report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class Job(models.Model):
    kind = models.CharField(_("任务类型"), max_length=50, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField(_("进度"), default=0)
    total = models.PositiveIntegerField(_("总量"), default=0)
    message = models.CharField(_("当前步骤"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The township a job belongs to, so township liaisons see only their own jobs' files.
    township = models.ForeignKey("cases.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    # Written every few seconds by the process running the job; a running job whose heartbeat stops is failed by
    # the beat task `fedportal.fail_stale_jobs` (its worker died), within JOB_STALE_SECONDS.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    # Which execution owns the row: a late heartbeat or finish of an execution that lost it changes nothing.
    run_token = models.CharField(max_length=32, blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    # Executions that ended with their process gone (killed, out of memory): the job is not started again by a
    # redelivered message once this happened, and says so.
    lost_runs = models.PositiveSmallIntegerField(_("进程异常退出次数"), default=0)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def may_retry(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def may_cancel(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING) and not self.cancel_requested

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.progress * 100 / self.total))
