"""The leaders' figures, each one aggregate query (or a few) in PostgreSQL; no person row is read into Python.

Every selector takes `township_id` (None = the whole county) so a township liaison's dashboard and a township
report count only that township, and returns plain values (ints, Decimals, dates, lists, dicts) that can be
cached and rendered to HTML, XLSX and PDF alike.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, Q, Sum, Value
from django.db.models.functions import Cast, Concat, TruncMonth

from cases.models import Township
from certificates.models import Category, Certificate, CertificateLifecycleEvent, CertificateStatus, EventKind, Grade
from community.selectors import community_figures_for
from fedportal.core.cache import cache_get_many, cache_set_many
from fedportal.core.dates import add_months
from rehab.models import ServiceType, SurveyRecord, SurveyRound
from rehab.selectors import rehab_indicators, rehab_indicators_total, survey_progress
from subsidies.eligibility import program_gap_counts
from subsidies.models import Budget, LineKind, PaymentLine, PaymentRun, Program, RunStatus
from subsidies.rules import registered_codes

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
EVENT_KINDS = (EventKind.ISSUE, EventKind.RENEW, EventKind.CANCEL)
EXPIRY_WINDOW_DAYS = 90


# ---------------------------------------------------------------- dates


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def rate(part, whole) -> Decimal | None:
    """A percentage with one decimal place, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def townships(township_id: int | None = None) -> list[dict]:
    rows = Township.objects.order_by("code")
    if township_id is not None:
        rows = rows.filter(pk=township_id)
    return list(rows.values("id", "code", "name"))


# ---------------------------------------------------------------- certificates


def _valid_on(on: date) -> Q:
    """A certificate valid on `on` (certificates.models.Certificate.is_valid_on, as a filter)."""
    return Q(issue_date__lte=on, expiry_date__gte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def certified_persons(*, on: date, township_id: int | None = None) -> dict:
    """Persons holding a certificate valid on `on`, by category x grade and by township x grade (one query).

    Returns {"categories": [{category, label, grades: [g1..g4], total}], "grade_totals": [..4], "total",
             "townships": [{township_id, name, code, grades: [..4], total}]}.
    """
    certificates = Certificate.objects.filter(_valid_on(on))
    if township_id is not None:
        certificates = certificates.filter(person__township_id=township_id)
    counts = (
        certificates.values("person__township_id", "category", "grade")
        # One card is valid per person on a day (a renewal ends the old card the day the new one starts), so
        # counting cards counts persons, without the sort a DISTINCT would cost.
        .annotate(n=Count("pk"))
        .order_by()
    )
    grades = [g.value for g in Grade]
    by_category = {c.value: [0] * len(grades) for c in Category}
    by_township = {t["id"]: [0] * len(grades) for t in townships(township_id)}
    for row in counts:
        g = grades.index(row["grade"])
        by_category.setdefault(row["category"], [0] * len(grades))[g] += row["n"]
        by_township.setdefault(row["person__township_id"], [0] * len(grades))[g] += row["n"]
    categories = [
        {"category": c.value, "label": str(c.label), "grades": by_category[c.value], "total": sum(by_category[c.value])}
        for c in Category
    ]
    grade_totals = [sum(row["grades"][i] for row in categories) for i in range(len(grades))]
    township_rows = [
        {
            "township_id": t["id"],
            "code": t["code"],
            "name": t["name"],
            "grades": by_township[t["id"]],
            "total": sum(by_township[t["id"]]),
        }
        for t in townships(township_id)
    ]
    return {
        "on": on,
        "grades": [{"grade": g.value, "label": str(g.label)} for g in Grade],
        "categories": categories,
        "grade_totals": grade_totals,
        "total": sum(grade_totals),
        "townships": township_rows,
    }


def certificate_events(*, months: list[date], township_id: int | None = None) -> dict:
    """Certificates newly issued (新办), renewed (换领) and cancelled (注销) per month, from the lifecycle events.

    Returns {"months": [...], "kinds": [{kind, label, counts: [...], total}]}.
    """
    events = CertificateLifecycleEvent.objects.filter(
        kind__in=[k.value for k in EVENT_KINDS], event_date__range=(months[0], month_end(months[-1]))
    )
    if township_id is not None:
        events = events.filter(person__township_id=township_id)
    rows = events.annotate(month=TruncMonth("event_date")).values("month", "kind").annotate(n=Count("pk")).order_by()
    counts = {(_as_date(row["month"]), row["kind"]): row["n"] for row in rows}
    kinds = []
    for kind in EVENT_KINDS:
        series = [counts.get((m, kind.value), 0) for m in months]
        kinds.append({"kind": kind.value, "label": str(kind.label), "counts": series, "total": sum(series)})
    return {"months": months, "kinds": kinds}


def certificates_expiring(*, today: date, days: int = EXPIRY_WINDOW_DAYS, township_id: int | None = None) -> dict:
    """Active certificates expiring between today and today + `days`, by township (the registry list's
    `expiring_days` filter counts the same set)."""
    certificates = Certificate.objects.filter(
        status=CertificateStatus.ACTIVE, expiry_date__gte=today, expiry_date__lte=today + timedelta(days=days)
    )
    if township_id is not None:
        certificates = certificates.filter(person__township_id=township_id)
    counts = dict(
        certificates.values("person__township_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("person__township_id", "n")
    )
    rows = [
        {"township_id": t["id"], "name": t["name"], "count": counts.get(t["id"], 0)} for t in townships(township_id)
    ]
    return {"days": days, "today": today, "townships": rows, "total": sum(r["count"] for r in rows)}


# ---------------------------------------------------------------- subsidies


def _programs():
    return list(Program.objects.filter(is_active=True).order_by("sort_order", "code"))


def _paid_lines():
    """Lines of approved runs that paid money (current month and back pay; recoveries apart)."""
    return PaymentLine.objects.filter(run__status=RunStatus.APPROVED, kind__in=[LineKind.CURRENT, LineKind.BACKPAY])


def _run_key(run_id: int) -> str:
    from .selectors import CACHE_VERSION

    return f"dashboards:run:v{CACHE_VERSION}:{run_id}"


def approved_run_figures(run_ids: list[int]) -> dict[int, dict]:
    """Recipients, amount paid and person-months of approved runs, for the county and per township.

    An approved run never changes (corrections go into later runs), so its figures are computed once, in two
    aggregate queries for all runs not yet known, and cached without expiry: a cold dashboard only reads the lines
    of runs approved since. Returns {run_id: {"total": {...}, "townships": {township_id: {...}}}}.
    """

    keys = {run_id: _run_key(run_id) for run_id in run_ids}
    found = cache_get_many(list(keys.values()))
    result = {run_id: found[key] for run_id, key in keys.items() if key in found}
    missing = [run_id for run_id in run_ids if run_id not in result]
    if missing:
        lines = _paid_lines().filter(run_id__in=missing)
        # Person-months: each person once for each month (or year) paid, back pay included, never once per line.
        person_month = Concat(Cast("person_id", CharField()), Value(":"), Cast("month", CharField()))
        sums = {
            "recipients": Count("person_id", distinct=True),
            "amount": Sum("amount"),
            "person_months": Count(person_month, distinct=True),
        }
        fresh = {
            run_id: {"total": {"recipients": 0, "amount": ZERO, "person_months": 0}, "townships": {}}
            for run_id in missing
        }
        for row in lines.values("run_id", "township_id").annotate(**sums).order_by():
            fresh[row["run_id"]]["townships"][row["township_id"]] = {
                "recipients": row["recipients"],
                "amount": row["amount"] or ZERO,
                "person_months": row["person_months"],
            }
        for row in lines.values("run_id").annotate(**sums).order_by():
            fresh[row["run_id"]]["total"] = {
                "recipients": row["recipients"],
                "amount": row["amount"] or ZERO,
                "person_months": row["person_months"],
            }
        cache_set_many({keys[run_id]: figures for run_id, figures in fresh.items()}, timeout=None)
        result.update(fresh)
    return result


def _approved_runs(**filters) -> list[dict]:
    return list(PaymentRun.objects.filter(status=RunStatus.APPROVED, **filters).values("id", "program_id", "period"))


def _scoped(figures: dict, township_id: int | None) -> dict:
    if township_id is None:
        return figures["total"]
    return figures["townships"].get(township_id, {"recipients": 0, "amount": ZERO, "person_months": 0})


def subsidy_payments(*, months: list[date], township_id: int | None = None) -> dict:
    """Recipients (distinct persons paid) and amounts per program and run period, from approved payment runs.

    Returns {"months": [...], "programs": [{program_id, code, name, monthly, recipients: [...], amounts: [...],
             run_ids: [...], total_amount, person_months}], "total_amount"}.
    """
    runs = _approved_runs(period__range=(months[0], months[-1]))
    figures = approved_run_figures([r["id"] for r in runs])
    by_key = {
        (r["program_id"], r["period"]): {"run_id": r["id"], **_scoped(figures[r["id"]], township_id)} for r in runs
    }
    programs = []
    for program in _programs():
        cells = [by_key.get((program.pk, m), {}) for m in months]
        amounts = [c.get("amount") or ZERO for c in cells]
        programs.append(
            {
                "program_id": program.pk,
                "code": program.code,
                "name": program.name,
                "monthly": program.is_monthly,
                "recipients": [c.get("recipients", 0) for c in cells],
                "amounts": amounts,
                "run_ids": [c.get("run_id") for c in cells],
                "total_amount": sum(amounts, ZERO),
                "person_months": sum(c.get("person_months", 0) for c in cells),
            }
        )
    return {"months": months, "programs": programs, "total_amount": sum((p["total_amount"] for p in programs), ZERO)}


def grant_figures(*, start: date, end: date, township_id: int | None = None) -> dict:
    """Per program, what approved runs of periods in [start, end] paid: persons (each once), person-times (lines:
    a monthly allowance counts each month, a one-off grant each payment) and the amount; a failed payment the bank
    returned is not counted, its 重发 is. Returns {"start", "end", "programs": [{code, name, persons, times, amount,
    period_kind}], "persons", "amount"}."""
    lines = PaymentLine.objects.filter(
        run__status=RunStatus.APPROVED,
        run__period__gte=start.replace(day=1),
        run__period__lte=end,
        kind__in=[LineKind.CURRENT, LineKind.BACKPAY, LineKind.RESEND],
    ).exclude(result__status="failed")
    if township_id is not None:
        lines = lines.filter(township_id=township_id)
    paid = {
        r["program_id"]: r
        for r in lines.values("program_id")
        .annotate(persons=Count("person_id", distinct=True), times=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    programs = [
        {
            "code": program.code,
            "name": program.name,
            "period_kind": program.period_kind,
            "persons": paid.get(program.pk, {}).get("persons", 0),
            "times": paid.get(program.pk, {}).get("times", 0),
            "amount": paid.get(program.pk, {}).get("amount") or ZERO,
        }
        for program in _programs()
    ]
    return {
        "start": start,
        "end": end,
        "programs": programs,
        "persons": lines.values("person_id").distinct().count(),
        "amount": sum((p["amount"] for p in programs), ZERO),
    }


def community_figures(*, start: date, end: date, township_id: int | None = None) -> dict:
    """Employment, relief visits, legal aid, culture and early detection for [start, end] (community.selectors)."""
    return community_figures_for(township_id=township_id, start=start, end=end)


def budget_execution(*, years: list[int], township_id: int | None = None) -> dict:
    """Budget per program and year and what approved runs of that year paid; execution rate = paid / budgeted.

    Budgets are county-wide: for one township only the paid amounts are given (no budget, no rate).
    """
    runs = _approved_runs(period__year__in=years)
    figures = approved_run_figures([r["id"] for r in runs])
    paid: dict[tuple[int, int], Decimal] = {}
    for r in runs:
        key = (r["program_id"], r["period"].year)
        paid[key] = paid.get(key, ZERO) + _scoped(figures[r["id"]], township_id)["amount"]
    budgets = {}
    if township_id is None:
        budgets = {(b.program_id, b.year): b.amount for b in Budget.objects.filter(year__in=years)}
    rows = []
    for year in years:
        for program in _programs():
            budget = budgets.get((program.pk, year))
            amount = paid.get((program.pk, year)) or ZERO
            rows.append(
                {
                    "year": year,
                    "program_id": program.pk,
                    "code": program.code,
                    "name": program.name,
                    "budget": budget,
                    "paid": amount,
                    "rate": rate(amount, budget) if budget else None,
                }
            )
    return {"years": years, "rows": rows, "county_wide": township_id is None}


def enrollment_gaps(*, on: date, township_id: int | None = None) -> dict:
    """应享未享 / 应退未退 for the programs people are enrolled in (monthly, not automatic), per township.

    missing: persons not enrolled whom the program's rule accepts on `on`; excess: active enrollments the rule
    refuses (on the day the payment run judges them). Counted by the one gap judge, subsidies.eligibility, which the
    dynamic-management page (subsidies.selectors.dynamic_management) asks too for the persons behind the figures.
    """
    codes = set(registered_codes())
    result = []
    for program in _programs():
        if program.code not in codes or not program.is_monthly or program.automatic:
            continue
        counts = program_gap_counts(program=program, on=on, township_id=township_id)
        empty = {"missing": 0, "excess": 0, "enrolled": 0}
        rows = [
            {"township_id": t["id"], "name": t["name"], **counts.get(t["id"], empty)} for t in townships(township_id)
        ]
        result.append(
            {
                "program_id": program.pk,
                "code": program.code,
                "name": program.name,
                "townships": rows,
                "missing": sum(r["missing"] for r in rows),
                "excess": sum(r["excess"] for r in rows),
                "enrolled": sum(r["enrolled"] for r in rows),
            }
        )
    return {"on": on, "programs": result}


def subsidy_statement(*, month: date, township_id: int | None = None) -> dict:
    """The monthly statement: per program, the approved run of `month` — recipients, current and back-pay lines,
    recoveries and totals — with a township breakdown. Yearly programs appear in the month their run's period is."""
    runs = {r.program_id: r for r in PaymentRun.objects.filter(status=RunStatus.APPROVED, period=month)}
    lines = PaymentLine.objects.filter(run__in=list(runs.values()))
    if township_id is not None:
        lines = lines.filter(township_id=township_id)
    sums = {
        "recipients": Count("person_id", distinct=True, filter=~Q(kind=LineKind.RECOVERY)),
        "current_count": Count("pk", filter=Q(kind=LineKind.CURRENT)),
        "current_amount": Sum("amount", filter=Q(kind=LineKind.CURRENT)),
        "backpay_count": Count("pk", filter=Q(kind=LineKind.BACKPAY)),
        "backpay_amount": Sum("amount", filter=Q(kind=LineKind.BACKPAY)),
        "recovery_count": Count("pk", filter=Q(kind=LineKind.RECOVERY)),
        "recovery_amount": Sum("amount", filter=Q(kind=LineKind.RECOVERY)),
    }
    per_township = {
        (row["run__program_id"], row["township_id"]): row
        for row in lines.values("run__program_id", "township_id").annotate(**sums).order_by()
    }
    per_program = {row["run__program_id"]: row for row in lines.values("run__program_id").annotate(**sums).order_by()}

    def clean(row: dict) -> dict:
        out = {key: (row.get(key) or (ZERO if key.endswith("amount") else 0)) for key in sums}
        out["paid_amount"] = out["current_amount"] + out["backpay_amount"]
        return out

    programs = []
    for program in _programs():
        run = runs.get(program.pk)
        programs.append(
            {
                "program_id": program.pk,
                "code": program.code,
                "name": program.name,
                "run_id": run.pk if run else None,
                "approved_at": run.approved_at if run else None,
                **clean(per_program.get(program.pk, {})),
                "townships": [
                    {"township_id": t["id"], "name": t["name"], **clean(per_township.get((program.pk, t["id"]), {}))}
                    for t in townships(township_id)
                ],
            }
        )
    return {"month": month, "programs": programs}


# ---------------------------------------------------------------- rehab


def rehab_figures(*, year: int, township_id: int | None = None) -> dict:
    """Rehab service rate and device fitting rate per township (rehab.selectors), with the county line."""
    rows = rehab_indicators(year=year, township_id=township_id)
    return {"year": year, "townships": rows, "total": rehab_indicators_total(rows=rows)}


def survey_summary(*, year: int, township_id: int | None = None) -> dict:
    """The yearly needs survey: progress per township (rehab.selectors.survey_progress) and, over the records of the
    round, how many persons received / need each kind of service (one query over the arrays)."""
    survey_round = SurveyRound.objects.filter(year=year).first()
    if survey_round is None:
        return {"year": year, "round": None, "townships": [], "services": []}
    progress = survey_progress(survey_round=survey_round, township_id=township_id)
    records = SurveyRecord.objects.filter(survey_round=survey_round)
    if township_id is not None:
        records = records.filter(township_id=township_id)
    aggregates = {}
    for choice in ServiceType:
        aggregates[f"received_{choice.value}"] = Count("pk", filter=Q(services_received__contains=[choice.value]))
        aggregates[f"needed_{choice.value}"] = Count("pk", filter=Q(services_needed__contains=[choice.value]))
    counts = records.aggregate(**aggregates)
    services = [
        {
            "service_type": choice.value,
            "label": str(choice.label),
            "received": counts[f"received_{choice.value}"],
            "needed": counts[f"needed_{choice.value}"],
        }
        for choice in ServiceType
    ]
    return {
        "year": year,
        "round": {
            "title": survey_round.title,
            "start_date": survey_round.start_date,
            "end_date": survey_round.end_date,
        },
        "townships": progress,
        "services": services,
    }


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def failed_payments(*, months: list[date], township_id: int | None = None) -> dict:
    """Per run month: lines of approved runs the bank returned as failed, their amount, and those still held
    (not yet paid again). {"months", "count": [...], "amount": [...], "held": [...], "held_amount": [...]}."""

    lines = PaymentLine.objects.filter(
        result__status="failed", run__status="approved", run__period__range=(months[0], months[-1])
    )
    if township_id is not None:
        lines = lines.filter(township_id=township_id)
    rows = {
        r["run__period"]: r
        for r in lines.values("run__period").annotate(
            count=Count("pk"),
            failed_amount=Sum("amount"),
            held=Count("pk", filter=Q(result__resent_line__isnull=True)),
            held_amount=Sum("amount", filter=Q(result__resent_line__isnull=True)),
        )
    }
    empty = {"count": 0, "failed_amount": ZERO, "held": 0, "held_amount": ZERO}
    cells = [rows.get(m, empty) for m in months]
    return {
        "months": months,
        "count": [c["count"] for c in cells],
        "amount": [c["failed_amount"] or ZERO for c in cells],
        "held": [c["held"] for c in cells],
        "held_amount": [c["held_amount"] or ZERO for c in cells],
    }
