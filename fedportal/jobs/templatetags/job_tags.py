from django import template

from fedportal.jobs.registry import job_kind_label

register = template.Library()


@register.filter
def kind_label(kind: str):
    return job_kind_label(kind)


@register.simple_tag
def result_links(job) -> list:
    from fedportal.jobs.registry import job_result_links

    return job_result_links(job) if job.status == "succeeded" else []
