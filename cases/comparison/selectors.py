"""Reads of comparisons: every comparison is county-wide; a liaison sees the findings of their own township only,
and never the unmatched ID numbers, the original file or the result workbook (they hold the whole county)."""

from django.db.models import Count, Q
from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm, scope_q, township_scope

from .models import Comparison, ComparisonFinding, FindingKind


def comparison_list_for_user(*, user):
    if not has_perm(user, Perm.COMPARISON_VIEW):
        return Comparison.objects.none()
    return Comparison.objects.select_related("uploaded_by", "applied_by", "compare_job", "apply_job")


def comparison_get_for_user(*, user, comparison_id: int) -> Comparison:
    comparison = comparison_list_for_user(user=user).filter(pk=comparison_id).first()
    if comparison is None:
        raise Http404
    return comparison


def user_sees_whole_county(*, user) -> bool:
    return has_perm(user, Perm.COMPARISON_VIEW) and township_scope(user) is None


def finding_list_for_user(*, user, comparison: Comparison, kind: str = "", township_id: int | None = None):
    if not has_perm(user, Perm.COMPARISON_VIEW):
        return ComparisonFinding.objects.none()
    findings = ComparisonFinding.objects.filter(comparison=comparison).select_related(
        "person", "township", "deselected_by"
    )
    findings = findings.filter(scope_q(user))
    if township_scope(user) is None and township_id:
        findings = findings.filter(township_id=township_id)
    if kind:
        findings = findings.filter(kind=kind)
    return findings.order_by("kind", "row", "pk")


def finding_get_for_user(*, user, comparison: Comparison, finding_id: int) -> ComparisonFinding:
    finding = finding_list_for_user(user=user, comparison=comparison).filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    return finding


def finding_counts_by_kind(*, findings) -> list[dict]:
    """[{kind, label, count, selected}] for the kinds present, in the order of FindingKind."""
    rows = {
        row["kind"]: row
        for row in findings.order_by()
        .values("kind")
        .annotate(count=Count("pk"), selected=Count("pk", filter=Q(selected=True)))
    }
    return [
        {"kind": kind.value, "label": kind.label, "count": rows[kind]["count"], "selected": rows[kind]["selected"]}
        for kind in FindingKind
        if kind in rows
    ]
