"""The multi-disability household flag (一户多残): kept on the registry's Household, derived from certificates.

The registry's services call `cases.hooks.households_changed` when members join or leave a household; this app
registers `household_refresh_multi_flags` for it (apps.py), and calls it itself when a card period changes.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, Q

from cases.models import Household, Person
from fedportal.core.clock import local_today

from .models import Certificate, Generation
from .selectors import certificates_valid_on

MULTI_DISABILITY_MIN_HOLDERS = 2
_MULTI_GENERATIONS = (Generation.SECOND, Generation.THIRD)


# One definition of a member who counts toward 一户多残 on a day, in the two forms the portal needs: a member alive
# and with 户籍 in the county that day (a death or move-out dated that day still counts), holding a 2nd/3rd-generation
# certificate valid that day. The household flag (ORM, below) and the multi-household grant's rule (SQL,
# subsidies.rules.MultiDisabilityGrant) both use it; tests/subsidies/test_household_rules.py checks that they agree.
def multi_member_sql(*, member: str, certificate: str, day: str) -> str:
    """The SQL condition over a cases_person alias `member` joined to its certificates_certificate alias
    `certificate`, judged on the SQL date expression `day`."""
    person, card = Person._meta, Certificate._meta
    return (
        f"{certificate}.{card.get_field('generation').column} IN ({', '.join(str(int(g)) for g in _MULTI_GENERATIONS)})"
        f" AND {certificate}.issue_date <= {day} AND {certificate}.expiry_date >= {day}"
        f" AND ({certificate}.ended_on IS NULL OR {day} < {certificate}.ended_on)"
        f" AND ({member}.{person.get_field('death_date').column} IS NULL OR {member}.death_date >= {day})"
        f" AND ({member}.{person.get_field('moved_out_date').column} IS NULL OR {member}.moved_out_date >= {day})"
    )


def _multi_household_ids(*, on: date, household_ids: Iterable[int] | None = None):
    """Households with at least two members who count toward 一户多残 on `on` (a subquery)."""
    certificates = certificates_valid_on(day=on).filter(
        Q(person__death_date__isnull=True) | Q(person__death_date__gte=on),
        Q(person__moved_out_date__isnull=True) | Q(person__moved_out_date__gte=on),
        person__household__isnull=False,
    )
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
