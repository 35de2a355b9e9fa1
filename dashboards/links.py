"""Where each number leads: the list behind it, with the filters that reproduce the number.

The registry's person list (cases/filters.py PersonFilter) takes township, category, grade, certificate_state and
expiring_days; the subsidies and rehab lists are looked up by URL name, so a figure simply has no link while the
page behind it is not installed (NoReverseMatch), and gains one when it is.
"""

from __future__ import annotations

from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode


def url_for(name: str, query: dict | None = None, **kwargs) -> str | None:
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def first_url(*candidates: tuple[str, dict]) -> str | None:
    for name, query in candidates:
        url = url_for(name, query)
        if url:
            return url
    return None


def persons_valid(*, township_id=None, category=None, grade=None) -> str | None:
    """Persons with a valid certificate (the registry list's certificate_state=valid), narrowed as asked."""
    return url_for(
        "cases:person_list",
        {"certificate_state": "valid", "township": township_id, "category": category, "grade": grade},
    )


def persons_expiring(*, days: int, township_id=None) -> str | None:
    return url_for("cases:person_list", {"expiring_days": days, "township": township_id})


def certificate_events(
    *, kind: str, month: date | None = None, start: date | None = None, end: date | None = None, township_id=None
) -> str | None:
    """Lifecycle events of one kind in one month, or in the months from `start` to `end`."""
    return url_for(
        "dashboards:certificate_event_list",
        {
            "kind": kind,
            "month": f"{month:%Y-%m}" if month else None,
            "start": f"{start:%Y-%m}" if start and not month else None,
            "end": f"{end:%Y-%m}" if end and not month else None,
            "township": township_id,
        },
    )


def payment_run(*, run_id: int | None, program_code: str, period: date | None = None, township_id=None) -> str | None:
    """The approved run of a program and period (its lines), or the run list filtered to the program."""
    if run_id:
        for name in ("subsidies:payment_run_detail", "subsidies:payment_run_lines"):
            for key in ("pk", "run_id"):
                url = url_for(name, {"township": township_id}, **{key: run_id})
                if url:
                    return url
    return url_for(
        "subsidies:payment_run_list",
        {"program": program_code, "period": f"{period:%Y-%m}" if period else None, "status": "approved"},
    )


def budget(*, year: int) -> str | None:
    return first_url(("subsidies:budget_list", {"year": year}), ("subsidies:payment_run_list", {"year": year}))


def dynamic_management(*, program_code: str, view: str, township_id=None) -> str | None:
    """view: "missing" (应享未享) or "excess" (应退未退); the subsidies page shows that half for the township
    (a township user always sees their own)."""
    return url_for("subsidies:dynamic_management", {"program": program_code, "view": view, "township": township_id})


def rehab_needs(*, year: int, township_id=None, need_type: str | None = None) -> str | None:
    return first_url(
        ("rehab:need_list", {"year": year, "township": township_id, "need_type": need_type}),
        ("rehab:home", {"year": year, "township": township_id}),
    )


def failed_payments(*, month: date | None = None, township_id=None, status: str = "all") -> str | None:
    """The payments the bank returned as failed (of one run month), all of them or those still held."""
    return url_for(
        "subsidies:failed_payment_list",
        {"status": status, "month": f"{month:%Y-%m}" if month else None, "township": township_id},
    )
