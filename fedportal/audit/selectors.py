"""Reading the audit trail: every write recorded by the pghistory triggers, with its context."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from pghistory.models import Events

from .models import AccountEvent, SensitiveAccess


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audited_person_by_id_number(*, id_number: str):
    """The person an auditor asks about, or None.

    The audit log sits below the registry and never imports it: the person model is the one that
    `SensitiveAccess.person` points at (the foreign key declared by name, as Django relates apps).
    """
    person_model = SensitiveAccess._meta.get_field("person").related_model
    return person_model.objects.filter(id_number=id_number).first()


def audit_event_list(
    *, person=None, user_id: int | None = None, date_from: date | None = None, date_to: date | None = None
):
    events = Events.objects.all()
    if person is not None:
        events = events.references(person)
    if user_id:
        events = events.filter(pgh_context__user=user_id)
    if date_from:
        events = events.filter(pgh_created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(pgh_created_at__lt=_day_start(date_to + timedelta(days=1)))
    return events.order_by("-pgh_created_at")


def user_names_for_events(*, events) -> dict:
    """Display names of the users in a page of events, in one query (the context keeps only the user id)."""
    from django.contrib.auth import get_user_model

    ids = {event.pgh_context.get("user") for event in events if event.pgh_context and event.pgh_context.get("user")}
    # Users named in the changes themselves (approved_by, created_by…), shown by name as well.
    for event in events:
        for name, change in (event.pgh_diff or {}).items():
            if name.endswith("_by_id") or name in ("user_id", "acting_user_id", "author_id"):
                ids.update(v for v in (change if isinstance(change, list) else [change]) if isinstance(v, int))
    return {user.pk: user.display_name for user in get_user_model().objects.filter(pk__in=ids)}


def sensitive_access_list(*, person=None, user_id: int | None = None, date_from=None, date_to=None):
    accesses = SensitiveAccess.objects.select_related("user", "person")
    if person is not None:
        accesses = accesses.filter(person=person)
    if user_id:
        accesses = accesses.filter(user_id=user_id)
    if date_from:
        accesses = accesses.filter(created_at__gte=_day_start(date_from))
    if date_to:
        accesses = accesses.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return accesses


def account_event_list(*, user_id: int | None = None, kind: str = "", date_from=None, date_to=None):
    """The account audit: sign-ins and changes to accounts, newest first; `user_id` as the account or the actor."""
    events = AccountEvent.objects.select_related("actor", "target")
    if user_id:
        events = events.filter(Q(target_id=user_id) | Q(actor_id=user_id))
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return events
