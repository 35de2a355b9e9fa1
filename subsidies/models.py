"""Subsidy programs, their dated rates and parameters, enrollments, applications, budgets and payment runs.

Eligibility rules live in code (subsidies/rules.py, one class per program); everything that changes with
policy (amounts, extension switches, back-pay and recovery windows) lives in ProgramRate / ProgramParameter
rows with an effective date, so a new rate from January applies to January's run and later only.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited

from .rules import rule_for


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    YEARLY = "yearly", _("按年")
    # One-off grants (创业补贴, 大学新生补助, 慰问金…): a run for a month pays each approved application once; the
    # rule says whether once per person or once per event (one application, one occasion), and OncePayment holds it.
    ONCE = "once", _("一次性")


@audited()
class Program(models.Model):
    code = models.SlugField(_("项目代码"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=50, unique=True)
    full_name = models.CharField(_("项目全称"), max_length=100, blank=True)
    period_kind = models.CharField(_("发放周期"), max_length=10, choices=PeriodKind.choices)
    # Automatic programs (一户多残) pay from the registry without enrollments; the others pay enrollments.
    automatic = models.BooleanField(_("自动认定"), default=False)
    # Whether applications may be entered for this program.
    accepts_applications = models.BooleanField(_("受理申请"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.TextField(_("说明"), blank=True)
    # Contribution subsidies (城乡居民养老保险/医保 代缴) are paid to the insurer, not to the person: when set, the
    # payment sheet's payee, account and bank are these for every line, and the person is named in 备注.
    payee_name = models.CharField(_("收款单位"), max_length=50, blank=True, help_text=_("代缴类项目填写承保机构。"))
    payee_account = models.CharField(_("收款账号"), max_length=30, blank=True)
    payee_bank = models.CharField(_("收款银行"), max_length=50, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("补贴项目")
        verbose_name_plural = _("补贴项目")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the four programs of the data migration are in the catalog; a program
        added in the admin shows its name as typed."""
        return gettext(self.name)

    @property
    def is_monthly(self) -> bool:
        return self.period_kind == PeriodKind.MONTHLY

    @property
    def is_once(self) -> bool:
        return self.period_kind == PeriodKind.ONCE

    @property
    def period_is_month(self) -> bool:
        """Monthly and one-off programs have runs for a month (YYYY-MM); yearly ones for a year."""
        return self.period_kind in (PeriodKind.MONTHLY, PeriodKind.ONCE)

    @property
    def pays_insurer(self) -> bool:
        return bool(self.payee_name)


def _rule_of(row):
    """The eligibility rule of a rate's or parameter's program (None before a program is chosen, or without a rule)."""
    if row.program_id is None:
        return None
    try:
        return rule_for(row.program.code)
    except LookupError:
        return None


@audited()
class ProgramRate(models.Model):
    """An amount of one tier of a program (e.g. nursing grade 1), valid from `effective_from` until the next row."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rates", verbose_name=_("补贴项目"))
    tier = models.CharField(_("档次"), max_length=30)
    effective_from = models.DateField(_("生效日期"), help_text=_("月度项目请填某月1日；年度项目请填1月1日。"))
    amount = models.DecimalField(_("金额(元)"), max_digits=10, decimal_places=2)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["program", "tier", "effective_from"]
        verbose_name = _("补贴标准")
        verbose_name_plural = _("补贴标准")
        constraints = [
            models.UniqueConstraint(fields=["program", "tier", "effective_from"], name="program_rate_unique_from"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="program_rate_amount_not_negative"),
            # The judge reads rates on the first day of each month: a rate dated mid-month would miss that month.
            models.CheckConstraint(
                condition=Q(effective_from__day=1),
                name="program_rate_from_first_of_month",
                violation_error_message=_("生效日期须为某月1日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.tier} {self.effective_from:%Y-%m-%d} {self.amount}"

    def clean(self):
        # A tier the rule does not know would never be paid: the rule's tiers are the only valid ones.
        rule = _rule_of(self)
        if rule is not None and self.tier not in rule.tiers:
            raise ValidationError(
                {
                    "tier": _("“%(value)s”不是此项目规则的档次；可选：%(choices)s。")
                    % {"value": self.tier, "choices": "、".join(f"{k}（{v}）" for k, v in rule.tiers.items())}
                }
            )


@audited()
class ProgramParameter(models.Model):
    """A switch (0/1) or a number of a program's rule, valid from `effective_from` until the next row."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="parameters", verbose_name=_("补贴项目")
    )
    key = models.CharField(_("参数"), max_length=40)
    effective_from = models.DateField(_("生效日期"))
    value = models.DecimalField(_("取值"), max_digits=12, decimal_places=2, help_text=_("开关：1 开启，0 关闭。"))
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["program", "key", "effective_from"]
        verbose_name = _("项目参数")
        verbose_name_plural = _("项目参数")
        constraints = [
            models.UniqueConstraint(fields=["program", "key", "effective_from"], name="program_parameter_unique_from"),
            # As the rates: the judge reads switches on the first day of each month.
            models.CheckConstraint(
                condition=Q(effective_from__day=1),
                name="program_parameter_from_first_of_month",
                violation_error_message=_("生效日期须为某月1日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.key}={self.value} ({self.effective_from:%Y-%m-%d})"

    def clean(self):
        # A misspelt key would silently leave the rule on its default: only the rule's parameters are accepted.
        rule = _rule_of(self)
        parameters = rule.all_parameters() if rule is not None else {}
        if rule is not None and self.key not in parameters:
            raise ValidationError(
                {
                    "key": _("“%(value)s”不是此项目规则的参数；可选：%(choices)s。")
                    % {"value": self.key, "choices": "、".join(f"{k}（{p.label}）" for k, p in parameters.items())}
                }
            )


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("享受中")
    SUSPENDED = "suspended", _("已停发")
    ENDED = "ended", _("已终止")


class EnrollmentSource(models.TextChoices):
    APPLICATION = "application", _("申请审批")
    ROSTER = "roster", _("花名册导入")
    MANUAL = "manual", _("手工录入")
    DEMO = "demo", _("演示数据")


@audited()
class Enrollment(models.Model):
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("残疾人")
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("补贴项目")
    )
    start_month = models.DateField(_("起始年月"))
    # The first day of the last month (or Jan 1 of the last year) the old system already paid; back pay never covers it.
    paid_through = models.DateField(_("已发放至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    status_reason = models.CharField(_("状态原因"), max_length=200, blank=True)
    source = models.CharField(
        _("来源"), max_length=20, choices=EnrollmentSource.choices, default=EnrollmentSource.MANUAL
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    application = models.ForeignKey(
        "Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("申请")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "person"]
        verbose_name = _("补贴对象")
        verbose_name_plural = _("补贴对象")
        constraints = [
            models.UniqueConstraint(fields=["person", "program"], name="enrollment_person_program_unique"),
            models.CheckConstraint(condition=Q(start_month__day=1), name="enrollment_start_first_of_month"),
            models.CheckConstraint(
                condition=Q(paid_through__isnull=True) | Q(paid_through__day=1),
                name="enrollment_paid_through_first_of_month",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="enrollment_program_status")]

    def __str__(self) -> str:
        return f"{self.person} · {self.program}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待乡镇初审")
    TOWNSHIP_CHECKED = "township_checked", _("待县级审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


@audited()
class Application(models.Model):
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="subsidy_applications", verbose_name=_("残疾人")
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="applications", verbose_name=_("补贴项目")
    )
    applied_on = models.DateField(_("申请日期"))
    applicant_name = models.CharField(
        _("申请人"), max_length=50, blank=True, help_text=_("本人以外代为申请时填写（亲属、监护人或村委会）。")
    )
    applicant_relation = models.CharField(_("与本人关系"), max_length=20, blank=True)
    # Education grants only.
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    education_stage = models.CharField(_("就读学段"), max_length=20, blank=True)
    # One-off grants paid per event: the occasion (2027年春节慰问) or the event (评残 2026-11-03) it is for.
    occasion = models.CharField(_("事由/活动"), max_length=100, blank=True)
    proof = models.FileField(_("证明材料"), upload_to="applications/%Y/%m/", blank=True)
    comment = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("补贴申请")
        verbose_name_plural = _("补贴申请")
        constraints = [
            # One open application per person and program.
            models.UniqueConstraint(
                fields=["person", "program"],
                condition=Q(status__in=["submitted", "township_checked"]),
                name="application_one_open_per_program",
                violation_error_message=_("此人已有一份该项目的在办申请。"),
            )
        ]
        indexes = [models.Index(fields=["status", "township"], name="application_status_township")]

    def __str__(self) -> str:
        return f"{self.person} · {self.program} · {self.applied_on}"


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("受理录入")
    TOWNSHIP_CHECK = "township_check", _("乡镇初审通过")
    APPROVE = "approve", _("县级审核批准")
    REJECT = "reject", _("驳回")


@audited()
class ApplicationStep(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("环节"), max_length=20, choices=StepAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    # The eligibility reasons shown to the user when they took this step (empty list = qualified).
    eligibility = models.JSONField(_("资格校验"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


@audited()
class Budget(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("补贴项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额(元)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "program"]
        verbose_name = _("预算")
        verbose_name_plural = _("预算")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="budget_program_year_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.year}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    DISCARDED = "discarded", _("已作废")


@audited()
class PaymentRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="runs", verbose_name=_("补贴项目"))
    # First day of the month (monthly) or January 1 (yearly).
    period = models.DateField(_("所属期"))
    # The day yearly eligibility is judged on; for monthly runs the first day of the period.
    as_of = models.DateField(_("认定日期"))
    status = models.CharField(_("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # Figures of the last computation (payment lines = current + back pay; recoveries apart).
    lines_count = models.PositiveIntegerField(_("发放笔数"), default=0)
    total = models.DecimalField(_("发放总额"), max_digits=14, decimal_places=2, default=0)
    backpay_count = models.PositiveIntegerField(_("补发笔数"), default=0)
    backpay_total = models.DecimalField(_("补发金额"), max_digits=14, decimal_places=2, default=0)
    recovery_count = models.PositiveIntegerField(_("追回笔数"), default=0)
    recovery_total = models.DecimalField(_("追回金额"), max_digits=14, decimal_places=2, default=0)
    stops_count = models.PositiveIntegerField(_("停发人数"), default=0)
    # db_default: rows written by raw SQL (benchmarks, bulk loads) that predate 重发 need not name them.
    resend_count = models.PositiveIntegerField(_("重发笔数"), default=0, db_default=0)
    resend_total = models.DecimalField(_("重发金额"), max_digits=14, decimal_places=2, default=0, db_default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("制表人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-period", "program"]
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period"],
                condition=Q(status="approved"),
                name="payment_run_one_approved_per_period",
                violation_error_message=_("该项目该所属期已有审批通过的发放批次。"),
            ),
            models.UniqueConstraint(
                fields=["program", "period"],
                condition=Q(status="draft"),
                name="payment_run_one_draft_per_period",
                violation_error_message=_("该项目该所属期已有草稿批次。"),
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="payment_run_period_first_day"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="payment_run_maker_checker",
                violation_error_message=_("制表人不能审批自己创建的批次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}" if self.program.period_is_month else f"{self.period:%Y}"

    @property
    def is_computed(self) -> bool:
        return self.computed_at is not None


class LineKind(models.TextChoices):
    CURRENT = "current", _("当期")
    BACKPAY = "backpay", _("补发")
    RECOVERY = "recovery", _("追回")
    # A failed payment paid again after the payee's account was corrected (DOMAIN.md, 发放与回盘).
    RESEND = "resend", _("重发")


class PaymentLine(models.Model):
    """One month (or year) of one person in a run. Derived data, rewritten as a whole while the run is a draft and
    frozen once approved; the run's lifecycle is audited, the lines are not (200,000 trigger rows per run)."""

    # Few indexes on purpose (a run inserts 200,000 rows): run_id is led by the unique constraint, program by
    # payment_line_program_person; enrollment and township are snapshots looked up through the run.
    # No foreign-key constraints in the database (db_constraint=False): PostgreSQL checks a constraint row by row
    # at commit, five lookups and a row lock per line, which was a third of a 200,000-person run. The lines are
    # written only by the run's SQL, which takes every id from a join with the row it references in the same
    # transaction; persons, townships, programs and enrollments are never deleted while a line references them
    # (the ORM's PROTECT still refuses it, the admin cannot delete them), and a run's lines go with it (CASCADE in
    # the ORM; discarding keeps them). tests/subsidies/test_line_references.py holds both.
    run = models.ForeignKey(
        PaymentRun, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="payment_lines", db_constraint=False
    )
    # PROTECT: the recovery check relies on every paid line having its enrollment.
    enrollment = models.ForeignKey(
        Enrollment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Snapshot of the person's township when computed: the sheets and the summaries group by it.
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField(_("所属期"))
    kind = models.CharField(_("类型"), max_length=10, choices=LineKind.choices)
    tier = models.CharField(_("档次"), max_length=30)
    # Always positive; a recovery line is money to take back.
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)
    reasons = models.CharField(_("原因"), max_length=200, blank=True)
    # Frozen at approval (DOMAIN.md: an approved run is a frozen record): who is paid, into which account, and the
    # line's 序号 on the payment sheet. The sheets read these, never the registry, so an approved run always exports
    # the same sheet; the bank's return is matched on 序号. Empty (and null) while the run is a draft.
    sheet_number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    payee_name = models.CharField(_("姓名"), max_length=50, blank=True, db_default="")
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_default="")
    account = models.CharField(_("社保卡号"), max_length=30, blank=True, db_default="")
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True, db_default="")
    # A 重发 line: the failed line it pays again. The database guarantee of "never twice" is PaymentResult.resent_line
    # (one per failed line); no constraint here, so deleting a draft's lines costs no per-row foreign-key checks.
    resend_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("重发原明细"),
    )

    class Meta:
        ordering = ["run", "township", "person", "month"]
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        constraints = [
            models.UniqueConstraint(fields=["run", "person", "month", "kind"], name="payment_line_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_amount_positive"),
        ]
        indexes = [models.Index(fields=["program", "person", "month"], name="payment_line_program_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.kind} {self.amount}"


class PaidMonth(models.Model):
    """The ledger of months (or years) paid in approved runs, net of recoveries: written when a run is approved.
    Back pay skips these months, so a run's anti-join reads this compact table rather than summing every line."""

    pk = models.CompositePrimaryKey("program", "person", "month")
    # Derived from approved lines in the same transaction; no FK triggers (an approval writes 200,000 rows).
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField(_("所属期"))

    class Meta:
        verbose_name = _("已发放月份")
        verbose_name_plural = _("已发放月份")

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


class OncePayment(models.Model):
    """The ledger of one-off grants paid: written when a run is approved, one row per line. `event` is 0 for grants
    paid once per person (创业补贴, 学前教育助学, 大学新生补助) and the application's id for grants paid once per
    event (评定补贴, 慰问金), so the unique constraint is the database's "never twice"."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", verbose_name=_("补贴项目"))
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("残疾人"))
    event = models.BigIntegerField(_("事件"), default=0)
    # Approved lines are never deleted; no FK trigger on the deletes of draft lines.
    line = models.OneToOneField(
        PaymentLine, on_delete=models.PROTECT, related_name="+", db_constraint=False, verbose_name=_("发放明细")
    )
    paid_on = models.DateField(_("所属期"))

    class Meta:
        verbose_name = _("一次性补贴发放记录")
        verbose_name_plural = _("一次性补贴发放记录")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "event"],
                name="once_payment_never_twice",
                violation_error_message=_("该一次性补贴已向此人发放过。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.person_id} {self.event}"


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("待计算")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class PaymentRunChunk(models.Model):
    """One part of a run computed in parallel (PAYMENT_RUN_CHUNKS > 1): a group of townships whose persons one
    worker judges into the staging tables. The run is written only when every chunk is done, in one transaction;
    a failed chunk fails the computation, which can be retried (subsidies/services/run_chunks.py)."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveSmallIntegerField(_("分块"))
    township_ids = ArrayField(models.BigIntegerField(), verbose_name=_("乡镇"))
    persons = models.PositiveIntegerField(_("人数"), default=0)
    # The computation's parameters (dates as ISO text), the same for every chunk of one computation.
    params = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    worker = models.CharField(_("计算进程"), max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("发放计算分块")
        verbose_name_plural = _("发放计算分块")
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="payment_run_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number} {self.status}"


class PaymentStop(models.Model):
    """An enrolled (or previously paid) person who gets nothing for the run's period, with the reasons."""

    # Written by the run's SQL like the lines, so without database foreign-key checks for the same reason.
    run = models.ForeignKey(
        PaymentRun, on_delete=models.CASCADE, related_name="stops", db_index=False, db_constraint=False
    )
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # Reason codes of subsidies.rules.REASONS, comma-separated.
    reasons = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("停发名单")
        verbose_name_plural = _("停发名单")
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="payment_stop_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reasons}"


class BankReturnStatus(models.TextChoices):
    VALIDATING = "validating", _("校验中")
    INVALID = "invalid", _("有错误，未登记")
    RECORDED = "recorded", _("已登记")


@audited()
class BankReturn(models.Model):
    """One return file (回盘) of the bank for an approved run: the file as uploaded, who uploaded it, and what it
    recorded. A file with any error records nothing; recording the same results again records nothing new."""

    run = models.ForeignKey(
        PaymentRun, on_delete=models.PROTECT, related_name="bank_returns", verbose_name=_("发放批次")
    )
    # Empty: the whole run's sheet; otherwise the sheet of one 开户银行 (its lines only are expected).
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    file = models.FileField(_("回盘文件"), upload_to="bank_returns/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=20, choices=BankReturnStatus.choices, default=BankReturnStatus.VALIDATING
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    # What the file says (every row) and what it newly recorded (rows already recorded the same way are not new).
    rows = models.PositiveIntegerField(_("行数"), default=0)
    paid_count = models.PositiveIntegerField(_("成功笔数"), default=0)
    paid_total = models.DecimalField(_("成功金额"), max_digits=14, decimal_places=2, default=0)
    failed_count = models.PositiveIntegerField(_("失败笔数"), default=0)
    failed_total = models.DecimalField(_("失败金额"), max_digits=14, decimal_places=2, default=0)
    recorded_count = models.PositiveIntegerField(_("新登记笔数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # The first errors, as [{"row": N, "column": NAME, "message": TEXT}].
    errors = models.JSONField(_("错误"), default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("银行回盘")
        verbose_name_plural = _("银行回盘")

    def __str__(self) -> str:
        return f"{self.run} {self.file_name}"


class PaymentResultStatus(models.TextChoices):
    PAID = "paid", _("成功")
    FAILED = "failed", _("失败")


class PaymentResult(models.Model):
    """The bank's result for one payment line: written once by a return (insert-only; the return row is audited and
    keeps the file), so a line has at most one result. A failed line is held (待更正账户) until a 重发 line of a later
    run pays it again; `resent_line` is unique, so a failed payment can be paid again only once."""

    # Lines with a result belong to approved runs, which are never deleted: no per-row foreign-key triggers on the
    # 200,000-row inserts and deletes of lines.
    line = models.OneToOneField(
        PaymentLine, primary_key=True, on_delete=models.PROTECT, related_name="result", db_constraint=False
    )
    bank_return = models.ForeignKey(BankReturn, on_delete=models.PROTECT, related_name="results", db_index=False)
    status = models.CharField(_("发放结果"), max_length=10, choices=PaymentResultStatus.choices)
    reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    resent_line = models.OneToOneField(
        PaymentLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resend_source",
        db_constraint=False,
        verbose_name=_("重发明细"),
    )

    class Meta:
        verbose_name = _("发放结果")
        verbose_name_plural = _("发放结果")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="failed") | Q(resent_line__isnull=True), name="payment_result_resend_only_failed"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(reason=""), name="payment_result_failed_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["bank_return"], name="payment_result_return"),
            # The held payments (待更正账户): failed and not yet paid again.
            models.Index(
                fields=["line"], condition=Q(status="failed", resent_line__isnull=True), name="payment_result_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.status}"


# The names and full names of the data migration's programs, for the translation catalog (Program.label).
PROGRAM_NAMES = (
    gettext_noop("生活补贴"),
    gettext_noop("护理补贴"),
    gettext_noop("扶残助学金"),
    gettext_noop("一户多残补助"),
    gettext_noop("困难残疾人生活补贴"),
    gettext_noop("重度残疾人护理补贴"),
    gettext_noop("燃油补贴"),
    gettext_noop("机动轮椅车燃油补贴"),
    gettext_noop("评定补贴"),
    gettext_noop("残疾评定补贴"),
    gettext_noop("服药补助"),
    gettext_noop("精神残疾人服药补助"),
    gettext_noop("创业补贴"),
    gettext_noop("残疾人自主创业补贴"),
    gettext_noop("学前教育助学"),
    gettext_noop("家庭经济困难残疾儿童学前教育助学"),
    gettext_noop("大学新生补助"),
    gettext_noop("残疾人及残疾人家庭子女大学新生补助"),
    gettext_noop("养老保险代缴"),
    gettext_noop("城乡居民养老保险缴费补贴"),
    gettext_noop("医保代缴"),
    gettext_noop("城乡居民医疗保险缴费补贴"),
    gettext_noop("节日慰问金"),
    gettext_noop("困难残疾人节日慰问金"),
)
