"""Template side of the access layer's masking (fedportal/core/sensitive.py): the masked value with its "show full"
control, a number masked for the current user, and the birth date or the age. Templates never choose a mask."""

from django import template
from django.urls import reverse

from fedportal.core.sensitive import CERTIFICATE, ID_NUMBER, PERSON_FIELDS, MaskedPerson, birth_for, sensitive_for

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def masked(context, value, kind: str = ID_NUMBER):
    """`value` masked for the user of the request (the strict mask without one)."""
    value = getattr(value, "masked", value)  # already a Sensitive
    return sensitive_for(_user(context), value or "", kind or ID_NUMBER)


@register.simple_tag(takes_context=True)
def masked_certificate(context, number):
    return sensitive_for(_user(context), number or "", CERTIFICATE)


@register.simple_tag(takes_context=True)
def birth(context, person):
    """The birth date for users who may reveal, the age for the others (never beside a masked ID for them)."""
    return birth_for(_user(context), getattr(person, "birth_date", None))


@register.inclusion_tag("cases/_sensitive.html", takes_context=True)
def sensitive(context, person, field: str):
    """The masked value, plus a "显示完整" button for users who may reveal it (each reveal is logged)."""
    masked = getattr(person, "masked", None)
    if isinstance(masked, MaskedPerson):  # handed out by the access layer (person_get_for_user, masked_rows)
        value = getattr(masked, field)
    else:
        source, kind = PERSON_FIELDS[field]
        value = sensitive_for(_user(context), getattr(person, source) or "", kind)
    return {
        "masked": value.masked,
        "empty": value.empty,
        "field": field,
        "can_reveal": bool(value) and value.may_reveal,
        "reveal_url": reverse("cases:person_reveal", args=[person.pk, field]),
    }
