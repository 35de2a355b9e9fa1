from celery import shared_task

from .services import backup_create, backup_prune


@shared_task(name="fedportal.backup", acks_late=False, ignore_result=False)
def scheduled_backup() -> dict:
    """The nightly backup (Celery beat, see schedule.py), then the retention policy. Not acks_late: a backup cut
    short by a lost worker is left as .partial and tomorrow's run replaces it, rather than two running at once."""
    archive = backup_create()
    deleted = backup_prune()
    return {"archive": str(archive), "bytes": archive.stat().st_size, "deleted": [str(path) for path in deleted]}
