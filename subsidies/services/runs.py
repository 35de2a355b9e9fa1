"""Payment runs: create -> compute (a Job, set-wise SQL in one transaction) -> review -> approve (maker-checker).

The computation never queries per person. For a monthly program it generates every enrollment's candidate
months (the period and up to `backpay_months` earlier months after 已发放至) with generate_series, drops months
already paid in approved runs (net of recoveries), judges the rest with the program's rule (rules.judged_sql), and
writes the lines, the stops and the recoveries with INSERT ... SELECT. Everything happens in one transaction after
deleting the draft's previous lines, so recomputing is idempotent and a killed worker leaves the previous state.
"""

import os
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize
from fedportal.core.dates import add_months
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.services import JobError, job_create

from ..models import (
    Enrollment,
    EnrollmentStatus,
    LineKind,
    PaymentLine,
    PaymentRun,
    PaymentStop,
    Program,
    ProgramParameter,
    ProgramRate,
    RunStatus,
)
from ..rules import judged_sql, reason_labels, rule_for
from .frozen import freeze_run_lines, insert_resend_lines, resends_claim

JOB_KIND = "subsidies.payment_run"


def parse_period(program: Program, text: str) -> date:
    """`YYYY-MM` for monthly programs, `YYYY` for yearly ones -> the first day of the period."""
    text = (text or "").strip()
    try:
        if program.period_is_month:
            year, month = text.split("-")
            if len(year) != 4 or len(month) != 2:
                raise ValueError
            return date(int(year), int(month), 1)
        if len(text) != 4:
            raise ValueError
        return date(int(text), 1, 1)
    except ValueError:
        pattern = "YYYY-MM" if program.period_is_month else "YYYY"
        raise ValidationError(_("所属期格式应为 %(pattern)s。") % {"pattern": pattern}) from None


def program_parameter(program: Program, key: str, on: date) -> int:
    row = (
        ProgramParameter.objects.filter(program=program, key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("value", flat=True)
        .first()
    )
    if row is not None:
        return int(row)
    return rule_for(program.code).all_parameters()[key].default


def payment_run_create(*, program: Program, period: date, as_of: date | None = None, acting_user) -> PaymentRun:
    """A draft run for one program and period, computed by a background job. A draft of the same program and
    period is reused (and recomputed) rather than duplicated."""
    authorize(acting_user, Perm.PAYMENT_RUN_CREATE, COUNTY_WIDE)
    rule_for(program.code)
    if period.day != 1 or (not program.period_is_month and period.month != 1):
        raise ValidationError(_("所属期必须是某月1日（年度项目为1月1日）。"))
    if program.period_is_month:
        as_of = period
    else:
        as_of = as_of or date(period.year, 12, 1)
        if as_of.year != period.year:
            raise ValidationError(_("认定日期必须在所属年度内。"))
    with transaction.atomic():
        if PaymentRun.objects.filter(program=program, period=period, status=RunStatus.APPROVED).exists():
            raise ValidationError(_("该项目该所属期已有审批通过的发放批次，不能再次计算。"))
        run = (
            PaymentRun.objects.select_for_update()
            .filter(program=program, period=period, status=RunStatus.DRAFT)
            .first()
        )
        if run is None:
            run = PaymentRun(program=program, period=period, as_of=as_of, created_by=acting_user)
            run.full_clean(validate_constraints=False)
            run.save()
        elif run.as_of != as_of:
            run.as_of = as_of
            run.save(update_fields=["as_of"])
        return _enqueue(run, acting_user)


def payment_run_recompute(*, run: PaymentRun, acting_user) -> PaymentRun:
    """Compute a draft again (after data changes, or after a worker died): the same data gives the same lines."""
    authorize(acting_user, Perm.PAYMENT_RUN_CREATE, COUNTY_WIDE)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DRAFT:
            raise ValidationError(_("只有草稿批次可以重新计算。"))
        return _enqueue(run, acting_user)


def _enqueue(run: PaymentRun, acting_user) -> PaymentRun:
    job = job_create(kind=JOB_KIND, acting_user=acting_user, params={"run_id": run.pk})
    run.job = job
    run.save(update_fields=["job"])
    return run


def _pause(milliseconds_env: str = "FEDPORTAL_PAYMENT_RUN_STEP_DELAY_MS") -> None:
    # Test hook: lets the worker-kill test catch a run in the middle of its transaction. Unset in production.
    delay_ms = int(os.environ.get(milliseconds_env) or 0)
    if delay_ms:
        time.sleep(delay_ms / 1000)


_PAID = """
paid AS (
    SELECT l.person_id, l.month, sum(CASE WHEN l.kind = 'recovery' THEN -l.amount ELSE l.amount END) AS net
    FROM subsidies_paymentline l JOIN subsidies_paymentrun r ON r.id = l.run_id
    WHERE r.status = 'approved' AND l.program_id = %(program_id)s AND l.month >= %(recovery_from)s AND l.month <= %(period)s
    {persons}
    -- A line the bank returned as failed was not paid (its 重发 line, when there is one, was).
    AND NOT EXISTS (SELECT 1 FROM subsidies_paymentresult pr WHERE pr.line_id = l.id AND pr.status = 'failed')
    GROUP BY l.person_id, l.month
    HAVING sum(CASE WHEN l.kind = 'recovery' THEN -l.amount ELSE l.amount END) > 0
)"""

# The first month of an enrollment is judged on the day the application was submitted (自递交申请当月计发); every
# other month, and the first month of an enrollment without an application (imported), on the first day.
_FIRST_DAY = """CASE WHEN a.applied_on IS NOT NULL AND e.start_month = {month}
    AND date_trunc('month', a.applied_on)::date = {month} THEN a.applied_on ELSE {month} END"""

# The table of one computation's judged pairs (a temporary table, dropped at the end of the computation).
_TEMP = "subsidies_run_judged"

# The period itself: every active enrollment not paid outside the portal through the period.
_MONTHLY_CURRENT_PAIRS = f"""
SELECT e.id AS enrollment_id, e.person_id, %(period)s::date AS month, {_FIRST_DAY.format(month="%(period)s::date")} AS day,
       EXISTS (SELECT 1 FROM subsidies_paidmonth pm
               WHERE pm.program_id = %(program_id)s AND pm.person_id = e.person_id AND pm.month = %(period)s) AS already_paid
FROM subsidies_enrollment e
LEFT JOIN subsidies_application a ON a.id = e.application_id
WHERE e.program_id = %(program_id)s AND e.status = 'active' AND e.start_month <= %(period)s
  AND (e.paid_through IS NULL OR e.paid_through < %(period)s)"""

# Persons whose facts may differ between two days of the window (%(since)s, %(period)s]: a death or move, a
# certificate issued, expiring or ended, a poverty record starting or ending (their own or their household head's),
# an exclusion in force at some time in the window. Everyone else had the same facts on every day of the window.
_CHANGED_PERSONS = """
    SELECT id FROM cases_person WHERE death_date < %(period)s OR moved_out_date < %(period)s
    UNION SELECT person_id FROM certificates_certificate
    WHERE (issue_date > %(since)s AND issue_date <= %(period)s)
       OR (expiry_date >= %(since)s AND expiry_date < %(period)s)
       OR (ended_on > %(since)s AND ended_on <= %(period)s)
    UNION SELECT person_id FROM cases_povertyrecord
    WHERE (start_date > %(since)s AND start_date <= %(period)s)
       OR (end_date >= %(since)s AND end_date < %(period)s)
    UNION SELECT m.id FROM cases_person m
    JOIN cases_person h ON h.household_id = m.household_id AND h.relation_to_head = 'head' AND h.id <> m.id
    JOIN cases_povertyrecord r ON r.person_id = h.id
    WHERE (r.start_date > %(since)s AND r.start_date <= %(period)s)
       OR (r.end_date >= %(since)s AND r.end_date < %(period)s)
    UNION SELECT person_id FROM cases_personexclusion
    WHERE start_date <= %(period)s AND (end_date IS NULL OR end_date >= %(since)s)"""

# Earlier unpaid months (back pay, up to `backpay_months`). Judged for whoever qualifies in the period and for the
# persons whose facts changed since the first back-pay month; a person who does not qualify now and whose facts
# were the same all along did not qualify then either, so their months need no judging (with {candidates} empty
# — a parameter change in the window, or a rule that depends on age — every enrollment is judged).
_MONTHLY_BACK_PAIRS = f"""
SELECT c.enrollment_id, c.person_id, c.month, c.day, false AS already_paid
FROM (
    SELECT e.id AS enrollment_id, e.person_id, gs::date AS month, {_FIRST_DAY.format(month="gs::date")} AS day
    FROM (
        SELECT e.*, greatest(e.start_month, %(backpay_from)s::date, (e.paid_through + interval '1 month')::date) AS first
        FROM subsidies_enrollment e
        WHERE e.program_id = %(program_id)s AND e.status = 'active' AND e.start_month < %(period)s
        {{candidates}}
    ) e
    -- Most enrollments have every earlier month paid: count them on the ledger's index first, and generate the
    -- months only where one is missing.
    CROSS JOIN LATERAL (
        SELECT count(*) AS paid FROM subsidies_paidmonth pm
        WHERE pm.program_id = %(program_id)s AND pm.person_id = e.person_id
          AND pm.month >= e.first AND pm.month < %(period)s
    ) ledger
    LEFT JOIN subsidies_application a ON a.id = e.application_id
    CROSS JOIN LATERAL generate_series(e.first, (%(period)s::date - interval '1 month'), interval '1 month') gs
    -- A probe per generated month (LIMIT keeps it a probe: an anti-join here would hash the whole ledger).
    LEFT JOIN LATERAL (
        SELECT true AS paid FROM subsidies_paidmonth pm
        WHERE pm.program_id = %(program_id)s AND pm.person_id = e.person_id AND pm.month = gs::date LIMIT 1
    ) month_paid ON true
    WHERE ledger.paid < (date_part('year', %(period)s::date) - date_part('year', e.first)) * 12
                        + date_part('month', %(period)s::date) - date_part('month', e.first)
      AND month_paid.paid IS NULL
) c"""

_BACK_PAY_CANDIDATES = f"""AND e.person_id IN (
        SELECT person_id FROM {_TEMP} WHERE cardinality(reasons) = 0
        UNION {{changed}})""".replace("{changed}", _CHANGED_PERSONS.replace("%(since)s", "%(backpay_from)s"))

# Recovery is checked for the persons whose facts may differ from month to month inside the recovery window and
# for those who do not qualify in the period itself; everyone else had the same facts all along and qualifies now,
# so their paid months stand. A parameter change inside the window makes everyone a candidate.
_RECOVERY_PERSONS = f"""
AND ({{recheck}} l.person_id IN (
    {{changed}}
    UNION SELECT person_id FROM subsidies_enrollment
    WHERE program_id = %(program_id)s AND (status <> 'active' OR start_month > %(period)s OR paid_through >= %(period)s)
    UNION SELECT person_id FROM {_TEMP} WHERE month = %(period)s AND cardinality(reasons) > 0
))""".replace("{changed}", _CHANGED_PERSONS.replace("%(since)s", "%(recovery_from)s"))

_RECOVERY_PAIRS = f"""
SELECT p.person_id, p.month, {_FIRST_DAY.format(month="p.month")} AS day, p.net, e.id AS enrollment_id
FROM paid p
LEFT JOIN subsidies_enrollment e ON e.person_id = p.person_id AND e.program_id = %(program_id)s
LEFT JOIN subsidies_application a ON a.id = e.application_id
WHERE p.month >= %(recovery_from)s"""

_YEARLY_ENROLLED_PAIRS = """
SELECT e.id AS enrollment_id, e.person_id, %(period)s::date AS month, %(as_of)s::date AS day,
       EXISTS (SELECT 1 FROM subsidies_paidmonth pm
               WHERE pm.program_id = %(program_id)s AND pm.person_id = e.person_id AND pm.month = %(period)s) AS already_paid,
       true AS listed
FROM subsidies_enrollment e
WHERE e.program_id = %(program_id)s AND e.status = 'active' AND e.start_month <= %(as_of)s
  AND (e.paid_through IS NULL OR e.paid_through < %(period)s)"""

# Automatic yearly programs: every holder of a certificate valid on the as-of date, plus whoever the previous
# approved run paid (so that they are listed as stopped when they no longer qualify).
_YEARLY_AUTOMATIC_PAIRS = """
SELECT NULL::bigint AS enrollment_id, x.person_id, %(period)s::date AS month, %(as_of)s::date AS day,
       EXISTS (SELECT 1 FROM subsidies_paidmonth pm
               WHERE pm.program_id = %(program_id)s AND pm.person_id = x.person_id AND pm.month = %(period)s) AS already_paid,
       bool_or(x.listed) AS listed
FROM (
    SELECT c.person_id, false AS listed FROM certificates_certificate c
    WHERE c.issue_date <= %(as_of)s AND c.expiry_date >= %(as_of)s AND (c.ended_on IS NULL OR %(as_of)s < c.ended_on)
    UNION ALL
    SELECT l.person_id, true FROM subsidies_paymentline l WHERE l.run_id = %(previous_run_id)s AND l.kind <> 'recovery'
) x GROUP BY x.person_id"""

# Yearly programs: every year paid in an approved run before the period, judged again on the as-of date of the run
# that paid it. Few rows (a yearly program pays a small part of the registry), so no candidate filter.
_YEARLY_PAID = """
paid AS (
    SELECT l.person_id, l.month, max(r.as_of) FILTER (WHERE l.kind <> 'recovery') AS day,
           sum(CASE WHEN l.kind = 'recovery' THEN -l.amount ELSE l.amount END) AS net
    FROM subsidies_paymentline l JOIN subsidies_paymentrun r ON r.id = l.run_id
    WHERE r.status = 'approved' AND l.program_id = %(program_id)s AND l.month < %(period)s
    GROUP BY l.person_id, l.month
    HAVING sum(CASE WHEN l.kind = 'recovery' THEN -l.amount ELSE l.amount END) > 0
)"""

_YEARLY_RECOVERY_PAIRS = """
SELECT p.person_id, p.month, p.day, p.net, e.id AS enrollment_id
FROM paid p LEFT JOIN subsidies_enrollment e ON e.person_id = p.person_id AND e.program_id = %(program_id)s"""

# The event of a grant paid once per event: its application, or for an enrollment from a list (the enrollments
# roster of an occasion) the month it starts, negative so that it never meets an application's id.
ONCE_EVENT = "coalesce(e.application_id, -(extract(year FROM e.start_month)::bigint * 100 + extract(month FROM e.start_month)::bigint))"

# One-off grants: every active enrollment (an approved application, or a list's row) not yet in the OncePayment
# ledger, judged on the day of its application. %(per_event)s is 1 when the grant is paid once per event, else 0.
_ONCE_PAIRS = """
SELECT e.id AS enrollment_id, e.person_id, %(period)s::date AS month,
       least(coalesce(a.applied_on, %(period)s::date), %(period_end)s::date) AS day,
       EXISTS (SELECT 1 FROM subsidies_oncepayment op
               WHERE op.program_id = %(program_id)s AND op.person_id = e.person_id
                 AND op.event = CASE WHEN %(per_event)s = 1 THEN {event} ELSE 0 END) AS already_paid,
       true AS listed
FROM subsidies_enrollment e LEFT JOIN subsidies_application a ON a.id = e.application_id
WHERE e.program_id = %(program_id)s AND e.status = 'active' AND e.start_month <= %(period)s""".replace(
    "{event}", ONCE_EVENT
)


def payment_run_compute(*, run_id: int, progress=None) -> dict:
    """Rewrite the draft's lines, stops and recoveries. One transaction: all or nothing. (A run split into chunks
    computed by several workers: subsidies/services/run_chunks.py, which writes through the same statements.)"""
    with transaction.atomic():
        run = lock_draft(run_id)
        if progress:
            progress.start(5, _("清除旧明细"))
        params = compute_params(run)
        with connection.cursor() as cursor:
            prepare_session(cursor)
            cursor.execute("DELETE FROM subsidies_paymentline WHERE run_id = %s", [run.pk])
            cursor.execute("DELETE FROM subsidies_paymentstop WHERE run_id = %s", [run.pk])
            judge_and_write(cursor, run, params, progress=progress)
        _step(progress, _("汇总"))
        store_totals(run)
    return {"run": run.pk, "lines": run.lines_count, "total": str(run.total), "stops": run.stops_count}


def lock_draft(run_id: int) -> PaymentRun:
    """The draft under a row lock (inside the caller's transaction), or a JobError saying why not."""
    run = PaymentRun.objects.select_for_update().select_related("program").filter(pk=run_id).first()
    if run is None:
        raise JobError(_("发放批次不存在。"))
    if run.status != RunStatus.DRAFT:
        raise JobError(_("只有草稿批次可以计算。"))
    return run


def prepare_session(cursor) -> None:
    # The whole computation is a few big statements: give them memory for in-memory hashes and skip JIT
    # compilation, which costs seconds on queries this size.
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute("SET LOCAL jit = off")


def compute_params(run: PaymentRun) -> dict:
    """Every parameter of the computation's statements; checks that the rates exist (a JobError if not)."""
    program = run.program
    rule = rule_for(program.code)
    params = {"program_id": program.pk, "run_id": run.pk, "period": run.period, "as_of": run.as_of}
    if program.is_monthly:
        backpay = max(0, program_parameter(program, "backpay_months", run.period))
        params["backpay_from"] = add_months(run.period, -backpay)
        params["recovery_from"] = _first_paid_month(program, run.period)
        params["recheck_from"] = _recheck_from(program, run.period)
        params["back_pay_everyone"] = rule.uses_age or _parameter_changed(program, params["backpay_from"], run.period)
        _check_rates(program, rule, params["backpay_from"], run.period)
    elif program.is_once:
        _check_rates(program, rule, run.period, run.period)
        params["per_event"] = 1 if getattr(rule, "once_per", "person") == "event" else 0
        params["period_end"] = add_months(run.period, 1) - timedelta(days=1)
    else:
        _check_rates(program, rule, run.period, run.period)
        previous = previous_approved_run(run)
        params["previous_run_id"] = previous.pk if previous else None
    return params


# Where a computation writes: the run's own tables, or (a chunk of a parallel computation) the staging tables,
# whose rows carry the chunk number and are moved into the run's tables once every chunk is done.
_LINE_COLUMNS = "run_id, program_id, person_id, enrollment_id, township_id, month, kind, tier, amount, reasons"
_STOP_COLUMNS = "run_id, person_id, enrollment_id, township_id, reasons"
_CHUNK_PERSONS = (
    "SELECT * FROM ({pairs}) chunk_pairs WHERE chunk_pairs.person_id IN ("
    "SELECT person_id FROM subsidies_run_chunk_person WHERE run_id = %(run_id)s AND chunk = %(chunk)s)"
)


def judge_and_write(cursor, run: PaymentRun, params: dict, *, chunk: int | None = None, progress=None) -> None:
    """Judge the run's pairs and write its lines (current, back pay), stops and recoveries — of every person, or
    with `chunk`, of the persons assigned to that chunk, into the staging tables (重发 lines are the run's own and
    are added where the lines are finally written)."""
    program = run.program
    rule = rule_for(program.code)
    if chunk is None:
        lines, stops, tag_columns, tag_values = "subsidies_paymentline", "subsidies_paymentstop", "", ""

        def only_chunk(pairs):
            return pairs
    else:
        lines, stops, tag_columns, tag_values = (
            "subsidies_run_staged_line",
            "subsidies_run_staged_stop",
            "chunk, ",
            "%(chunk)s, ",
        )
        params = {**params, "chunk": chunk}

        def only_chunk(pairs):
            return _CHUNK_PERSONS.replace("{pairs}", pairs)

    if program.is_monthly:
        pairs = _MONTHLY_CURRENT_PAIRS
    elif program.is_once:
        pairs = _ONCE_PAIRS
    else:
        pairs = _YEARLY_AUTOMATIC_PAIRS if program.automatic else _YEARLY_ENROLLED_PAIRS
    cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")
    _step(progress, _("资格认定"))
    cursor.execute(
        f"CREATE TEMP TABLE {_TEMP} AS WITH {judged_sql(rule, only_chunk(pairs))}\n"
        "SELECT j.*, rt.amount FROM judged j LEFT JOIN rates rt ON rt.month = j.month AND rt.tier = j.tier",
        params,
    )
    if program.is_monthly:
        back = _MONTHLY_BACK_PAIRS.replace("{candidates}", "" if params["back_pay_everyone"] else _BACK_PAY_CANDIDATES)
        cursor.execute(
            f"INSERT INTO {_TEMP} WITH {judged_sql(rule, only_chunk(back))}\n"
            "SELECT j.*, rt.amount FROM judged j LEFT JOIN rates rt ON rt.month = j.month AND rt.tier = j.tier",
            params,
        )
    _pause()
    _step(progress, _("生成发放明细"))
    cursor.execute(
        f"""INSERT INTO {lines} ({tag_columns}{_LINE_COLUMNS})
        SELECT {tag_values}%(run_id)s, %(program_id)s, j.person_id, j.enrollment_id, j.township_id, j.month,
               CASE WHEN j.month = %(period)s THEN 'current' ELSE 'backpay' END, j.tier, j.amount, ''
        FROM {_TEMP} j
        WHERE cardinality(j.reasons) = 0 AND NOT j.already_paid AND j.amount > 0""",
        params,
    )
    if chunk is None:
        insert_resend_lines(cursor, run)
    _pause()
    _step(progress, _("停发名单"))
    listed = "AND j.listed" if not program.is_monthly else ""
    cursor.execute(
        f"""INSERT INTO {stops} ({tag_columns}{_STOP_COLUMNS})
        SELECT {tag_values}%(run_id)s, j.person_id, j.enrollment_id, j.township_id, array_to_string(j.reasons, ',')
        FROM {_TEMP} j
        WHERE j.month = %(period)s AND cardinality(j.reasons) > 0 {listed}""",
        params,
    )
    _pause()
    _step(progress, _("追回核查"))
    # A one-off grant is paid on the facts of its application and never recovered by a later run.
    recovery = None
    if program.is_monthly:
        # Only with a parameter change to recheck: an OR here would turn the candidates' semi-join into a scan.
        recheck = "l.month >= %(recheck_from)s OR" if params["recheck_from"] else ""
        persons = _RECOVERY_PERSONS.replace("{recheck}", recheck)
        recovery = f"{_PAID.format(persons=persons)}, {judged_sql(rule, only_chunk(_RECOVERY_PAIRS))}"
    elif not program.is_once:
        recovery = f"{_YEARLY_PAID}, {judged_sql(rule, only_chunk(_YEARLY_RECOVERY_PAIRS))}"
    if recovery:
        cursor.execute(
            f"""WITH {recovery}
            INSERT INTO {lines} ({tag_columns}{_LINE_COLUMNS})
            SELECT {tag_values}%(run_id)s, %(program_id)s, j.person_id, j.enrollment_id, j.township_id, j.month,
                   'recovery', j.tier, j.net, array_to_string(j.reasons, ',')
            FROM judged j WHERE cardinality(j.reasons) > 0""",
            params,
        )
    cursor.execute(f"DROP TABLE {_TEMP}")


def _parameter_changed(program: Program, since: date, period: date) -> bool:
    return ProgramParameter.objects.filter(
        program=program, effective_from__gt=since, effective_from__lte=period
    ).exists()


def _first_paid_month(program: Program, period: date) -> date:
    """The earliest month any approved run of the program can have paid: recovery reaches back that far. The
    earliest approved period less the longest back-pay limit ever configured bounds every back-pay line."""
    first = (
        PaymentRun.objects.filter(program=program, status=RunStatus.APPROVED)
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    if first is None:
        return period
    longest = max(
        [rule_for(program.code).all_parameters()["backpay_months"].default]
        + [
            int(v)
            for v in ProgramParameter.objects.filter(program=program, key="backpay_months").values_list(
                "value", flat=True
            )
        ]
    )
    return min(period, add_months(first, -max(0, longest)))


# A parameter change (an extension switch, say) may change eligibility of every month from its effective date on:
# for RECHECK_MONTHS after it takes effect, every paid month since then is judged again, whoever the person.
RECHECK_MONTHS = 24


def _recheck_from(program: Program, period: date) -> date | None:
    changed = (
        ProgramParameter.objects.filter(
            program=program, effective_from__gt=add_months(period, -RECHECK_MONTHS), effective_from__lte=period
        )
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    return changed


def _step(progress, message) -> None:
    if progress:
        progress.step(1, message)


def _check_rates(program: Program, rule, first: date, last: date) -> None:
    """Every tier must have an amount for the first month computed; a missing rate is a configuration error."""
    for tier in rule.tiers:
        if not ProgramRate.objects.filter(program=program, tier=tier, effective_from__lte=first).exists():
            raise JobError(
                _("项目“%(program)s”档次“%(tier)s”在 %(month)s 没有补贴标准，请先在后台配置。")
                % {"program": program.name, "tier": rule.tiers[tier], "month": f"{first:%Y-%m}"}
            )


def store_totals(run: PaymentRun) -> None:
    figures = PaymentLine.objects.filter(run=run).aggregate(
        lines=Count("pk", filter=~Q(kind=LineKind.RECOVERY)),
        total=Sum("amount", filter=~Q(kind=LineKind.RECOVERY)),
        backpay_count=Count("pk", filter=Q(kind=LineKind.BACKPAY)),
        backpay_total=Sum("amount", filter=Q(kind=LineKind.BACKPAY)),
        recovery_count=Count("pk", filter=Q(kind=LineKind.RECOVERY)),
        recovery_total=Sum("amount", filter=Q(kind=LineKind.RECOVERY)),
        resend_count=Count("pk", filter=Q(kind=LineKind.RESEND)),
        resend_total=Sum("amount", filter=Q(kind=LineKind.RESEND)),
    )
    run.lines_count = figures["lines"]
    run.total = figures["total"] or Decimal("0.00")
    run.backpay_count = figures["backpay_count"]
    run.backpay_total = figures["backpay_total"] or Decimal("0.00")
    run.recovery_count = figures["recovery_count"]
    run.recovery_total = figures["recovery_total"] or Decimal("0.00")
    run.resend_count = figures["resend_count"]
    run.resend_total = figures["resend_total"] or Decimal("0.00")
    run.stops_count = PaymentStop.objects.filter(run=run).count()
    run.computed_at = timezone.now()
    run.save(
        update_fields=[
            "lines_count",
            "total",
            "backpay_count",
            "backpay_total",
            "recovery_count",
            "recovery_total",
            "resend_count",
            "resend_total",
            "stops_count",
            "computed_at",
        ]
    )


def previous_approved_run(run: PaymentRun) -> PaymentRun | None:
    return (
        PaymentRun.objects.filter(program_id=run.program_id, status=RunStatus.APPROVED, period__lt=run.period)
        .order_by("-period")
        .first()
    )


APPROVE_JOB = "subsidies.payment_run_approve"


def _approval_check(run: PaymentRun, acting_user, expected_lines: int | None, expected_total: Decimal | None) -> None:
    """Why `acting_user` may not approve `run` now, as a ValidationError; nothing when they may."""
    if run.status != RunStatus.DRAFT:
        raise ValidationError(_("只有草稿批次可以审批。"))
    if run.created_by_id == acting_user.pk:
        raise ValidationError(_("制表人不能审批自己创建的批次，请由另一位经办人审批。"))
    if run.job is not None and run.job.status != JobStatus.SUCCEEDED:
        raise ValidationError(_("批次尚未计算完成，不能审批。"))
    if run.computed_at is None:
        raise ValidationError(_("批次尚未计算，不能审批。"))
    if (expected_lines is not None and expected_lines != run.lines_count) or (
        expected_total is not None and expected_total != run.total
    ):
        raise ValidationError(_("批次在您确认后已重新计算，笔数或金额已变化，请重新核对后再审批。"))


def payment_run_approve_start(
    *, run: PaymentRun, acting_user, expected_lines: int | None = None, expected_total: Decimal | None = None
):
    """Approve as a job: freezing a county's run (every line with its payee's details, 重发 claims, paid months)
    takes tens of seconds at 200,000 lines, too long for a request. What the approver can act on is checked here
    first, so a refusal is immediate; the job checks again under the row lock and approves."""
    authorize(acting_user, Perm.PAYMENT_RUN_APPROVE, COUNTY_WIDE)
    _approval_check(run, acting_user, expected_lines, expected_total)
    if approval_job_in_progress(run) is not None:
        raise ValidationError(_("该批次的审批正在进行中，请稍候。"))
    params = {
        "run_id": run.pk,
        "expected_lines": expected_lines,
        "expected_total": None if expected_total is None else str(expected_total),
    }
    return job_create(kind=APPROVE_JOB, acting_user=acting_user, params=params)


def approval_job_in_progress(run: PaymentRun):
    """The run's approval job that has not finished, if any."""
    latest = approval_job_latest(run)
    return latest if latest is not None and not latest.is_finished else None


def approval_job_latest(run: PaymentRun):
    """The run's most recent approval job (its progress, or why it failed), if any."""
    return Job.objects.filter(kind=APPROVE_JOB, params__run_id=run.pk).order_by("-created_at").first()


def payment_run_approve_job_run(*, job, progress=None) -> dict:
    """The approval job: approve with the confirmed figures as the user who asked; a refusal fails the job with
    the reason and leaves the draft as it was."""
    run = PaymentRun.objects.filter(pk=job.params["run_id"]).first()
    if run is None:
        raise JobError(_("发放批次不存在。"))
    if progress:
        progress.start(1, _("锁定发放明细"))
    expected_total = job.params.get("expected_total")
    try:
        payment_run_approve(
            run=run,
            acting_user=job.created_by,
            expected_lines=job.params.get("expected_lines"),
            expected_total=None if expected_total is None else Decimal(expected_total),
        )
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from None
    if progress:
        progress.step(1, _("已审批"))
    return {"run_id": run.pk}


def payment_run_approve(
    *, run: PaymentRun, acting_user, expected_lines: int | None = None, expected_total: Decimal | None = None
) -> PaymentRun:
    """Lock a computed draft. The approver must not be its creator; one approved run per program and period
    (the database enforces both). Stopped enrollments are suspended with their reasons. The lines are frozen with
    the payees' details and 序号, and 重发 lines claim the failed lines they pay again. `expected_lines` and
    `expected_total`: the figures the approver confirmed; a run recomputed since is refused."""
    authorize(acting_user, Perm.PAYMENT_RUN_APPROVE, COUNTY_WIDE)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).select_related("program", "job").get(pk=run.pk)
        _approval_check(run, acting_user, expected_lines, expected_total)
        run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, acting_user, timezone.now()
        try:
            with transaction.atomic():
                run.save(update_fields=["status", "approved_by", "approved_at"])
        except IntegrityError:
            raise ValidationError(_("该项目该所属期已有审批通过的发放批次。")) from None
        with connection.cursor() as cursor:
            freeze_run_lines(cursor, run)
            resends_claim(cursor, run)
            cursor.execute(
                """INSERT INTO subsidies_paidmonth (program_id, person_id, month)
                SELECT program_id, person_id, month FROM subsidies_paymentline WHERE run_id = %s AND kind <> 'recovery'
                ON CONFLICT DO NOTHING""",
                [run.pk],
            )
            cursor.execute(
                """DELETE FROM subsidies_paidmonth pm USING subsidies_paymentline l
                WHERE l.run_id = %s AND l.kind = 'recovery'
                  AND pm.program_id = l.program_id AND pm.person_id = l.person_id AND pm.month = l.month""",
                [run.pk],
            )
            if run.program.is_once:
                _record_once_payments(cursor, run)
        stops = list(
            PaymentStop.objects.filter(run=run, enrollment__isnull=False).values_list("enrollment_id", "reasons")
        )
        by_reason: dict[str, list[int]] = {}
        for enrollment_id, reasons in stops:
            by_reason.setdefault(reasons, []).append(enrollment_id)
        for reasons, ids in by_reason.items():
            label = "、".join(reason_labels(reasons))
            Enrollment.objects.filter(pk__in=ids, status=EnrollmentStatus.ACTIVE).update(
                status=EnrollmentStatus.SUSPENDED,
                status_reason=(_("%(period)s 停发：%(reasons)s") % {"period": run.period_label, "reasons": label})[
                    :200
                ],
                updated_at=timezone.now(),
            )
    return run


def _record_once_payments(cursor, run: PaymentRun) -> None:
    """One-off grants: the ledger row of each paid line (its unique constraint refuses a second payment), and the
    enrollments paid end (已发放): the grant is done."""
    per_event = getattr(rule_for(run.program.code), "once_per", "person") == "event"
    event = ONCE_EVENT if per_event else "0"
    try:
        with transaction.atomic():
            cursor.execute(
                f"""INSERT INTO subsidies_oncepayment (program_id, person_id, event, line_id, paid_on)
                SELECT l.program_id, l.person_id, {event}, l.id, l.month
                FROM subsidies_paymentline l LEFT JOIN subsidies_enrollment e ON e.id = l.enrollment_id
                WHERE l.run_id = %s AND l.kind = 'current'""",
                [run.pk],
            )
    except IntegrityError:
        raise ValidationError(_("批次中有已发放过的一次性补贴，请重新计算后再审批。")) from None
    cursor.execute(
        """UPDATE subsidies_enrollment e SET status = 'ended', status_reason = %s, updated_at = now()
        FROM subsidies_paymentline l WHERE l.run_id = %s AND l.kind = 'current' AND e.id = l.enrollment_id""",
        [(_("%(period)s 已发放") % {"period": run.period_label})[:200], run.pk],
    )


def payment_run_discard(*, run: PaymentRun, acting_user) -> PaymentRun:
    authorize(acting_user, Perm.PAYMENT_RUN_CREATE, COUNTY_WIDE)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DRAFT:
            raise ValidationError(_("只有草稿批次可以作废。"))
        run.status = RunStatus.DISCARDED
        run.save(update_fields=["status"])
        PaymentLine.objects.filter(run=run).delete()
        PaymentStop.objects.filter(run=run).delete()
    return run
