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


@register.simple_tag
def progress_width(job, done, total) -> int:
    """The bar's width in whole percent, 0..100 (a class progress-w-N: the CSP allows no style attribute)."""
    if job.status == "succeeded":
        return 100
    if not total:
        return 5
    return max(0, min(100, round((done or 0) * 100 / total)))
