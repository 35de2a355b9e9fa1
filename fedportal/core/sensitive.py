"""Sensitive values (ID, phone and account numbers) as the access layer hands them to views: masked for the user.

One place decides how a number is masked and what may stand beside it:
- a user who may reveal (PERSON_REVEAL) sees `3601**********0013` and can ask for the full value, each reveal
  logged (cases `person_reveal`, fedportal.audit `sensitive_access_record`);
- a user who may not reveal sees only the last four digits (`**************0013`) and the age, never the birth
  date: the hidden digits of an ID number are the county code and the birth date, so a masked number beside the
  birth date and the township gives the number back.

`Sensitive` renders as the mask in templates (`__str__` and `__html__`), so a template cannot print the full value
by accident; only `reveal_value()` — for the logged reveal — gives it.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.core.clock import local_today

ID_NUMBER, PHONE, ACCOUNT, CERTIFICATE = "id_number", "phone", "account", "certificate"
# A person's field for each sensitive value the person page shows.
PERSON_FIELDS = {
    "id_number": ("id_number", ID_NUMBER),
    "phone": ("phone", PHONE),
    "guardian_phone": ("guardian_phone", PHONE),
    "account": ("social_security_card", ACCOUNT),
}


def _stars(count: int) -> str:
    return "*" * max(count, 0)


def mask(value: str, kind: str = ID_NUMBER, *, strict: bool = True) -> str:
    """The mask of `value`. `strict` (for users who may not reveal): only the last four characters stay; otherwise
    an ID number keeps its first four too (the county, which the township shows anyway) and a phone its first
    three."""
    value = value or ""
    if kind == CERTIFICATE:  # an ID number followed by category and grade
        return mask(value[:18], ID_NUMBER, strict=strict) + value[18:]
    if len(value) < 8:
        return _stars(len(value))
    if strict or kind == ACCOUNT:
        return _stars(len(value) - 4) + value[-4:]
    keep = 3 if kind == PHONE else 4
    return value[:keep] + _stars(len(value) - keep - 4) + value[-4:]


def may_reveal(user) -> bool:
    return has_perm(user, Perm.PERSON_REVEAL)


@dataclass(frozen=True, eq=False)
class Sensitive:
    """A number as one user may see it. Renders masked unless the user may reveal it and asked to (`revealed`)."""

    _value: str
    kind: str = ID_NUMBER
    may_reveal: bool = False
    revealed: bool = False

    @property
    def masked(self) -> str:
        return mask(self._value, self.kind, strict=not self.may_reveal)

    @property
    def empty(self) -> bool:
        return not self._value

    def reveal_value(self) -> str:
        """The full value, for the logged reveal of a user who may reveal; the mask for anyone else."""
        return self._value if self.may_reveal else self.masked

    def __str__(self) -> str:
        return self._value if (self.revealed and self.may_reveal) else self.masked

    def __html__(self) -> str:
        return conditional_escape(str(self))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Sensitive({self.masked!r})"


def sensitive_for(user, value: str, kind: str = ID_NUMBER, *, reveal: bool = False) -> Sensitive:
    allowed = may_reveal(user)
    return Sensitive(value or "", kind, may_reveal=allowed, revealed=reveal and allowed)


def mask_for(user, value: str, kind: str = ID_NUMBER) -> str:
    """The mask of `value` for `user` (a plain string, for workbooks and PDFs)."""
    return mask(value, kind, strict=not may_reveal(user))


def age_on(birth_date: date | None, today: date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or local_today()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def birth_for(user, birth_date: date | None) -> str:
    """What may stand beside a masked ID number: the birth date for users who may reveal, the age otherwise."""
    if birth_date is None:
        return ""
    if may_reveal(user):
        return f"{birth_date:%Y-%m-%d}"
    return _("%(age)s岁") % {"age": age_on(birth_date)}


class MaskedPerson:
    """A person's sensitive fields for one user: `masked.id_number`, `.phone`, `.guardian_phone`, `.account` are
    `Sensitive`; `.birth` is the birth date or the age (see `birth_for`)."""

    def __init__(self, user, person, *, reveal: bool = False):
        for name, (field, kind) in PERSON_FIELDS.items():
            setattr(self, name, sensitive_for(user, getattr(person, field, "") or "", kind, reveal=reveal))
        self.birth = birth_for(user, getattr(person, "birth_date", None))
        self.may_reveal = may_reveal(user)


def mask_persons(user, persons):
    """Attach `masked` (a MaskedPerson for `user`) to each person; returns the same objects (a list)."""
    persons = list(persons)
    for person in persons:
        person.masked = MaskedPerson(user, person)
    return persons


def _follow(row, path: str):
    for name in path.split("__") if path else ():
        row = getattr(row, name, None)
        if row is None:
            return None
    return row


def masked_rows(queryset, user, *, person: str = "", certificate: bool = False):
    """The access layer's step for list pages: `queryset`, its rows coming out of the database with their sensitive
    values already masked for `user` — `masked` (a MaskedPerson) on the person at `person` (a `__` path from the row,
    "" for the row itself) and, with `certificate`, `number_shown` (a Sensitive) on the row. Lazy like any queryset:
    the paginator counts and slices it, and only the rows of the page are masked, as they are fetched."""
    base = queryset._iterable_class

    class MaskingIterable(base):
        def __iter__(self):
            for row in super().__iter__():
                holder = _follow(row, person)
                if holder is not None:
                    holder.masked = MaskedPerson(user, holder)
                if certificate:
                    row.number_shown = sensitive_for(user, row.number, CERTIFICATE)
                yield row

    rows = queryset.all()
    rows._iterable_class = MaskingIterable
    return rows
