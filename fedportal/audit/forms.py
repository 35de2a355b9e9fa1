from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from fedportal.core.templatetags.punctuation import lparen, rparen

from .models import AccountEventKind


class AuditFilterForm(forms.Form):
    id_number = forms.CharField(label=_("残疾人身份证号"), required=False, max_length=18)
    user = forms.ModelChoiceField(
        label=_("操作人"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UserChoiceField(forms.ModelChoiceField):
    """A user as "name (username)", the brackets in the page's language."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name}{lparen()}{obj.get_username()}{rparen()}"


class AccountEventFilterForm(forms.Form):
    user = UserChoiceField(
        label=_("账号或操作人"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    kind = forms.ChoiceField(label=_("事件"), choices=[("", "—"), *AccountEventKind.choices], required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
