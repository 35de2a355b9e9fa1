from django import template

from fedportal.jobs.registry import job_kind_label

register = template.Library()


@register.filter
def kind_label(kind: str):
    return job_kind_label(kind)
