"""Needs, the ledger of delivered services, and the yearly needs survey."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize
from fedportal.core.clock import local_today

from ..models import (
    Need,
    NeedSource,
    NeedStatus,
    Provider,
    ServiceRecord,
    ServiceType,
    SurveyRecord,
    SurveyRound,
    SurveyRoundStatus,
)
from .providers import _price, provider_check_assignable


def _need_add(
    *,
    person,
    need_type: str,
    device_type: str = "",
    recorded_on: date,
    source: str = NeedSource.CASEWORK,
    note: str = "",
    survey_record: SurveyRecord | None = None,
    acting_user,
) -> Need:
    if need_type == ServiceType.DEVICE and not device_type:
        raise ValidationError({"device_type": _("辅助器具需求请选择辅具类型。")})
    if need_type != ServiceType.DEVICE:
        device_type = ""
    need = Need(
        person=person,
        need_type=need_type,
        device_type=device_type,
        recorded_on=recorded_on,
        source=source,
        note=note,
        survey_record=survey_record,
        created_by=acting_user,
    )
    need.full_clean()
    need.save()
    return need


def need_create(
    *,
    person,
    need_type: str,
    device_type: str = "",
    recorded_on: date,
    source: str = NeedSource.CASEWORK,
    note: str = "",
    survey_record: SurveyRecord | None = None,
    acting_user,
) -> Need:
    authorize(acting_user, Perm.REHAB_EDIT, person)
    return _need_add(
        person=person,
        need_type=need_type,
        device_type=device_type,
        recorded_on=recorded_on,
        source=source,
        note=note,
        survey_record=survey_record,
        acting_user=acting_user,
    )


def need_cancel(*, need: Need, acting_user) -> Need:
    authorize(acting_user, Perm.REHAB_EDIT, need)
    if need.status == NeedStatus.MET:
        raise ValidationError(_("需求已满足，不能取消。"))
    need.status = NeedStatus.CANCELLED
    need.save(update_fields=["status"])
    return need


def _need_met(need: Need | None, day: date) -> None:
    if need is not None and need.status != NeedStatus.MET:
        need.status = NeedStatus.MET
        need.met_on = day
        need.save(update_fields=["status", "met_on"])


def _need_in_progress(need: Need | None) -> None:
    if need is not None and need.status == NeedStatus.OPEN:
        need.status = NeedStatus.IN_PROGRESS
        need.save(update_fields=["status"])


def _check_need(need: Need | None, person, service_type: str) -> None:
    if need is None:
        return
    if need.person_id != person.pk:
        raise ValidationError(_("所选需求不属于此人。"))
    if need.need_type != service_type:
        raise ValidationError(_("所选需求的类型与服务类型不一致。"))
    if need.status == NeedStatus.CANCELLED:
        raise ValidationError(_("所选需求已取消。"))


# ---------------------------------------------------------------- the ledger


@transaction.atomic
def service_record_create(
    *,
    person,
    service_type: str,
    served_on: date,
    provider: Provider | None = None,
    quantity: int = 1,
    amount: Decimal | None = None,
    subsidy: Decimal | None = None,
    description: str = "",
    need: Need | None = None,
    acting_user,
    **origin,
) -> ServiceRecord:
    """Record one delivered service (training, surgery, family doctor, medication subsidy, or one from a workflow)."""
    authorize(acting_user, Perm.REHAB_EDIT, person)
    _check_need(need, person, service_type)
    item = None
    if provider is not None:
        item = provider_check_assignable(
            provider=provider,
            on=served_on,
            service_type=service_type,
            device_type=getattr(origin.get("fitting"), "device_type", ""),
        )
    amount, subsidy = _price(item, quantity, amount, subsidy)
    record = ServiceRecord(
        person=person,
        service_type=service_type,
        provider=provider,
        served_on=served_on,
        quantity=quantity,
        amount=amount,
        subsidy=subsidy,
        description=description,
        need=need,
        created_by=acting_user,
        **origin,
    )
    record.full_clean()
    record.save()
    _need_met(need, served_on)
    return record


# ---------------------------------------------------------------- yearly needs survey


def survey_round_create(*, year: int, start_date: date, end_date: date, title: str = "", acting_user) -> SurveyRound:
    authorize(acting_user, Perm.REHAB_EDIT, COUNTY_WIDE)
    if SurveyRound.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s年的调查轮次已存在。") % {"year": year}})
    if end_date < start_date:
        raise ValidationError({"end_date": _("截止日期不能早于开始日期。")})
    survey_round = SurveyRound(
        year=year,
        start_date=start_date,
        end_date=end_date,
        title=title or _("%(year)s年残疾人基本服务状况和需求信息动态更新") % {"year": year},
    )
    survey_round.full_clean()
    survey_round.save()
    return survey_round


def survey_round_set_status(*, survey_round: SurveyRound, status: str, acting_user) -> SurveyRound:
    authorize(acting_user, Perm.REHAB_EDIT, COUNTY_WIDE)
    survey_round.status = status
    survey_round.save(update_fields=["status"])
    return survey_round


@transaction.atomic
def survey_record_save(
    *,
    survey_round: SurveyRound,
    person,
    contact_method: str,
    visited_on: date,
    services_received: list[str],
    services_needed: list[str],
    device_type_needed: str = "",
    note: str = "",
    acting_user,
) -> tuple[SurveyRecord, list[Need]]:
    """Record (or correct) this year's visit of one person; each newly needed service becomes a Need (source survey,
    under the survey's own capability)."""
    authorize(acting_user, Perm.SURVEY_EDIT, person)
    if survey_round.status != SurveyRoundStatus.OPEN:
        raise ValidationError(_("本轮调查已结束，不能再录入。"))
    if not survey_round.start_date <= visited_on <= survey_round.end_date:
        raise ValidationError(
            {
                "visited_on": _("调查日期须在本轮调查期间（%(start)s 至 %(end)s）内。")
                % {"start": f"{survey_round.start_date:%Y-%m-%d}", "end": f"{survey_round.end_date:%Y-%m-%d}"}
            }
        )
    if visited_on > local_today():
        raise ValidationError({"visited_on": _("调查日期不能晚于今天。")})
    if ServiceType.DEVICE in services_needed and not device_type_needed:
        raise ValidationError({"device_type_needed": _("需要辅助器具时请选择辅具类型。")})
    if ServiceType.DEVICE not in services_needed:
        device_type_needed = ""
    record = SurveyRecord.objects.select_for_update().filter(survey_round=survey_round, person=person).first()
    record = record or SurveyRecord(survey_round=survey_round, person=person)
    record.township_id = person.township_id
    record.contact_method = contact_method
    record.visited_on = visited_on
    record.services_received = sorted(set(services_received))
    record.services_needed = sorted(set(services_needed))
    record.device_type_needed = device_type_needed
    record.note = note
    record.surveyor = acting_user
    record.full_clean()
    record.save()

    # A need already open for the same service (and device type) is not recorded twice.
    open_needs = {
        (n.need_type, n.device_type)
        for n in Need.objects.filter(person=person, status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS])
    }
    created = []
    for service_type in record.services_needed:
        device_type = device_type_needed if service_type == ServiceType.DEVICE else ""
        if (service_type, device_type) in open_needs:
            continue
        created.append(
            _need_add(
                person=person,
                need_type=service_type,
                device_type=device_type,
                recorded_on=visited_on,
                source=NeedSource.SURVEY,
                survey_record=record,
                acting_user=acting_user,
            )
        )
    return record, created
