"""Report jobs: each builds its report's sections, writes the XLSX workbook and the PDF, and files them."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fedportal.core.clock import local_today
from fedportal.dbrouting import replica_reads
from fedportal.jobs.registry import job_files, job_handler
from fedportal.jobs.services import JobError, job_attach_file

from . import reports
from .models import GeneratedReport, ReportKind


def _report_for(job) -> GeneratedReport:
    report = GeneratedReport.objects.filter(job=job).first()
    if report is None:
        raise JobError(str(_("找不到此任务对应的报表记录。")))
    return report


def _file_report(job, progress, report: GeneratedReport, built: reports.Report, stem: str) -> dict:
    progress.step(message=_("生成 Excel 统计表"))
    xlsx = reports.write_xlsx(built)
    progress.step(message=_("生成 PDF 报告"))
    pdf = reports.write_pdf(built)
    report.xlsx_file.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.finished_at = timezone.now()
    report.save(update_fields=["xlsx_file", "pdf_file", "finished_at"])
    # The workbook is also the job's result file, so "我的任务" offers it too.
    job_attach_file(job=job, filename=f"{stem}.xlsx", content=xlsx)
    return {"report_id": report.pk, "xlsx_bytes": len(xlsx), "pdf_bytes": len(pdf), "sections": len(built.sections)}


@job_files("dashboards.work_report", "dashboards.subsidy_statement", "dashboards.survey_summary")
def report_files(job) -> list[tuple[str, str, str]]:
    """A finished report offers both its files in the progress box, as the report's row does after a reload."""
    from django.urls import reverse
    from django.utils.translation import gettext

    report = GeneratedReport.objects.filter(job=job).only("pk", "xlsx_file", "pdf_file").first()
    if report is None:
        return []
    links = []
    if report.xlsx_file:
        url = reverse("dashboards:report_download", args=[report.pk, "xlsx"])
        links.append((gettext("Excel 统计表"), url, "file-earmark-excel"))
    if report.pdf_file:
        links.append(
            (gettext("PDF 报告"), reverse("dashboards:report_download", args=[report.pk, "pdf"]), "file-earmark-pdf")
        )
    return links


def _stem(report: GeneratedReport) -> str:
    return report.title.replace("/", "-").replace(" ", "")


@job_handler("dashboards.work_report", label=_("工作报告"))
def work_report(job, progress):
    report = _report_for(job)
    with replica_reads():
        built = reports.build_work_report(
            year=int(report.params["year"]),
            half=report.kind == ReportKind.WORK_HALF_YEAR,
            township_id=report.township_id,
            today=local_today(),
            title=report.title,
            progress=progress,
        )
    return _file_report(job, progress, report, built, _stem(report))


@job_handler("dashboards.subsidy_statement", label=_("月度补贴发放统计表"))
def subsidy_statement(job, progress):
    report = _report_for(job)
    year, month = (int(part) for part in report.params["month"].split("-"))
    with replica_reads():
        built = reports.build_subsidy_statement(
            month=date(year, month, 1), township_id=report.township_id, title=report.title, progress=progress
        )
    return _file_report(job, progress, report, built, _stem(report))


@job_handler("dashboards.survey_summary", label=_("年度需求调查汇总"))
def survey_summary(job, progress):
    report = _report_for(job)
    with replica_reads():
        built = reports.build_survey_summary(
            year=int(report.params["year"]), township_id=report.township_id, title=report.title, progress=progress
        )
    return _file_report(job, progress, report, built, _stem(report))
