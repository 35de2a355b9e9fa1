"""Persons: registration, edits under optimistic locking, poverty status history, death, moving out, notes."""

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today
from fedportal.idnumber import parse_id_number

from .. import hooks
from ..models import Household, Person, PersonNote, PovertyRecord, PovertyStatus, Relation, Village

# What a caseworker may type; sex and birth date come from the ID number, township from the village.
PERSON_EDITABLE_FIELDS = (
    "name",
    "ethnicity",
    "phone",
    "address",
    "guardian_name",
    "guardian_phone",
    "guardian_relation",
    "education_stage",
    "social_security_card",
    "bank_name",
)
ACCOUNT_FIELDS = frozenset({"social_security_card", "bank_name"})
_PHONE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")


class StalePersonError(ValidationError):
    """The person was saved by someone else since the form was opened; `current` is the fresh row."""

    def __init__(self, message, *, current: Person):
        super().__init__(message, code="stale")
        self.current = current


def _clean_fields(data: dict) -> dict:
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()}
    errors = {}
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("请填写姓名。")
    for field in ("phone", "guardian_phone"):
        if cleaned.get(field) and not _PHONE.match(cleaned[field]):
            errors[field] = _("电话号码只能包含数字和连字符，7-20 位。")
    if cleaned.get("social_security_card") and not re.fullmatch(r"[0-9A-Za-z]{6,30}", cleaned["social_security_card"]):
        errors["social_security_card"] = _("社保卡号/银行账号只能包含数字和字母。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _id_number_taken(number: str, exclude_pk: int | None = None) -> bool:
    return Person.objects.filter(id_number=number).exclude(pk=exclude_pk).exists()


@transaction.atomic
def person_create(
    *,
    id_number: str,
    village: Village,
    acting_user,
    household: Household | None = None,
    relation_to_head: str = "",
    poverty_status: str = PovertyStatus.NONE,
    poverty_start: date | None = None,
    **fields,
) -> Person:
    authorize(acting_user, Perm.PERSON_EDIT, [village, household])
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"person_create got unexpected fields {sorted(unknown)}")
    try:
        info = parse_id_number(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    if _id_number_taken(info.number):
        raise ValidationError({"id_number": _("身份证号 %(number)s 已登记。") % {"number": info.number}})
    person = Person(
        id_number=info.number,
        birth_date=info.birth_date,
        sex=info.sex,
        village=village,
        township_id=village.township_id,
        created_by=acting_user,
        **_clean_fields(fields),
    )
    person.full_clean(exclude=["household", "relation_to_head", "created_by"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent registration of the same number
        raise ValidationError({"id_number": _("身份证号 %(number)s 已登记。") % {"number": info.number}}) from None
    if household is not None:
        from .households import household_add_member

        household_add_member(household=household, person=person, relation=relation_to_head, acting_user=acting_user)
    if poverty_status and poverty_status != PovertyStatus.NONE:
        poverty_status_set(
            person=person,
            status=poverty_status,
            start_date=poverty_start or local_today(),
            acting_user=acting_user,
        )
    return person


@transaction.atomic
def person_register(
    *,
    id_number: str,
    village: Village,
    household_register_number: str = "",
    relation_to_head: str = "",
    household_address: str = "",
    acting_user,
    **kwargs,
) -> Person:
    """A new person, with their household: an existing register number joins it, a new one creates it."""
    authorize(acting_user, Perm.PERSON_EDIT, village)
    from .households import household_create

    household = None
    register_number = (household_register_number or "").strip()
    if register_number:
        if not relation_to_head:
            raise ValidationError({"relation_to_head": _("填写了户籍编号时，请选择与户主关系。")})
        household = Household.objects.filter(register_number=register_number).first()
        if household is None:
            household = household_create(
                register_number=register_number,
                village=village,
                address=household_address or kwargs.get("address", ""),
                acting_user=acting_user,
            )
        elif household.township_id != village.township_id:
            raise ValidationError(
                {
                    "household_register_number": _("户 %(number)s 不在所选乡镇，请核对户籍编号。")
                    % {"number": register_number}
                }
            )
    return person_create(
        id_number=id_number,
        village=village,
        household=household,
        relation_to_head=relation_to_head if household else "",
        acting_user=acting_user,
        **kwargs,
    )


def person_update(
    *,
    person: Person,
    expected_version: int,
    acting_user,
    id_number: str | None = None,
    village: Village | None = None,
    **fields,
) -> Person:
    """Save a caseworker's edit unless someone saved the person since `expected_version` was read.

    The check and the write are one UPDATE ... WHERE version = expected, so two concurrent saves cannot both win.
    A refused save raises StalePersonError carrying the current row; the caller keeps the user's input.
    """
    # Finance corrects a payee's account after a failed payment without the rest of the record.
    account_only = bool(fields) and set(fields) <= ACCOUNT_FIELDS and id_number is None and village is None
    needed = (Perm.PERSON_EDIT, Perm.PAYMENT_ACCOUNT_EDIT) if account_only else Perm.PERSON_EDIT
    authorize(acting_user, needed, [person, village])
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"person_update got unexpected fields {sorted(unknown)}")
    changes = _clean_fields(fields)
    if id_number is not None:
        try:
            info = parse_id_number(id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        if info.number != person.id_number:
            if person.certificates.exists():
                raise ValidationError(
                    {
                        "id_number": _(
                            "此人已有残疾人证，证号含身份证号，不能直接修改身份证号；请联系县残联办理证件变更。"
                        )
                    }
                )
            if _id_number_taken(info.number, exclude_pk=person.pk):
                raise ValidationError({"id_number": _("身份证号 %(number)s 已登记。") % {"number": info.number}})
            changes.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex)
    if village is not None and village.pk != person.village_id:
        if person.household_id and person.household.township_id != village.township_id:
            raise ValidationError({"village": _("此人所在的户属于另一个乡镇；请先从户中移出再更换乡镇。")})
        changes.update(village=village, township_id=village.township_id)
    candidate = Person(**{**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}})
    for key, value in changes.items():
        setattr(candidate, key, value)
    candidate.full_clean(exclude=["id_number", "household", "relation_to_head", "created_by"], validate_unique=False)
    with transaction.atomic():
        updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            current = Person.objects.select_related("township", "village", "household").get(pk=person.pk)
            raise StalePersonError(
                _(
                    "保存失败：您打开此页后，%(name)s 的资料已被他人修改（%(when)s）。"
                    "您填写的内容保留在下方，请对照最新资料核对后再次保存。"
                )
                % {"name": current.name, "when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")},
                current=current,
            )
    person.refresh_from_db()
    return person


@transaction.atomic
def poverty_status_set(
    *, person: Person, status: str, start_date: date, source: str = "", acting_user
) -> PovertyRecord | None:
    """Close the open poverty record the day before `start_date`, open a new one, mirror it on the person.

    Status 无 closes the open record and opens none.
    """
    authorize(acting_user, Perm.PERSON_EDIT, person)
    if status not in PovertyStatus.values:
        raise ValidationError({"status": _("请选择低保状态。")})
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").get()
    current = PovertyRecord.objects.filter(person=person, end_date__isnull=True).order_by().first()
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _("起始日期须晚于当前状态的起始日期（%(date)s）。")
                    % {"date": current.start_date.isoformat()}
                }
            )
        if current.status == status:
            raise ValidationError(
                {"status": _("状态未变化：此人当前已是“%(status)s”。") % {"status": current.get_status_display()}}
            )
        current.end_date = start_date - timedelta(days=1)
        current.save(update_fields=["end_date"])
    elif status == PovertyStatus.NONE:
        raise ValidationError({"status": _("状态未变化：此人当前没有低保类状态。")})
    elif PovertyRecord.objects.filter(person=person, end_date__gte=start_date).exists():
        raise ValidationError({"start_date": _("起始日期与已有的状态记录重叠。")})
    record = None
    if status != PovertyStatus.NONE:
        record = PovertyRecord(person=person, status=status, start_date=start_date, source=source)
        # The rules that involve other rows (one open record, no overlap) were checked above under the person's lock,
        # and the database holds them as constraints: field checks only here, no query per constraint.
        record.full_clean(exclude=["person"], validate_constraints=False, validate_unique=False)
        record.save()
    Person.objects.filter(pk=person.pk).update(poverty_status=status, updated_at=timezone.now())
    person.poverty_status = status
    return record


@transaction.atomic
def person_mark_deceased(*, person: Person, death_date: date, acting_user, comment: str = "") -> Person:
    """Record a death; the apps above react (the certificates app cancels the active card, reason 死亡)."""
    authorize(acting_user, Perm.PERSON_EDIT, person)
    if person.death_date:
        raise ValidationError(_("已登记死亡（%(date)s）。") % {"date": person.death_date.isoformat()})
    if death_date > local_today():
        raise ValidationError({"death_date": _("死亡日期不能晚于今天。")})
    if death_date < person.birth_date:
        raise ValidationError({"death_date": _("死亡日期不能早于出生日期。")})
    Person.objects.filter(pk=person.pk).update(
        death_date=death_date, version=F("version") + 1, updated_at=timezone.now()
    )
    person.refresh_from_db()
    hooks.person_died(person=person, acting_user=acting_user, comment=comment)
    return person


@transaction.atomic
def person_mark_moved_out(*, person: Person, moved_out_date: date, acting_user, destination: str = "") -> Person:
    """户籍 moved out of the county; the apps above react (the active card is transferred out with the person)."""
    authorize(acting_user, Perm.PERSON_EDIT, person)
    if person.moved_out_date:
        raise ValidationError(_("已登记户籍迁出（%(date)s）。") % {"date": person.moved_out_date.isoformat()})
    if moved_out_date > local_today():
        raise ValidationError({"moved_out_date": _("迁出日期不能晚于今天。")})
    Person.objects.filter(pk=person.pk).update(
        moved_out_date=moved_out_date, version=F("version") + 1, updated_at=timezone.now()
    )
    person.refresh_from_db()
    hooks.person_moved_out(
        person=person, moved_out_date=moved_out_date, destination=destination, acting_user=acting_user
    )
    return person


@transaction.atomic
def person_death_date_correct(*, person: Person, death_date: date, acting_user) -> Person:
    """Correct a recorded death date (an agency's list is the authority on it); the cancelled certificate stays so."""
    authorize(acting_user, Perm.PERSON_EDIT, person)
    if not person.death_date:
        raise ValidationError(_("此人未登记死亡，请先登记死亡。"))
    if death_date > local_today():
        raise ValidationError({"death_date": _("死亡日期不能晚于今天。")})
    if death_date < person.birth_date:
        raise ValidationError({"death_date": _("死亡日期不能早于出生日期。")})
    Person.objects.filter(pk=person.pk).update(
        death_date=death_date, version=F("version") + 1, updated_at=timezone.now()
    )
    person.refresh_from_db()
    return person


@transaction.atomic
def person_moved_out_date_correct(*, person: Person, moved_out_date: date, acting_user) -> Person:
    """Correct a recorded 户籍 move-out date (the 公安 list is the authority on it)."""
    authorize(acting_user, Perm.PERSON_EDIT, person)
    if not person.moved_out_date:
        raise ValidationError(_("此人未登记户籍迁出，请先登记迁出。"))
    if moved_out_date > local_today():
        raise ValidationError({"moved_out_date": _("迁出日期不能晚于今天。")})
    Person.objects.filter(pk=person.pk).update(
        moved_out_date=moved_out_date, version=F("version") + 1, updated_at=timezone.now()
    )
    person.refresh_from_db()
    return person


def person_note_add(*, person: Person, text: str, acting_user) -> PersonNote:
    authorize(acting_user, Perm.PERSON_EDIT, person)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("备注不能为空。")})
    note = PersonNote(person=person, text=text, author=acting_user)
    note.full_clean()
    note.save()
    return note


__all__ = [
    "PERSON_EDITABLE_FIELDS",
    "Relation",
    "StalePersonError",
    "person_create",
    "person_death_date_correct",
    "person_mark_deceased",
    "person_mark_moved_out",
    "person_moved_out_date_correct",
    "person_note_add",
    "person_register",
    "person_update",
    "poverty_status_set",
]
