"""Forms check shape only; the services hold the rules. A person is chosen by ID or certificate number within the
user's scope (the same lookup the registry search uses), never from a list of the whole county."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.selectors import person_list_for_user, township_list_for_user

from .models import (
    CaseKind,
    EventKind,
    FundSource,
    Occasion,
    SuspectedReport,
    SuspectedStatus,
    TrainingKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def money_field(label):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, initial=0)


class _UserForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class PersonLookupField(forms.CharField):
    """An 18-character ID number or a 20-character certificate number, resolved in the user's scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("身份证号或残疾人证号"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("min_length", 18)
        super().__init__(**kwargs)


def _resolve_person(user, value: str):
    number = value.strip().upper()[:18]
    person = person_list_for_user(user=user).filter(id_number=number).first()
    if person is None:
        raise forms.ValidationError(_("在您的管辖范围内没有找到该证件号码对应的人员。"))
    return person


class _PersonForm(_UserForm):
    """Adds a `person`, unless already chosen (from the person page): chosen with the person picker (its id, in the
    user's scope) or typed as a whole ID or certificate number."""

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_person = person
        self.uses_picker = person is None
        if person is None:
            self.fields = {
                "person": forms.IntegerField(required=False, widget=forms.HiddenInput),
                "person_number": PersonLookupField(required=False),
                **self.fields,
            }

    def clean(self):
        data = super().clean()
        if self.chosen_person is not None:
            data["person"] = self.chosen_person
            return data
        picked, number = data.pop("person", None), data.pop("person_number", "")
        if picked:
            data["person"] = person_list_for_user(user=self.user).filter(pk=picked).first()
            if data["person"] is None:
                self.add_error("person_number", _("在您的管辖范围内没有找到该证件号码对应的人员。"))
        elif number:
            try:
                data["person"] = _resolve_person(self.user, number)
            except forms.ValidationError as error:
                self.add_error("person_number", error)
        else:
            self.add_error("person_number", _("请选择人员，或填写身份证号或残疾人证号。"))
        return data


def _township_field(user, *, county_wide: bool):
    scope_townships = township_list_for_user(user=user).order_by("code")
    single = scope_townships.count() == 1 and not user.is_superuser
    return forms.ModelChoiceField(
        queryset=scope_townships,
        label=_("乡镇(街道)"),
        required=not county_wide or single,
        empty_label=_("全县") if county_wide and not single else None,
    )


class _EventForm(_UserForm):
    county_wide = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"] = _township_field(self.user, county_wide=self.county_wide)
        self.order_fields(["title", "kind", "township"])


class TrainingSessionForm(_EventForm):
    title = forms.CharField(label=_("培训名称"), max_length=120)
    kind = forms.ChoiceField(label=_("培训类别"), choices=TrainingKind.choices)
    start_date = date_field(_("开始日期"))
    end_date = date_field(_("结束日期"))
    organizer = forms.CharField(label=_("承办单位"), max_length=120, required=False)
    hours = forms.IntegerField(label=_("学时"), min_value=0, max_value=2000, initial=0)


class JobFairForm(_EventForm):
    title = forms.CharField(label=_("名称"), max_length=120)
    held_on = date_field(_("举办日期"))
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    employers = forms.IntegerField(label=_("参会单位数"), min_value=0, initial=0)
    positions = forms.IntegerField(label=_("提供岗位数"), min_value=0, initial=0)
    visitors = forms.IntegerField(label=_("参会残疾人数"), min_value=0, initial=0)


class CultureEventForm(_EventForm):
    title = forms.CharField(label=_("活动名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=EventKind.choices)
    held_on = date_field(_("举办日期"))
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    other_participants = forms.IntegerField(
        label=_("其他参与人数"), min_value=0, initial=0, help_text=_("未逐一登记的参与者（家属、志愿者、未持证者）")
    )


class WorkshopForm(_EventForm):
    county_wide = False
    name = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    opened_on = date_field(_("成立日期"))


class ScreeningTallyForm(_EventForm):
    county_wide = False
    month = forms.DateField(
        label=_("月份"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"), input_formats=["%Y-%m"]
    )
    first_screens = forms.IntegerField(label=_("初筛人数"), min_value=0)
    rescreens = forms.IntegerField(label=_("复筛人数"), min_value=0)
    diagnoses = forms.IntegerField(label=_("确诊人数"), min_value=0)
    referrals = forms.IntegerField(label=_("转介康复人数"), min_value=0)


class SuspectedReportForm(_EventForm):
    county_wide = False
    name = forms.CharField(label=_("姓名"), max_length=50)
    reported_on = date_field(_("报告日期"))
    source = forms.CharField(label=_("报告来源"), max_length=100, help_text=_("如：村（社区）、医院、家属"))
    suspected_category = forms.TypedChoiceField(
        label=_("疑似残疾类别"), coerce=int, choices=SuspectedReport._meta.get_field("suspected_category").choices
    )


class SuspectedResolveForm(_UserForm):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (SuspectedStatus.REFERRED, SuspectedStatus.REFERRED.label),
            (SuspectedStatus.NOT_DISABLED, SuspectedStatus.NOT_DISABLED.label),
        ],
    )
    resolved_on = date_field(_("处理日期"))
    person_number = PersonLookupField(
        required=False, help_text=_("引导评残时必填：该人员须已在残疾人登记中登记（评残即申请）")
    )

    def clean(self):
        data = super().clean()
        number = data.pop("person_number", "")
        data["person"] = None
        if number:
            try:
                data["person"] = _resolve_person(self.user, number)
            except forms.ValidationError as error:
                self.add_error("person_number", error)
        return data


class AttendeeForm(_PersonForm):
    completed = forms.BooleanField(label=_("结业"), required=False, initial=True)


class ParticipantForm(_PersonForm):
    pass


class WorkshopWorkerForm(_PersonForm):
    start_date = date_field(_("入职日期"))


class JobReferralForm(_PersonForm):
    employer = forms.CharField(label=_("用人单位"), max_length=120)
    position = forms.CharField(label=_("岗位"), max_length=80, required=False)
    referred_on = date_field(_("推荐日期"))

    def __init__(self, *args, job_fairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_fair"] = forms.ModelChoiceField(
            queryset=job_fairs, label=_("招聘会"), required=False, empty_label=_("（非招聘会推荐）")
        )


class PlacementForm(forms.Form):
    placed_on = date_field(_("就业日期"))


class WorkerLeaveForm(forms.Form):
    end_date = date_field(_("离职日期"))


class ReliefVisitForm(_PersonForm):
    occasion = forms.ChoiceField(label=_("慰问时节"), choices=Occasion.choices)
    visited_on = date_field(_("慰问日期"))
    cash = money_field(_("慰问金(元)"))
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)
    goods_value = money_field(_("物资折价(元)"))
    fund_source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class LegalCaseForm(_PersonForm):
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    opened_on = date_field(_("受理日期"))
    subject = forms.CharField(label=_("事由"), max_length=200)


class LegalCaseCloseForm(forms.Form):
    closed_on = date_field(_("办结日期"))
    outcome = forms.CharField(label=_("办理结果"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class YearFilterForm(forms.Form):
    """The year and township filter of the lists and the overview; bad values are a 400, never a 500."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    township = forms.IntegerField(label=_("乡镇(街道)"), min_value=1, required=False)
