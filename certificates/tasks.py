from celery import shared_task

from .households import household_refresh_multi_flags


@shared_task(name="certificates.refresh_multi_flags")
def refresh_multi_flags() -> dict:
    """Certificates expire with the calendar, not through a service: re-derive every 一户多残 flag (two UPDATEs)."""
    return household_refresh_multi_flags()
