from django import template
from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
