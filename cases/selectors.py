"""Reads of the registry. Every view and export reads people through these access functions,
so the township scope of a liaison is enforced in one place."""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, When
from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm, in_scope, scope_q
from fedportal.core.clock import local_today
from fedportal.core.sensitive import MaskedPerson, masked_rows
from fedportal.idnumber import normalize_id_number

from . import hooks
from .exclusion_programs import exclusion_program_choices
from .models import Household, Person, Township, Village


def township_list_for_user(*, user):
    return Township.objects.filter(scope_q(user, path=""))


def village_list_for_user(*, user):
    return Village.objects.select_related("township").filter(scope_q(user))


def person_list_for_user(*, user):
    """All persons the user may see: nothing without PERSON_VIEW, one township for a liaison."""
    if not has_perm(user, Perm.PERSON_VIEW):
        return Person.objects.none()
    return Person.objects.filter(scope_q(user))


def person_get_for_user(*, user, person_id: int) -> Person:
    """One person, or 404 when the user may not see them (never 'exists but forbidden')."""
    person = (
        person_list_for_user(user=user).select_related("township", "village", "household").filter(pk=person_id).first()
    )
    if person is None:
        raise Http404
    person.masked = MaskedPerson(user, person)  # what templates show: masked for this user (fedportal/core/sensitive)
    return person


def household_list_for_user(*, user):
    if not has_perm(user, Perm.PERSON_VIEW):
        return Household.objects.none()
    return Household.objects.filter(scope_q(user))


def household_get_for_user(*, user, household_id: int) -> Household:
    household = household_list_for_user(user=user).select_related("township", "village").filter(pk=household_id).first()
    if household is None:
        raise Http404
    return household


def person_in_scope(*, user, person: Person) -> bool:
    """Whether `person` lies in the user's township scope (always true for county-wide users)."""
    return in_scope(user, person)


def ensure_person_in_scope(*, user, person: Person) -> None:
    """For services: defence in depth behind the views' access functions; a township user writes only there."""
    if not person_in_scope(user=user, person=person):
        raise PermissionDenied


def user_may_edit_person(*, user, person: Person) -> bool:
    return has_perm(user, Perm.PERSON_EDIT) and person_in_scope(user=user, person=person)


# --- Search, lists and the person page -------------------------------------------------------------------------

# Digits; a part of an ID number ending in its check character X (the last four a list shows: "021X"); or an
# ID/certificate number whose 18th character is X.
_NUMBER = re.compile(r"^(\d+|\d{3,17}X|\d{17}X\d{0,2})$")
MIN_NUMBER_PREFIX = 4


def person_search(*, persons, query: str):
    """Narrow `persons` by what a caseworker typed: any part of an ID number that a list shows (the last four digits,
    say), a phone number or household register number (prefix), a certificate number, or a name.

    A part of an ID number uses the trigram index on id_number (LIKE '%q%'), phone and register numbers their
    varchar_pattern_ops prefix indexes (LIKE 'q%'), names the trigram index on name.
    """
    text = normalize_id_number(query).replace(" ", "").upper()
    if not text:
        return persons
    households = Household.objects.filter(register_number__startswith=text).values("pk")
    if _NUMBER.match(text):
        if len(text) < MIN_NUMBER_PREFIX:
            return persons.none()
        if len(text) > 18:  # a certificate number (ID number + category + grade) or a long register number
            holders = hooks.certificate_queries().any(number__startswith=text).values("person_id")
            return persons.filter(Q(id_number=text[:18], pk__in=holders) | Q(household__in=households))
        return persons.filter(Q(id_number__contains=text) | Q(phone__startswith=text) | Q(household__in=households))
    if text.isascii() and any(character.isdigit() for character in text):  # a register number with letters
        return persons.filter(household__in=households)
    return persons.filter(name__contains=query.strip())


def person_list_for_page(*, persons, user):
    """What a list page shows for each person, in a constant number of queries (the page, then active certificates),
    each person coming out with `masked`: the ID and phone numbers and the birth date as `user` may see them."""
    rows = persons.select_related("township", "village").prefetch_related(
        hooks.certificate_queries().active_prefetch(to_attr="active_certificates")
    )
    return masked_rows(rows, user)


def person_poverty_history(*, person):
    return person.poverty_records.order_by("-start_date")


def person_exclusions(*, person) -> list:
    """The person's exclusion periods, newest first, each with `program_name` (择高) and `in_force` (today)."""
    names = dict(exclusion_program_choices())
    today = local_today()
    rows = list(person.exclusions.select_related("created_by").order_by("-start_date", "-pk"))
    for row in rows:
        row.program_name = names.get(row.program_code, row.program_code)
        row.in_force = row.in_force_on(today)
    return rows


def person_notes(*, person):
    return person.notes.select_related("author").order_by("-created_at")


def household_members(*, household):
    return household.members.select_related("village").order_by(
        Case(When(relation_to_head="head", then=0), default=1), "birth_date"
    )


def person_timeline(*, certificates, poverty_records, notes) -> list[dict]:
    """One dated list of what happened to a person, newest first, from rows the page already fetched."""
    entries = []
    for certificate in certificates:
        for event in certificate.lifecycle_events.all():
            entries.append(
                {
                    "date": event.event_date,
                    "kind": "certificate",
                    "icon": "person-vcard",
                    "title": f"{event.get_kind_display()} · {certificate.get_category_display()}{certificate.get_grade_display()}",
                    "detail": " ".join(
                        filter(None, [event.get_reason_display() if event.reason else "", event.comment])
                    ),
                    "who": event.acting_user.display_name if event.acting_user else "",
                    "certificate": certificate,
                }
            )
    for record in poverty_records:
        entries.append(
            {
                "date": record.start_date,
                "kind": "poverty",
                "icon": "house-heart",
                "title": f"{record.get_status_display()}",
                "detail": record.source,
                "end": record.end_date,
                "who": "",
            }
        )
    for note in notes:
        entries.append(
            {
                "date": note.created_at.date(),
                "kind": "note",
                "icon": "chat-left-text",
                "title": note.text,
                "detail": "",
                "who": note.author.display_name,
            }
        )
    return sorted(entries, key=lambda entry: entry["date"], reverse=True)
