"""Reads of payment runs for finance: the run review by section (paginated, filtered), the bank's results, the held
payments (待更正账户) and each person's payment history. Every read starts from the access layer's querysets."""

import hashlib
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth

from cases.selectors import person_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, scope_q, township_scope
from fedportal.core.cache import cache_get, cache_set
from fedportal.core.sensitive import ACCOUNT, sensitive_for

from .models import (
    BankReturn,
    BankReturnStatus,
    LineKind,
    PaymentLine,
    PaymentResultStatus,
    PaymentRun,
    PaymentStop,
    RunStatus,
)
from .rules import reason_labels, rule_for
from .services.runs import previous_approved_run

SECTION_LINES, SECTION_NEW, SECTION_STOPS, SECTION_CHANGED = "lines", "new", "stops", "changed"
SECTION_BACKPAY, SECTION_RECOVERY, SECTION_RESEND = "backpay", "recovery", "resend"
SECTIONS = [
    SECTION_LINES,
    SECTION_NEW,
    SECTION_STOPS,
    SECTION_CHANGED,
    SECTION_BACKPAY,
    SECTION_RECOVERY,
    SECTION_RESEND,
]


def _kept_figures(user, run: PaymentRun, name: str, compute, *parts):
    """`compute()`, kept for RUN_REVIEW_CACHE_SECONDS under a key of the run's state (computed at, status), the
    user's scope and `parts` (filters, hashed: a searched ID number never appears in a key). A 200,000-line run's
    figures take seconds of SQL; every finance user's every page turn and tab click asked for them again."""
    seconds = settings.RUN_REVIEW_CACHE_SECONDS
    if not seconds or run.computed_at is None:
        return compute()
    state = f"{name}|{run.pk}|{run.status}|{run.computed_at.isoformat()}|{township_scope(user)}|{parts!r}"
    key = "run-review:" + hashlib.sha256(state.encode()).hexdigest()
    value = cache_get(key)
    if value is None:
        value = compute()
        cache_set(key, value, seconds)
    return value


def tier_labels(*, run: PaymentRun) -> dict[str, str]:
    try:
        return {code: str(label) for code, label in rule_for(run.program.code).tiers.items()}
    except LookupError:
        return {}


def _scoped(user, queryset):
    # A line's `township` is the sheet's snapshot; access follows the payee's current township.
    return queryset.filter(scope_q(user, "person__township"))


def _person_filter(queryset, q: str):
    """Name (part of it) or ID number (whole, or its last digits)."""
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(person__name__contains=q)
    if q[:-1].isdigit() and (q[-1].isdigit() or q[-1] in "xX"):
        number = q.upper()
        condition |= Q(person__id_number=number) if len(number) == 18 else Q(person__id_number__endswith=number)
    return queryset.filter(condition)


def run_section_counts(*, user, run: PaymentRun, township_id: int | None = None, q: str = "") -> dict[str, int]:
    """How many rows each section of the review has under the same filters: one count a section."""
    return _kept_figures(
        user,
        run,
        "sections",
        lambda: {
            section: run_section(user=user, run=run, section=section, township_id=township_id, q=q).order_by().count()
            for section in SECTIONS
        },
        township_id,
        q,
        getattr(previous_approved_run(run), "pk", None),  # "new" and "changed" are against it
    )


def _new_lines(user, run):
    current = _scoped(user, PaymentLine.objects.filter(run=run, kind=LineKind.CURRENT))
    previous = previous_approved_run(run)
    if previous is None:
        return current
    return current.exclude(
        person_id__in=PaymentLine.objects.filter(run=previous, kind=LineKind.CURRENT).values("person_id")
    )


def _changed_lines(user, run):
    previous = previous_approved_run(run)
    if previous is None:
        return PaymentLine.objects.none()
    # No ordering: the model's default one (run period, program, township, name) would be sorted for every line.
    before = PaymentLine.objects.filter(run=previous, kind=LineKind.CURRENT, person_id=OuterRef("person_id")).order_by()
    return (
        _scoped(user, PaymentLine.objects.filter(run=run, kind=LineKind.CURRENT))
        .annotate(previous_amount=Subquery(before.values("amount")[:1]))
        .filter(previous_amount__isnull=False)
        .exclude(amount=F("previous_amount"))
    )


def run_section(*, user, run: PaymentRun, section: str, township_id: int | None = None, q: str = ""):
    """The rows of one review section, filtered, in sheet order: a queryset to paginate. Stops are PaymentStop rows;
    every other section is PaymentLine rows (`previous_amount` on the changed ones)."""
    if not has_perm(user, Perm.PAYMENT_RUN_VIEW):
        return PaymentLine.objects.none()
    if section == SECTION_STOPS:
        rows = _scoped(user, PaymentStop.objects.filter(run=run)).select_related("person", "township")
        order = ("township__code", "person__name", "person_id")
    else:
        if section == SECTION_NEW:
            rows = _new_lines(user, run)
        elif section == SECTION_CHANGED:
            rows = _changed_lines(user, run)
        else:
            rows = _scoped(user, PaymentLine.objects.filter(run=run))
            kind = {SECTION_BACKPAY: LineKind.BACKPAY, SECTION_RECOVERY: LineKind.RECOVERY}.get(section)
            if section == SECTION_RESEND:
                kind = LineKind.RESEND
            if kind:
                rows = rows.filter(kind=kind)
        rows = rows.select_related("person", "township")
        if section == SECTION_RESEND:
            rows = rows.select_related("resend_of__run", "resend_of__result")
        order = ("township__code", "person__name", "person_id", "month", "kind")
    if township_id:
        rows = rows.filter(township_id=township_id)
    return _person_filter(rows, q).order_by(*order)


def decorate_rows(*, user, run: PaymentRun, section: str, rows) -> list[dict]:
    """The page's rows as the templates show them: numbers as `Sensitive` values masked for `user`
    (fedportal/core/sensitive.py), tier labels, reasons in words."""
    tiers = tier_labels(run=run)
    reveal_accounts = has_perm(user, Perm.PERSON_REVEAL)
    result = []
    for row in rows:
        item = {"row": row, "masked_id": sensitive_for(user, row.person.id_number)}
        if section == SECTION_STOPS or (isinstance(row, PaymentLine) and row.kind == LineKind.RECOVERY):
            item["reasons"] = "、".join(reason_labels(row.reasons))
        if isinstance(row, PaymentLine):
            item["tier"] = tiers.get(row.tier, row.tier)
            if row.kind == LineKind.RESEND and row.resend_of_id:
                original = row.resend_of
                failure = getattr(original, "result", None)
                item["original_run"] = original.run
                item["failure"] = failure.reason if failure else ""
                item["failed_account"] = sensitive_for(user, original.account, ACCOUNT) if reveal_accounts else ""
                item["new_account"] = sensitive_for(user, row.account or row.person.social_security_card, ACCOUNT)
        result.append(item)
    return result


def run_township_summary(*, user, run: PaymentRun) -> list[dict]:
    return _kept_figures(user, run, "townships", lambda: _township_summary(user, run))


def _township_summary(user, run: PaymentRun) -> list[dict]:
    lines = _scoped(user, PaymentLine.objects.filter(run=run))
    rows = list(
        lines.values("township__code", "township__name")
        .annotate(
            persons=Count("person_id", distinct=True, filter=~Q(kind=LineKind.RECOVERY)),
            current_total=Sum("amount", filter=Q(kind=LineKind.CURRENT)),
            backpay_total=Sum("amount", filter=Q(kind=LineKind.BACKPAY)),
            resend_total=Sum("amount", filter=Q(kind=LineKind.RESEND)),
            recovery_total=Sum("amount", filter=Q(kind=LineKind.RECOVERY)),
        )
        .order_by("township__code")
    )
    stops = dict(
        _scoped(user, PaymentStop.objects.filter(run=run))
        .values_list("township__code")
        .annotate(n=Count("pk"))
        .values_list("township__code", "n")
    )
    for row in rows:
        row["stops"] = stops.get(row["township__code"], 0)
    return rows


# --- the bank's results ---------------------------------------------------------------------------------------


def bank_return_list_for_user(*, user, run: PaymentRun | None = None):
    if not has_perm(user, Perm.PAYMENT_EXPORT):
        return BankReturn.objects.none()
    returns = BankReturn.objects.select_related("run__program", "uploaded_by", "job")
    return returns if run is None else returns.filter(run=run)


def bank_return_get_for_user(*, user, return_id: int) -> BankReturn:
    from django.http import Http404

    bank_return = bank_return_list_for_user(user=user).filter(pk=return_id).first()
    if bank_return is None:
        raise Http404
    return bank_return


def run_results_summary(*, user, run: PaymentRun) -> dict:
    """The run's recorded results: paid and failed counts and amounts in all, by township, by bank, by reason; and
    how many lines still wait for a result."""
    recorded = list(
        BankReturn.objects.filter(run=run, status=BankReturnStatus.RECORDED).order_by("pk").values_list("pk", flat=True)
    )
    return _kept_figures(user, run, "results", lambda: _results_summary(user, run), recorded)


def _results_summary(user, run: PaymentRun) -> dict:
    results = _scoped(user, PaymentLine.objects.filter(run=run).exclude(kind=LineKind.RECOVERY))
    figures = {
        "paid_count": Count("pk", filter=Q(result__status=PaymentResultStatus.PAID)),
        "paid_total": Sum("amount", filter=Q(result__status=PaymentResultStatus.PAID)),
        "failed_count": Count("pk", filter=Q(result__status=PaymentResultStatus.FAILED)),
        "failed_total": Sum("amount", filter=Q(result__status=PaymentResultStatus.FAILED)),
        "pending_count": Count("pk", filter=Q(result__isnull=True)),
    }
    summary = results.aggregate(**figures)
    summary["by_township"] = list(
        results.values("township__code", "township__name").annotate(**figures).order_by("township__code")
    )
    summary["by_bank"] = list(results.values("bank_name").annotate(**figures).order_by("bank_name"))
    summary["by_reason"] = list(
        results.filter(result__status=PaymentResultStatus.FAILED)
        .values("result__reason")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("-count", "result__reason")
    )
    return summary


def return_results(*, user, bank_return: BankReturn, status: str = "", township_id=None, q: str = ""):
    """The lines a return recorded, with their result: the audit of each line's result."""
    rows = _scoped(user, PaymentLine.objects.filter(result__bank_return=bank_return)).select_related(
        "person", "township", "result"
    )
    if status in PaymentResultStatus.values:
        rows = rows.filter(result__status=status)
    if township_id:
        rows = rows.filter(township_id=township_id)
    return _person_filter(rows, q).order_by("sheet_number")


# --- held payments (待更正账户) -------------------------------------------------------------------------------

HELD_WAITING, HELD_CORRECTED, HELD_RESENT, HELD_ALL = "waiting", "corrected", "resent", "all"


def failed_payment_list_for_user(
    *, user, status: str = HELD_WAITING, program=None, township_id=None, month: date | None = None, q: str = ""
):
    """Lines the bank returned as failed, in the user's scope: waiting for a corrected account (the account is the
    one that failed), corrected and waiting for the next run, paid again, or all. `month`: the run's period month
    (the dashboards' figure behind each month)."""
    if not any(has_perm(user, p) for p in (Perm.PAYMENT_RUN_VIEW, Perm.PAYMENT_ACCOUNT_EDIT, Perm.PERSON_EDIT)):
        return PaymentLine.objects.none()
    rows = PaymentLine.objects.filter(
        result__status=PaymentResultStatus.FAILED, person__in=person_list_for_user(user=user)
    ).select_related("person", "township", "run__program", "result__bank_return", "result__resent_line__run")
    if status == HELD_WAITING:
        rows = rows.filter(result__resent_line__isnull=True, person__social_security_card=F("account"))
    elif status == HELD_CORRECTED:
        rows = rows.filter(result__resent_line__isnull=True).exclude(person__social_security_card=F("account"))
    elif status == HELD_RESENT:
        rows = rows.filter(result__resent_line__isnull=False)
    if program is not None:
        rows = rows.filter(program=program)
    if township_id:
        rows = rows.filter(township_id=township_id)
    if month is not None:
        rows = rows.filter(run__period=month)
    return _person_filter(rows, q).order_by("-run__period", "township__code", "person__name", "month")


def failed_payment_rows(*, user, rows) -> list[dict]:
    reveal = has_perm(user, Perm.PERSON_REVEAL)
    items = []
    for line in rows:
        resent = line.result.resent_line
        changed = line.person.social_security_card != line.account
        items.append(
            {
                "line": line,
                "masked_id": sensitive_for(user, line.person.id_number),
                "failed_account": sensitive_for(user, line.account, ACCOUNT) if reveal else "",
                "account_now": sensitive_for(user, line.person.social_security_card, ACCOUNT) if reveal else "",
                "resent": resent,
                "changed": changed,
            }
        )
    return items


def failed_payments_by_month(*, user, months: int = 12) -> list[dict]:
    """Per run month: lines returned as failed and their amount, and how many still wait (not paid again)."""
    if not has_perm(user, Perm.PAYMENT_RUN_VIEW):
        return []
    rows = (
        PaymentLine.objects.filter(result__status=PaymentResultStatus.FAILED, run__status=RunStatus.APPROVED)
        .filter(person__in=person_list_for_user(user=user))
        .annotate(period=TruncMonth("run__period"))
        .values("period")
        .annotate(
            count=Count("pk"),
            total=Sum("amount"),
            held=Count("pk", filter=Q(result__resent_line__isnull=True)),
            held_total=Sum("amount", filter=Q(result__resent_line__isnull=True)),
        )
        .order_by("-period")[:months]
    )
    return [
        {**row, "total": row["total"] or Decimal("0.00"), "held_total": row["held_total"] or Decimal("0.00")}
        for row in rows
    ]


# --- a person's payments ------------------------------------------------------------------------------------


def person_payment_history(*, user, person) -> list[dict]:
    """Every line of an approved run for the person, newest first, with its run, the bank's result and the reason,
    and what became of a failed line."""
    if not has_perm(user, Perm.PAYMENT_RUN_VIEW):
        return []
    lines = (
        PaymentLine.objects.filter(person=person, run__status=RunStatus.APPROVED)
        .select_related("run__program", "result__resent_line__run", "resend_of__run")
        .order_by("-run__period", "-month", "kind")
    )
    return [{"line": line, "result": getattr(line, "result", None)} for line in lines]
