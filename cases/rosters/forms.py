from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import RosterKind
from fedportal.accounts.permissions import Perm, has_perm

from . import schema as S


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=RosterKind.choices)
    file = forms.FileField(
        label=_("花名册文件（.xlsx）"),
        help_text=_("请使用下载的模板填写；第一个工作表第 1 行为表头。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_perm(user, Perm.ROSTER_ENROLLMENTS):
            self.fields["kind"].choices = [(RosterKind.PERSONS.value, RosterKind.PERSONS.label)]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = S.max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。请删除多余的空行或拆分文件后再上传。")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        return upload
