"""Masking filters and the "show full" control for ID, phone and account numbers."""

from django import template
from django.urls import reverse

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.idnumber import mask_account, mask_id_number, mask_phone

register = template.Library()

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "guardian_phone": mask_phone, "account": mask_account}
SOURCE_FIELDS = {
    "id_number": "id_number",
    "phone": "phone",
    "guardian_phone": "guardian_phone",
    "account": "social_security_card",
}


@register.filter
def masked_id(value):
    return mask_id_number(value or "")


@register.filter
def masked_phone(value):
    return mask_phone(value or "")


@register.inclusion_tag("cases/_sensitive.html", takes_context=True)
def sensitive(context, person, field: str):
    """The masked value, plus a "显示完整" button for users who may reveal it (each reveal is logged)."""
    value = getattr(person, SOURCE_FIELDS[field]) or ""
    user = context["request"].user
    return {
        "masked": MASKS[field](value),
        "empty": not value,
        "field": field,
        "can_reveal": bool(value) and has_perm(user, Perm.PERSON_REVEAL),
        "reveal_url": reverse("cases:person_reveal", args=[person.pk, field]),
    }
