from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cases.models import RosterKind
from cases.selectors import township_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, township_scope

from . import schema as S
from .services import check_kind_allowed


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=RosterKind.choices)
    # County staff only (removed for township-bound users): like import_roster --township CODE.
    township = forms.ModelChoiceField(
        label=_("乡镇(街道)"),
        queryset=None,
        required=False,
        empty_label=_("全县"),
        help_text=_(
            "不选为全县上传。选择乡镇后按该乡镇的上传校验（其他乡镇的行是错误），"
            "下载的残疾人花名册模板也只列该乡镇的村(社区)。"
        ),
    )
    file = forms.FileField(
        label=_("花名册文件（.xlsx）"),
        help_text=_("请使用下载的模板填写；第一个工作表第 1 行为表头。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not has_perm(user, Perm.ROSTER_ENROLLMENTS):
            self.fields["kind"].choices = [(RosterKind.PERSONS.value, RosterKind.PERSONS.label)]
        if township_scope(user) is None:
            self.fields["township"].queryset = township_list_for_user(user=user)
        else:
            # A liaison's township is fixed: any posted value is ignored, the service uses their own.
            del self.fields["township"]

    @property
    def may_choose_township(self) -> bool:
        return "township" in self.fields

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = S.max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。请删除多余的空行或拆分文件后再上传。")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        kind, township = cleaned.get("kind"), cleaned.get("township")
        if kind and township is not None:
            # The CLI's --township rule and message (e.g. enrollments are county-wide only).
            try:
                check_kind_allowed(kind=kind, user=self.user, township=township)
            except PermissionDenied as exc:
                self.add_error("township", str(exc) or _("无权按该乡镇上传。"))
        return cleaned
