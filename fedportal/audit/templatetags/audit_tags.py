from django import template
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fedportal.core.sensitive import ACCOUNT, CERTIFICATE, ID_NUMBER, PHONE, mask

register = template.Library()

_LABELS = {"insert": gettext_lazy("新增"), "update": gettext_lazy("修改"), "delete": gettext_lazy("删除")}


@register.filter
def event_label(label: str) -> str:
    return _LABELS.get(label, label)


@register.filter
def model_verbose_name(model_label: str) -> str:
    try:
        return apps.get_model(model_label)._meta.verbose_name
    except (LookupError, ValueError):
        return model_label


@register.simple_tag
def audit_username(user_names: dict, user_id) -> str:
    """The acting user's name from the page's lookup (`user_names_for_events`), without a query per row."""
    if not user_id:
        return _("系统")
    return user_names.get(user_id, f"#{user_id}")


@register.filter
def entries(mapping) -> list:
    """A dict's (key, value) pairs; `.items` in a template would first look up a field named "items"."""
    return list(mapping.items()) if isinstance(mapping, dict) else []


def _field(model_label: str, name: str):
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    return None


# Recorded values that are sensitive numbers: the audit log shows them masked like every other page (the full
# value stays in the trail; fedportal/core/sensitive.py).
_SENSITIVE = {
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "guardian_phone": PHONE,
    "social_security_card": ACCOUNT,
    "account": ACCOUNT,
}


def _words(field, value, user_names: dict) -> str:
    """One recorded value as a person reads it: a choice's label, a user's name, a yes/no, a local time, a mask."""
    if value in (None, ""):
        return "—"
    name = getattr(field, "name", "")
    if name in _SENSITIVE or (name == "number" and field.model._meta.model_name == "certificate"):
        return mask(str(value), _SENSITIVE.get(name, CERTIFICATE), strict=False)
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.related_model is get_user_model():
            return user_names.get(value, f"#{value}")
        if isinstance(value, bool):
            return _("是") if value else _("否")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@register.simple_tag
def audit_changes(event, user_names: dict) -> list[tuple[str, str, str]]:
    """The changed fields of an event in words: (the field's name as the form shows it, before, after)."""
    rows = []
    for name, change in (event.pgh_diff or {}).items():
        field = _field(event.pgh_obj_model, name)
        label = str(field.verbose_name) if field is not None else name
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        rows.append((label, _words(field, before, user_names), _words(field, after, user_names)))
    return rows


@register.simple_tag
def audit_snapshot(event, user_names: dict, limit: int = 6) -> list[tuple[str, str]]:
    """The first fields of an inserted or deleted row, in words."""
    rows = []
    for name, value in list((event.pgh_data or {}).items())[:limit]:
        field = _field(event.pgh_obj_model, name)
        label = str(field.verbose_name) if field is not None else name
        rows.append((label, _words(field, value, user_names)))
    return rows


@register.filter
def role_label(value: str) -> str:
    """An account's role as its label (the audit row keeps the code, as it was)."""
    return dict(get_user_model()._meta.get_field("role").choices).get(value, value)


@register.filter
def user_field_label(name: str) -> str:
    try:
        return str(get_user_model()._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.filter
def account_value(value) -> str:
    """A changed account field's value in words: yes / no for the switches, a dash for none."""
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return "—" if value in (None, "") else str(value)
