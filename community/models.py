"""The federation's services kept as records: employment, relief visits, legal aid, culture and sports, early detection.

Records about one person (an attendance, a referral, a visit, a case) follow that person's township for scope, as
every registry record does. Events (a training session, a job fair, a cultural event) belong to a township or, when
`township` is empty, to the whole county; their attendee lists are still narrowed to the user's township.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited

MONEY = {"max_digits": 12, "decimal_places": 2}


class _Recorded(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def _township_field():
    return models.ForeignKey(
        "cases.Township",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("乡镇(街道)"),
        help_text=_("留空表示全县"),
    )


# ---------------------------------------------------------------- employment (就业)


class TrainingKind(models.TextChoices):
    VOCATIONAL = "vocational", _("职业技能培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    AGRICULTURE = "agriculture", _("农村实用技术培训")
    REHAB_SKILLS = "rehab_skills", _("康复知识培训")
    OTHER = "other", _("其他培训")


@audited()
class TrainingSession(_Recorded):
    """A training course (残疾人职业技能培训 and the like); attendance is kept per person."""

    title = models.CharField(_("培训名称"), max_length=120)
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    township = _township_field()
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    organizer = models.CharField(_("承办单位"), max_length=120, blank=True)
    hours = models.PositiveSmallIntegerField(_("学时"), default=0)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="community_training_dates")
        ]

    def __str__(self) -> str:
        return self.title


@audited()
class TrainingAttendance(_Recorded):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("培训班")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="training_attendances", verbose_name=_("残疾人")
    )
    completed = models.BooleanField(_("结业"), default=True)

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="community_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.person}"


@audited()
class JobFair(_Recorded):
    """A job fair for persons with disabilities (残疾人专场招聘会)."""

    title = models.CharField(_("名称"), max_length=120)
    township = _township_field()
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    employers = models.PositiveIntegerField(_("参会单位数"), default=0)
    positions = models.PositiveIntegerField(_("提供岗位数"), default=0)
    visitors = models.PositiveIntegerField(_("参会残疾人数"), default=0)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")

    def __str__(self) -> str:
        return self.title


@audited()
class JobReferral(_Recorded):
    """A referral to an employer (推荐就业); `placed_on` is set when the person starts work (实现就业)."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="job_referrals", verbose_name=_("残疾人")
    )
    employer = models.CharField(_("用人单位"), max_length=120)
    position = models.CharField(_("岗位"), max_length=80, blank=True)
    referred_on = models.DateField(_("推荐日期"))
    job_fair = models.ForeignKey(
        JobFair, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals", verbose_name=_("招聘会")
    )
    placed_on = models.DateField(_("就业日期"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("就业推荐")
        verbose_name_plural = _("就业推荐")
        constraints = [
            models.CheckConstraint(
                condition=Q(placed_on__isnull=True) | Q(placed_on__gte=F("referred_on")),
                name="community_placed_after_referral",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.employer}"


@audited()
class ShelteredWorkshop(_Recorded):
    """A sheltered-employment workshop (辅助性就业机构/庇护工场) and its period of operation."""

    name = models.CharField(_("名称"), max_length=120)
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("成立日期"))
    closed_on = models.DateField(_("停办日期"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("辅助性就业机构")
        verbose_name_plural = _("辅助性就业机构")

    def __str__(self) -> str:
        return self.name


@audited()
class WorkshopWorker(_Recorded):
    workshop = models.ForeignKey(
        ShelteredWorkshop, on_delete=models.CASCADE, related_name="workers", verbose_name=_("辅助性就业机构")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="workshop_jobs", verbose_name=_("残疾人")
    )
    start_date = models.DateField(_("入职日期"))
    end_date = models.DateField(_("离职日期"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("辅助性就业人员")
        verbose_name_plural = _("辅助性就业人员")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="community_worker_dates"
            ),
            # One open employment per person and workshop.
            models.UniqueConstraint(
                fields=["workshop", "person"], condition=Q(end_date__isnull=True), name="community_worker_open_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.person}"


# ---------------------------------------------------------------- relief visits (走访慰问)


class Occasion(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", _("春节")
    HELP_DAY = "help_day", _("全国助残日")
    MID_AUTUMN = "mid_autumn", _("中秋")
    DISABILITY_DAY = "disability_day", _("国际残疾人日")
    EMERGENCY = "emergency", _("临时救助")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):
    FEDERATION = "federation", _("残联经费")
    FINANCE = "finance", _("财政专项")
    DONATION = "donation", _("社会捐赠")
    OTHER = "other", _("其他")


@audited()
class ReliefVisit(_Recorded):
    """A visit to a person's household with money and/or goods (走访慰问); counted per household in the reports."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="relief_visits", verbose_name=_("残疾人")
    )
    occasion = models.CharField(_("慰问时节"), max_length=20, choices=Occasion.choices)
    visited_on = models.DateField(_("慰问日期"))
    cash = models.DecimalField(_("慰问金(元)"), default=0, **MONEY)
    goods_value = models.DecimalField(_("物资折价(元)"), default=0, **MONEY)
    goods = models.CharField(_("物资"), max_length=200, blank=True)
    fund_source = models.CharField(_("资金来源"), max_length=20, choices=FundSource.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("走访慰问")
        verbose_name_plural = _("走访慰问")
        constraints = [
            models.CheckConstraint(condition=Q(cash__gte=0) & Q(goods_value__gte=0), name="community_relief_amounts"),
            models.CheckConstraint(condition=Q(cash__gt=0) | Q(goods_value__gt=0), name="community_relief_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_occasion_display()} {self.visited_on:%Y-%m-%d}"


# ---------------------------------------------------------------- legal aid and complaints (维权)


class CaseKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("法律援助")
    COMPLAINT = "complaint", _("信访投诉")
    CONSULTATION = "consultation", _("维权咨询")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


@audited()
class LegalCase(_Recorded):
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="legal_cases", verbose_name=_("残疾人")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    opened_on = models.DateField(_("受理日期"))
    subject = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("维权案件")
        verbose_name_plural = _("维权案件")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (Q(status="closed") & Q(closed_on__isnull=False) & Q(closed_on__gte=F("opened_on"))),
                name="community_case_closed_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person} · {self.subject}"


# ---------------------------------------------------------------- culture and sports (文体)


class EventKind(models.TextChoices):
    CULTURE = "culture", _("文化活动")
    SPORTS = "sports", _("体育活动")
    SPECIAL_OLYMPICS = "special_olympics", _("特奥活动")
    READING = "reading", _("阅读推广")


@audited()
class CultureEvent(_Recorded):
    title = models.CharField(_("活动名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    township = _township_field()
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    other_participants = models.PositiveIntegerField(
        _("其他参与人数"), default=0, help_text=_("未逐一登记的参与者（家属、志愿者、未持证者）")
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("文体活动")
        verbose_name_plural = _("文体活动")

    def __str__(self) -> str:
        return self.title


@audited()
class EventParticipation(_Recorded):
    event = models.ForeignKey(
        CultureEvent, on_delete=models.CASCADE, related_name="participations", verbose_name=_("文体活动")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="event_participations", verbose_name=_("残疾人")
    )

    class Meta:
        verbose_name = _("活动参与者")
        verbose_name_plural = _("活动参与者")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="community_participation_once")]

    def __str__(self) -> str:
        return f"{self.event} · {self.person}"


# ---------------------------------------------------------------- early detection (早期筛查)


@audited()
class ScreeningTally(_Recorded):
    """Children's disability screening figures one township reports for one month (0-6 岁儿童残疾筛查).

    Screening covers every child, nearly all without a disability, so the figures are kept, not the children;
    a diagnosed child enters the registry and children's rescue rehabilitation like any other person.
    """

    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    first_screens = models.PositiveIntegerField(_("初筛人数"), default=0)
    rescreens = models.PositiveIntegerField(_("复筛人数"), default=0)
    diagnoses = models.PositiveIntegerField(_("确诊人数"), default=0)
    referrals = models.PositiveIntegerField(_("转介康复人数"), default=0)

    class Meta:
        ordering = ["-month", "township__code"]
        verbose_name = _("儿童残疾筛查")
        verbose_name_plural = _("儿童残疾筛查")
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="community_tally_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="community_tally_first_of_month"),
            # Each stage narrows the one before it.
            models.CheckConstraint(
                condition=Q(rescreens__lte=F("first_screens"))
                & Q(diagnoses__lte=F("rescreens"))
                & Q(referrals__lte=F("diagnoses")),
                name="community_tally_funnel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.month:%Y-%m}"


class SuspectedStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    REFERRED = "referred", _("已引导评残")
    NOT_DISABLED = "not_disabled", _("经核实非残疾")


@audited()
class SuspectedReport(_Recorded):
    """A suspected disability reported by a village, a hospital or a family (疑似残疾人报告), followed up until
    the person is referred to an assessment (评残即申请) or found not to have a disability."""

    name = models.CharField(_("姓名"), max_length=50)
    township = models.ForeignKey(
        "cases.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    reported_on = models.DateField(_("报告日期"))
    source = models.CharField(_("报告来源"), max_length=100)
    suspected_category = models.PositiveSmallIntegerField(
        _("疑似残疾类别"),
        choices=[(1, _("视力")), (2, _("听力")), (3, _("言语")), (4, _("肢体")), (5, _("智力")), (6, _("精神"))],
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SuspectedStatus.choices, default=SuspectedStatus.PENDING
    )
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    person = models.ForeignKey(
        "cases.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suspected_reports",
        verbose_name=_("登记的残疾人"),
    )

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("疑似残疾人报告")
        verbose_name_plural = _("疑似残疾人报告")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(resolved_on__isnull=True))
                | (~Q(status="pending") & Q(resolved_on__isnull=False) & Q(resolved_on__gte=F("reported_on"))),
                name="community_suspected_resolved_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | Q(person__isnull=False), name="community_referred_has_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.reported_on:%Y-%m-%d}"
