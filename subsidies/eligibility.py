"""The gap judge: who qualifies for a program and is not enrolled (应享未享, "missing"), and who is enrolled and no
longer qualifies (应退未退, "excess"), in one set-wise query per program through the program's rule.

The dashboard's figures (dashboards.statistics.enrollment_gaps) and the dynamic-management page
(subsidies.selectors.dynamic_management), which lists the persons behind them, both ask this module, so their
counts cannot drift apart. The rule owns who is a candidate (`Rule.candidate_condition`) and the verdict
(`judged_sql`); this module owns the two halves:

- not enrolled: living persons, not moved out, in the scope, without an active enrollment in the program, whom the
  rule's candidate condition admits on `on`, judged on `on`;
- enrolled: every active enrollment of a person in the scope, judged on the day the payment run judges it
  (`ENROLLED_DAY`): a person who died or moved out is excess (应退尽退).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection

from cases.models import Person, Township

from .models import Application, Enrollment, EnrollmentStatus, Program
from .rules import judged_sql, rule_for, sql_value

MISSING, EXCESS, KEPT = "missing", "excess", "kept"

# The day an active enrollment (alias e, its application alias a) is judged on, as the payment run judges it: in
# the enrollment's first month, on the application date when that is later than `on` and in the same month
# (自递交申请当月计发), so that a person the month's run pays is never listed as no longer qualifying.
ENROLLED_DAY = """CASE WHEN a.applied_on > %(on)s AND e.start_month = date_trunc('month', %(on)s::date)::date
                     AND date_trunc('month', a.applied_on) = date_trunc('month', %(on)s::date)
                THEN a.applied_on ELSE %(on)s::date END"""


def enrolled_eligibility_codes(program_code: str, person_ids: list[int], on: date) -> dict[int, tuple[list[str], str]]:
    """Like rules.eligibility_codes for enrolled persons, judged on `ENROLLED_DAY` (the day the payment run judges
    them); a person without an enrollment in the program is judged on `on`. One query for the whole list."""
    if not person_ids:
        return {}
    rule = rule_for(program_code)
    program_id = Program.objects.values_list("pk", flat=True).get(code=program_code)
    pairs = f"""
    SELECT p.person_id, %(on)s::date AS month, {ENROLLED_DAY} AS day
    FROM (SELECT DISTINCT unnest(%(person_ids)s::bigint[]) AS person_id) p
    LEFT JOIN {Enrollment._meta.db_table} e ON e.person_id = p.person_id AND e.program_id = %(program_id)s
    LEFT JOIN {Application._meta.db_table} a ON a.id = e.application_id"""
    sql = "WITH " + judged_sql(rule, pairs) + "\nSELECT person_id, reasons, tier FROM judged"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"program_id": program_id, "person_ids": list(person_ids), "on": on})
        return {person_id: (list(codes), tier) for person_id, codes, tier in cursor.fetchall()}


def _pairs_sql(program: Program, *, scoped: bool, missing: bool, enrolled: bool) -> str:
    """The judge's pairs: person_id, month, day and `enrolled`, for the halves asked."""
    rule = rule_for(program.code)
    person, enrollment, application = (m._meta.db_table for m in (Person, Enrollment, Application))
    scope = " AND p.township_id = ANY(%(township_ids)s)" if scoped else ""
    active = f"e.program_id = %(program_id)s AND e.status = {sql_value(EnrollmentStatus.ACTIVE)}"
    halves = []
    if missing:
        halves.append(f"""
    SELECT p.id AS person_id, %(on)s::date AS month, %(on)s::date AS day, false AS enrolled
    FROM {person} p
    WHERE p.death_date IS NULL AND p.moved_out_date IS NULL{scope}
      AND NOT EXISTS (SELECT 1 FROM {enrollment} e WHERE e.person_id = p.id AND {active})
      AND ({rule.candidate_condition()})""")
    if enrolled:
        halves.append(f"""
    SELECT e.person_id, %(on)s::date AS month, {ENROLLED_DAY} AS day, true AS enrolled
    FROM {enrollment} e JOIN {person} p ON p.id = e.person_id
    LEFT JOIN {application} a ON a.id = e.application_id
    WHERE {active}{scope}""")
    return "\n    UNION ALL".join(halves)


def _judge(
    program: Program, *, on: date, township_ids: Sequence[int] | None, view: str = "", limit: int = 0
) -> tuple[dict[int, dict[str, int]], dict[str, list[dict]]]:
    """Counts per township ({township_id: {missing, excess, enrolled}}) and the first `limit` persons of each half
    shown ({"missing": [{person_id, tier, reasons}], "excess": [...]}), township code and name order, one query."""
    show_missing, show_excess = view != EXCESS, view != MISSING
    missing = show_missing and not program.automatic
    if not (missing or show_excess) or (township_ids is not None and not township_ids):
        return {}, {MISSING: [], EXCESS: []}
    pairs = _pairs_sql(program, scoped=township_ids is not None, missing=missing, enrolled=show_excess)
    person, township = Person._meta.db_table, Township._meta.db_table
    shown = [half for half, show in ((MISSING, show_missing), (EXCESS, show_excess)) if show]
    sql = (
        "WITH "
        + judged_sql(rule_for(program.code), pairs)
        + f""",
gaps AS (
    SELECT person_id, township_id, reasons, tier,
           CASE WHEN enrolled AND cardinality(reasons) > 0 THEN '{EXCESS}'
                WHEN enrolled THEN '{KEPT}'
                WHEN cardinality(reasons) = 0 THEN '{MISSING}' END AS half
    FROM judged
)
SELECT township_id, half, count(*), NULL::bigint, NULL::text[], NULL::text, NULL::bigint AS rank
FROM gaps WHERE half IS NOT NULL GROUP BY township_id, half
UNION ALL
SELECT township_id, half, NULL, person_id, reasons, tier, rank FROM (
    SELECT g.*, row_number() OVER (PARTITION BY g.half ORDER BY t.code, p.name, g.person_id) AS rank
    FROM gaps g JOIN {person} p ON p.id = g.person_id LEFT JOIN {township} t ON t.id = g.township_id
    WHERE g.half = ANY(%(shown)s)
) listed WHERE rank <= %(limit)s
ORDER BY rank NULLS FIRST"""
    )
    params = {
        "program_id": program.pk,
        "on": on,
        "township_ids": list(township_ids or []),
        "shown": shown,
        "limit": limit,
    }
    counts: dict[int, dict[str, int]] = {}
    listed: dict[str, list[dict]] = {MISSING: [], EXCESS: []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for township_id, half, count, person_id, reasons, tier, _rank in rows:
        if person_id is None:
            figures = counts.setdefault(township_id, {MISSING: 0, EXCESS: 0, "enrolled": 0})
            if half != MISSING:
                figures["enrolled"] += count
            if half != KEPT:
                figures[half] += count
        else:
            listed[half].append({"person_id": person_id, "tier": tier, "reasons": list(reasons)})
    return counts, listed


def program_gap_counts(*, program: Program, on: date, township_id: int | None = None) -> dict[int, dict[str, int]]:
    """应享未享 / 应退未退 of one program per township: {township_id: {"missing", "excess", "enrolled"}} (a township
    with none is absent). `township_id` None: the whole county. An automatic program has no "missing" half."""
    counts, _listed = _judge(program, on=on, township_ids=None if township_id is None else [township_id])
    return counts


def program_gap_persons(
    *, program: Program, on: date, township_ids: Sequence[int] | None = None, view: str = "", limit: int = 200
) -> dict:
    """The gaps of one program over `township_ids` (None: the whole county; empty: nothing), and the persons behind
    them: {"missing", "excess", "enrolled": counts, "missing_persons" / "excess_persons": the first `limit` as
    [{person_id, tier, reasons (codes)}], in township and name order}. `view` MISSING or EXCESS judges only that
    half (the other's count is then 0); an automatic program has no "missing" half."""
    counts, listed = _judge(program, on=on, township_ids=township_ids, view=view, limit=limit)
    totals = {key: sum(figures[key] for figures in counts.values()) for key in (MISSING, EXCESS, "enrolled")}
    return {**totals, "missing_persons": listed[MISSING], "excess_persons": listed[EXCESS]}
