"""Exclusions as dated data: record a period during which a person is not paid (some) allowances, and end it.

The payment runs and the eligibility check read these rows for the day they judge; each kind has its own stop
reason there. Data comparison (人社 work-injury care lists) records and ends them through the same two services,
with the list named as the source."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today

from ..exclusion_programs import exclusion_program_choices
from ..models import ExclusionKind, Person, PersonExclusion


@transaction.atomic
def exclusion_record(
    *,
    person: Person,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    source: str,
    note: str = "",
    program_code: str = "",
    acting_user,
) -> PersonExclusion:
    """Record one exclusion period. `program_code` names the program a 择高 (kind `similar`) replaces and must be
    empty for every other kind. Periods of the same kind (and, for 择高, the same program) never overlap."""
    authorize(acting_user, Perm.EXCLUSION_EDIT, person)
    errors: dict[str, str] = {}
    if kind not in ExclusionKind.values:
        errors["kind"] = _("请选择类型。")
    source = (source or "").strip()
    if not source:
        errors["source"] = _("请填写依据或来源（例如文书编号、比对名单）。")
    program_code = (program_code or "").strip()
    if kind == ExclusionKind.SIMILAR:
        known = dict(exclusion_program_choices())
        if not program_code:
            errors["program_code"] = _("择高须写明不再享受的补贴项目。")
        elif known and program_code not in known:
            errors["program_code"] = _("未知的补贴项目“%(code)s”。") % {"code": program_code}
    elif program_code:
        errors["program_code"] = _("只有择高需要写明补贴项目。")
    if start_date and start_date > local_today():
        errors["start_date"] = _("起始日期不能晚于今天。")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("结束日期不能早于起始日期。")
    if errors:
        raise ValidationError(errors)
    # Serialise writers of one person's exclusions so that the overlap check below holds.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    overlapping = PersonExclusion.objects.filter(person=person, kind=kind, program_code=program_code).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    clash = overlapping.first()
    if clash is not None:
        raise ValidationError(
            {
                "start_date": _("与已有的“%(kind)s”记录（%(start)s 起）时间重叠。")
                % {"kind": clash.get_kind_display(), "start": clash.start_date.isoformat()}
            }
        )
    exclusion = PersonExclusion(
        person=person,
        kind=kind,
        program_code=program_code,
        start_date=start_date,
        end_date=end_date,
        source=source,
        note=(note or "").strip(),
        created_by=acting_user,
    )
    exclusion.full_clean()
    exclusion.save()
    return exclusion


@transaction.atomic
def exclusion_end(
    *, exclusion: PersonExclusion, end_date: date, acting_user, source: str = "", note: str = ""
) -> PersonExclusion:
    """End an exclusion that is still in force (end_date empty): the person is paid again from the first month
    judged after `end_date`. `source` and `note`, when given, are appended to the record's."""
    authorize(acting_user, Perm.EXCLUSION_EDIT, exclusion)
    exclusion = PersonExclusion.objects.select_for_update().select_related("person").get(pk=exclusion.pk)
    authorize(acting_user, Perm.EXCLUSION_EDIT, exclusion.person)
    if exclusion.end_date is not None:
        raise ValidationError(
            _("该记录已于 %(date)s 结束。") % {"date": exclusion.end_date.isoformat()}, code="already_ended"
        )
    if end_date is None:
        raise ValidationError({"end_date": _("请填写结束日期。")})
    if end_date < exclusion.start_date:
        raise ValidationError(
            {"end_date": _("结束日期不能早于起始日期（%(date)s）。") % {"date": exclusion.start_date.isoformat()}}
        )
    exclusion.end_date = end_date
    source, note = (source or "").strip(), (note or "").strip()
    if source and source != exclusion.source:
        exclusion.source = f"{exclusion.source}；{source}"[:100]
    if note:
        exclusion.note = f"{exclusion.note}；{note}"[:200] if exclusion.note else note[:200]
    exclusion.full_clean()
    exclusion.save(update_fields=["end_date", "source", "note", "updated_at"])
    return exclusion


__all__ = ["exclusion_end", "exclusion_record"]
