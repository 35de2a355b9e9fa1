"""Punctuation between a translated label and a value: full-width in Chinese (角色：经办人), ASCII in English
(Role: Caseworker). A builtin library (settings.TEMPLATES), so every template may use it without {% load %}."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    return pgettext("punctuation", "：")


@register.simple_tag
def lparen() -> str:
    return pgettext("punctuation", "（")


@register.simple_tag
def rparen() -> str:
    return pgettext("punctuation", "）")


@register.simple_tag
def semicolon() -> str:
    return pgettext("punctuation", "；")


@register.simple_tag
def listcomma() -> str:
    return pgettext("punctuation", "、")


@register.simple_tag
def comma() -> str:
    return pgettext("punctuation", "，")
