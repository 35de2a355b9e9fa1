"""Generated reports: the statistics of a period rendered as sections, then written to XLSX and PDF.

The same sections (charts and tables, see sections.py) make the workbook (openpyxl write-only: a summary sheet and
one sheet per section) and the PDF (fedportal.pdf with the embedded CJK font; the SVG charts are embedded as they
are shown in the browser).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from cases.models import Township
from fedportal.core.dates import last_months
from fedportal.pdf import render_pdf_template

from . import statistics as stats
from .charts import bar_chart, format_number
from .sections import (
    NO_LINKS,
    budget_section,
    cell,
    certified_sections,
    community_sections,
    events_section,
    expiring_section,
    gaps_section,
    grants_section,
    rehab_section,
    row,
    section,
    subsidy_sections,
    table,
)


@dataclass
class Report:
    title: str
    subtitle: str
    generated_at: datetime
    paragraphs: list[str] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)


def _scope_name(township_id: int | None) -> str:
    if township_id is None:
        return _("全县")
    return Township.objects.values_list("name", flat=True).get(pk=township_id)


# ---------------------------------------------------------------- builders


def build_work_report(
    *, year: int, half: bool, township_id: int | None, today: date, title: str, progress=None
) -> Report:
    """半年/年度工作报告: the dashboard's figures for January-June or January-December of `year`."""
    end = date(year, 6, 30) if half else date(year, 12, 31)
    as_of = min(end, today)
    months = [m for m in last_months(end, 6 if half else 12) if m <= today]
    period = _("%(year)s年1月至%(month)s月") % {"year": year, "month": months[-1].month} if months else str(year)
    steps = [
        ("certified", lambda: stats.certified_persons(on=as_of, township_id=township_id)),
        ("events", lambda: stats.certificate_events(months=months, township_id=township_id)),
        ("subsidies", lambda: stats.subsidy_payments(months=months, township_id=township_id)),
        ("budget", lambda: stats.budget_execution(years=[year], township_id=township_id)),
        ("rehab", lambda: stats.rehab_figures(year=year, township_id=township_id)),
        ("expiring", lambda: stats.certificates_expiring(today=as_of, township_id=township_id)),
        ("gaps", lambda: stats.enrollment_gaps(on=as_of, township_id=township_id)),
        ("grants", lambda: stats.grant_figures(start=date(year, 1, 1), end=end, township_id=township_id)),
        ("community", lambda: stats.community_figures(start=date(year, 1, 1), end=end, township_id=township_id)),
    ]
    if progress:
        progress.start(len(steps) + 2, _("统计数据"))
    data = {}
    for key, compute in steps:
        data[key] = compute()
        if progress:
            progress.step(message=_("统计数据"))
    kw = {"scope": township_id, "rights": NO_LINKS, "prefix": "r-"}
    sections = [
        *certified_sections(data["certified"], **kw),
        events_section(data["events"], **kw),
        *subsidy_sections(data["subsidies"], **kw),
        budget_section(data["budget"], **kw),
        rehab_section(data["rehab"], **kw),
        grants_section(data["grants"], **kw),
        *community_sections(data["community"], **kw),
        expiring_section(data["expiring"], **kw),
        gaps_section(data["gaps"], **kw),
    ]
    where = _scope_name(township_id)
    kinds = {k["kind"]: k["total"] for k in data["events"]["kinds"]}
    paragraphs = [
        _(
            "截至%(day)s，%(where)s持有效残疾人证的残疾人共 %(total)s 人，其中一级 %(g1)s 人、二级 %(g2)s 人、三级 %(g3)s 人、四级 %(g4)s 人。"
        )
        % {
            "day": as_of,
            "where": where,
            "total": format_number(data["certified"]["total"]),
            **{f"g{i + 1}": format_number(n) for i, n in enumerate(data["certified"]["grade_totals"])},
        },
        _("%(period)s，新办残疾人证 %(issue)s 张，换领 %(renew)s 张，注销 %(cancel)s 张。")
        % {
            "period": period,
            "issue": format_number(kinds.get("issue", 0)),
            "renew": format_number(kinds.get("renew", 0)),
            "cancel": format_number(kinds.get("cancel", 0)),
        },
    ]
    # One-off grants are counted in persons and payments (below), never in person-months.
    once = {p["code"] for p in data["grants"]["programs"] if p["period_kind"] == "once"}
    for p in data["subsidies"]["programs"]:
        if p["person_months"] and p["code"] not in once:
            paragraphs.append(
                _("%(name)s：共发放 %(pm)s 人月，金额 %(amount)s 元。")
                % {
                    "name": p["name"],
                    "pm": format_number(p["person_months"]),
                    "amount": format_number(p["total_amount"]),
                }
            )
    for p in data["grants"]["programs"]:
        if p["times"] and p["period_kind"] == "once":
            paragraphs.append(
                _("%(name)s：发放 %(persons)s 人、%(times)s 人次，金额 %(amount)s 元。")
                % {
                    "name": p["name"],
                    "persons": format_number(p["persons"]),
                    "times": format_number(p["times"]),
                    "amount": format_number(p["amount"]),
                }
            )
    paragraphs.extend(_community_paragraphs(data["community"]))
    rehab_total = data["rehab"]["total"]
    if rehab_total and rehab_total["need_count"]:
        paragraphs.append(
            _("康复服务率 %(rate)s%%（%(served)s/%(need)s），辅具适配率 %(fit)s。")
            % {
                "rate": rehab_total["service_rate"],
                "served": rehab_total["served_count"],
                "need": rehab_total["need_count"],
                "fit": f"{rehab_total['fitting_rate']}%" if rehab_total["fitting_rate"] is not None else "—",
            }
        )
    return Report(
        title=title,
        subtitle=_("统计范围：%(where)s；统计期间：%(period)s") % {"where": where, "period": period},
        generated_at=timezone.now(),
        paragraphs=paragraphs,
        sections=[s for s in sections if s is not None],
    )


def _community_paragraphs(c: dict) -> list[str]:
    """The work report's sentences on employment, relief visits, legal aid, culture and early detection."""
    n = {key: format_number(value) for key, value in c.items() if not isinstance(value, date)}
    return [
        _(
            "就业服务：举办职业技能培训 %(training_sessions)s 期，培训 %(training_person_times)s 人次（%(training_persons)s 人）；"
            "举办专场招聘会 %(job_fairs)s 场，推荐就业 %(referrals)s 人次，稳岗就业 %(placements)s 人；庇护性就业 %(workshop_workers)s 人。"
        )
        % n,
        _(
            "走访慰问困难残疾人家庭 %(relief_households)s 户、%(relief_visits)s 人次，发放慰问金 %(relief_cash)s 元、慰问物资折款 %(relief_goods)s 元。"
        )
        % n,
        _("受理涉残法律援助案件 %(legal_aid_cases)s 件、信访投诉 %(complaints)s 件，办结 %(cases_closed)s 件。") % n,
        _("开展文化体育活动 %(culture_events)s 场，参与 %(culture_participant_times)s 人次。") % n,
        _(
            "完成0—6岁儿童残疾初筛 %(screening_first_screens)s 人、复筛 %(screening_rescreens)s 人、确诊 %(screening_diagnoses)s 人；"
            "筛查上报疑似残疾人 %(suspected_reports)s 人，转入评残 %(suspected_referred)s 人。"
        )
        % n,
    ]


def build_subsidy_statement(*, month: date, township_id: int | None, title: str, progress=None) -> Report:
    """月度补贴发放统计表: each program's approved run of the month, with its township breakdown."""
    if progress:
        progress.start(2, _("统计发放数据"))
    data = stats.subsidy_statement(month=month, township_id=township_id)
    if progress:
        progress.step(message=_("生成文件"))
    columns = [
        _("享受人数"),
        _("当期笔数"),
        _("当期金额(元)"),
        _("补发笔数"),
        _("补发金额(元)"),
        _("发放合计(元)"),
        _("追回笔数"),
        _("追回金额(元)"),
    ]

    def cells(r):
        return [
            cell(r["recipients"]),
            cell(r["current_count"]),
            cell(r["current_amount"], "money"),
            cell(r["backpay_count"]),
            cell(r["backpay_amount"], "money"),
            cell(r["paid_amount"], "money"),
            cell(r["recovery_count"]),
            cell(r["recovery_amount"], "money"),
        ]

    overview = table(
        _("%(month)s各项目发放汇总") % {"month": f"{month:%Y-%m}"},
        columns,
        [row(p["name"] + ("" if p["run_id"] else _("（无已审批批次）")), cells(p)) for p in data["programs"]],
        row_header=_("补贴项目"),
    )
    chart = bar_chart(
        title=_("%(month)s各项目发放金额") % {"month": f"{month:%Y-%m}"},
        categories=[p["name"] for p in data["programs"]],
        values=[p["paid_amount"] for p in data["programs"]],
        unit=_("元"),
        chart_id="r-statement",
    )
    sections = [section("statement", _("发放汇总"), chart=chart, tables=[overview])]
    for p in data["programs"]:
        if not p["run_id"]:
            continue
        sections.append(
            section(
                f"statement-{p['code']}",
                p["name"],
                tables=[
                    table(
                        _("%(name)s：按乡镇") % {"name": p["name"]},
                        columns,
                        [row(t["name"], cells(t)) for t in p["townships"]],
                        row(_("合计"), cells(p)),
                        row_header=_("乡镇(街道)"),
                    )
                ],
            )
        )
    where = _scope_name(township_id)
    paid = sum((p["paid_amount"] for p in data["programs"]), start=0)
    paragraphs = [
        _("%(where)s%(month)s已审批发放批次共发放 %(amount)s 元。")
        % {"where": where, "month": f"{month:%Y-%m}", "amount": format_number(paid)}
    ]
    return Report(
        title=title,
        subtitle=_("统计范围：%(where)s；所属期：%(month)s") % {"where": where, "month": f"{month:%Y-%m}"},
        generated_at=timezone.now(),
        paragraphs=paragraphs,
        sections=sections,
    )


def build_survey_summary(*, year: int, township_id: int | None, title: str, progress=None) -> Report:
    """年度需求调查汇总: progress and home-visit rate per township, services received and needed."""
    if progress:
        progress.start(2, _("统计调查数据"))
    data = stats.survey_summary(year=year, township_id=township_id)
    if progress:
        progress.step(message=_("生成文件"))
    where = _scope_name(township_id)
    if data["round"] is None:
        return Report(
            title=title,
            subtitle=_("统计范围：%(where)s；年度：%(year)s") % {"where": where, "year": year},
            generated_at=timezone.now(),
            paragraphs=[_("%(year)s年尚未开展需求调查。") % {"year": year}],
        )
    rows = [
        row(
            t["township_name"],
            [
                cell(t["to_survey"]),
                cell(t["done"]),
                cell(t["done_rate"], "rate"),
                cell(t["home"]),
                cell(t["meet"]),
                cell(t["phone"]),
                cell(t["lost"]),
                cell(t["home_rate"], "rate"),
                cell(_("达标") if t["meets_target"] else _("未达标"), "text"),
            ],
        )
        for t in data["townships"]
    ]
    totals = {k: sum(t[k] for t in data["townships"]) for k in ("to_survey", "done", "home", "meet", "phone", "lost")}
    total = row(
        _("合计"),
        [
            cell(totals["to_survey"]),
            cell(totals["done"]),
            cell(stats.rate(totals["done"], totals["to_survey"]), "rate"),
            cell(totals["home"]),
            cell(totals["meet"]),
            cell(totals["phone"]),
            cell(totals["lost"]),
            cell(stats.rate(totals["home"], totals["to_survey"]), "rate"),
            cell("", "text"),
        ],
    )
    progress_table = table(
        _("调查进度与入户率"),
        [
            _("应调查人数"),
            _("已调查"),
            _("完成率"),
            _("入户"),
            _("见面"),
            _("电话"),
            _("失访"),
            _("入户率"),
            _("入户率目标"),
        ],
        rows,
        total if len(rows) > 1 else None,
        row_header=_("乡镇(街道)"),
    )
    services_table = table(
        _("已获得与需要的服务（人数）"),
        [_("已获得"), _("需要")],
        [row(s["label"], [cell(s["received"]), cell(s["needed"])]) for s in data["services"]],
        row_header=_("服务类型"),
    )
    from .charts import stacked_bar_chart

    chart = stacked_bar_chart(
        title=_("各类服务的需要与获得人数"),
        categories=[s["label"] for s in data["services"]],
        series=[
            (_("已获得"), [s["received"] for s in data["services"]]),
            (_("需要"), [s["needed"] for s in data["services"]]),
        ],
        unit=_("人"),
        chart_id="r-survey-services",
    )
    progress_chart = bar_chart(
        title=_("各乡镇入户率"),
        categories=[t["township_name"] for t in data["townships"]],
        values=[t["home_rate"] for t in data["townships"]],
        unit="%",
        chart_id="r-survey-home",
    )
    paragraphs = [
        _(
            "%(title)s（%(start)s 至 %(end)s）：应调查 %(to)s 人，已调查 %(done)s 人，其中入户 %(home)s 人，入户率 %(rate)s。"
        )
        % {
            "title": data["round"]["title"],
            "start": data["round"]["start_date"],
            "end": data["round"]["end_date"],
            "to": format_number(totals["to_survey"]),
            "done": format_number(totals["done"]),
            "home": format_number(totals["home"]),
            "rate": f"{stats.rate(totals['home'], totals['to_survey']) or 0}%",
        }
    ]
    return Report(
        title=title,
        subtitle=_("统计范围：%(where)s；年度：%(year)s") % {"where": where, "year": year},
        generated_at=timezone.now(),
        paragraphs=paragraphs,
        sections=[
            section("survey_progress", _("调查进度"), chart=progress_chart, tables=[progress_table]),
            section("survey_services", _("服务获得与需求"), chart=chart, tables=[services_table]),
        ],
    )


# ---------------------------------------------------------------- writers

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {"money": "#,##0.00", "int": "#,##0", "rate": '0.0"%"'}


def write_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)

    def text(ws, value, font=None):
        c = WriteOnlyCell(ws, value=str(value))
        if font:
            c.font = font
        return c

    summary = workbook.create_sheet(_("概要"))
    summary.column_dimensions["A"].width = 110
    summary.append([text(summary, report.title, title_font)])
    summary.append([text(summary, report.subtitle)])
    generated = timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
    summary.append([text(summary, _("生成时间：%(t)s") % {"t": generated})])
    summary.append([])
    for paragraph in report.paragraphs:
        c = text(summary, paragraph)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        summary.append([c])

    used: set[str] = set()
    for sec in report.sections:
        name = _SHEET_BAD.sub("", sec["title"])[:28] or "Sheet"
        while name in used:
            name = name[:26] + str(len(used))
        used.add(name)
        ws = workbook.create_sheet(name)
        ws.column_dimensions["A"].width = 26
        for tbl in sec["tables"]:
            ws.append([text(ws, tbl["caption"], bold)])
            ws.append([text(ws, tbl["row_header"], bold)] + [text(ws, c, bold) for c in tbl["columns"]])
            body = list(tbl["rows"]) + ([tbl["total"]] if tbl["total"] else [])
            for r in body:
                values = [text(ws, r["header"], bold if r is tbl["total"] else None)]
                for c in r["cells"]:
                    value = c["value"]
                    cell_ = WriteOnlyCell(ws, value=str(value) if c["fmt"] == "text" else value)
                    if c["fmt"] in _FORMATS and value is not None:
                        cell_.number_format = _FORMATS[c["fmt"]]
                    values.append(cell_)
                ws.append(values)
            ws.append([])
        if sec["note"]:
            ws.append([text(ws, sec["note"])])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_pdf(report: Report) -> bytes:
    return render_pdf_template("dashboards/pdf/report.html", {"report": report})
