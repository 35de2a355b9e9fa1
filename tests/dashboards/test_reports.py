"""Report jobs write a valid workbook and a PDF with the Chinese headings, charts included; the beat entry."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboards.models import GeneratedReport, ReportKind
from dashboards.services import report_request
from fedportal.accounts.models import Role
from fedportal.jobs.models import JobStatus
from fedportal.jobs.services import job_execute

pytestmark = pytest.mark.django_db


def _run(report: GeneratedReport) -> GeneratedReport:
    job_execute(report.job_id)
    report.refresh_from_db()
    report.job.refresh_from_db()
    assert report.job.status == JobStatus.SUCCEEDED, report.job.error
    return report


def _pdf_text(report) -> str:
    with report.pdf_file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _sheets(report) -> dict[str, list[tuple]]:
    with report.xlsx_file.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def test_yearly_work_report_writes_xlsx_and_pdf(dash_world, django_capture_on_commit_callbacks):
    w = dash_world
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(
            kind=ReportKind.WORK_YEAR, params={"year": w.today.year}, acting_user=w.users[Role.LEADER]
        )
    report = _run(report)
    sheets = _sheets(report)
    assert next(iter(sheets)) == "概要"
    assert sheets["概要"][0][0] == f"全县{w.today.year}年度工作报告"
    matrix = sheets["持证残疾人"]
    limb = next(r for r in matrix if r[0] == "肢体")
    assert limb[1:6] == (2, 1, 0, 0, 3)
    amounts = sheets["补贴发放金额"]
    nursing = next(r for r in amounts if r[0] == "护理补贴")
    assert nursing[-1] == pytest.approx(400.0 if w.prev.year == w.today.year else 100.0)
    text = _pdf_text(report)
    for heading in (
        "年度工作报告",
        "总体情况",
        "持证残疾人",
        "残疾人证办理",
        "补贴发放金额",
        "预算与资金执行率",
        "康复服务",
        "动态管理",
    ):
        assert heading in text, heading
    assert "持有效残疾人证的残疾人共 5 人" in text.replace("\n", "")
    with report.pdf_file.open("rb") as f:
        raw = f.read()
    assert raw.startswith(b"%PDF")
    assert report.job.result_file.name.endswith(".xlsx")


def test_half_year_report_for_a_township(dash_world, django_capture_on_commit_callbacks):
    w = dash_world
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(
            kind=ReportKind.WORK_HALF_YEAR,
            params={"year": w.today.year - 1},
            township=w.township,
            acting_user=w.users[Role.LEADER],
        )
    report = _run(report)
    assert report.title == f"莲塘镇{w.today.year - 1}年上半年工作报告"
    text = _pdf_text(report)
    assert "上半年工作报告" in text and "向塘镇" not in text


def test_monthly_subsidy_statement(dash_world, django_capture_on_commit_callbacks):
    w = dash_world
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(
            kind=ReportKind.SUBSIDY_MONTH, params={"month": f"{w.prev:%Y-%m}"}, acting_user=w.users[Role.FINANCE]
        )
    report = _run(report)
    sheets = _sheets(report)
    overview = sheets["发放汇总"]
    nursing = next(r for r in overview if r[0] == "护理补贴")
    assert nursing[1:7] == (2, 2, 200, 1, 100, 300)
    text = _pdf_text(report)
    assert "补贴发放统计表" in text and "发放汇总" in text


def test_survey_summary(dash_world, django_capture_on_commit_callbacks):
    from datetime import date

    from rehab.models import ContactMethod, ServiceType, SurveyRecord, SurveyRound

    w = dash_world
    year = w.today.year
    survey_round = SurveyRound.objects.create(
        year=year, title=f"{year}年需求调查", start_date=date(year, 1, 1), end_date=date(year, 12, 31)
    )
    SurveyRecord.objects.create(
        survey_round=survey_round,
        person=w.a1,
        township=w.township,
        contact_method=ContactMethod.HOME,
        visited_on=w.today,
        services_received=[ServiceType.REHAB_TRAINING],
        services_needed=[ServiceType.DEVICE, ServiceType.HOME_CARE],
    )
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(kind=ReportKind.SURVEY_YEAR, params={"year": year}, acting_user=w.users[Role.LEADER])
    report = _run(report)
    services = _sheets(report)["服务获得与需求"]
    assert next(r for r in services if r[0] == "辅助器具")[1:3] == (0, 1)
    assert next(r for r in services if r[0] == "康复训练")[1:3] == (1, 0)
    text = _pdf_text(report)
    assert "需求调查汇总" in text and "调查进度" in text


def test_the_monthly_statement_is_scheduled_on_the_first(dash_world, django_capture_on_commit_callbacks):
    from django.conf import settings

    from dashboards.tasks import monthly_subsidy_statement

    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-monthly-subsidy-statement"]
    assert entry["task"] == monthly_subsidy_statement.name
    assert entry["schedule"].day_of_month == {1}
    with django_capture_on_commit_callbacks(execute=False):
        result = monthly_subsidy_statement()
    report = GeneratedReport.objects.get(pk=result["report"])
    assert report.scheduled and report.created_by.role == Role.ADMIN
    assert report.params == {"month": f"{dash_world.prev:%Y-%m}"}


def test_a_liaison_cannot_request_reports(dash_world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_request(kind=ReportKind.WORK_YEAR, params={}, acting_user=dash_world.users[Role.LIAISON])
