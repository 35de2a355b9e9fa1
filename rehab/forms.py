"""Forms check shape only; the services hold the rules."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from fedportal.core.clock import local_today

from .models import (
    ChildCondition,
    ContactMethod,
    DeviceType,
    HomeCareService,
    Provider,
    ProviderKind,
    RescueKind,
    ServiceType,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, initial=None):
    return forms.DateField(label=label, required=required, widget=DateInput(), initial=initial)


def money_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=0, required=required, help_text=help_text
    )


class ProviderChoiceField(forms.ModelChoiceField):
    """Shows the contract end so a user sees why an expired provider is refused."""

    def label_from_instance(self, obj):
        ends = [c.end_date for c in obj.contracts.all()]
        suffix = _("合同至%(day)s") % {"day": f"{max(ends):%Y-%m-%d}"} if ends else _("无合同")
        return f"{obj.name}{pgettext('punctuation', '（')}{suffix}{pgettext('punctuation', '）')}"


def provider_field(kinds, *, label, required=True):
    queryset = Provider.objects.filter(kind__in=kinds).prefetch_related("contracts").order_by("name")
    return ProviderChoiceField(queryset=queryset, label=label, required=required)


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "kind", "contact", "phone", "address", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class ContractForm(forms.Form):
    number = forms.CharField(label=_("合同编号"), max_length=50, required=False)
    start_date = date_field(_("合同开始"))
    end_date = date_field(_("合同结束"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ProviderServiceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("服务类型"), choices=ServiceType.choices)
    device_type = forms.ChoiceField(
        label=_("辅具类型"), choices=[("", _("（不区分）")), *DeviceType.choices], required=False
    )
    unit = forms.CharField(label=_("计价单位"), max_length=10, initial=_("次"))
    price = money_field(_("单价(元)"))
    subsidy = money_field(_("补助标准(元)"))


class NeedForm(forms.Form):
    need_type = forms.ChoiceField(label=_("需求类型"), choices=ServiceType.choices)
    device_type = forms.ChoiceField(
        label=_("辅具类型"),
        choices=[("", "—"), *DeviceType.choices],
        required=False,
        help_text=_("需求类型为辅助器具时必填"),
    )
    recorded_on = date_field(_("登记日期"), initial=date.today)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SurveyRoundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: local_today().year)
    title = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空则按年度自动命名"))
    start_date = date_field(_("开始日期"))
    end_date = date_field(_("截止日期"))


class SurveyRecordForm(forms.Form):
    contact_method = forms.ChoiceField(label=_("调查方式"), choices=ContactMethod.choices, widget=forms.RadioSelect)
    visited_on = date_field(_("调查日期"), initial=date.today)
    services_received = forms.MultipleChoiceField(
        label=_("已获得的服务"), choices=ServiceType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    services_needed = forms.MultipleChoiceField(
        label=_("需要的服务"),
        choices=ServiceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的每项服务都登记为一条康复需求"),
    )
    device_type_needed = forms.ChoiceField(
        label=_("需要的辅具"), choices=[("", "—"), *DeviceType.choices], required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class FittingStartForm(forms.Form):
    device_type = forms.ChoiceField(label=_("辅具类型"), choices=DeviceType.choices)


class FittingAssessForm(forms.Form):
    assessed_on = date_field(_("评估日期"), initial=date.today)
    assessor = forms.CharField(label=_("评估人/机构"), max_length=100)
    result = forms.CharField(label=_("评估意见"), max_length=300, required=False)


class FittingFitForm(forms.Form):
    fitted_on = date_field(_("适配日期"), initial=date.today)
    supplier = None  # set in __init__ (queryset evaluated per request)
    device_model = forms.CharField(label=_("产品型号"), max_length=100, required=False)
    cost = money_field(_("费用(元)"), required=False, help_text=_("留空则按供应商价格"))
    subsidy = money_field(_("补助(元)"), required=False, help_text=_("留空则按补助标准"))
    replacement_date = date_field(_("建议更换日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"] = provider_field(
            [ProviderKind.DEVICE_SUPPLIER, ProviderKind.REHAB_INSTITUTION], label=_("供应商")
        )
        self.order_fields(["fitted_on", "supplier"])


class FittingFollowUpForm(forms.Form):
    followup_on = date_field(_("回访日期"), initial=date.today)
    result = forms.CharField(label=_("回访情况"), max_length=300)


class PlanForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("服务内容"), choices=HomeCareService.choices, widget=forms.CheckboxSelectMultiple
    )
    start_date = date_field(_("开始日期"))
    end_date = date_field(_("结束日期"))
    visits_per_month = forms.IntegerField(label=_("每月上门次数"), min_value=1, max_value=62, initial=4)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field([ProviderKind.HOME_CARE], label=_("服务机构"))
        self.order_fields(["provider"])


class PlanEndForm(forms.Form):
    end_date = date_field(_("终止日期"), initial=date.today)


class VisitForm(forms.Form):
    visited_on = date_field(_("服务日期"), initial=date.today)
    services = forms.MultipleChoiceField(
        label=_("本次服务内容"),
        choices=HomeCareService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("留空表示按计划全部服务"),
    )
    duration_minutes = forms.IntegerField(label=_("服务时长(分钟)"), min_value=1, max_value=1440, initial=60)
    caregiver = forms.CharField(label=_("服务人员"), max_length=50, required=False)
    note = forms.CharField(label=_("服务记录"), max_length=300, required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["services"].choices = [c for c in HomeCareService.choices if c[0] in plan.services]


class ChildRescueForm(forms.Form):
    applied_on = date_field(_("申请日期"), initial=date.today)
    condition = forms.ChoiceField(label=_("残疾类别"), choices=ChildCondition.choices)
    rescue_kind = forms.ChoiceField(label=_("救助项目"), choices=RescueKind.choices)
    start_date = date_field(_("服务开始"))
    end_date = date_field(_("服务结束"))
    amount = money_field(_("救助金额(元)"))
    is_orphan = forms.BooleanField(label=_("孤儿"), required=False)
    is_registered_poor = forms.BooleanField(label=_("建档立卡家庭"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field(
            [ProviderKind.REHAB_INSTITUTION, ProviderKind.DEVICE_SUPPLIER], label=_("定点机构（家长自主选择）")
        )
        self.order_fields(["applied_on", "condition", "rescue_kind", "provider"])


class RenovationForm(forms.Form):
    items = forms.CharField(label=_("改造内容"), max_length=300)
    planned_on = date_field(_("立项日期"), initial=date.today)
    cost = money_field(_("改造费用(元)"))
    subsidy = money_field(_("补助(元)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field([ProviderKind.CONTRACTOR], label=_("施工单位"), required=False)


class RenovationCompleteForm(forms.Form):
    completed_on = date_field(_("完工日期"), initial=date.today)


DIRECT_SERVICE_TYPES = [
    ServiceType.REHAB_TRAINING,
    ServiceType.SURGERY,
    ServiceType.FAMILY_DOCTOR,
    ServiceType.MEDICATION,
]


class ServiceRecordForm(forms.Form):
    service_type = forms.ChoiceField(label=_("服务类型"), choices=[(t.value, t.label) for t in DIRECT_SERVICE_TYPES])
    served_on = date_field(_("服务日期"), initial=date.today)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    amount = money_field(_("费用(元)"), required=False, help_text=_("留空则按机构价格"))
    subsidy = money_field(_("补助(元)"), required=False, help_text=_("服药补助填补助金额"))
    description = forms.CharField(
        label=_("服务内容"), max_length=200, required=False, help_text=_("如训练项目、手术名称、药品名称及所属期")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field([ProviderKind.REHAB_INSTITUTION], label=_("服务机构"), required=False)
        self.order_fields(["service_type", "served_on", "provider"])


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            today = local_today()
            return today.replace(day=1)
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError as error:
            raise forms.ValidationError(_("月份格式为YYYY-MM。")) from error


class ListParametersForm(forms.Form):
    """Every parameter the rehabilitation pages read from the address: bad values are a 400 with the message, never
    a 500 (a NUL byte, text where a number belongs, a year out of range). A code that names no choice is the list's
    FilterSet's form error (rehab/filters.py); `page` is left to the paginator, which falls back to a valid page."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    township = forms.IntegerField(label=_("乡镇(街道)"), min_value=1, max_value=2**31 - 1, required=False)
    need = forms.IntegerField(label=_("需求"), min_value=1, max_value=2**63 - 1, required=False)
    q = forms.CharField(label=_("查询"), max_length=100, required=False)
    format = forms.ChoiceField(label=_("格式"), choices=[("", ""), ("xlsx", "xlsx")], required=False)
    status = forms.CharField(label=_("状态"), max_length=30, required=False)
    need_type = forms.CharField(label=_("需求类型"), max_length=30, required=False)
    source = forms.CharField(label=_("来源"), max_length=30, required=False)
    service_type = forms.CharField(label=_("服务类型"), max_length=30, required=False)
    device_type = forms.CharField(label=_("辅具类型"), max_length=30, required=False)
    priority = forms.CharField(label=_("优先"), max_length=30, required=False)
    missed = forms.CharField(label=_("未按时访视"), max_length=10, required=False)
    kind = forms.CharField(label=_("类别"), max_length=30, required=False)
    state = forms.CharField(label=_("状态"), max_length=30, required=False)
