"""Calendar arithmetic on months, in one place: a month is the date of its first day.

Today's date comes from `fedportal.core.clock.local_today()` (Asia/Shanghai); these helpers only move between
months of dates already in hand."""

from datetime import date


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, count: int) -> date:
    """The first day of the month `count` months after (negative: before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_months(end_month: date, count: int = 12) -> list[date]:
    """`count` month starts ending with the month of `end_month`, oldest first."""
    end = month_start(end_month)
    return [add_months(end, -i) for i in range(count - 1, -1, -1)]
