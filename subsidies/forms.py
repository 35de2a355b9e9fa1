from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.idnumber import normalize_id_number
from cases.models import EducationStage

from .models import Program


class ApplicationForm(forms.Form):
    id_number = forms.CharField(label=_("残疾人身份证号"), max_length=18)
    program = forms.ModelChoiceField(
        label=_("补贴项目"), queryset=Program.objects.filter(is_active=True, accepts_applications=True)
    )
    applied_on = forms.DateField(
        label=_("申请日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    applicant_name = forms.CharField(label=_("代为申请人"), max_length=50, required=False)
    applicant_relation = forms.CharField(label=_("与本人关系"), max_length=20, required=False)
    school = forms.CharField(label=_("就读学校（助学金）"), max_length=100, required=False)
    education_stage = forms.ChoiceField(
        label=_("就读学段（助学金）"), choices=[("", "—"), *EducationStage.choices], required=False
    )
    proof = forms.FileField(label=_("证明材料"), required=False)
    comment = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        try:
            return normalize_id_number(value)
        except Exception:  # noqa: BLE001 - any malformed number is one message
            raise forms.ValidationError(_("身份证号格式不正确。")) from None


class StepForm(forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RunCreateForm(forms.Form):
    program = forms.ModelChoiceField(label=_("补贴项目"), queryset=Program.objects.filter(is_active=True))
    period = forms.CharField(label=_("所属期（YYYY-MM 或 YYYY）"), max_length=7)
    as_of = forms.DateField(
        label=_("认定日期（年度项目，默认12月1日）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DynamicForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("补贴项目"), queryset=Program.objects.filter(is_active=True), to_field_name="code"
    )
    on = forms.DateField(label=_("认定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_on(self):
        return self.cleaned_data.get("on") or date.today()


class BudgetForm(forms.Form):
    program = forms.ModelChoiceField(label=_("补贴项目"), queryset=Program.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算金额(元)"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
