"""Reads of the rehabilitation app.

Access functions (`*_list_for_user`, `*_get_for_user`) narrow every read of people's records to what the user may
see, building on cases.selectors: nothing without REHAB_VIEW, one township for a liaison, 404 by id outside it.
Indicator and spending selectors aggregate in PostgreSQL (no per-person Python loops); the dashboards call them.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cases.models import Person, PovertyStatus, Township
from cases.selectors import person_list_for_user, township_list_for_user
from certificates.models import Certificate
from fedportal.accounts.permissions import Perm, has_perm, scope_q
from fedportal.core.clock import local_today
from fedportal.core.sensitive import MaskedPerson

from .models import (
    ChildRescue,
    ContactMethod,
    DeviceFitting,
    HomeCarePlan,
    HomeCareVisit,
    Need,
    NeedStatus,
    Provider,
    ProviderKind,
    RehabSetting,
    Renovation,
    ServiceRecord,
    ServiceType,
    SurveyRecord,
    SurveyRound,
)

# ---------------------------------------------------------------- rules


def rehab_setting_on(*, day: date) -> RehabSetting:
    """The configuration in force on `day` (the default row is created by migration 0002)."""
    setting = RehabSetting.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return setting or RehabSetting(effective_from=day)


def age_on(birth_date: date, day: date) -> int:
    """Age in full years on `day`: a child turns 7 on the 7th birthday (29 Feb birthdays on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def child_rescue_is_eligible_age(*, birth_date: date, day: date, max_age: int | None = None) -> bool:
    """Eligible from birth until the day before the (max_age + 1)th birthday (0-6 周岁: until the day before 7)."""
    if max_age is None:
        max_age = rehab_setting_on(day=day).child_rescue_max_age
    return birth_date <= day and age_on(birth_date, day) <= max_age


def child_rescue_priority_groups(*, rescue: ChildRescue) -> list:
    """低保/特困 from the registry's current poverty status; orphans and 建档立卡 from the flags stored on the rescue."""
    groups = []
    status = rescue.person.poverty_status
    if status == PovertyStatus.DIBAO:
        groups.append(_("低保家庭"))
    if rescue.is_registered_poor:
        groups.append(_("建档立卡家庭"))
    if rescue.is_orphan:
        groups.append(_("孤儿"))
    if status == PovertyStatus.EXTREME:
        groups.append(_("特困供养"))
    return groups


def priority_q(*, prefix: str = "") -> Q:
    """Rows (rescues) in a priority group, as a filter usable in aggregates."""
    return (
        Q(**{f"{prefix}person__poverty_status__in": [PovertyStatus.DIBAO, PovertyStatus.EXTREME]})
        | Q(**{f"{prefix}is_orphan": True})
        | Q(**{f"{prefix}is_registered_poor": True})
    )


# ---------------------------------------------------------------- access layer


def _scoped(queryset, user, person_path: str = "person"):
    if not has_perm(user, Perm.REHAB_VIEW):
        return queryset.none()
    if not has_perm(user, Perm.PERSON_VIEW):
        return queryset.none()
    return queryset.filter(scope_q(user, f"{person_path}__township"))


def _get(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def rehab_person_get_for_user(*, user, person_id: int):
    if not has_perm(user, Perm.REHAB_VIEW):
        raise Http404
    person = _get(person_list_for_user(user=user).select_related("township", "village", "household"), person_id)
    person.masked = MaskedPerson(user, person)  # masked for this user (fedportal/core/sensitive.py)
    return person


def need_list_for_user(*, user):
    return _scoped(Need.objects.select_related("person", "person__township"), user)


def need_get_for_user(*, user, need_id: int) -> Need:
    return _get(need_list_for_user(user=user), need_id)


def fitting_list_for_user(*, user):
    return _scoped(DeviceFitting.objects.select_related("person", "person__township", "supplier", "need"), user)


def fitting_get_for_user(*, user, fitting_id: int) -> DeviceFitting:
    return _get(fitting_list_for_user(user=user), fitting_id)


def plan_list_for_user(*, user):
    return _scoped(HomeCarePlan.objects.select_related("person", "person__township", "provider"), user)


def plan_get_for_user(*, user, plan_id: int) -> HomeCarePlan:
    return _get(plan_list_for_user(user=user), plan_id)


def visit_list_for_user(*, user):
    return _scoped(HomeCareVisit.objects.select_related("plan", "plan__person", "plan__provider"), user, "plan__person")


def child_rescue_list_for_user(*, user):
    return _scoped(ChildRescue.objects.select_related("person", "person__township", "provider"), user)


def child_rescue_get_for_user(*, user, rescue_id: int) -> ChildRescue:
    return _get(child_rescue_list_for_user(user=user), rescue_id)


def renovation_list_for_user(*, user):
    return _scoped(Renovation.objects.select_related("person", "person__township", "household", "provider"), user)


def renovation_get_for_user(*, user, renovation_id: int) -> Renovation:
    return _get(renovation_list_for_user(user=user), renovation_id)


def service_record_list_for_user(*, user):
    return _scoped(ServiceRecord.objects.select_related("person", "person__township", "provider"), user)


def survey_record_list_for_user(*, user):
    return _scoped(SurveyRecord.objects.select_related("person", "township", "surveyor"), user)


def provider_list_for_user(*, user):
    """Providers are county-level, not personal data: every REHAB_VIEW user may read them."""
    if not has_perm(user, Perm.REHAB_VIEW):
        return Provider.objects.none()
    return Provider.objects.all()


def provider_list_for_page(*, user):
    """The providers list: each with the end of its last contract."""
    return provider_list_for_user(user=user).annotate(contract_end=Max("contracts__end_date"))


def provider_get_for_user(*, user, provider_id: int) -> Provider:
    return _get(provider_list_for_user(user=user), provider_id)


def survey_round_list_for_user(*, user):
    if not (has_perm(user, Perm.REHAB_VIEW) or has_perm(user, Perm.SURVEY_EDIT)):
        return SurveyRound.objects.none()
    return SurveyRound.objects.all()


def survey_round_get_for_user(*, user, round_id: int) -> SurveyRound:
    return _get(survey_round_list_for_user(user=user), round_id)


def providers_assignable(*, kinds, on: date):
    """Providers of these kinds with a contract covering `on` (for form choices)."""
    return (
        Provider.objects.filter(kind__in=kinds, contracts__start_date__lte=on, contracts__end_date__gte=on)
        .distinct()
        .order_by("name")
    )


# ---------------------------------------------------------------- indicators


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _townships(township_id):
    townships = Township.objects.order_by("code")
    if township_id is not None:
        townships = townships.filter(pk=township_id)
    return list(townships.values("id", "code", "name"))


def rehab_indicators(*, year: int, township_id: int | None = None) -> list[dict]:
    """Basic rehab service rate and device fitting rate per township (the person's current township) for `year`.

    need_count: persons with a need (not cancelled) recorded in the year; served_count: those of them with any service
    delivered in the year. device_need_count: persons with an assistive-device need recorded in the year;
    device_fitted_count: those of them who received a device in the year. Rates are percentages (Decimal, one
    decimal place), None when there is no need. One row per township, zero rows included.
    """
    start, end = _year_range(year)
    needs = Need.objects.filter(person=OuterRef("pk"), recorded_on__range=(start, end)).exclude(
        status=NeedStatus.CANCELLED
    )
    services = ServiceRecord.objects.filter(person=OuterRef("pk"), served_on__range=(start, end))
    persons = Person.objects.all()
    if township_id is not None:
        persons = persons.filter(township_id=township_id)
    rows = (
        persons.annotate(
            has_need=Exists(needs),
            served=Exists(services),
            has_device_need=Exists(needs.filter(need_type=ServiceType.DEVICE)),
            fitted=Exists(services.filter(service_type=ServiceType.DEVICE)),
        )
        .filter(has_need=True)
        .values("township_id")
        .annotate(
            need_count=Count("pk"),
            served_count=Count("pk", filter=Q(served=True)),
            device_need_count=Count("pk", filter=Q(has_device_need=True)),
            device_fitted_count=Count("pk", filter=Q(has_device_need=True, fitted=True)),
        )
        .order_by()
    )
    by_township = {row["township_id"]: row for row in rows}
    result = []
    for township in _townships(township_id):
        row = by_township.get(township["id"], {})
        need, served = row.get("need_count", 0), row.get("served_count", 0)
        device_need, fitted = row.get("device_need_count", 0), row.get("device_fitted_count", 0)
        result.append(
            {
                "township_id": township["id"],
                "township_code": township["code"],
                "township_name": township["name"],
                "year": year,
                "need_count": need,
                "served_count": served,
                "service_rate": _rate(served, need),
                "device_need_count": device_need,
                "device_fitted_count": fitted,
                "fitting_rate": _rate(fitted, device_need),
            }
        )
    return result


def rehab_indicators_total(*, rows: list[dict]) -> dict:
    """The county line of `rehab_indicators` rows (sums of counts, rates recomputed)."""
    total = {
        key: sum(r[key] for r in rows)
        for key in ("need_count", "served_count", "device_need_count", "device_fitted_count")
    }
    total["service_rate"] = _rate(total["served_count"], total["need_count"])
    total["fitting_rate"] = _rate(total["device_fitted_count"], total["device_need_count"])
    return total


def rehab_spending(*, year: int, township_id: int | None = None) -> dict:
    """Money spent on services delivered in `year` (ledger rows by the person's township).

    Returns {"by_service_type": [{service_type, label, services, persons, amount, subsidy}],
             "by_provider": [{provider_id, provider_name, provider_kind, services, persons, amount, subsidy}],
             "total": {services, persons, amount, subsidy}}; amounts are Decimal yuan (费用 and the federation's 补助).
    """
    start, end = _year_range(year)
    records = ServiceRecord.objects.filter(served_on__range=(start, end))
    if township_id is not None:
        records = records.filter(person__township_id=township_id)
    sums = {
        "services": Count("pk"),
        "persons": Count("person_id", distinct=True),
        "amount": Sum("amount"),
        "subsidy": Sum("subsidy"),
    }
    zero = Decimal("0.00")
    by_type = {row["service_type"]: row for row in records.values("service_type").annotate(**sums).order_by()}
    by_service_type = []
    for choice in ServiceType:
        row = by_type.get(choice.value, {})
        by_service_type.append(
            {
                "service_type": choice.value,
                "label": choice.label,
                "services": row.get("services", 0),
                "persons": row.get("persons", 0),
                "amount": row.get("amount") or zero,
                "subsidy": row.get("subsidy") or zero,
            }
        )
    by_provider = [
        {
            "provider_id": row["provider_id"],
            "provider_name": row["provider__name"] or str(_("（无机构）")),
            "provider_kind": ProviderKind(row["provider__kind"]).label if row["provider__kind"] else "",
            "services": row["services"],
            "persons": row["persons"],
            "amount": row["amount"] or zero,
            "subsidy": row["subsidy"] or zero,
        }
        for row in records.values("provider_id", "provider__name", "provider__kind")
        .annotate(**sums)
        .order_by("-subsidy")
    ]
    total = records.aggregate(**sums)
    total = {k: (v if v is not None else zero) for k, v in total.items()}
    return {"by_service_type": by_service_type, "by_provider": by_provider, "total": total}


# ---------------------------------------------------------------- yearly survey


def survey_reference_date(*, survey_round: SurveyRound, today: date | None = None) -> date:
    today = today or local_today()
    return min(max(today, survey_round.start_date), survey_round.end_date)


def survey_population(*, survey_round: SurveyRound, persons=None, today: date | None = None):
    """Persons to survey: alive, 户籍 in the county, with a certificate valid on the round's reference date."""
    day = survey_reference_date(survey_round=survey_round, today=today)
    valid = Certificate.objects.filter(person=OuterRef("pk"), issue_date__lte=day, expiry_date__gte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )
    persons = Person.objects.all() if persons is None else persons
    return (
        persons.filter(Exists(valid))
        .filter(Q(death_date__isnull=True) | Q(death_date__gt=day))
        .filter(Q(moved_out_date__isnull=True) | Q(moved_out_date__gt=day))
    )


def survey_person_list_for_user(*, user, survey_round: SurveyRound):
    """The round's persons to survey in the user's scope, each with this round's record's contact method and visit
    date (None while not surveyed)."""
    record = SurveyRecord.objects.filter(survey_round=survey_round, person=OuterRef("pk"))
    persons = survey_population(survey_round=survey_round, persons=person_list_for_user(user=user)).select_related(
        "township", "village"
    )
    return persons.annotate(
        contact_method=Subquery(record.values("contact_method")[:1]),
        visited_on=Subquery(record.values("visited_on")[:1]),
    )


def survey_progress(
    *, survey_round: SurveyRound, township_id: int | None = None, today: date | None = None
) -> list[dict]:
    """Per township: persons to survey, records by contact method, completion and home-visit (入户) rate vs target."""
    population = survey_population(survey_round=survey_round, today=today)
    records = SurveyRecord.objects.filter(survey_round=survey_round)
    if township_id is not None:
        population = population.filter(township_id=township_id)
        records = records.filter(township_id=township_id)
    expected = dict(population.values("township_id").annotate(n=Count("pk")).order_by().values_list("township_id", "n"))
    counts = {
        row["township_id"]: row
        for row in records.values("township_id")
        .annotate(
            done=Count("pk"),
            **{method.value: Count("pk", filter=Q(contact_method=method.value)) for method in ContactMethod},
        )
        .order_by()
    }
    target = rehab_setting_on(day=survey_round.start_date).home_visit_target
    result = []
    for township in _townships(township_id):
        row = counts.get(township["id"], {})
        to_survey = expected.get(township["id"], 0)
        home = row.get(ContactMethod.HOME.value, 0)
        home_rate = _rate(home, to_survey)
        result.append(
            {
                "township_id": township["id"],
                "township_name": township["name"],
                "to_survey": to_survey,
                "done": row.get("done", 0),
                "done_rate": _rate(row.get("done", 0), to_survey),
                **{method.value: row.get(method.value, 0) for method in ContactMethod},
                "home_rate": home_rate,
                "target": target,
                "meets_target": home_rate is not None and home_rate >= target,
            }
        )
    return result


# ---------------------------------------------------------------- home care


def _months(start: date, end: date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def plan_month_rows(*, plan: HomeCarePlan, today: date | None = None) -> list[dict]:
    """For each month of the plan up to today: visits expected, done and missed (a month counts once it has ended;
    the first and last months are expected pro rata to the days the plan covers)."""
    today = today or local_today()
    done = dict(
        plan.visits.annotate(month=TruncMonth("visited_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    done = {(k.date() if hasattr(k, "date") else k): v for k, v in done.items()}
    rows = []
    for month in _months(plan.start_date, min(plan.end_date, today)):
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        covered_from, covered_to = max(month, plan.start_date), min(month_end, plan.end_date)
        days_in_month = (month_end - month).days + 1
        covered = (covered_to - covered_from).days + 1
        expected = round(plan.visits_per_month * covered / days_in_month)
        finished = covered_to < today
        count = done.get(month, 0)
        rows.append(
            {
                "month": month,
                "expected": expected,
                "done": count,
                "missed": max(0, expected - count) if finished else 0,
                "finished": finished,
            }
        )
    return rows


def plans_with_missed_visits(*, plans, today: date | None = None):
    """Active plans whose last finished month had fewer visits than planned (one aggregate query)."""
    today = today or local_today()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    return (
        plans.filter(start_date__lte=last_month, end_date__gte=last_month_end)
        .annotate(last_month_visits=Count("visits", filter=Q(visits__visited_on__range=(last_month, last_month_end))))
        .filter(last_month_visits__lt=F("visits_per_month"))
    )


# ---------------------------------------------------------------- statements


def provider_statement(*, provider: Provider, month: date, records=None) -> dict:
    """The services a provider delivered in one month (ledger rows), with totals."""
    month = month.replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    records = ServiceRecord.objects.all() if records is None else records
    lines = (
        records.filter(provider=provider, served_on__range=(month, month_end))
        .select_related("person", "person__township")
        .order_by("person__township__code", "person__name", "served_on")
    )
    totals = lines.aggregate(
        services=Count("pk"), persons=Count("person_id", distinct=True), amount=Sum("amount"), subsidy=Sum("subsidy")
    )
    for key in ("amount", "subsidy"):
        totals[key] = totals[key] or Decimal("0.00")
    return {"provider": provider, "month": month, "month_end": month_end, "lines": lines, "totals": totals}


def replacements_due(*, fittings, today: date | None = None, within_days: int = 90):
    today = today or local_today()
    return fittings.filter(replacement_date__lte=today + timedelta(days=within_days), status__in=["fitted", "closed"])


def township_choices_for_user(*, user):
    return township_list_for_user(user=user).order_by("code")
