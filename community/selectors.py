"""Reads of the community services: access functions narrowed to the user's township, and the year's figures.

Records about a person follow the person's current township. Events of the whole county (no township) are visible to
everyone with COMMUNITY_VIEW; their attendee lists are narrowed like any list of persons.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm, scope_q, township_scope

from .models import (
    CaseKind,
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

ZERO = Decimal("0.00")


def _person_records(model, user, *, person_path: str = "person"):
    if not has_perm(user, Perm.COMMUNITY_VIEW):
        return model.objects.none()
    return model.objects.select_related(f"{person_path}__township").filter(scope_q(user, f"{person_path}__township"))


def _events(model, user, *, county_wide: bool = True):
    if not has_perm(user, Perm.COMMUNITY_VIEW):
        return model.objects.none()
    events = model.objects.select_related("township")
    if township_scope(user) is None:
        return events
    return events.filter(scope_q(user) | Q(township__isnull=True)) if county_wide else events.filter(scope_q(user))


def _get(queryset, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def training_session_list_for_user(*, user):
    return _events(TrainingSession, user).annotate(attendee_count=Count("attendances")).order_by("-start_date", "-pk")


def training_session_get_for_user(*, user, pk: int) -> TrainingSession:
    return _get(_events(TrainingSession, user), pk)


def training_attendance_list_for_user(*, user, session: TrainingSession | None = None):
    attendances = _person_records(TrainingAttendance, user).select_related("session")
    return attendances if session is None else attendances.filter(session=session)


def training_attendance_get_for_user(*, user, pk: int) -> TrainingAttendance:
    return _get(training_attendance_list_for_user(user=user), pk)


def job_fair_list_for_user(*, user):
    return _events(JobFair, user).annotate(referral_count=Count("referrals")).order_by("-held_on", "-pk")


def job_fair_get_for_user(*, user, pk: int) -> JobFair:
    return _get(_events(JobFair, user), pk)


def job_referral_list_for_user(*, user):
    return _person_records(JobReferral, user).select_related("job_fair")


def job_referral_get_for_user(*, user, pk: int) -> JobReferral:
    return _get(job_referral_list_for_user(user=user), pk)


def workshop_list_for_user(*, user):
    return (
        _events(ShelteredWorkshop, user, county_wide=False)
        .annotate(current_workers=Count("workers", filter=Q(workers__end_date__isnull=True)))
        .order_by("name")
    )


def workshop_get_for_user(*, user, pk: int) -> ShelteredWorkshop:
    return _get(_events(ShelteredWorkshop, user, county_wide=False), pk)


def workshop_worker_list_for_user(*, user, workshop: ShelteredWorkshop | None = None):
    workers = _person_records(WorkshopWorker, user).select_related("workshop")
    return workers if workshop is None else workers.filter(workshop=workshop)


def workshop_worker_get_for_user(*, user, pk: int) -> WorkshopWorker:
    return _get(workshop_worker_list_for_user(user=user), pk)


def relief_visit_list_for_user(*, user):
    return _person_records(ReliefVisit, user).select_related("person__household")


def legal_case_list_for_user(*, user):
    return _person_records(LegalCase, user)


def legal_case_get_for_user(*, user, pk: int) -> LegalCase:
    return _get(legal_case_list_for_user(user=user), pk)


def culture_event_list_for_user(*, user):
    return _events(CultureEvent, user).annotate(participant_count=Count("participations")).order_by("-held_on", "-pk")


def culture_event_get_for_user(*, user, pk: int) -> CultureEvent:
    return _get(_events(CultureEvent, user), pk)


def event_participation_list_for_user(*, user, event: CultureEvent):
    return _person_records(EventParticipation, user).filter(event=event)


def screening_tally_list_for_user(*, user):
    return _events(ScreeningTally, user, county_wide=False)


def suspected_report_list_for_user(*, user):
    return _events(SuspectedReport, user, county_wide=False).select_related("person")


def suspected_report_get_for_user(*, user, pk: int) -> SuspectedReport:
    return _get(suspected_report_list_for_user(user=user), pk)


def person_community_records(*, user, person) -> dict:
    """One person's records for the person page (the caller has already reached the person through the access
    layer; the capability is checked here)."""
    if not has_perm(user, Perm.COMMUNITY_VIEW):
        return {}
    return {
        "trainings": list(person.training_attendances.select_related("session").order_by("-session__start_date")),
        "referrals": list(person.job_referrals.order_by("-referred_on")),
        "workshops": list(person.workshop_jobs.select_related("workshop").order_by("-start_date")),
        "visits": list(person.relief_visits.order_by("-visited_on")),
        "cases": list(person.legal_cases.order_by("-opened_on")),
        "events": list(person.event_participations.select_related("event").order_by("-event__held_on")),
    }


# ---------------------------------------------------------------- the year's figures (for reports and the home page)


def _between(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def community_figures(*, user, start: date, end: date) -> dict:
    """The figures for the period [start, end] in the user's scope (nothing without COMMUNITY_VIEW)."""
    if not has_perm(user, Perm.COMMUNITY_VIEW):
        raise PermissionDenied
    return community_figures_for(township_id=township_scope(user), start=start, end=end)


def community_figures_for(*, township_id: int | None, start: date, end: date) -> dict:
    """The figures a county's work report gives for these services, for [start, end], for one township or the
    county (None); the reports and the dashboard call this with the scope they already resolved.

    Persons count once however often they appear; person-times (人次) count every attendance; households count
    the household register (a person without one counts as their own household). County-wide events count for
    every township; their attendees only for their own.
    """

    def persons(model, path="person"):
        rows = model.objects.all()
        return rows if township_id is None else rows.filter(**{f"{path}__township_id": township_id})

    def events(model, county_wide=True):
        rows = model.objects.all()
        if township_id is None:
            return rows
        return (
            rows.filter(Q(township_id=township_id) | Q(township__isnull=True))
            if county_wide
            else rows.filter(township_id=township_id)
        )

    attendances = persons(TrainingAttendance).filter(_between("session__start_date", start, end))
    fairs = events(JobFair).filter(_between("held_on", start, end))
    referrals = persons(JobReferral)
    visits = persons(ReliefVisit).filter(_between("visited_on", start, end))
    cases = persons(LegalCase)
    culture = events(CultureEvent).filter(_between("held_on", start, end))
    participations = persons(EventParticipation).filter(_between("event__held_on", start, end))
    tallies = events(ScreeningTally, county_wide=False).filter(_between("month", start.replace(day=1), end))
    reports = events(SuspectedReport, county_wide=False)

    visit_totals = visits.aggregate(
        visits=Count("pk"),
        households=Count("person__household", distinct=True),
        lone_persons=Count("person", distinct=True, filter=Q(person__household__isnull=True)),
        cash=Coalesce(Sum("cash"), ZERO),
        goods=Coalesce(Sum("goods_value"), ZERO),
    )
    screening = tallies.aggregate(
        first_screens=Coalesce(Sum("first_screens"), 0),
        rescreens=Coalesce(Sum("rescreens"), 0),
        diagnoses=Coalesce(Sum("diagnoses"), 0),
        referrals=Coalesce(Sum("referrals"), 0),
    )
    opened = cases.filter(_between("opened_on", start, end))
    return {
        "start": start,
        "end": end,
        "training_sessions": events(TrainingSession).filter(_between("start_date", start, end)).count(),
        "training_person_times": attendances.count(),
        "training_persons": attendances.values("person").distinct().count(),
        "job_fairs": fairs.count(),
        "job_fair_positions": fairs.aggregate(n=Coalesce(Sum("positions"), 0))["n"],
        "referrals": referrals.filter(_between("referred_on", start, end)).count(),
        "placements": referrals.filter(_between("placed_on", start, end)).count(),
        "workshop_workers": persons(WorkshopWorker)
        .filter(Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start)))
        .values("person")
        .distinct()
        .count(),
        "relief_visits": visit_totals["visits"],
        "relief_households": visit_totals["households"] + visit_totals["lone_persons"],
        "relief_cash": visit_totals["cash"],
        "relief_goods": visit_totals["goods"],
        "legal_cases": opened.count(),
        "legal_aid_cases": opened.filter(kind=CaseKind.LEGAL_AID).count(),
        "complaints": opened.filter(kind=CaseKind.COMPLAINT).count(),
        "cases_closed": cases.filter(_between("closed_on", start, end), status=CaseStatus.CLOSED).count(),
        "culture_events": culture.count(),
        "culture_participant_times": participations.count()
        + culture.aggregate(n=Coalesce(Sum("other_participants"), 0))["n"],
        **{f"screening_{key}": value for key, value in screening.items()},
        "suspected_reports": reports.filter(_between("reported_on", start, end)).count(),
        "suspected_referred": reports.filter(
            _between("resolved_on", start, end), status=SuspectedStatus.REFERRED
        ).count(),
    }
