"""Celery beat entry of the backups app; settings merge it into CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab


def beat_schedule(*, enabled: bool, hour: int, minute: int) -> dict:
    if not enabled:
        return {}
    return {
        # After the nightly clean-up of sensitive files (02:20), so a purged file is not carried into the backup.
        "backups-nightly": {"task": "fedportal.backup", "schedule": crontab(minute=minute, hour=hour)},
    }
