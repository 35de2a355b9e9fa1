"""Households (户): creation, membership and the head.

The multi-disability flag (一户多残) is derived from certificates: a change of members calls
`hooks.households_changed`, and the certificates app recomputes the flag (certificates/households.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize

from .. import hooks
from ..models import Household, Person, Relation, Village


def household_create(*, register_number: str, village: Village, address: str = "", acting_user) -> Household:
    authorize(acting_user, Perm.PERSON_EDIT, village)
    register_number = (register_number or "").strip()
    if not register_number:
        raise ValidationError({"register_number": _("请填写户籍编号。")})
    if Household.objects.filter(register_number=register_number).exists():
        raise ValidationError({"register_number": _("户籍编号“%(number)s”已存在。") % {"number": register_number}})
    household = Household(
        register_number=register_number, village=village, township_id=village.township_id, address=address
    )
    household.full_clean()
    household.save()
    return household


def _check_same_township(household: Household, person: Person) -> None:
    if household.township_id != person.township_id:
        raise ValidationError(
            _("%(name)s 属于%(person_township)s，不能加入%(household_township)s的户 %(number)s。")
            % {
                "name": person.name,
                "person_township": person.township.name,
                "household_township": household.township.name,
                "number": household.register_number,
            }
        )


@transaction.atomic
def household_add_member(*, household: Household, person: Person, relation: str, acting_user) -> Person:
    authorize(acting_user, Perm.PERSON_EDIT, [household, person])
    if relation not in Relation.values:
        raise ValidationError({"relation": _("请选择与户主关系。")})
    _check_same_township(household, person)
    if person.household_id and person.household_id != household.pk:
        raise ValidationError(
            _("%(name)s 已在户 %(number)s 中，请先从原户移出。")
            % {"name": person.name, "number": person.household.register_number}
        )
    if (
        relation == Relation.HEAD
        and household.members.filter(relation_to_head=Relation.HEAD).exclude(pk=person.pk).exists()
    ):
        raise ValidationError({"relation": _("此户已有户主；如需更换户主，请使用“设为户主”。")})
    old_household_id = person.household_id
    Person.objects.filter(pk=person.pk).update(
        household=household, relation_to_head=relation, updated_at=timezone.now()
    )
    person.household, person.relation_to_head = household, relation
    if old_household_id != household.pk:
        hooks.households_changed(household_ids=[household.pk])
    return person


@transaction.atomic
def household_remove_member(*, household: Household, person: Person, acting_user) -> Person:
    authorize(acting_user, Perm.PERSON_EDIT, [household, person])
    if person.household_id != household.pk:
        raise ValidationError(_("%(name)s 不是此户成员。") % {"name": person.name})
    Person.objects.filter(pk=person.pk).update(household=None, relation_to_head="", updated_at=timezone.now())
    person.household, person.relation_to_head = None, ""
    hooks.households_changed(household_ids=[household.pk])
    return person


@transaction.atomic
def household_set_head(
    *, household: Household, person: Person, previous_head_relation: str = Relation.OTHER, acting_user
) -> Person:
    """Make `person` the head; the previous head stays a member with `previous_head_relation`."""
    authorize(acting_user, Perm.PERSON_EDIT, [household, person])
    if person.household_id != household.pk:
        raise ValidationError(_("%(name)s 不是此户成员，不能设为户主。") % {"name": person.name})
    if previous_head_relation == Relation.HEAD or previous_head_relation not in Relation.values:
        raise ValidationError({"previous_head_relation": _("请选择原户主与新户主的关系。")})
    now = timezone.now()
    household.members.filter(relation_to_head=Relation.HEAD).exclude(pk=person.pk).update(
        relation_to_head=previous_head_relation, updated_at=now
    )
    Person.objects.filter(pk=person.pk).update(relation_to_head=Relation.HEAD, updated_at=now)
    person.relation_to_head = Relation.HEAD
    return person
