from django import template
from django.apps import apps
from django.contrib.auth import get_user_model

register = template.Library()

_LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}


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
def audit_username(user_id) -> str:
    if not user_id:
        return "系统"
    user = get_user_model().objects.filter(pk=user_id).only("username", "first_name", "last_name").first()
    return user.display_name if user else f"#{user_id}"


@register.filter
def entries(mapping) -> list:
    """A dict's (key, value) pairs; `.items` in a template would first look up a field named "items"."""
    return list(mapping.items()) if isinstance(mapping, dict) else []
