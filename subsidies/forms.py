from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import EducationStage, Township
from cases.selectors import township_list_for_user
from fedportal.accounts.permissions import township_scope
from fedportal.core.clock import local_today
from fedportal.idnumber import normalize_id_number

from .models import Program, RunStatus
from .selectors import DYNAMIC_EXCESS, DYNAMIC_MISSING

# <input type="date"> accepts only ISO dates: a localized rendering ("2026年12月5日") shows an empty field.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Fields that belong to one program only; every other field is common to all programs.
PROGRAM_FIELDS = {
    "education": ("school", "education_stage"),
    "freshman": ("school",),
    # Grants paid once per event name the event (评残 date and hospital; the occasion of 慰问金).
    "assessment": ("occasion",),
    "holiday": ("occasion",),
}


class ApplicationForm(forms.Form):
    # Chosen with the person picker (the person's id), or typed as a whole ID number.
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    id_number = forms.CharField(label=_("残疾人身份证号"), max_length=18, required=False)
    program = forms.ModelChoiceField(
        label=_("补贴项目"), queryset=Program.objects.filter(is_active=True, accepts_applications=True)
    )
    applied_on = forms.DateField(label=_("申请日期"), initial=local_today, widget=DATE_WIDGET)
    applicant_name = forms.CharField(label=_("代为申请人"), max_length=50, required=False)
    applicant_relation = forms.CharField(label=_("与本人关系"), max_length=20, required=False)
    school = forms.CharField(label=_("就读学校（助学金）"), max_length=100, required=False)
    education_stage = forms.ChoiceField(
        label=_("就读学段（助学金）"), choices=[("", "—"), *EducationStage.choices], required=False
    )
    occasion = forms.CharField(
        label=_("事由/活动"),
        max_length=100,
        required=False,
        help_text=_("如：2027年春节慰问；评残 2026-11-03 县人民医院"),
    )
    proof = forms.FileField(label=_("证明材料"), required=False)
    comment = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, person=None, program: Program | None = None, **kwargs):
        """`person` chosen beforehand (from the person page) replaces the ID number field; `program` chosen
        beforehand is fixed and only its own fields are shown."""
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            del self.fields["id_number"]
        self.chosen_program = program
        if program is not None:
            self.fields["program"].initial = program.pk
            self.fields["program"].widget = forms.HiddenInput()
        own = set(PROGRAM_FIELDS.get(program.code, ())) if program is not None else set()
        for name in {name for fields in PROGRAM_FIELDS.values() for name in fields}:
            if program is None or name not in own:
                del self.fields[name]

    def clean_program(self):
        program = self.cleaned_data["program"]
        if self.chosen_program is not None and program != self.chosen_program:
            raise forms.ValidationError(_("补贴项目与所选不一致。"))
        return program

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        try:
            return normalize_id_number(value)
        except Exception:  # noqa: BLE001 - any malformed number is one message
            raise forms.ValidationError(_("身份证号格式不正确。")) from None

    def clean(self):
        data = super().clean()
        # A person chosen beforehand (from the person page) has no ID number field to complain on.
        if self.person is None and not data.get("person") and not data.get("id_number"):
            self.add_error("id_number", _("请选择残疾人，或填写身份证号。"))
        return data


class StepForm(forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RunCreateForm(forms.Form):
    program = forms.ModelChoiceField(label=_("补贴项目"), queryset=Program.objects.filter(is_active=True))
    period = forms.CharField(label=_("所属期（YYYY-MM 或 YYYY）"), max_length=7)
    as_of = forms.DateField(label=_("认定日期（年度项目，默认12月1日）"), required=False, widget=DATE_WIDGET)


class DynamicForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("补贴项目"), queryset=Program.objects.filter(is_active=True), to_field_name="code"
    )
    on = forms.DateField(label=_("认定日期"), required=False, widget=DATE_WIDGET)
    township = forms.ModelChoiceField(
        label=_("乡镇(街道)"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )
    # Which half of the page; the dashboards' gap figures link to one of them.
    view = forms.ChoiceField(
        label=_("查看"),
        choices=[
            ("", _("全部")),
            (DYNAMIC_MISSING, _("应享未享（符合条件但未纳入）")),
            (DYNAMIC_EXCESS, _("应退未退（已纳入但不再符合）")),
        ],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list_for_user(user=user)
        scope = township_scope(user)
        if scope is not None:
            # A township user's own township, whatever the query string says: a disabled field ignores the data.
            self.fields["township"].disabled = True
            self.fields["township"].empty_label = None
            self.fields["township"].initial = scope if scope > 0 else None

    def clean_on(self):
        return self.cleaned_data.get("on") or local_today()


class RunLineFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇(街道)"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list_for_user(user=user)


class BudgetForm(forms.Form):
    program = forms.ModelChoiceField(label=_("补贴项目"), queryset=Program.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算金额(元)"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RunListFilterForm(forms.Form):
    """Filters of the run list; the dashboards link here with program, period and status."""

    program = forms.ModelChoiceField(
        label=_("补贴项目"),
        queryset=Program.objects.order_by("sort_order"),
        to_field_name="code",
        required=False,
        empty_label=_("全部项目"),
    )
    period = forms.RegexField(
        label=_("所属期"),
        regex=r"^\d{4}(-(0[1-9]|1[0-2]))?$",
        required=False,
        max_length=7,
        help_text=_("YYYY-MM 或 YYYY"),
        error_messages={"invalid": _("所属期格式应为 YYYY-MM 或 YYYY。")},
    )
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *RunStatus.choices], required=False)


class ReviewFilterForm(forms.Form):
    """Filters of every section of the run review: township and name or ID number."""

    township = forms.ModelChoiceField(
        label=_("乡镇(街道)"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )
    q = forms.CharField(label=_("姓名或身份证号"), max_length=50, required=False, help_text=_("可输入身份证号后几位"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list_for_user(user=user)


class ApproveConfirmForm(forms.Form):
    """The approver confirms the figures they saw; a run recomputed since is refused by the service."""

    expected_lines = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14, decimal_places=2)
    confirm = forms.BooleanField(label=_("我已核对发放笔数和金额，确认审批并锁定本批次"), required=True)


class BankReturnForm(forms.Form):
    file = forms.FileField(
        label=_("回盘文件（.xlsx）"), help_text=_("本批次导出的发放表，加“发放结果”“失败原因”两列。")
    )
    bank = forms.ChoiceField(label=_("回盘范围"), required=False)

    def __init__(self, *args, banks: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [("", _("整批次发放表"))] + [
            (f"bank:{bank}", _("开户银行：%(bank)s") % {"bank": bank or _("未填开户银行")}) for bank in banks
        ]

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.BANK_RETURN_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        return upload

    def clean_bank(self):
        value = self.cleaned_data.get("bank") or ""
        return value[5:] if value.startswith("bank:") else None


class FailedPaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("waiting", _("待更正账户")),
            ("corrected", _("账户已更正，待重发")),
            ("resent", _("已重发")),
            ("all", _("全部失败明细")),
        ],
    )
    program = forms.ModelChoiceField(
        label=_("补贴项目"),
        queryset=Program.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("全部项目"),
    )
    township = forms.ModelChoiceField(
        label=_("乡镇(街道)"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )
    month = forms.RegexField(
        label=_("发放月份"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False, max_length=7, help_text=_("YYYY-MM")
    )
    q = forms.CharField(label=_("姓名或身份证号"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list_for_user(user=user)

    def clean_month(self):
        value = self.cleaned_data.get("month")
        return date(int(value[:4]), int(value[5:]), 1) if value else None


class AccountCorrectForm(forms.Form):
    social_security_card = forms.CharField(label=_("更正后的社保卡号/一卡通账号"), max_length=30)
    bank_name = forms.CharField(label=_("开户银行"), max_length=50)
    version = forms.IntegerField(widget=forms.HiddenInput)
