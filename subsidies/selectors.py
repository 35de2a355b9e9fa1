"""Reads of the subsidies app. Every view reads through these, so the township scope lives in one place."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404

from cases.selectors import person_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, scope_q, township_scope

from .eligibility import EXCESS, MISSING, program_gap_persons
from .models import (
    Application,
    Budget,
    Enrollment,
    LineKind,
    PaymentLine,
    PaymentRun,
    PaymentStop,
    Program,
    RunStatus,
)
from .rules import reason_labels, rule_for
from .services.runs import previous_approved_run


def run_status_now(*, run) -> str:
    """The run's status as committed now (a page built over a few queries may hold an older one)."""
    return PaymentRun.objects.filter(pk=run.pk).values_list("status", flat=True).get()


def program_list():
    return Program.objects.filter(is_active=True)


def enrollment_list_for_user(*, user):
    if not has_perm(user, Perm.PROGRAM_VIEW):
        return Enrollment.objects.none()
    if not has_perm(user, Perm.PERSON_VIEW):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(scope_q(user, "person__township")).select_related("program")


def application_list_for_user(*, user):
    if not (has_perm(user, Perm.APPLICATION_ENTER) or has_perm(user, Perm.APPLICATION_REVIEW)):
        return Application.objects.none()
    # An application follows its person's current township (README, Architecture), not the township it was
    # entered in: after a move the new township checks it and the old one no longer sees it.
    applications = Application.objects.select_related("person", "program", "township", "entered_by")
    return applications.filter(scope_q(user, "person__township"))


def application_get_for_user(*, user, application_id: int) -> Application:
    application = application_list_for_user(user=user).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def payment_run_list_for_user(*, user):
    if not has_perm(user, Perm.PAYMENT_RUN_VIEW):
        return PaymentRun.objects.none()
    return PaymentRun.objects.select_related("program", "created_by", "approved_by", "job")


def payment_run_list_filtered(*, user, program=None, period: str = "", status: str = ""):
    """The run list narrowed by program, period (`YYYY-MM` or `YYYY`, a prefix of the period) and status."""
    runs = payment_run_list_for_user(user=user)
    if program is not None:
        runs = runs.filter(program=program)
    if period:
        year, _sep, month = period.partition("-")
        runs = runs.filter(period__year=int(year))
        if month:
            runs = runs.filter(period__month=int(month))
    if status:
        runs = runs.filter(status=status)
    return runs


def payment_run_get_for_user(*, user, run_id: int) -> PaymentRun:
    run = payment_run_list_for_user(user=user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def payment_line_list_for_user(*, user, run: PaymentRun, township_id: int | None = None):
    """Lines of a run the user may see: county-wide finance and leaders; a liaison (no PAYMENT_RUN_VIEW) nothing.
    `township_id` narrows to one township (within the user's scope) in the order of the payment sheet."""
    if not has_perm(user, Perm.PAYMENT_RUN_VIEW):
        return PaymentLine.objects.none()
    lines = (
        PaymentLine.objects.filter(run=run)
        .select_related("person", "township")
        .order_by("township__code", "person__name", "person_id", "month", "kind")
    )
    lines = lines.filter(scope_q(user, "person__township"))
    return lines if township_id is None else lines.filter(township_id=township_id)


def budget_execution(*, year: int) -> list[dict]:
    """Per program: budget, paid in approved runs of the year (net of recoveries), execution rate. For dashboards."""
    paid = {
        row["program_id"]: (row["paid"] or Decimal("0")) - (row["recovered"] or Decimal("0"))
        for row in PaymentLine.objects.filter(run__status=RunStatus.APPROVED, run__period__year=year)
        .values("program_id")
        .annotate(
            paid=Sum("amount", filter=~Q(kind=LineKind.RECOVERY)),
            recovered=Sum("amount", filter=Q(kind=LineKind.RECOVERY)),
        )
    }
    budgets = {b.program_id: b.amount for b in Budget.objects.filter(year=year)}
    rows = []
    for program in program_list():
        budget = budgets.get(program.pk)
        spent = paid.get(program.pk, Decimal("0.00"))
        rows.append(
            {
                "program": program,
                "budget": budget,
                "paid": spent,
                "rate": (spent / budget * 100).quantize(Decimal("0.1")) if budget else None,
            }
        )
    return rows


def run_review(*, run: PaymentRun, limit: int = 200) -> dict:
    """The review of a run against the previous approved run of the program: new, stopped (with reasons), changed
    amount, back pay, recovery; counts and totals by township. Aggregates in the database; lists capped at `limit`."""
    previous = previous_approved_run(run)
    lines = PaymentLine.objects.filter(run=run)
    current = lines.filter(kind=LineKind.CURRENT)
    by_township = list(
        lines.values("township__code", "township__name")
        .annotate(
            persons=Count("person_id", distinct=True, filter=~Q(kind=LineKind.RECOVERY)),
            current_count=Count("pk", filter=Q(kind=LineKind.CURRENT)),
            current_total=Sum("amount", filter=Q(kind=LineKind.CURRENT)),
            backpay_count=Count("pk", filter=Q(kind=LineKind.BACKPAY)),
            backpay_total=Sum("amount", filter=Q(kind=LineKind.BACKPAY)),
            recovery_count=Count("pk", filter=Q(kind=LineKind.RECOVERY)),
            recovery_total=Sum("amount", filter=Q(kind=LineKind.RECOVERY)),
        )
        .order_by("township__code")
    )
    stops_by_township = dict(
        PaymentStop.objects.filter(run=run)
        .values_list("township__code")
        .annotate(n=Count("pk"))
        .values_list("township__code", "n")
    )
    for row in by_township:
        row["stops"] = stops_by_township.pop(row["township__code"], 0)
    review = {"previous": previous, "by_township": by_township, "limit": limit}
    if previous is not None:
        previous_current = PaymentLine.objects.filter(run=previous, kind=LineKind.CURRENT)
        new = current.exclude(person_id__in=previous_current.values("person_id"))
        review["new_count"] = new.count()
        review["new"] = new.select_related("person", "township").order_by("township__code", "person__name")[:limit]
        changed = _changed_amounts(run, previous, limit)
        review.update(changed)
    else:
        review["new_count"] = current.count()
        review["new"] = current.select_related("person", "township").order_by("township__code", "person__name")[:limit]
        review["changed"], review["changed_count"] = [], 0
    stops = (
        PaymentStop.objects.filter(run=run)
        .select_related("person", "township")
        .order_by("township__code", "person__name")
    )
    review["stops_count"] = stops.count()
    review["stops"] = [{"stop": s, "reasons": "、".join(reason_labels(s.reasons))} for s in stops[:limit]]
    review["backpay"] = (
        lines.filter(kind=LineKind.BACKPAY)
        .select_related("person", "township")
        .order_by("person__name", "month")[:limit]
    )
    review["recovery"] = [
        {"line": line, "reasons": "、".join(reason_labels(line.reasons))}
        for line in lines.filter(kind=LineKind.RECOVERY)
        .select_related("person", "township")
        .order_by("person__name", "month")[:limit]
    ]
    return review


def _changed_amounts(run, previous, limit) -> dict:
    from django.db import connection

    sql = """
        SELECT p.id, p.name, t.name, o.amount, n.amount
        FROM subsidies_paymentline n
        JOIN subsidies_paymentline o ON o.run_id = %s AND o.kind = 'current' AND o.person_id = n.person_id
        JOIN cases_person p ON p.id = n.person_id JOIN cases_township t ON t.id = n.township_id
        WHERE n.run_id = %s AND n.kind = 'current' AND n.amount <> o.amount
        ORDER BY t.code, p.name"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) x", [previous.pk, run.pk])
        count = cursor.fetchone()[0]
        cursor.execute(f"{sql} LIMIT %s", [previous.pk, run.pk, limit])
        rows = [
            {"person_id": r[0], "name": r[1], "township": r[2], "old": r[3], "new": r[4]} for r in cursor.fetchall()
        ]
    return {"changed": rows, "changed_count": count}


DYNAMIC_MISSING, DYNAMIC_EXCESS = MISSING, EXCESS


def dynamic_management(
    *, user, program: Program, on: date, township_id: int | None = None, view: str = "", limit: int = 200
) -> dict:
    """People who qualify but are not enrolled ("missing", 应享未享), and enrolled people who no longer qualify
    ("excess", 应退未退), with reasons. `view` picks one half (empty: both); `township_id` narrows a county-wide
    user to one township, while a township user always gets their own, whatever is asked.
    Counted and listed by the gap judge (subsidies.eligibility), as the dashboard's figures are."""
    scope = township_scope(user)
    if scope is not None:
        township_id = scope
    persons = person_list_for_user(user=user)
    township_ids = None if township_id is None else [township_id]
    if not has_perm(user, Perm.PERSON_VIEW):
        township_ids = []  # person_list_for_user gives such a user nobody
    gaps = program_gap_persons(program=program, on=on, township_ids=township_ids, view=view, limit=limit)
    shown = [row["person_id"] for row in gaps["missing_persons"] + gaps["excess_persons"]]
    names = persons.filter(pk__in=shown).select_related("township", "village").in_bulk()
    result = {
        "program": program,
        "on": on,
        "limit": limit,
        "township_id": township_id,
        "show_missing": view != DYNAMIC_EXCESS,
        "show_excess": view != DYNAMIC_MISSING,
    }
    if result["show_excess"]:
        result["not_qualifying_count"] = gaps["excess"]
        result["not_qualifying"] = [
            {"person": names[row["person_id"]], "reasons": "、".join(reason_labels(row["reasons"]))}
            for row in gaps["excess_persons"]
            if row["person_id"] in names
        ]
    if result["show_missing"]:
        result["automatic"] = program.automatic
        result["qualifying_count"] = gaps["missing"]
        tiers = rule_for(program.code).tiers
        result["qualifying"] = [
            {"person": names[row["person_id"]], "tier": tiers.get(row["tier"], row["tier"])}
            for row in gaps["missing_persons"]
            if row["person_id"] in names
        ]
    return result
