"""Writes of enrollments: the bulk upsert behind the enrollments roster, and status changes."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Person
from fedportal.accounts.permissions import Perm, authorize, scope_q

from ..models import Enrollment, EnrollmentSource, EnrollmentStatus, Program


def _first_of_month(value: date | None) -> date | None:
    return value.replace(day=1) if value else None


def _authorize_rows(acting_user, rows: list[dict]) -> None:
    """The enrollments roster is county work (ROSTER_ENROLLMENTS); every row's person must be in the user's scope."""
    authorize(acting_user, Perm.ROSTER_ENROLLMENTS)
    person_ids = {row["person_id"] for row in rows}
    if Person.objects.filter(pk__in=person_ids).filter(scope_q(acting_user)).count() != len(person_ids):
        raise PermissionDenied


def enrollment_bulk_upsert(*, rows: list[dict], acting_user, source: str = EnrollmentSource.ROSTER) -> dict:
    """Create or update enrollments keyed by (person, program) in one transaction, with a handful of queries.

    Each row: {"person_id", "program_code", "start_month", "paid_through", "note"}. An update sets the start month,
    paid-through and note; an ended or suspended enrollment that comes again on a roster is reactivated.
    Returns {"created": n, "updated": n, "unchanged": n}.
    """
    _authorize_rows(acting_user, rows)
    programs = {p.code: p.pk for p in Program.objects.all()}
    normalized: dict[tuple[int, int], dict] = {}
    for index, row in enumerate(rows, start=1):
        code = row["program_code"]
        if code not in programs:
            raise ValidationError(_("第%(n)s行：未知的补贴项目“%(code)s”。") % {"n": index, "code": code})
        start = _first_of_month(row["start_month"])
        if start is None:
            raise ValidationError(_("第%(n)s行：缺少起始年月。") % {"n": index})
        key = (int(row["person_id"]), programs[code])
        if key in normalized:
            raise ValidationError(_("第%(n)s行：同一人同一项目重复。") % {"n": index})
        normalized[key] = {
            "start_month": start,
            "paid_through": _first_of_month(row.get("paid_through")),
            "note": (row.get("note") or "")[:200],
        }
    if not normalized:
        return {"created": 0, "updated": 0, "unchanged": 0}

    person_ids = sorted({pid for pid, _pg in normalized})
    with transaction.atomic():
        existing = {
            (e.person_id, e.program_id): e
            for e in Enrollment.objects.select_for_update().filter(
                person_id__in=person_ids, program_id__in=set(programs.values())
            )
        }
        to_create, to_update = [], []
        now = timezone.now()
        for (person_id, program_id), values in normalized.items():
            current = existing.get((person_id, program_id))
            if current is None:
                to_create.append(Enrollment(person_id=person_id, program_id=program_id, source=source, **values))
                continue
            changed = False
            for field, value in values.items():
                if getattr(current, field) != value:
                    setattr(current, field, value)
                    changed = True
            if current.status != EnrollmentStatus.ACTIVE:
                current.status, current.status_reason = EnrollmentStatus.ACTIVE, ""
                changed = True
            if changed:
                current.updated_at = now
                to_update.append(current)
        Enrollment.objects.bulk_create(to_create, batch_size=2000)
        Enrollment.objects.bulk_update(
            to_update, ["start_month", "paid_through", "note", "status", "status_reason", "updated_at"], batch_size=2000
        )
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(normalized) - len(to_create) - len(to_update),
    }


def enrollment_set_status(*, enrollment: Enrollment, status: str, reason: str = "", acting_user) -> Enrollment:
    authorize(acting_user, Perm.APPLICATION_REVIEW, enrollment)
    if status not in EnrollmentStatus.values:
        raise ValidationError(_("无效的状态。"))
    enrollment.status, enrollment.status_reason = status, reason[:200]
    enrollment.save(update_fields=["status", "status_reason", "updated_at"])
    return enrollment
