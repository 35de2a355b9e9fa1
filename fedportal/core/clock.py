"""The portal's one clock: today's date and the current time in the county's time zone (settings.TIME_ZONE).

The server may run on UTC; Beijing is eight hours ahead, so between 00:00 and 08:00 local time the server's own
date is still yesterday. Every "today" of the portal comes from here (ruff's DTZ rules forbid the others).
"""

from datetime import date, datetime

from django.utils import timezone


def local_today() -> date:
    """Today's date in the county (Asia/Shanghai)."""
    return timezone.localdate()


def local_now() -> datetime:
    """The current time, aware, in the county's time zone."""
    return timezone.localtime()


def local_date_of(moment: datetime) -> date:
    """The county's date of an aware moment (a timestamp stored in UTC)."""
    return timezone.localdate(moment)
