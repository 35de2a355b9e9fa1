"""Month arithmetic of fedportal/core/dates.py: the year boundary both ways, long jumps, any day of a month."""

from datetime import date

import pytest

from fedportal.core.dates import add_months, last_months, month_start


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 1, 31), 0, date(2026, 1, 1)),
        (date(2026, 1, 15), 1, date(2026, 2, 1)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 3, 29), -26, date(2024, 1, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 1)),
    ],
)
def test_add_months(day, count, expected):
    assert add_months(day, count) == expected


def test_month_start_and_last_months():
    assert month_start(date(2026, 2, 28)) == date(2026, 2, 1)
    assert last_months(date(2026, 2, 10), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert last_months(date(2026, 2, 10), 1) == [date(2026, 2, 1)]
