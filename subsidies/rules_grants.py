"""The grants the county reports name besides the four programs (issue 13): each a `Rule` like those of rules.py,
with its Program row and dated amounts in migration 0007. Imported by rules.py, so `rule_for` knows them.

One-off grants (Program.period_kind 'once') say whether they are paid once per person or once per event
(`once_per`); the run never pays what the OncePayment ledger holds, and the ledger's unique constraint refuses a
second payment even if a run were to try.
"""

from django.utils.translation import gettext_lazy as _

from cases.disability import Grade
from cases.models import EducationStage, PovertyStatus
from certificates.models import Assessment

from .rules import _VALID_ON_DAY, EXTREME, PARENT_RELATIONS, REASONS, Parameter, Rule, register, sql_list, sql_value

_SEVERE = f"({sql_value(Grade.ONE)}, {sql_value(Grade.TWO)})"
_POOR = sql_list([PovertyStatus.DIBAO, PovertyStatus.EXTREME])

REASONS.update(
    {
        "not_limb": _("非肢体残疾"),
        "not_mental": _("非精神残疾"),
        "no_assessment": _("无残疾评定记录"),
        "working_age": _("不在劳动年龄段"),
        "not_preschool": _("非学前儿童"),
        "not_college": _("非大学在校生"),
        "not_severe_or_poor": _("非重度或困难残疾人"),
        "once_paid": _("已享受过该一次性补贴"),
    }
)

# A component of a 多重 certificate counts as its category for the category rules.
_HAS_CATEGORY = (
    "(c.category = {cat} OR EXISTS (SELECT 1 FROM certificates_certificatecomponent cc"
    " WHERE cc.certificate_id = c.id AND cc.category = {cat}))"
)
_AGE = "date_part('year', age(pr.day, per.birth_date))::int AS age_years"


@register
class FuelSubsidy(Rule):
    """机动轮椅车燃油补贴 (yearly, on application): a valid certificate with a 肢体 disability (the vehicle's licence
    is checked on the application's proof)."""

    code = "fuel"
    tiers = {"default": _("每人每年")}

    def fact_columns(self):
        return [_HAS_CATEGORY.format(cat=4) + " AS limb"]

    def reasons(self):
        return ["CASE WHEN f.cert_valid AND NOT f.limb THEN 'not_limb' END"]


@register
class MedicationSubsidy(Rule):
    """精神残疾人服药补助 (monthly, on application): a valid certificate with a 精神 disability; not for 特困供养,
    whose medicine the support already covers."""

    code = "medication"
    tiers = {"default": _("每人每月")}

    def fact_columns(self):
        return [_HAS_CATEGORY.format(cat=6) + " AS mental"]

    def reasons(self):
        return [EXTREME, "CASE WHEN f.cert_valid AND NOT f.mental THEN 'not_mental' END"]


class OnceRule(Rule):
    """A one-off grant. `once_per`: 'person' (never a second time) or 'event' (once per application: an assessment,
    an occasion)."""

    once_per = "person"


@register
class AssessmentSubsidy(OnceRule):
    """残疾评定补贴 (once per assessment): the assessment fee of a person assessed (评残) and not rejected on or
    before the day; a certificate is not needed (the assessment may find no disability)."""

    code = "assessment"
    once_per = "event"
    requires_own_certificate = False
    tiers = {"default": _("每次评定")}

    def candidate_condition(self):
        # No certificate needed: whoever was assessed is a candidate.
        return (
            f"EXISTS (SELECT 1 FROM {Assessment._meta.db_table} a WHERE a.person_id = p.id"
            " AND a.assessed_on <= %(on)s AND a.rejected_on IS NULL)"
        )

    def fact_columns(self):
        return [
            "EXISTS (SELECT 1 FROM certificates_assessment a WHERE a.person_id = pr.person_id"
            " AND a.assessed_on <= pr.day AND a.rejected_on IS NULL) AS assessed"
        ]

    def reasons(self):
        return ["CASE WHEN NOT f.assessed THEN 'no_assessment' END"]


@register
class SelfEmploymentGrant(OnceRule):
    """残疾人自主创业补贴 (once per person): a valid certificate and working age (16 to 59) on the day."""

    code = "self_employment"
    tiers = {"default": _("每人一次")}
    parameters = {"min_age": Parameter(_("最低年龄"), 16), "max_age": Parameter(_("最高年龄"), 59)}

    def fact_columns(self):
        return [_AGE]

    def reasons(self):
        return ["CASE WHEN f.age_years < prm.min_age OR f.age_years > prm.max_age THEN 'working_age' END"]


@register
class PreschoolGrant(OnceRule):
    """家庭经济困难残疾儿童学前教育助学 (once per child): a child with a valid certificate in preschool."""

    code = "preschool"
    tiers = {"default": _("每名儿童")}

    def reasons(self):
        return [f"CASE WHEN f.education_stage <> {sql_value(EducationStage.PRESCHOOL)} THEN 'not_preschool' END"]


@register
class CollegeFreshmanGrant(OnceRule):
    """大学新生补助 (once per student): a college student holding a valid certificate, or whose parent does."""

    code = "freshman"
    requires_own_certificate = False
    tiers = {"college_self": _("残疾人大学新生"), "college_parent": _("残疾人家庭子女大学新生")}

    def candidate_condition(self):
        # A student qualifies through a parent's certificate too: every college student is a candidate.
        return f"p.education_stage = {sql_value(EducationStage.COLLEGE)}"

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
            f"CASE WHEN f.education_stage <> {sql_value(EducationStage.COLLEGE)} THEN 'not_college' END",
            "CASE WHEN NOT f.cert_valid AND NOT f.parent_valid THEN coalesce(f.cert_problem, 'parent_no_certificate') END",
        ]

    def tier(self):
        return "CASE WHEN f.cert_valid THEN 'college_self' ELSE 'college_parent' END"


class ContributionRule(Rule):
    """城乡居民养老保险 / 医保 contribution paid for the person (yearly, to the insurer: Program.payee_*): a valid
    certificate, and grade 1 or 2 or a household in 低保 / 特困供养 (switch: 低保边缘) on the as-of day."""

    tiers = {"severe": _("重度残疾人"), "poor": _("困难残疾人")}
    parameters = {"extend_marginal": Parameter(_("扩面至低保边缘(1开/0关)"), 0)}

    def reasons(self):
        return [
            f"CASE WHEN f.cert_valid AND NOT (f.grade IN {_SEVERE} OR coalesce(f.poverty, '') IN {_POOR}"
            f" OR (coalesce(f.poverty, '') = {sql_value(PovertyStatus.MARGINAL)} AND prm.extend_marginal = 1))"
            " THEN 'not_severe_or_poor' END"
        ]

    def tier(self):
        return f"CASE WHEN f.grade IN {_SEVERE} THEN 'severe' ELSE 'poor' END"


@register
class PensionContribution(ContributionRule):
    """城乡居民养老保险缴费补贴: as ContributionRule, for persons of contributing age (16 to 59)."""

    code = "pension"
    parameters = {
        **ContributionRule.parameters,
        "min_age": Parameter(_("最低年龄"), 16),
        "max_age": Parameter(_("最高年龄"), 59),
    }

    def fact_columns(self):
        return [_AGE]

    def reasons(self):
        return [
            *super().reasons(),
            "CASE WHEN f.age_years < prm.min_age OR f.age_years > prm.max_age THEN 'working_age' END",
        ]


@register
class MedicalContribution(ContributionRule):
    """城乡居民医疗保险缴费补贴: as ContributionRule, at any age."""

    code = "medical"


@register
class HolidayRelief(OnceRule):
    """困难残疾人节日慰问金 (once per occasion): whoever is on the occasion's list (an application each, 事由 the
    occasion) with a valid certificate on the day."""

    code = "holiday"
    once_per = "event"
    tiers = {"default": _("每人每次")}
