"""URL samples of the comparison pages for the permission walker (tests/test_permissions_walk.py).

A comparison belongs to the whole county; its findings belong to their person's township, so the finding actions
and the 应补尽补 application have foreign samples (township B's person), which the liaison must never reach."""

from django.core.files.base import ContentFile

from cases.comparison.workbooks import build_result
from cases.models import Comparison, ComparisonFinding, ComparisonKind, ComparisonStatus, FindingKind
from fedportal.accounts.models import Role

from .comparison_fixtures import list_file

COUNTY_WIDE_URLS = (
    "cases:comparison_detail",
    "cases:comparison_apply",
    "cases:comparison_file",
    "cases:comparison_result",
)


def build(world) -> None:
    comparison = Comparison(
        kind=ComparisonKind.DEATHS,
        source="县公安局死亡名单",
        as_of=world.certificate.issue_date,
        original_name="死亡名单.xlsx",
        status=ComparisonStatus.READY,
        uploaded_by=world.users[Role.ADMIN],
        rows=2,
        matched=2,
        findings_count=2,
        roll_person_ids=[world.person.pk, world.other_person.pk],
    )
    content = list_file(
        "deaths", {"身份证号": world.person.id_number, "姓名": world.person.name, "死亡日期": "2026-01-02"}
    )
    comparison.file.save("walk.xlsx", ContentFile(content), save=False)
    comparison.save()
    world.comparison = comparison
    world.finding = ComparisonFinding.objects.create(
        comparison=comparison,
        kind=FindingKind.DEATH,
        person=world.person,
        township=world.township,
        row=2,
        change={"date": "2026-01-02"},
    )
    world.other_finding = ComparisonFinding.objects.create(
        comparison=comparison,
        kind=FindingKind.DEATH,
        person=world.other_person,
        township=world.other_township,
        row=3,
        change={"date": "2026-01-03"},
    )
    # The result workbook as the comparison job writes it (masked numbers): the privacy walk reads it.
    comparison.result_file.save("walk-result.xlsx", ContentFile(build_result(comparison=comparison)))


def samples(world) -> dict[str, dict]:
    kwargs = {"comparison_id": world.comparison.pk}
    finding = {**kwargs, "finding_id": world.finding.pk}
    return {
        "cases:comparison_detail": kwargs,
        "cases:comparison_apply": kwargs,
        "cases:comparison_file": kwargs,
        "cases:comparison_result": kwargs,
        "cases:finding_deselect": finding,
        "cases:finding_reselect": finding,
        "subsidies:comparison_candidate_apply": {**kwargs, "person_id": world.person.pk},
    }


def foreign_samples(world) -> dict[str, dict]:
    kwargs = {"comparison_id": world.comparison.pk}
    return {
        "cases:finding_deselect": {**kwargs, "finding_id": world.other_finding.pk},
        "cases:finding_reselect": {**kwargs, "finding_id": world.other_finding.pk},
        "subsidies:comparison_candidate_apply": {**kwargs, "person_id": world.other_person.pk},
    }
