"""Eligibility rules, one class per program, evaluated set-wise in SQL.

Every rule is judged on a set of (person, day) pairs at once: a CTE chain joins each pair to the person, the
certificate issued last on or before that day, the poverty record of that day and the program's parameters
valid in that month, and each rule contributes SQL expressions that yield a reason code (or NULL). A pair
qualifies when it has no reason; its `tier` selects the amount in ProgramRate.

Adding a program (e.g. the fuel subsidy): write a `Rule` subclass here, decorate it with `@register`, and add a
Program row with its ProgramRate rows for every tier (a data migration or the admin). Nothing else changes: runs,
applications, sheets and the gap judge (subsidies/eligibility.py: the dynamic-management page and the dashboards'
应享未享 / 应退未退) pick it up through `rule_for(code)`. A rule that accepts persons without a certificate of their own
says whom it may accept in `candidate_condition`.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext_lazy as _

from cases.disability import Category, Grade
from cases.models import EducationStage, ExclusionKind, Person, PovertyStatus, Relation
from certificates.households import multi_member_sql
from certificates.models import Certificate, CertificateComponent, CertificateStatus

# Reason codes (stored on stops and recoveries) and their Chinese labels.
REASONS = {
    "death": _("死亡"),
    "moved_out": _("户籍迁出"),
    "no_certificate": _("无有效残疾人证"),
    "cert_expired": _("证件过期"),
    "cert_cancelled": _("证件注销"),
    "cert_transferred": _("证件迁出"),
    "grade": _("不再符合等级"),
    "not_dibao": _("不再低保"),
    "extreme_poverty": _("特困供养"),
    "not_student": _("非在校学生或学段不符"),
    "parent_no_certificate": _("父母无有效残疾人证"),
    "generation": _("非第二代/第三代残疾人证"),
    "not_multi_household": _("非一户多残家庭"),
    "not_enrolled": _("未纳入补贴对象"),
    # Exclusions (cases.PersonExclusion), one reason each.
    "work_injury_care": _("领取工伤保险生活护理费"),
    "orphan_support": _("享受孤儿基本生活保障"),
    "similar_allowance": _("择高享受同类补贴"),
    "prison": _("服刑暂停"),
    "fraud": _("骗取补贴"),
    "review_failed": _("年审未通过"),
    "review_missed": _("未参加年审"),
}

# The reason code each exclusion kind (cases.ExclusionKind) gives on a stop.
EXCLUSION_REASONS = {
    "work_injury": "work_injury_care",
    "orphan": "orphan_support",
    "similar": "similar_allowance",
    "prison": "prison",
    "fraud": "fraud",
    "review_failed": "review_failed",
    "review_missed": "review_missed",
}

# Whose parent is whom, from the two persons' relations to the head of their household register:
# (student's relation, member's relation). Children of the head or spouse; the head and the head's siblings are
# children of the head's 父母; grandchildren are children of the head's 子女.
PARENT_RELATIONS = (
    ("child", "head"),
    ("child", "spouse"),
    ("head", "parent"),
    ("sibling", "parent"),
    ("grandchild", "child"),
)


# The stages of a student the education grant is for (a preschool child has its own grant).
STUDENT_STAGES = (
    EducationStage.COMPULSORY,
    EducationStage.HIGH_SCHOOL,
    EducationStage.VOCATIONAL,
    EducationStage.COLLEGE,
)


def sql_list(values) -> str:
    """An SQL list of the model enum values `values` ("('a', 'b')"); the values are code constants, never input."""
    return "(" + ", ".join(f"'{value.value}'" for value in values) + ")"


def reason_labels(codes) -> list[str]:
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return [str(REASONS.get(code, code)) for code in codes]


@dataclass(frozen=True)
class Parameter:
    label: str
    default: int


COMMON_PARAMETERS = {
    "backpay_months": Parameter(_("补发最多月数"), 12),
}


class Rule:
    """The eligibility rule of one program. Subclasses give SQL over the columns of the `facts` CTE (alias f):
    person_id, month, day, township_id, household_id, death_date, moved_out_date, education_stage,
    relation_to_head, cert_id, category, grade, generation, cert_valid, cert_problem, poverty (the person's own
    status, or 低保 when the head of their household register is 低保 that day), exclusions (kinds in force that day,
    择高 only when it names this program); and the program's parameters of that month (alias prm)."""

    code: str = ""
    # Exclusion kinds that stop this program (besides a 择高 naming it), in the order their reasons are listed.
    excluded_by: tuple[str, ...] = ("prison", "fraud")
    tiers: dict[str, str] = {}
    parameters: dict[str, Parameter] = {}
    requires_own_certificate = True

    def fact_columns(self) -> list[str]:
        """Extra `expression AS name` columns computed in the facts CTE."""
        return []

    def candidate_condition(self) -> str:
        """SQL over a person (cases_person alias `p`) and the day `%(on)s`: whom the rule may accept there, the
        persons not enrolled that the gap judge (subsidies/eligibility.py) asks the rule about. It must hold for
        everyone the rule accepts; by default a certificate valid on the day, which the rule requires."""
        valid = _VALID_ON_DAY.format(c="c", d="%(on)s")
        return f"EXISTS (SELECT 1 FROM {Certificate._meta.db_table} c WHERE c.person_id = p.id AND {valid})"

    def reasons(self) -> list[str]:
        """SQL expressions yielding a reason code or NULL."""
        return []

    def tier(self) -> str:
        return "'default'"

    @property
    def uses_age(self) -> bool:
        """True when the verdict can change with no dated event, as the person ages: a fact column reads the birth
        date. The payment run then judges every earlier month, not only those of persons with an event."""
        return any("birth_date" in column for column in self.fact_columns())

    def all_parameters(self) -> dict[str, Parameter]:
        return {**COMMON_PARAMETERS, **self.parameters}

    def all_reasons(self) -> list[str]:
        common = [
            "CASE WHEN f.death_date < f.day THEN 'death' END",
            "CASE WHEN f.moved_out_date < f.day THEN 'moved_out' END",
        ]
        if self.requires_own_certificate:
            common.append("CASE WHEN NOT f.cert_valid THEN f.cert_problem END")
        exclusions = [
            f"CASE WHEN '{kind}' = ANY(f.exclusions) THEN '{EXCLUSION_REASONS[kind]}' END"
            for kind in (*self.excluded_by, "similar")
        ]
        return common + self.reasons() + exclusions


_RULES: dict[str, Rule] = {}


def register(cls):
    _RULES[cls.code] = cls()
    return cls


def rule_for(program_code: str) -> Rule:
    try:
        return _RULES[program_code]
    except KeyError:
        raise LookupError(f"no eligibility rule for program {program_code!r}") from None


def registered_codes() -> list[str]:
    return list(_RULES)


def sql_value(value) -> str:
    """A model enum member as an SQL literal: 'text' for TextChoices, the number for IntegerChoices."""
    return str(int(value)) if isinstance(value, int) else f"'{value.value}'"


_EXTREME, _DIBAO, _MARGINAL = (
    sql_value(s) for s in (PovertyStatus.EXTREME, PovertyStatus.DIBAO, PovertyStatus.MARGINAL)
)
_COLLEGE = sql_value(EducationStage.COLLEGE)
_MENTAL = f"({sql_value(Category.INTELLECTUAL)}, {sql_value(Category.MENTAL)})"
EXTREME = f"CASE WHEN f.poverty = {_EXTREME} THEN 'extreme_poverty' END"


@register
class LivingAllowance(Rule):
    """困难残疾人生活补贴: valid certificate and 低保 (switch: 低保边缘); never for 特困供养."""

    code = "living"
    tiers = {"default": _("标准")}
    # An orphan on orphan support gets the nursing allowance only.
    excluded_by = ("orphan", "prison", "fraud", "review_failed", "review_missed")
    parameters = {"extend_marginal": Parameter(_("扩面至低保边缘(1开/0关)"), 0)}

    def reasons(self):
        return [
            EXTREME,
            f"CASE WHEN f.poverty IN ({_EXTREME}, {_DIBAO}) OR (f.poverty = {_MARGINAL} AND prm.extend_marginal = 1)"
            " THEN NULL ELSE 'not_dibao' END",
        ]


@register
class NursingAllowance(Rule):
    """重度残疾人护理补贴: valid certificate grade 1 or 2 (switch: grade 3 智力/精神); never for 特困供养."""

    code = "nursing"
    tiers = {"grade1": _("一级"), "grade2": _("二级"), "grade3_mental": _("三级智力/精神(扩面)")}
    excluded_by = ("work_injury", "prison", "fraud", "review_failed", "review_missed")
    parameters = {"extend_grade3_mental": Parameter(_("扩面至三级智力/精神(1开/0关)"), 0)}

    def fact_columns(self):
        return [
            f"(c.category IN {_MENTAL} OR EXISTS (SELECT 1 FROM {CertificateComponent._meta.db_table} cc"
            f" WHERE cc.certificate_id = c.id AND cc.category IN {_MENTAL} AND cc.grade = {sql_value(Grade.THREE)}))"
            " AS mental3"
        ]

    def reasons(self):
        return [
            EXTREME,
            "CASE WHEN f.cert_valid AND NOT (f.grade IN (1, 2) OR (f.grade = 3 AND f.mental3 AND prm.extend_grade3_mental = 1))"
            " THEN 'grade' END",
        ]

    def tier(self):
        return "CASE f.grade WHEN 1 THEN 'grade1' WHEN 2 THEN 'grade2' ELSE 'grade3_mental' END"


_VALID_ON_DAY = "{c}.issue_date <= {d} AND {c}.expiry_date >= {d} AND ({c}.ended_on IS NULL OR {d} < {c}.ended_on)"


@register
class EducationGrant(Rule):
    """扶残助学金 (yearly, on application): disabled college student 2000; college student whose parent holds a
    valid certificate 1000; disabled high-school/vocational student 1000; disabled compulsory-education student 500."""

    code = "education"
    tiers = {
        "college_self": _("残疾大学生"),
        "college_parent": _("残疾人家庭大学生"),
        "high_school": _("残疾高中/中职生"),
        "compulsory": _("残疾义务教育学生"),
    }
    requires_own_certificate = False

    def candidate_condition(self):
        # A student qualifies through a parent's certificate too: every student is a candidate.
        return f"p.education_stage IN {sql_list(STUDENT_STAGES)}"

    def fact_columns(self):
        valid = _VALID_ON_DAY.format(c="mc", d="pr.day")
        parent_of = " OR ".join(
            f"(per.relation_to_head = '{child}' AND m.relation_to_head = '{parent}')"
            for child, parent in PARENT_RELATIONS
        )
        return [
            "EXISTS (SELECT 1 FROM cases_person m JOIN certificates_certificate mc ON mc.person_id = m.id"
            " WHERE m.household_id = per.household_id AND m.id <> per.id"
            f" AND ({parent_of}) AND (m.death_date IS NULL OR m.death_date >= pr.day) AND {valid}) AS parent_valid"
        ]

    def reasons(self):
        return [
            f"CASE WHEN f.education_stage NOT IN {sql_list(STUDENT_STAGES)} THEN 'not_student' END",
            f"CASE WHEN NOT f.cert_valid AND NOT (f.education_stage = {_COLLEGE} AND f.parent_valid)"
            " THEN f.cert_problem END",
            f"CASE WHEN f.education_stage = {_COLLEGE} AND NOT f.cert_valid AND NOT f.parent_valid"
            " THEN 'parent_no_certificate' END",
        ]

    def tier(self):
        return (
            f"CASE WHEN f.education_stage = {_COLLEGE} AND f.cert_valid THEN 'college_self'"
            f" WHEN f.education_stage = {_COLLEGE} THEN 'college_parent'"
            f" WHEN f.education_stage IN {sql_list([EducationStage.HIGH_SCHOOL, EducationStage.VOCATIONAL])}"
            " THEN 'high_school' ELSE 'compulsory' END"
        )


@register
class MultiDisabilityGrant(Rule):
    """一户多残补助 (yearly, automatic): every holder of a valid 2nd/3rd-generation certificate in a household with two
    or more such members (alive, 户籍 in the county) on the as-of date."""

    code = "multi"
    tiers = {"default": _("每人每年")}

    def fact_columns(self):
        member = multi_member_sql(member="m", certificate="mc", day="pr.day")  # the household flag's definition
        return [
            f"(SELECT count(DISTINCT m.id) FROM {Person._meta.db_table} m"
            f" JOIN {Certificate._meta.db_table} mc ON mc.person_id = m.id"
            f" WHERE m.household_id = per.household_id AND {member}) AS multi_members"
        ]

    def reasons(self):
        return [
            "CASE WHEN f.cert_valid AND f.generation NOT IN (2, 3) THEN 'generation' END",
            "CASE WHEN f.cert_valid AND f.multi_members < 2 THEN 'not_multi_household' END",
        ]


def judged_sql(rule: Rule, pairs_sql: str) -> str:
    """The CTE chain `pairs -> days -> prm -> facts -> judged`. `pairs_sql` selects person_id, month (the day rates and
    parameters are looked up on), day (the day eligibility is judged on) and any extra columns to carry along.
    Parameters: %(program_id)s plus whatever `pairs_sql` uses. `judged` has the pairs' columns plus township_id,
    reasons (text[], empty = qualifies) and tier."""
    params = rule.all_parameters()
    prm_cols = ", ".join(
        f"coalesce(max(pp.value) FILTER (WHERE pp.key = '{key}'), {p.default}) AS {key}" for key, p in params.items()
    )
    fact_cols = "".join(f",\n    {col}" for col in rule.fact_columns())
    reasons = ",\n        ".join(rule.all_reasons())
    return f"""
pairs AS ({pairs_sql}),
days AS (SELECT DISTINCT month FROM pairs),
prm_periods AS (
    SELECT key, value, effective_from,
           lead(effective_from) OVER (PARTITION BY key ORDER BY effective_from) AS until
    FROM subsidies_programparameter WHERE program_id = %(program_id)s
),
prm AS (
    SELECT d.month, {prm_cols}
    FROM days d LEFT JOIN prm_periods pp ON pp.effective_from <= d.month AND (pp.until IS NULL OR d.month < pp.until)
    GROUP BY d.month
),
rate_periods AS (
    SELECT tier, amount, effective_from,
           lead(effective_from) OVER (PARTITION BY tier ORDER BY effective_from) AS until
    FROM subsidies_programrate WHERE program_id = %(program_id)s
),
rates AS (
    SELECT d.month, rp.tier, rp.amount
    FROM days d JOIN rate_periods rp ON rp.effective_from <= d.month AND (rp.until IS NULL OR d.month < rp.until)
),
facts AS (
    SELECT pr.*, per.township_id, per.household_id, per.death_date, per.moved_out_date, per.education_stage,
    per.relation_to_head, c.id AS cert_id, c.category, c.grade, c.generation,
    coalesce(c.expiry_date >= pr.day AND (c.ended_on IS NULL OR pr.day < c.ended_on), false) AS cert_valid,
    CASE WHEN c.id IS NULL THEN 'no_certificate'
         WHEN c.ended_on <= pr.day AND c.status = {sql_value(CertificateStatus.CANCELLED)} THEN 'cert_cancelled'
         WHEN c.ended_on <= pr.day AND c.status = {sql_value(CertificateStatus.TRANSFERRED_OUT)} THEN 'cert_transferred'
         WHEN c.expiry_date < pr.day THEN 'cert_expired'
         WHEN c.ended_on <= pr.day THEN 'no_certificate' END AS cert_problem,
    CASE WHEN pov.status IS DISTINCT FROM {_EXTREME} AND hpov.dibao THEN {_DIBAO} ELSE pov.status END AS poverty,
    ARRAY(
        SELECT x.kind FROM cases_personexclusion x
        WHERE x.person_id = pr.person_id AND x.start_date <= pr.day AND (x.end_date IS NULL OR x.end_date >= pr.day)
          AND (x.kind <> {sql_value(ExclusionKind.SIMILAR)} OR x.program_code = '{rule.code}')
    )::text[] AS exclusions{fact_cols}
    FROM pairs pr
    JOIN cases_person per ON per.id = pr.person_id
    LEFT JOIN LATERAL (
        SELECT c.id, c.category, c.grade, c.generation, c.expiry_date, c.ended_on, c.status
        FROM certificates_certificate c
        WHERE c.person_id = pr.person_id AND c.issue_date <= pr.day
        ORDER BY c.issue_date DESC, c.id DESC LIMIT 1
    ) c ON true
    LEFT JOIN LATERAL (
        SELECT r.status FROM cases_povertyrecord r
        WHERE r.person_id = pr.person_id AND r.start_date <= pr.day AND (r.end_date IS NULL OR r.end_date >= pr.day)
        ORDER BY r.start_date DESC, r.id DESC LIMIT 1
    ) pov ON true
    -- 低保 is granted to a household: the head's 低保 counts for every member of the register.
    LEFT JOIN LATERAL (
        SELECT true AS dibao FROM cases_person h JOIN cases_povertyrecord r ON r.person_id = h.id
        WHERE h.household_id = per.household_id AND h.relation_to_head = {sql_value(Relation.HEAD)} AND h.id <> per.id
          AND r.status = {_DIBAO} AND r.start_date <= pr.day AND (r.end_date IS NULL OR r.end_date >= pr.day)
        LIMIT 1
    ) hpov ON per.household_id IS NOT NULL
),
judged AS (
    SELECT f.*, array_remove(ARRAY[
        {reasons}
    ]::text[], NULL) AS reasons,
    {rule.tier()} AS tier
    FROM facts f JOIN prm ON prm.month = f.month
)"""


def eligibility_reasons(program_code: str, person_ids: list[int], on: date) -> dict[int, list[str]]:
    """For each person id, the Chinese reasons they do not qualify for the program on `on` (empty list = qualifies).

    The labels of `eligibility_codes` (one query for the whole list). Enrollment is not part of it: this is whether
    the person meets the rule."""
    judged = eligibility_codes(program_code, person_ids, on)
    # An id that is not a person does not qualify either.
    missing = [str(_("登记中无此人"))]
    return {pid: reason_labels(judged[pid][0]) if pid in judged else missing for pid in person_ids}


def eligibility_codes(program_code: str, person_ids: list[int], on: date) -> dict[int, tuple[list[str], str]]:
    """The judge's verdict for each person id on `on`: (reason codes, empty when they qualify; the amount tier).

    One query for the whole list; an id that is not a person is absent."""
    from .models import Program

    if not person_ids:
        return {}
    rule = rule_for(program_code)
    program_id = Program.objects.values_list("pk", flat=True).get(code=program_code)
    sql = (
        "WITH "
        + judged_sql(
            rule,
            "SELECT DISTINCT unnest(%(person_ids)s::bigint[]) AS person_id, %(on)s::date AS month, %(on)s::date AS day",
        )
        + "\nSELECT person_id, reasons, tier FROM judged"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"program_id": program_id, "person_ids": list(person_ids), "on": on})
        return {person_id: (list(codes), tier) for person_id, codes, tier in cursor.fetchall()}


# The grants of issue 13 register themselves; at the bottom, since they build on the classes above.
from . import rules_grants  # noqa: E402, F401
