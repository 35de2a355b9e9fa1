"""What an agency comparison means for money, registered into the registry's comparison hooks.

- money effects: for each person a finding touches, the months the payment runs would judge differently once the
  finding is applied: paid months that become recoveries, the first unpaid month that becomes a stop, a stopped
  enrollment that would be paid again, or (for programs taken by application) a person who would now qualify but
  holds no enrollment (应补尽补). Judged by the programs' own rules (rules.judged_sql) before and after the findings
  are applied in a rolled-back savepoint, so the words on the comparison page are what the next run will do.
- the 应补尽补 panel: people the 低保 roll carries who hold a valid certificate and no living allowance, with a
  one-click application.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.utils.translation import gettext_lazy as _

from cases.comparison.hooks import ComparisonPanel, register_comparison_panel, register_money_effects
from cases.selectors import person_list_for_user
from certificates.models import Certificate
from fedportal.accounts.permissions import Perm, has_perm
from fedportal.core.clock import local_today
from fedportal.core.dates import add_months

from .models import (
    Application,
    ApplicationStatus,
    Enrollment,
    EnrollmentStatus,
    LineKind,
    PaymentLine,
    PeriodKind,
    Program,
    RunStatus,
)
from .rules import judged_sql, rule_for
from .services.runs import program_parameter

LIVING = "living"


def _month_from(day: date) -> date:
    """The first month whose first day is on or after `day` (eligibility is judged on the first of the month)."""
    return day if day.day == 1 else add_months(day.replace(day=1), 1)


def _judge(program: Program, pairs: list[tuple[int, date, date]]) -> dict[tuple[int, date], bool]:
    """(person, month) -> qualifies, for the given (person, month, day) pairs, in one query."""
    if not pairs:
        return {}
    rule = rule_for(program.code)
    pairs_sql = (
        "SELECT p.person_id, p.month, p.day FROM unnest(%(persons)s::bigint[], %(months)s::date[], %(days)s::date[])"
        " AS p(person_id, month, day)"
    )
    sql = "WITH " + judged_sql(rule, pairs_sql) + "\nSELECT person_id, month, cardinality(reasons) = 0 FROM judged"
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "program_id": program.pk,
                "persons": [p for p, _m, _d in pairs],
                "months": [m for _p, m, _d in pairs],
                "days": [d for _p, _m, d in pairs],
            },
        )
        return {(person_id, month): ok for person_id, month, ok in cursor.fetchall()}


def _paid(program: Program, person_ids, since: date) -> dict[int, dict[date, Decimal]]:
    """Net amount paid per person and month in approved runs (recoveries deducted), months with money left only."""
    signed = Case(
        When(kind=LineKind.RECOVERY, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    rows = (
        PaymentLine.objects.filter(
            run__status=RunStatus.APPROVED, program=program, person_id__in=person_ids, month__gte=since
        )
        .values("person_id", "month")
        .annotate(net=Sum(signed))
        .filter(net__gt=0)
    )
    paid: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for row in rows:
        paid[row["person_id"]][row["month"]] = row["net"]
    return paid


@register_money_effects
def payment_effects(*, changes: dict[int, date], what_if) -> dict[int, list[dict]]:
    today = local_today()
    current = today.replace(day=1)
    last = add_months(current, 1)  # the next run's month after this one: a change dated today shows there
    person_ids = list(changes)
    programs = list(Program.objects.filter(period_kind=PeriodKind.MONTHLY, is_active=True, automatic=False))
    plans = []
    relevant: set[int] = set()
    for program in programs:
        since = add_months(current, -max(0, program_parameter(program, "recovery_months", current)))
        enrolled = dict(
            Enrollment.objects.filter(
                program=program, person_id__in=person_ids, status=EnrollmentStatus.ACTIVE
            ).values_list("person_id", "start_month")
        )
        paid = _paid(program, person_ids, since)
        pairs: list[tuple[int, date, date]] = []
        for person_id in set(enrolled) | set(paid):
            first = max(_month_from(changes[person_id]), since)
            months = {m for m in paid.get(person_id, {}) if m >= first}
            if person_id in enrolled:
                month = max(first, enrolled[person_id])
                while month <= last:
                    months.add(month)
                    month = add_months(month, 1)
            pairs.extend((person_id, m, m) for m in sorted(months))
        candidates = []
        if program.accepts_applications:
            pending = set(
                Application.objects.filter(
                    program=program,
                    person_id__in=person_ids,
                    status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.TOWNSHIP_CHECKED],
                ).values_list("person_id", flat=True)
            )
            holders = set(
                Certificate.objects.filter(person_id__in=person_ids, expiry_date__gte=today)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
                .values_list("person_id", flat=True)
            )
            candidates = [pid for pid in person_ids if pid in holders and pid not in enrolled and pid not in pending]
            pairs.extend((pid, current, max(today, changes[pid])) for pid in candidates)
        relevant.update(pid for pid, _m, _d in pairs)
        plans.append((program, pairs, paid, enrolled, set(candidates)))

    before = {program.pk: _judge(program, pairs) for program, pairs, *_rest in plans}
    with what_if(relevant):
        after = {program.pk: _judge(program, pairs) for program, pairs, *_rest in plans}

    effects: dict[int, list[dict]] = defaultdict(list)
    for program, pairs, paid, enrolled, candidates in plans:
        was, now = before[program.pk], after[program.pk]
        by_person: dict[int, list[date]] = defaultdict(list)
        for person_id, month, _day in pairs:
            by_person[person_id].append(month)
        for person_id, months in by_person.items():
            if person_id in candidates:
                if not was.get((person_id, current)) and now.get((person_id, current)):
                    effects[person_id].append({"program": program.name, "candidate": True})
                continue
            person_paid = paid.get(person_id, {})
            recover = sorted(
                m for m in months if m in person_paid and was.get((person_id, m)) and not now.get((person_id, m))
            )
            unpaid = sorted(m for m in months if m not in person_paid)
            effect: dict = {"program": program.name}
            if person_id in enrolled:
                stop = next((m for m in unpaid if was.get((person_id, m)) and not now.get((person_id, m))), None)
                resume = next((m for m in unpaid if not was.get((person_id, m)) and now.get((person_id, m))), None)
                if stop:
                    effect["stop"] = f"{stop:%Y-%m}"
                elif resume:
                    effect["resume"] = f"{resume:%Y-%m}"
            if recover:
                effect["recover"] = [f"{m:%Y-%m}" for m in recover]
                effect["amount"] = str(sum((person_paid[m] for m in recover), Decimal("0.00")))
            if len(effect) > 1:
                effects[person_id].append(effect)
    return dict(effects)


def living_candidates(*, user, comparison, limit: int = 200) -> dict:
    """People the 低保 roll carries who hold a valid certificate today and neither receive nor have applied for the
    living allowance (应补尽补), in the user's scope."""
    program = Program.objects.filter(code=LIVING).first()
    if program is None or not comparison.roll_person_ids:
        return {"program": program, "persons": [], "count": 0}
    today = local_today()
    holders = Certificate.objects.filter(issue_date__lte=today, expiry_date__gte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    persons = (
        person_list_for_user(user=user)
        .filter(pk__in=comparison.roll_person_ids, death_date__isnull=True, moved_out_date__isnull=True)
        .filter(pk__in=holders.values("person_id"))
        .exclude(pk__in=Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE).values("person_id"))
        .exclude(
            pk__in=Application.objects.filter(
                program=program, status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.TOWNSHIP_CHECKED]
            ).values("person_id")
        )
        .select_related("township", "village")
        .order_by("township__code", "name")
    )
    count = persons.count()
    return {"program": program, "persons": list(persons[:limit]), "count": count, "limit": limit}


@register_comparison_panel(order=10)
def candidates_panel(request, comparison) -> ComparisonPanel | None:
    if comparison.kind != "poverty" or not has_perm(request.user, Perm.PROGRAM_VIEW):
        return None
    context = living_candidates(user=request.user, comparison=comparison)
    context["may_apply"] = has_perm(request.user, Perm.APPLICATION_ENTER)
    return ComparisonPanel(
        title=_("应补尽补：低保名册中持有效残疾人证、未享受生活补贴的人"),
        template="subsidies/_comparison_candidates.html",
        context=context,
        slug="candidates",
    )
