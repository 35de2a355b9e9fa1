"""Writes of the community services. Every service authorizes its caller first (`authorize`: capability, then
township scope), runs in one transaction and is audited by the models' triggers."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize
from fedportal.core.clock import local_today

from .models import (
    CaseStatus,
    CultureEvent,
    EventParticipation,
    JobFair,
    JobReferral,
    LegalCase,
    ReliefVisit,
    ScreeningTally,
    ShelteredWorkshop,
    SuspectedReport,
    SuspectedStatus,
    TrainingAttendance,
    TrainingSession,
    WorkshopWorker,
)


def _not_in_future(field: str, day: date) -> None:
    if day > local_today():
        raise ValidationError({field: _("日期不能晚于今天。")})


def _alive_on(person, field: str, day: date) -> None:
    if person.death_date and person.death_date < day:
        raise ValidationError(
            {field: _("%(name)s已于%(date)s死亡。") % {"name": person.name, "date": f"{person.death_date:%Y-%m-%d}"}}
        )


def _save(instance, acting_user):
    instance.created_by = acting_user
    instance.full_clean()
    instance.save()
    return instance


# ---------------------------------------------------------------- employment


@transaction.atomic
def training_session_create(
    *,
    title: str,
    kind: str,
    township,
    start_date: date,
    end_date: date,
    organizer: str = "",
    hours: int = 0,
    acting_user,
) -> TrainingSession:
    authorize(acting_user, Perm.COMMUNITY_EDIT, township or COUNTY_WIDE)
    if end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    return _save(
        TrainingSession(
            title=title,
            kind=kind,
            township=township,
            start_date=start_date,
            end_date=end_date,
            organizer=organizer,
            hours=hours,
        ),
        acting_user,
    )


@transaction.atomic
def training_attendance_add(*, session: TrainingSession, person, completed: bool = True, acting_user):
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    authorize(acting_user, Perm.COMMUNITY_EDIT, session, county_wide_ok=True)
    _alive_on(person, "person", session.start_date)
    if TrainingAttendance.objects.filter(session=session, person=person).exists():
        raise ValidationError({"person": _("%(name)s已在本期学员名单中。") % {"name": person.name}})
    return _save(TrainingAttendance(session=session, person=person, completed=completed), acting_user)


@transaction.atomic
def training_attendance_remove(*, attendance: TrainingAttendance, acting_user) -> None:
    authorize(acting_user, Perm.COMMUNITY_EDIT, attendance.person)
    authorize(acting_user, Perm.COMMUNITY_EDIT, attendance.session, county_wide_ok=True)
    attendance.delete()


@transaction.atomic
def job_fair_create(
    *,
    title: str,
    township,
    held_on: date,
    place: str = "",
    employers: int = 0,
    positions: int = 0,
    visitors: int = 0,
    acting_user,
) -> JobFair:
    authorize(acting_user, Perm.COMMUNITY_EDIT, township or COUNTY_WIDE)
    return _save(
        JobFair(
            title=title,
            township=township,
            held_on=held_on,
            place=place,
            employers=employers,
            positions=positions,
            visitors=visitors,
        ),
        acting_user,
    )


@transaction.atomic
def job_referral_create(
    *, person, employer: str, position: str = "", referred_on: date, job_fair: JobFair | None = None, acting_user
) -> JobReferral:
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    _not_in_future("referred_on", referred_on)
    _alive_on(person, "referred_on", referred_on)
    if job_fair is not None:
        authorize(acting_user, Perm.COMMUNITY_EDIT, job_fair, county_wide_ok=True)
        if referred_on < job_fair.held_on:
            raise ValidationError({"referred_on": _("推荐日期不能早于招聘会举办日期。")})
    return _save(
        JobReferral(person=person, employer=employer, position=position, referred_on=referred_on, job_fair=job_fair),
        acting_user,
    )


@transaction.atomic
def job_referral_place(*, referral: JobReferral, placed_on: date, acting_user) -> JobReferral:
    authorize(acting_user, Perm.COMMUNITY_EDIT, referral.person)
    referral = JobReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.placed_on is not None:
        raise ValidationError(_("该推荐已登记就业。"))
    _not_in_future("placed_on", placed_on)
    if placed_on < referral.referred_on:
        raise ValidationError({"placed_on": _("就业日期不能早于推荐日期。")})
    referral.placed_on = placed_on
    referral.full_clean()
    referral.save(update_fields=["placed_on"])
    return referral


@transaction.atomic
def workshop_create(*, name: str, township, address: str = "", opened_on: date, acting_user) -> ShelteredWorkshop:
    authorize(acting_user, Perm.COMMUNITY_EDIT, township)
    return _save(ShelteredWorkshop(name=name, township=township, address=address, opened_on=opened_on), acting_user)


@transaction.atomic
def workshop_worker_add(*, workshop: ShelteredWorkshop, person, start_date: date, acting_user) -> WorkshopWorker:
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    authorize(acting_user, Perm.COMMUNITY_EDIT, workshop, county_wide_ok=True)
    _not_in_future("start_date", start_date)
    _alive_on(person, "start_date", start_date)
    if start_date < workshop.opened_on or (workshop.closed_on and start_date > workshop.closed_on):
        raise ValidationError({"start_date": _("入职日期不在该机构的运营期内。")})
    try:
        with transaction.atomic():
            return _save(WorkshopWorker(workshop=workshop, person=person, start_date=start_date), acting_user)
    except (IntegrityError, ValidationError) as error:
        if WorkshopWorker.objects.filter(workshop=workshop, person=person, end_date__isnull=True).exists():
            raise ValidationError({"person": _("%(name)s已在该机构就业。") % {"name": person.name}}) from error
        raise


@transaction.atomic
def workshop_worker_leave(*, worker: WorkshopWorker, end_date: date, acting_user) -> WorkshopWorker:
    authorize(acting_user, Perm.COMMUNITY_EDIT, worker.person)
    worker = WorkshopWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.end_date is not None:
        raise ValidationError(_("该人员已离职。"))
    if end_date < worker.start_date:
        raise ValidationError({"end_date": _("离职日期不能早于入职日期。")})
    worker.end_date = end_date
    worker.save(update_fields=["end_date"])
    return worker


# ---------------------------------------------------------------- relief visits


@transaction.atomic
def relief_visit_create(
    *,
    person,
    occasion: str,
    visited_on: date,
    cash: Decimal = Decimal("0"),
    goods_value: Decimal = Decimal("0"),
    goods: str = "",
    fund_source: str,
    note: str = "",
    acting_user,
) -> ReliefVisit:
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    _not_in_future("visited_on", visited_on)
    _alive_on(person, "visited_on", visited_on)
    if cash < 0 or goods_value < 0:
        raise ValidationError(_("金额不能为负数。"))
    if cash == 0 and goods_value == 0:
        raise ValidationError({"cash": _("请填写慰问金或物资折价。")})
    if goods_value > 0 and not goods.strip():
        raise ValidationError({"goods": _("有物资折价时请写明物资。")})
    return _save(
        ReliefVisit(
            person=person,
            occasion=occasion,
            visited_on=visited_on,
            cash=cash,
            goods_value=goods_value,
            goods=goods.strip(),
            fund_source=fund_source,
            note=note,
        ),
        acting_user,
    )


# ---------------------------------------------------------------- legal aid


@transaction.atomic
def legal_case_open(*, person, kind: str, opened_on: date, subject: str, acting_user) -> LegalCase:
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    _not_in_future("opened_on", opened_on)
    return _save(LegalCase(person=person, kind=kind, opened_on=opened_on, subject=subject), acting_user)


@transaction.atomic
def legal_case_close(*, case: LegalCase, closed_on: date, outcome: str, acting_user) -> LegalCase:
    authorize(acting_user, Perm.COMMUNITY_EDIT, case.person)
    case = LegalCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("该案件已办结。"))
    _not_in_future("closed_on", closed_on)
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": _("办结日期不能早于受理日期。")})
    if not outcome.strip():
        raise ValidationError({"outcome": _("请填写办理结果。")})
    case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, closed_on, outcome.strip()
    case.save(update_fields=["status", "closed_on", "outcome"])
    return case


# ---------------------------------------------------------------- culture and sports


@transaction.atomic
def culture_event_create(
    *, title: str, kind: str, township, held_on: date, place: str = "", other_participants: int = 0, acting_user
) -> CultureEvent:
    authorize(acting_user, Perm.COMMUNITY_EDIT, township or COUNTY_WIDE)
    return _save(
        CultureEvent(
            title=title,
            kind=kind,
            township=township,
            held_on=held_on,
            place=place,
            other_participants=other_participants,
        ),
        acting_user,
    )


@transaction.atomic
def event_participant_add(*, event: CultureEvent, person, acting_user) -> EventParticipation:
    authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    authorize(acting_user, Perm.COMMUNITY_EDIT, event, county_wide_ok=True)
    _alive_on(person, "person", event.held_on)
    if EventParticipation.objects.filter(event=event, person=person).exists():
        raise ValidationError({"person": _("%(name)s已在参与者名单中。") % {"name": person.name}})
    return _save(EventParticipation(event=event, person=person), acting_user)


# ---------------------------------------------------------------- early detection


@transaction.atomic
def screening_tally_record(
    *, township, month: date, first_screens: int, rescreens: int, diagnoses: int, referrals: int, acting_user
) -> ScreeningTally:
    """Record (or correct) one township's screening figures for a month."""
    authorize(acting_user, Perm.COMMUNITY_EDIT, township)
    month = month.replace(day=1)
    if month > local_today():
        raise ValidationError({"month": _("不能登记未来月份的筛查数据。")})
    if not first_screens >= rescreens >= diagnoses >= referrals >= 0:
        raise ValidationError(_("人数应满足：初筛 ≥ 复筛 ≥ 确诊 ≥ 转介康复。"))
    tally = ScreeningTally.objects.select_for_update().filter(township=township, month=month).first()
    tally = tally or ScreeningTally(township=township, month=month, created_by=acting_user)
    tally.first_screens, tally.rescreens, tally.diagnoses, tally.referrals = (
        first_screens,
        rescreens,
        diagnoses,
        referrals,
    )
    tally.full_clean(validate_unique=False)
    tally.save()
    return tally


@transaction.atomic
def suspected_report_create(
    *, name: str, township, reported_on: date, source: str, suspected_category: int, acting_user
) -> SuspectedReport:
    authorize(acting_user, Perm.COMMUNITY_EDIT, township)
    _not_in_future("reported_on", reported_on)
    return _save(
        SuspectedReport(
            name=name,
            township=township,
            reported_on=reported_on,
            source=source,
            suspected_category=suspected_category,
        ),
        acting_user,
    )


@transaction.atomic
def suspected_report_resolve(
    *, report: SuspectedReport, status: str, resolved_on: date, person=None, acting_user
) -> SuspectedReport:
    """Close a report: referred to an assessment (the registered person is named) or found not disabled."""
    authorize(acting_user, Perm.COMMUNITY_EDIT, report.township_id or COUNTY_WIDE)
    report = SuspectedReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SuspectedStatus.PENDING:
        raise ValidationError(_("该报告已处理。"))
    if status not in (SuspectedStatus.REFERRED, SuspectedStatus.NOT_DISABLED):
        raise ValidationError({"status": _("请选择处理结果。")})
    _not_in_future("resolved_on", resolved_on)
    if resolved_on < report.reported_on:
        raise ValidationError({"resolved_on": _("处理日期不能早于报告日期。")})
    if status == SuspectedStatus.REFERRED:
        if person is None:
            raise ValidationError({"person": _("引导评残时请先登记该人员，并在此选择。")})
        authorize(acting_user, Perm.COMMUNITY_EDIT, person)
    else:
        person = None
    report.status, report.resolved_on, report.person = status, resolved_on, person
    report.full_clean()
    report.save(update_fields=["status", "resolved_on", "person"])
    return report
