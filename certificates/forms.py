"""Forms for assessments and every lifecycle event; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET, PortalForm
from fedportal.core.clock import local_today

from .models import Category, Generation, Grade
from .selectors import assessments_ready_for
from .services.lifecycle import CANCEL_REASONS

GRADE_OR_EMPTY = [("", "—"), *Grade.choices]
SINGLE_CATEGORIES = [c for c in Category.choices if c[0] != Category.MULTIPLE]


class _ComponentsMixin:
    """Six optional grade selects: the components of a 多重 disability."""

    def add_component_fields(self):
        for value, label in SINGLE_CATEGORIES:
            self.fields[f"component_{value}"] = forms.TypedChoiceField(
                label=_("多重构成：%(category)s等级") % {"category": label},
                choices=GRADE_OR_EMPTY,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def components(self) -> list[dict]:
        return [
            {"category": value, "grade": self.cleaned_data[f"component_{value}"]}
            for value, _label in SINGLE_CATEGORIES
            if self.cleaned_data.get(f"component_{value}")
        ]


class AssessmentForm(_ComponentsMixin, PortalForm):
    hospital = forms.CharField(label=_("评定医院"), max_length=100)
    assessor = forms.CharField(label=_("评定医师"), max_length=50)
    assessed_on = forms.DateField(label=_("评定日期"), widget=DATE_WIDGET)
    category = forms.TypedChoiceField(label=_("残疾类别"), choices=Category.choices, coerce=int)
    grade = forms.TypedChoiceField(
        label=_("残疾等级"),
        choices=GRADE_OR_EMPTY,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("多重残疾可不填，自动取各类中最重的等级。"),
    )
    notice_start = forms.DateField(
        label=_("公示开始日期"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("公示 5 个工作日，期满后由县残联审核。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_component_fields()

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("component_")}
        return {**data, "components": self.components()}


class AssessmentReviewForm(PortalForm):
    reviewed_on = forms.DateField(label=_("审核日期"), widget=DATE_WIDGET, initial=local_today)


class AssessmentRejectForm(PortalForm):
    reason = forms.CharField(
        label=_("驳回理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：评定等级与病历不符，请重新评定。"),
    )


class _AssessmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.assessed_on:%Y-%m-%d} {obj.hospital} · {obj.get_category_display()}{obj.get_grade_display()}"


class IssueForm(PortalForm):
    assessment = _AssessmentChoice(
        label=_("评定结果"), queryset=None, help_text=_("只列出已经县级审核、尚未用于办证的评定。")
    )
    issue_date = forms.DateField(label=_("发证日期"), widget=DATE_WIDGET, initial=local_today)
    generation = forms.TypedChoiceField(
        label=_("证件代别"), choices=Generation.choices, coerce=int, initial=Generation.THIRD
    )
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments_ready_for(person=person)


class ChangeForm(IssueForm):
    generation = forms.TypedChoiceField(
        label=_("证件代别"),
        choices=[("", _("与原证相同")), *Generation.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class RenewForm(PortalForm):
    issue_date = forms.DateField(label=_("换领日期"), widget=DATE_WIDGET, initial=local_today)
    generation = forms.TypedChoiceField(
        label=_("证件代别"),
        choices=[("", _("与原证相同")), *Generation.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReissueForm(RenewForm):
    issue_date = forms.DateField(label=_("补办日期"), widget=DATE_WIDGET, initial=local_today)
    comment = forms.CharField(label=_("挂失说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferInForm(_ComponentsMixin, PortalForm):
    number = forms.CharField(label=_("残疾人证号"), max_length=40, help_text=_("20 位：身份证号 + 类别 + 等级。"))
    category = forms.TypedChoiceField(label=_("残疾类别"), choices=Category.choices, coerce=int)
    grade = forms.TypedChoiceField(
        label=_("残疾等级"), choices=GRADE_OR_EMPTY, coerce=int, empty_value=None, required=False
    )
    generation = forms.TypedChoiceField(
        label=_("证件代别"), choices=Generation.choices, coerce=int, initial=Generation.THIRD
    )
    issue_date = forms.DateField(label=_("原发证日期"), widget=DATE_WIDGET)
    expiry_date = forms.DateField(label=_("有效期至"), widget=DATE_WIDGET)
    origin = forms.CharField(label=_("迁出地（原发证县）"), max_length=100)
    event_date = forms.DateField(label=_("迁入日期"), widget=DATE_WIDGET, initial=local_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_component_fields()

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("component_")}
        return {**data, "components": self.components()}


class TransferOutForm(PortalForm):
    event_date = forms.DateField(label=_("迁出日期"), widget=DATE_WIDGET, initial=local_today)
    destination = forms.CharField(label=_("迁往"), max_length=100, required=False)


class CancelForm(PortalForm):
    reason = forms.ChoiceField(label=_("注销原因"), choices=[(r.value, r.label) for r in CANCEL_REASONS])
    event_date = forms.DateField(label=_("注销日期"), widget=DATE_WIDGET, initial=local_today)
    comment = forms.CharField(
        label=_("具体原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("因不再符合评残标准注销的，一年内不能重新申请。"),
    )
