"""The multi-disability household flag (一户多残): kept on the registry's Household, derived from certificates.

The registry's services call `cases.hooks.households_changed` when members join or leave a household; this app
registers `household_refresh_multi_flags` for it (apps.py), and calls it itself when a card period changes.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count

from cases.models import Household
from fedportal.core.clock import local_today

from .selectors import certificates_valid_on

MULTI_DISABILITY_MIN_HOLDERS = 2


def _multi_household_ids(*, on: date, household_ids: Iterable[int] | None = None):
    """Households with at least two members holding a valid 2nd/3rd-generation certificate on `on` (a subquery)."""
    certificates = certificates_valid_on(on).filter(person__household__isnull=False)
    if household_ids is not None:
        certificates = certificates.filter(person__household_id__in=household_ids)
    return (
        certificates.values("person__household_id")
        .annotate(holders=Count("person_id", distinct=True))
        .filter(holders__gte=MULTI_DISABILITY_MIN_HOLDERS)
        .values("person__household_id")
    )


def household_refresh_multi_flags(*, household_ids: Iterable[int] | None = None, on: date | None = None) -> dict:
    """Set-wise: bring `is_multi_disability` up to date for these households (all when None) in two UPDATEs.

    Certificates expire with the calendar, not only through services, so a periodic call with no ids keeps
    every flag true to today.
    """
    on = on or local_today()
    ids = None if household_ids is None else list(household_ids)
    households = Household.objects.all() if ids is None else Household.objects.filter(pk__in=ids)
    multi = _multi_household_ids(on=on, household_ids=ids)
    with transaction.atomic():
        flagged = households.filter(is_multi_disability=False, pk__in=multi).update(is_multi_disability=True)
        unflagged = households.filter(is_multi_disability=True).exclude(pk__in=multi).update(is_multi_disability=False)
    return {"flagged": flagged, "unflagged": unflagged}


def household_refresh_multi_flag(*, household: Household | None, on: date | None = None) -> bool | None:
    """One household: recompute its flag; returns the new value (None when there is no household)."""
    if household is None:
        return None
    household_refresh_multi_flags(household_ids=[household.pk], on=on)
    household.refresh_from_db(fields=["is_multi_disability"])
    return household.is_multi_disability
