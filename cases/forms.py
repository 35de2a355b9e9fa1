"""Forms check shape only; the services validate the rules and these forms show their messages."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from fedportal.core.clock import local_today
from fedportal.idnumber import parse_id_number

from .exclusion_programs import exclusion_program_choices
from .models import EducationStage, ExclusionKind, PovertyStatus, Relation
from .selectors import village_list_for_user
from .services import PERSON_EDITABLE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PortalForm(forms.Form):
    """Crispy rendering without a <form> tag: the template owns the form element and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @property
    def non_field_messages(self):
        return self.errors.get(NON_FIELD_ERRORS, [])


class IdNumberField(forms.CharField):
    """Accepts a lower-case x and full-width digits; refuses a float-mangled number with the reason."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("身份证号"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("18 位，最后一位可以是 X；出生日期和性别由号码自动得出。"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "inputmode": "text"})

    def clean(self, value):
        value = super().clean(value)
        return parse_id_number(value).number if value else value


class _PersonFields(PortalForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=None, help_text=_("乡镇由所选村(社区)确定。"))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50, required=False)
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=20, required=False)
    guardian_relation = forms.CharField(label=_("监护人关系"), max_length=20, required=False)
    education_stage = forms.ChoiceField(
        label=_("在校学段"), choices=EducationStage.choices, initial=EducationStage.NONE
    )
    social_security_card = forms.CharField(label=_("社保卡号/一卡通账号"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = village_list_for_user(user=user).order_by("township__code", "code")
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"


class PersonCreateForm(_PersonFields):
    id_number = IdNumberField()
    household_register_number = forms.CharField(
        label=_("户籍编号"), max_length=30, required=False, help_text=_("已有的户籍编号加入该户；新的编号将新建一户。")
    )
    relation_to_head = forms.ChoiceField(
        label=_("与户主关系"), choices=[("", "---------"), *Relation.choices], required=False
    )
    poverty_status = forms.ChoiceField(label=_("低保状态"), choices=PovertyStatus.choices, initial=PovertyStatus.NONE)
    poverty_start = forms.DateField(label=_("低保起始日期"), required=False, widget=DATE_WIDGET)

    field_order = [
        "id_number",
        "name",
        "ethnicity",
        "phone",
        "village",
        "address",
        "household_register_number",
        "relation_to_head",
        "poverty_status",
        "poverty_start",
    ]


class PersonEditForm(_PersonFields):
    """Edit under optimistic locking.

    `version` is what the user started from (a save based on an older one is refused); `original` is a signed
    snapshot of the values they saw, so that after a refusal their own changes and the other user's can be merged.
    """

    id_number = IdNumberField()
    version = forms.IntegerField(widget=forms.HiddenInput)
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ["id_number", "name", "ethnicity", "phone", "village", "address"]
    SNAPSHOT_SALT = "cases.person_edit"

    @classmethod
    def values_of(cls, person) -> dict[str, str]:
        fields = ("id_number", "village", *PERSON_EDITABLE_FIELDS)
        return {name: str(getattr(person, "village_id" if name == "village" else name) or "") for name in fields}

    @classmethod
    def initial_for(cls, person) -> dict:
        initial = {name: getattr(person, name) for name in ("id_number", "village", *PERSON_EDITABLE_FIELDS)}
        initial.update(version=person.version, original=signing.dumps(cls.values_of(person), salt=cls.SNAPSHOT_SALT))
        return initial

    def merge_with(self, current) -> list[dict]:
        """After a refused save: adopt the other user's change where this user left a field as it was, keep this
        user's input everywhere else, and base the next save on `current`. Returns the fields both changed."""
        try:
            original = signing.loads(self.data.get("original", ""), salt=self.SNAPSHOT_SALT)
        except signing.BadSignature:
            original = {}
        theirs = self.values_of(current)
        data = self.data.copy()
        conflicts = []
        for name, their_value in theirs.items():
            mine = str(data.get(name, "") or "").strip()
            before = original.get(name)
            if their_value == before or mine == their_value:
                continue  # only one side changed it (or both the same way): nothing to decide
            if before is not None and mine == before:
                data[name] = their_value  # this user did not touch it: take the newer value
                continue
            conflicts.append({"name": name, "label": self.fields[name].label, "mine": mine, "theirs": their_value})
        data["version"] = current.version
        data["original"] = signing.dumps(theirs, salt=self.SNAPSHOT_SALT)
        self.data = data
        return conflicts


class PovertyStatusForm(PortalForm):
    status = forms.ChoiceField(label=_("新的低保状态"), choices=PovertyStatus.choices)
    start_date = forms.DateField(label=_("起始日期"), widget=DATE_WIDGET, initial=local_today)
    source = forms.CharField(label=_("依据"), max_length=100, required=False, help_text=_("例如：民政局批复文号"))


class ExclusionForm(PortalForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ExclusionKind.choices)
    program_code = forms.ChoiceField(
        label=_("不再享受的项目（仅择高）"),
        required=False,
        help_text=_("择高：此人领取其他同类补贴（如高龄津贴、工伤护理费）期间，不再享受的本地补贴项目。"),
    )
    start_date = forms.DateField(label=_("起始日期"), widget=DATE_WIDGET, initial=local_today)
    end_date = forms.DateField(
        label=_("结束日期"), widget=DATE_WIDGET, required=False, help_text=_("尚未结束的请留空。")
    )
    source = forms.CharField(label=_("依据/来源"), max_length=100, help_text=_("例如：判决书编号、人社局名单"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program_code"].choices = [("", "—"), *exclusion_program_choices()]


class ExclusionEndForm(PortalForm):
    end_date = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET, initial=local_today)
    source = forms.CharField(label=_("依据/来源"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class DeathForm(PortalForm):
    death_date = forms.DateField(label=_("死亡日期"), widget=DATE_WIDGET)
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MoveOutForm(PortalForm):
    moved_out_date = forms.DateField(label=_("户籍迁出日期"), widget=DATE_WIDGET)
    destination = forms.CharField(label=_("迁往"), max_length=100, required=False)


class NoteForm(PortalForm):
    text = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}))


class HouseholdMemberForm(PortalForm):
    id_number = IdNumberField(label=_("成员身份证号"), help_text=_("成员须已登记，且与此户在同一乡镇。"))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)


class HouseholdHeadForm(PortalForm):
    person = forms.ModelChoiceField(label=_("新户主"), queryset=None)
    previous_head_relation = forms.ChoiceField(
        label=_("原户主与新户主的关系"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
        initial=Relation.OTHER,
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = household.members.exclude(relation_to_head=Relation.HEAD)
