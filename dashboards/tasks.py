"""Scheduled work of the dashboards app (Celery beat: settings.CELERY_BEAT_SCHEDULE names these tasks)."""

from celery import shared_task

from fedportal.accounts.selectors import system_user
from fedportal.core.clock import local_today

from .models import ReportKind
from .services import previous_month, report_request


@shared_task(name="dashboards.monthly_subsidy_statement")
def monthly_subsidy_statement(month: str | None = None) -> dict:
    """On the 1st: the statement of the month just ended, as a report job of the system user."""
    user = system_user()
    if user is None:
        return {"status": "skipped", "reason": "no active administrator"}
    month = month or f"{previous_month(local_today()):%Y-%m}"
    report = report_request(kind=ReportKind.SUBSIDY_MONTH, params={"month": month}, acting_user=user, scheduled=True)
    return {"status": "queued", "report": report.pk, "job": report.job_id, "month": month}


@shared_task(name="dashboards.warm_figures")
def warm_figures() -> dict:
    """Keep every scope's dashboard figures in the cache, so a leader never waits for them."""
    from .selectors import dashboard_cache_warm

    return {"scopes": dashboard_cache_warm()}
