from django import forms
from django.utils.translation import gettext_lazy as _

from .schema import available_kinds

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComparisonUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("名单类型"), choices=available_kinds)
    source = forms.CharField(
        label=_("名单来源"),
        max_length=100,
        help_text=_("提供名单的部门和期次，例如“县公安局 2026 年 11 月死亡名单”；应用时作为每项变更的来源记录。"),
    )
    as_of = forms.DateField(
        label=_("名单日期"),
        widget=DATE_WIDGET,
        help_text=_("名单所反映的日期。低保类名册中登记有、名单中没有的救助，从这一天起终止。"),
    )
    file = forms.FileField(
        label=_("名单文件（.xlsx）"),
        help_text=_("请使用下载的模板；第一个工作表第 1 行为表头。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class DeselectForm(forms.Form):
    reason = forms.CharField(label=_("不采用的原因"), max_length=200)
