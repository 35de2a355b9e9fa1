from django import forms
from django.utils.translation import gettext_lazy as _

from cases.selectors import township_list_for_user
from fedportal.core.clock import local_today

from .models import ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表"), choices=ReportKind.choices)
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, required=False, help_text=_("工作报告与需求调查汇总使用；默认今年。")
    )
    month = forms.CharField(
        label=_("所属月份"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("月度补贴发放统计表使用，格式 YYYY-MM；默认上月。"),
    )
    township = forms.ModelChoiceField(label=_("乡镇(街道)"), queryset=None, required=False, empty_label=_("全县"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list_for_user(user=user).order_by("code")
        self.fields["year"].max_value = local_today().year
        self.fields["year"].initial = local_today().year
