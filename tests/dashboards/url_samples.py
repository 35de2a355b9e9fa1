"""URL samples for the permission walker: one generated report of each township, with both files."""

from django.core.files.base import ContentFile

from dashboards.models import GeneratedReport, ReportKind
from fedportal.accounts.models import Role


def _report(world, township):
    report = GeneratedReport(
        kind=ReportKind.WORK_YEAR,
        title=f"{township.name}年度工作报告",
        params={"year": 2025},
        township=township,
        created_by=world.users[Role.LEADER],
    )
    report.xlsx_file.save("sample.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    report.pdf_file.save("sample.pdf", ContentFile(b"%PDF-1.7"), save=False)
    report.save()
    return report


def build(world) -> None:
    world.dashboards_report = _report(world, world.township)
    world.dashboards_other_report = _report(world, world.other_township)


def samples(world) -> dict[str, dict]:
    return {"dashboards:report_download": {"report_id": world.dashboards_report.pk, "fmt": "pdf"}}


def foreign_samples(world) -> dict[str, dict]:
    return {"dashboards:report_download": {"report_id": world.dashboards_other_report.pk, "fmt": "pdf"}}
