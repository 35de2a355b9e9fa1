"""Reads of the registry. Every view and export reads people through these access functions,
so the township scope of a liaison is enforced in one place."""

from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm, township_scope

from .models import Household, Person, Township, Village


def township_list_for_user(user):
    scope = township_scope(user)
    townships = Township.objects.all()
    return townships if scope is None else townships.filter(pk=scope)


def village_list_for_user(user):
    scope = township_scope(user)
    villages = Village.objects.select_related("township")
    return villages if scope is None else villages.filter(township_id=scope)


def person_list_for_user(user):
    """All persons the user may see: nothing without PERSON_VIEW, one township for a liaison."""
    if not has_perm(user, Perm.PERSON_VIEW):
        return Person.objects.none()
    scope = township_scope(user)
    persons = Person.objects.all()
    return persons if scope is None else persons.filter(township_id=scope)


def person_get_for_user(user, person_id: int) -> Person:
    """One person, or 404 when the user may not see them (never 'exists but forbidden')."""
    person = person_list_for_user(user).select_related("township", "village", "household").filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def household_list_for_user(user):
    if not has_perm(user, Perm.PERSON_VIEW):
        return Household.objects.none()
    scope = township_scope(user)
    households = Household.objects.all()
    return households if scope is None else households.filter(township_id=scope)


def household_get_for_user(user, household_id: int) -> Household:
    household = household_list_for_user(user).select_related("township", "village").filter(pk=household_id).first()
    if household is None:
        raise Http404
    return household


def user_may_edit_person(user, person: Person) -> bool:
    scope = township_scope(user)
    return has_perm(user, Perm.PERSON_EDIT) and (scope is None or person.township_id == scope)
