"""Registry: the county's divisions, households, persons and their dated poverty status."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited


@audited()
class Township(models.Model):
    code = models.CharField(_("乡镇代码"), max_length=12, unique=True)
    name = models.CharField(_("乡镇(街道)"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")

    def __str__(self) -> str:
        return self.name


@audited()
class Village(models.Model):
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="villages"
    )
    code = models.CharField(_("村代码"), max_length=15, unique=True)
    name = models.CharField(_("村(社区)"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_name_unique_in_township")]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class PovertyStatus(models.TextChoices):
    DIBAO = "dibao", _("低保")
    MARGINAL = "marginal", _("低保边缘")
    EXTREME = "extreme", _("特困供养")
    MONITORED = "monitored", _("监测对象")
    NONE = "none", _("无")


class EducationStage(models.TextChoices):
    NONE = "none", _("无")
    PRESCHOOL = "preschool", _("学前")
    COMPULSORY = "compulsory", _("义务教育")
    HIGH_SCHOOL = "high_school", _("高中")
    VOCATIONAL = "vocational", _("中职")
    COLLEGE = "college", _("大学")


@audited(bulk_written=True)
class Household(models.Model):
    register_number = models.CharField(_("户籍编号"), max_length=30, unique=True)
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="households"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    # Two or more members with a valid 2nd/3rd-generation certificate; kept current by the certificate services.
    is_multi_disability = models.BooleanField(_("一户多残"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["register_number"]
        indexes = [
            models.Index(
                fields=["register_number"], opclasses=["varchar_pattern_ops"], name="household_register_prefix"
            )
        ]
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return self.register_number


@audited(bulk_written=True)
class Person(models.Model):
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    # Derived from the ID number by the services, never typed.
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="persons"
    )
    village = models.ForeignKey(Village, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="persons")
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, blank=True)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_phone = models.CharField(_("监护人电话"), max_length=20, blank=True)
    guardian_relation = models.CharField(_("监护人关系"), max_length=20, blank=True)
    education_stage = models.CharField(
        _("在校学段"), max_length=20, choices=EducationStage.choices, default=EducationStage.NONE
    )
    social_security_card = models.CharField(_("社保卡号"), max_length=30, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    # The current poverty status, mirrored from the open PovertyRecord for fast filters.
    poverty_status = models.CharField(
        _("低保状态"), max_length=20, choices=PovertyStatus.choices, default=PovertyStatus.NONE, db_index=True
    )
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    moved_out_date = models.DateField(_("户籍迁出日期"), null=True, blank=True)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["township__code", "name"]
        verbose_name = _("残疾人")
        verbose_name_plural = _("残疾人")
        indexes = [
            models.Index(fields=["id_number"], opclasses=["varchar_pattern_ops"], name="person_id_number_prefix"),
            # Any part of the number a list shows (the last four digits): LIKE '%q%' through trigrams.
            GinIndex(fields=["id_number"], opclasses=["gin_trgm_ops"], name="person_id_number_trgm"),
            models.Index(fields=["phone"], opclasses=["varchar_pattern_ops"], name="person_phone_prefix"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="person_name_trgm"),
            models.Index(fields=["township", "village"], name="person_township_village"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(id_number__regex=r"^\d{17}[\dX]$"), name="person_id_number_format"),
            models.CheckConstraint(condition=Q(id_number=Upper("id_number")), name="person_id_number_upper"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_alive(self) -> bool:
        return self.death_date is None


@audited(bulk_written=True)
class PovertyRecord(models.Model):
    """One period of a poverty status; the open one (end_date null) is the current status."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="poverty_records")
    status = models.CharField(_("低保状态"), max_length=20, choices=PovertyStatus.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "start_date"]
        verbose_name = _("低保状态记录")
        verbose_name_plural = _("低保状态记录")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_open_poverty_record"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="poverty_record_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="poverty_status_start")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()} {self.start_date}"


@audited()
class PersonNote(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("备注"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("备注")
        verbose_name_plural = _("备注")

    def __str__(self) -> str:
        return self.text[:30]


class RosterKind(models.TextChoices):
    PERSONS = "persons", _("残疾人花名册")
    ENROLLMENTS = "enrollments", _("补贴对象花名册")


class RosterStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("校验中")
    INVALID = "invalid", _("有错误")
    VALID = "valid", _("校验通过，待确认")
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("失败")


class RosterImport(models.Model):
    """One uploaded roster file: its validation report, its confirmation and what the import changed."""

    kind = models.CharField(_("花名册类型"), max_length=20, choices=RosterKind.choices)
    file = models.FileField(_("文件"), upload_to="rosters/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # Set for a township upload: a row of another township is an error.
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    status = models.CharField(_("状态"), max_length=20, choices=RosterStatus.choices, default=RosterStatus.UPLOADED)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行"), default=0)
    invalid_rows = models.PositiveIntegerField(_("错误行"), default=0)
    to_create = models.PositiveIntegerField(_("将新增"), default=0)
    to_update = models.PositiveIntegerField(_("将更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    # Rows of a township upload whose ID number (or household) is registered in another township (never named).
    elsewhere_rows = models.PositiveIntegerField(_("他乡镇已登记"), default=0)
    created = models.PositiveIntegerField(_("已新增"), default=0)
    updated = models.PositiveIntegerField(_("已更新"), default=0)
    # [{"row": 5, "column": "身份证号", "message": "...", "level": "error"|"warning"}, ...]
    issues = models.JSONField(_("问题"), default=list, blank=True)
    validate_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    import_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    # The uploaded file and its annotated copies hold full numbers: deleted after the retention once the upload is
    # finished (imported, invalid or failed); the row and its report stay.
    files_deleted_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")

    def __str__(self) -> str:
        return self.original_name


class ExclusionKind(models.TextChoices):
    """Why a person is not paid (some or all) allowances for a while, besides the registry's own facts."""

    WORK_INJURY = "work_injury", _("工伤保险生活护理费")
    ORPHAN = "orphan", _("孤儿基本生活保障")
    SIMILAR = "similar", _("择高享受同类补贴")
    PRISON = "prison", _("服刑")
    FRAUD = "fraud", _("骗取补贴")
    REVIEW_FAILED = "review_failed", _("年审未通过")
    REVIEW_MISSED = "review_missed", _("未参加年审")


@audited()
class PersonExclusion(models.Model):
    """One dated period during which a person is excluded from allowances (DOMAIN.md 'Payment runs': exclusions are
    data). Which programs each kind excludes is the subsidies rules' business; 择高 names the program it replaces.
    Judged like every fact: in force on a day when start_date <= day <= end_date (end_date null: still in force)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("残疾人"))
    kind = models.CharField(_("类型"), max_length=20, choices=ExclusionKind.choices)
    # 择高 only: the code of the program not paid while the similar allowance is taken (e.g. "nursing").
    program_code = models.CharField(_("不再享受的项目"), max_length=30, blank=True)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    source = models.CharField(_("依据/来源"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "-start_date", "-pk"]
        verbose_name = _("暂停/排除享受记录")
        verbose_name_plural = _("暂停/排除享受记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="person_exclusion_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(kind="similar") & ~Q(program_code="")) | (~Q(kind="similar") & Q(program_code="")),
                name="person_exclusion_similar_names_program",
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="person_exclusion_dates")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_kind_display()} {self.start_date}"

    def in_force_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


# Agency comparison (数据比对) lives in its own package; its models are part of this app.
from .comparison.models import (  # noqa: E402, F401
    Comparison,
    ComparisonFinding,
    ComparisonKind,
    ComparisonOrigin,
    ComparisonStatus,
    FindingKind,
    FindingOutcome,
)
