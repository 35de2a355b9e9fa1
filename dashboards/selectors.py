"""Reads for the dashboards: the cached figures of one scope, the drill-down lists and the report history.

The dashboard's figures are computed by `statistics` in a few aggregate queries and cached in Redis per scope
(county or one township) and day, with the time they were computed; the refresh button recomputes them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation

from cases.models import Township
from cases.selectors import person_list_for_user, township_list_for_user
from certificates.models import CertificateLifecycleEvent
from fedportal.accounts.permissions import Perm, has_perm, township_scope
from fedportal.core.cache import cache_delete_many, cache_get, cache_set
from fedportal.core.clock import local_today
from fedportal.core.dates import last_months
from fedportal.dbrouting import replica_reads

from . import statistics as stats
from .models import GeneratedReport

# Figures live 20 minutes; the beat task (schedule.py) recomputes every scope every 10 minutes.
CACHE_SECONDS = 20 * 60
CACHE_VERSION = 3  # 2: person-months are distinct (person, month) pairs, not lines; 3: grants and community


def dashboard_township_for_user(*, user, requested: str | int | None) -> int | None:
    """The township the dashboard counts: a liaison's own township whatever they ask for; for county-wide users the
    township they picked (if they may see it) or None for the whole county."""
    scope = township_scope(user)
    if scope is not None:
        return scope
    try:
        township_id = int(requested) if requested not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if township_id is not None and not township_list_for_user(user=user).filter(pk=township_id).exists():
        return None
    return township_id


def _cache_key(township_id: int | None, today: date) -> str:
    return f"dashboards:figures:v{CACHE_VERSION}:{township_id or 'all'}:{today:%Y%m%d}"


@replica_reads()
def dashboard_figures_compute(*, township_id: int | None, today: date) -> dict:
    """Computed in the site's language (Chinese), whoever asks first: the cache is shared by every reader, and
    sections.localized() translates the vocabulary for each one."""
    with translation.override(settings.LANGUAGE_CODE):
        return _figures(township_id=township_id, today=today)


def _figures(*, township_id: int | None, today: date) -> dict:
    months = last_months(today, 12)
    return {
        "computed_at": timezone.now(),
        "today": today,
        "township_id": township_id,
        "months": months,
        "certified": stats.certified_persons(on=today, township_id=township_id),
        "events": stats.certificate_events(months=months, township_id=township_id),
        "subsidies": stats.subsidy_payments(months=months, township_id=township_id),
        "budget": stats.budget_execution(years=[today.year - 1, today.year], township_id=township_id),
        "rehab": stats.rehab_figures(year=today.year, township_id=township_id),
        "expiring": stats.certificates_expiring(today=today, township_id=township_id),
        "failed_payments": stats.failed_payments(months=months, township_id=township_id),
        "grants": stats.grant_figures(start=date(today.year, 1, 1), end=today, township_id=township_id),
        "community": stats.community_figures(start=date(today.year, 1, 1), end=today, township_id=township_id),
    }


def dashboard_figures(*, township_id: int | None, today: date | None = None, refresh: bool = False) -> dict:
    """The figures of one scope from the cache, computed (and cached) when missing or when `refresh` is asked."""
    today = today or local_today()
    key = _cache_key(township_id, today)
    figures = None if refresh else cache_get(key)
    if figures is None:
        figures = dashboard_figures_compute(township_id=township_id, today=today)
        cache_set(key, figures, CACHE_SECONDS)
    return figures


def dashboard_gaps(*, township_id: int | None, today: date | None = None, refresh: bool = False) -> dict:
    """应享未享/应退未退 judge every certified person against the programs' rules: the heaviest figure, cached on its
    own and loaded by the page after the rest, so the other figures never wait for it."""
    today = today or local_today()
    key = _cache_key(township_id, today) + ":gaps"
    gaps = None if refresh else cache_get(key)
    if gaps is None:
        with replica_reads(), translation.override(settings.LANGUAGE_CODE):
            gaps = {"computed_at": timezone.now(), **stats.enrollment_gaps(on=today, township_id=township_id)}
        cache_set(key, gaps, CACHE_SECONDS)
    return gaps


def dashboard_gaps_cached(*, township_id: int | None, today: date | None = None) -> dict | None:
    return cache_get(_cache_key(township_id, today or local_today()) + ":gaps")


def dashboard_cache_clear(*, township_id: int | None, today: date | None = None) -> None:
    key = _cache_key(township_id, today or local_today())
    cache_delete_many([key, key + ":gaps"])


def dashboard_cache_warm(*, today: date | None = None) -> int:
    """Recompute the figures of the county and of every township (the beat task keeps them warm)."""
    scopes = [None, *Township.objects.order_by("code").values_list("pk", flat=True)]
    for township_id in scopes:
        dashboard_figures(township_id=township_id, today=today, refresh=True)
        dashboard_gaps(township_id=township_id, today=today, refresh=True)
    return len(scopes)


def certificate_event_list_for_user(*, user):
    """Lifecycle events of the persons the user may see (the drill-down behind the monthly certificate figures)."""
    return CertificateLifecycleEvent.objects.filter(person__in=person_list_for_user(user=user))


# ---------------------------------------------------------------- report history


def report_list_for_user(*, user):
    """Generated reports a user may open: nothing without REPORT_GENERATE; county-wide and township reports for
    county-wide users; a township-scoped user only their township's reports."""
    if not has_perm(user, Perm.REPORT_GENERATE):
        return GeneratedReport.objects.none()
    reports = GeneratedReport.objects.select_related("job", "created_by", "township")
    scope = township_scope(user)
    return reports if scope is None else reports.filter(township_id=scope)


def report_get_for_user(*, user, report_id: int) -> GeneratedReport:
    report = report_list_for_user(user=user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report
