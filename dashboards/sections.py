"""Figures -> what a page, a PDF and a workbook show: sections of one chart and the tables with its numbers.

A table is {"caption", "columns": [..], "rows": [{"header", "cells": [cell]}], "total": row | None}; a cell is
{"value", "fmt": "int"|"money"|"rate"|"text", "url"}. The dashboard renders tables with links (each number opens
the list behind it, when the user may open that list), the reports render the same tables without links, and the
XLSX writer writes the raw values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fedportal.accounts.permissions import Perm, has_perm

from . import links
from .charts import bar_chart, line_chart, stacked_bar_chart


@dataclass(frozen=True)
class LinkRights:
    """Which lists the reader may open; numbers only link where the list would answer."""

    persons: bool = False
    subsidies: bool = False
    dynamic: bool = False
    rehab: bool = False
    community: bool = False

    @classmethod
    def for_user(cls, user) -> LinkRights:
        return cls(
            persons=has_perm(user, Perm.PERSON_VIEW),
            subsidies=has_perm(user, Perm.PAYMENT_RUN_VIEW),
            dynamic=has_perm(user, Perm.PROGRAM_VIEW),
            rehab=has_perm(user, Perm.REHAB_VIEW),
            community=has_perm(user, Perm.COMMUNITY_VIEW),
        )


NO_LINKS = LinkRights()


def cell(value, fmt: str = "int", url: str | None = None) -> dict:
    return {"value": value, "fmt": fmt, "url": url}


def row(header: str, cells: list[dict]) -> dict:
    return {"header": header, "cells": cells}


def table(
    caption: str, columns: list[str], rows: list[dict], total: dict | None = None, *, row_header: str = ""
) -> dict:
    return {"caption": caption, "columns": columns, "row_header": row_header, "rows": rows, "total": total}


def section(
    key: str, title: str, *, chart=None, tables: list[dict], note: str = "", summary: list | None = None
) -> dict:
    # Tables of many columns (months) get the full width, the chart above them.
    wide = any(len(t["columns"]) > 7 for t in tables)
    return {
        "key": key,
        "title": title,
        "chart": chart,
        "tables": tables,
        "note": note,
        "summary": summary or [],
        "wide": wide,
    }


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def short_month(month: date) -> str:
    return (
        _("%(y)s年%(m)s月") % {"y": f"{month:%y}", "m": month.month}
        if month.month == 1
        else _("%(m)s月") % {"m": month.month}
    )


# ---------------------------------------------------------------- sections


def certified_sections(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> list[dict]:
    grades = data["grades"]
    grade_labels = [g["label"] for g in grades]
    p = rights.persons

    def person_url(**kw):
        return links.persons_valid(township_id=kw.pop("township_id", scope), **kw) if p else None

    matrix_rows = [
        row(
            c["label"],
            [
                cell(n, url=person_url(category=c["category"], grade=grades[i]["grade"]))
                for i, n in enumerate(c["grades"])
            ]
            + [cell(c["total"], url=person_url(category=c["category"]))],
        )
        for c in data["categories"]
    ]
    matrix_total = row(
        _("合计"),
        [cell(n, url=person_url(grade=grades[i]["grade"])) for i, n in enumerate(data["grade_totals"])]
        + [cell(data["total"], url=person_url())],
    )
    matrix = table(
        _("持证残疾人数：残疾类别 × 等级（%(day)s）") % {"day": data["on"]},
        [*grade_labels, _("合计")],
        matrix_rows,
        matrix_total,
        row_header=_("残疾类别"),
    )
    chart_matrix = stacked_bar_chart(
        title=_("持证残疾人数（按类别、等级）"),
        categories=[c["label"] for c in data["categories"]],
        series=[(g["label"], [c["grades"][i] for c in data["categories"]]) for i, g in enumerate(grades)],
        unit=_("人"),
        chart_id=f"{prefix}certified-category",
    )
    township_rows = [
        row(
            t["name"],
            [
                cell(n, url=person_url(township_id=t["township_id"], grade=grades[i]["grade"]))
                for i, n in enumerate(t["grades"])
            ]
            + [cell(t["total"], url=person_url(township_id=t["township_id"]))],
        )
        for t in data["townships"]
    ]
    by_township = table(
        _("持证残疾人数：乡镇(街道) × 等级"),
        [*grade_labels, _("合计")],
        township_rows,
        matrix_total if len(data["townships"]) > 1 else None,
        row_header=_("乡镇(街道)"),
    )
    chart_township = stacked_bar_chart(
        title=_("各乡镇持证残疾人数（按等级）"),
        categories=[t["name"] for t in data["townships"]],
        series=[(g["label"], [t["grades"][i] for t in data["townships"]]) for i, g in enumerate(grades)],
        unit=_("人"),
        chart_id=f"{prefix}certified-township",
    )
    return [
        section(
            "certified",
            _("持证残疾人"),
            chart=chart_matrix,
            tables=[matrix],
            summary=[(_("持证残疾人"), cell(data["total"], url=person_url()), _("人"))],
        ),
        section("certified_township", _("各乡镇持证残疾人"), chart=chart_township, tables=[by_township]),
    ]


def events_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict:
    months = data["months"]
    p = rights.persons

    def url(kind, month=None):
        if not p:
            return None
        return links.certificate_events(kind=kind, month=month, start=months[0], end=months[-1], township_id=scope)

    rows = [
        row(
            k["label"],
            [cell(n, url=url(k["kind"], m)) for n, m in zip(k["counts"], months, strict=True)]
            + [cell(k["total"], url=url(k["kind"]))],
        )
        for k in data["kinds"]
    ]
    chart = line_chart(
        title=_("残疾人证新办、换领、注销（按月）"),
        categories=[short_month(m) for m in months],
        series=[(k["label"], k["counts"]) for k in data["kinds"]],
        unit=_("张"),
        chart_id=f"{prefix}certificate-events",
    )
    tbl = table(
        _("残疾人证办理（%(start)s 至 %(end)s）") % {"start": month_label(months[0]), "end": month_label(months[-1])},
        [month_label(m) for m in months] + [_("合计")],
        rows,
        row_header=_("事项"),
    )
    summary = [
        (_("%(kind)s（近12个月）") % {"kind": k["label"]}, cell(k["total"], url=url(k["kind"])), _("张"))
        for k in data["kinds"]
    ]
    return section("events", _("残疾人证办理"), chart=chart, tables=[tbl], summary=summary)


def subsidy_sections(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> list[dict]:
    months = data["months"]
    s = rights.subsidies

    def url(program, i):
        if not s or not program["run_ids"][i]:
            return None
        return links.payment_run(
            run_id=program["run_ids"][i], program_code=program["code"], period=months[i], township_id=scope
        )

    def runs_url(program):
        return links.payment_run(run_id=None, program_code=program["code"]) if s and program["person_months"] else None

    columns = [month_label(m) for m in months]
    recipients = table(
        _("各项目享受人数（按发放月份）"),
        [*columns, _("发放人月数合计")],
        [
            row(
                p["name"],
                [cell(n, url=url(p, i)) for i, n in enumerate(p["recipients"])]
                + [cell(p["person_months"], url=runs_url(p))],
            )
            for p in data["programs"]
        ],
        row_header=_("补贴项目"),
    )
    amounts = table(
        _("各项目发放金额（元，按发放月份）"),
        [*columns, _("合计")],
        [
            row(
                p["name"],
                [cell(a, "money", url(p, i)) for i, a in enumerate(p["amounts"])]
                + [cell(p["total_amount"], "money", runs_url(p))],
            )
            for p in data["programs"]
        ],
        row(
            _("合计"),
            [cell(sum((p["amounts"][i] for p in data["programs"]), start=0), "money") for i in range(len(months))]
            + [cell(data["total_amount"], "money")],
        ),
        row_header=_("补贴项目"),
    )
    monthly = [p for p in data["programs"] if p["monthly"]]
    chart_recipients = line_chart(
        title=_("按月补贴享受人数"),
        categories=[short_month(m) for m in months],
        series=[(p["name"], p["recipients"]) for p in monthly],
        unit=_("人"),
        chart_id=f"{prefix}subsidy-recipients",
    )
    chart_amounts = stacked_bar_chart(
        title=_("各月补贴发放金额"),
        categories=[short_month(m) for m in months],
        series=[(p["name"], p["amounts"]) for p in data["programs"]],
        unit=_("元"),
        chart_id=f"{prefix}subsidy-amounts",
    )
    summary = [
        (_("%(name)s（近12个月）") % {"name": p["name"]}, cell(p["total_amount"], "money"), _("元"))
        for p in data["programs"]
        if p["total_amount"]
    ]
    return [
        section("subsidy_recipients", _("补贴享受人数"), chart=chart_recipients, tables=[recipients]),
        section("subsidy_amounts", _("补贴发放金额"), chart=chart_amounts, tables=[amounts], summary=summary),
    ]


def budget_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict:
    columns = [_("预算(元)"), _("已发放(元)"), _("资金执行率")] if data["county_wide"] else [_("已发放(元)")]
    rows = []
    for r in data["rows"]:
        url = links.budget(year=r["year"]) if rights.subsidies else None
        label = _("%(year)s年 %(name)s") % {"year": r["year"], "name": r["name"]}
        if data["county_wide"]:
            rows.append(
                row(label, [cell(r["budget"], "money", url), cell(r["paid"], "money", url), cell(r["rate"], "rate")])
            )
        else:
            rows.append(row(label, [cell(r["paid"], "money", url)]))
    current = [r for r in data["rows"] if r["year"] == data["years"][-1]]
    if data["county_wide"]:
        chart = bar_chart(
            title=_("%(year)s年各项目资金执行率") % {"year": data["years"][-1]},
            categories=[r["name"] for r in current],
            values=[r["rate"] for r in current],
            unit="%",
            chart_id=f"{prefix}budget-rate",
        )
        note = _("资金执行率 = 已发放 / 预算；已发放为当年已审批发放批次的当期与补发金额。")
    else:
        chart = bar_chart(
            title=_("%(year)s年各项目已发放金额") % {"year": data["years"][-1]},
            categories=[r["name"] for r in current],
            values=[r["paid"] for r in current],
            unit=_("元"),
            chart_id=f"{prefix}budget-paid",
        )
        note = _("预算按全县编制，按乡镇查看时只显示已发放金额。")
    tbl = table(_("预算与资金执行"), columns, rows, row_header=_("年度与项目"))
    return section("budget", _("预算与资金执行率"), chart=chart, tables=[tbl], note=note)


def rehab_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict:
    year = data["year"]
    r_ok = rights.rehab

    def need_url(township_id, need_type=None):
        return links.rehab_needs(year=year, township_id=township_id, need_type=need_type) if r_ok else None

    def rate_url(township_id):
        return links.url_for("rehab:indicators", {"year": year, "township": township_id}) if r_ok else None

    def line(label, r, township_id):
        return row(
            label,
            [
                cell(r["need_count"], url=need_url(township_id)),
                cell(r["served_count"], url=rate_url(township_id)),
                cell(r["service_rate"], "rate", rate_url(township_id)),
                cell(r["device_need_count"], url=need_url(township_id, "device")),
                cell(r["device_fitted_count"], url=rate_url(township_id)),
                cell(r["fitting_rate"], "rate", rate_url(township_id)),
            ],
        )

    rows = [line(t["township_name"], t, t["township_id"]) for t in data["townships"]]
    total = line(_("合计"), data["total"], scope) if data["total"] and len(rows) > 1 else None
    tbl = table(
        _("%(year)s年康复服务率与辅具适配率") % {"year": year},
        [_("有康复需求人数"), _("已服务人数"), _("康复服务率"), _("有辅具需求人数"), _("已适配人数"), _("辅具适配率")],
        rows,
        total,
        row_header=_("乡镇(街道)"),
    )
    chart = stacked_bar_chart(
        title=_("%(year)s年各乡镇康复服务与辅具适配人数") % {"year": year},
        categories=[t["township_name"] for t in data["townships"]],
        series=[
            (_("已服务"), [t["served_count"] for t in data["townships"]]),
            (_("有需求未服务"), [t["need_count"] - t["served_count"] for t in data["townships"]]),
        ],
        unit=_("人"),
        chart_id=f"{prefix}rehab",
    )
    summary = []
    if data["total"]:
        summary = [
            (_("康复服务率"), cell(data["total"]["service_rate"], "rate"), ""),
            (_("辅具适配率"), cell(data["total"]["fitting_rate"], "rate"), ""),
        ]
    return section(
        "rehab",
        _("康复服务"),
        chart=chart,
        tables=[tbl],
        summary=summary,
        note=_("康复服务率 = 当年已服务人数 / 当年有康复需求人数；辅具适配率同理。国家目标 85% 以上。"),
    )


def expiring_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict:
    p = rights.persons
    days = data["days"]
    rows = [
        row(
            t["name"],
            [cell(t["count"], url=links.persons_expiring(days=days, township_id=t["township_id"]) if p else None)],
        )
        for t in data["townships"]
    ]
    total_url = links.persons_expiring(days=days, township_id=scope) if p else None
    total = row(_("合计"), [cell(data["total"], url=total_url)]) if len(rows) > 1 else None
    tbl = table(
        _("%(days)s天内到期的残疾人证（%(today)s 起）") % {"days": days, "today": data["today"]},
        [_("到期证件数")],
        rows,
        total,
        row_header=_("乡镇(街道)"),
    )
    chart = bar_chart(
        title=_("%(days)s天内到期的残疾人证") % {"days": days},
        categories=[t["name"] for t in data["townships"]],
        values=[t["count"] for t in data["townships"]],
        unit=_("张"),
        chart_id=f"{prefix}expiring",
    )
    summary = [(_("%(days)s天内到期") % {"days": days}, cell(data["total"], url=total_url), _("张"))]
    return section("expiring", _("即将到期的残疾人证"), chart=chart, tables=[tbl], summary=summary)


def gaps_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict | None:
    if not data["programs"]:
        return None
    d = rights.dynamic

    def url(code, view, township_id):
        return links.dynamic_management(program_code=code, view=view, township_id=township_id) if d else None

    rows = []
    for program in data["programs"]:
        for t in program["townships"]:
            rows.append(
                row(
                    f"{program['name']} · {t['name']}",
                    [
                        cell(t["enrolled"]),
                        cell(t["missing"], url=url(program["code"], "missing", t["township_id"])),
                        cell(t["excess"], url=url(program["code"], "excess", t["township_id"])),
                    ],
                )
            )
    program_rows = [
        row(
            p["name"],
            [
                cell(p["enrolled"]),
                cell(p["missing"], url=url(p["code"], "missing", scope)),
                cell(p["excess"], url=url(p["code"], "excess", scope)),
            ],
        )
        for p in data["programs"]
    ]
    columns = [_("享受中人数"), _("符合条件未纳入（应享未享）"), _("纳入但不再符合（应退未退）")]
    chart = stacked_bar_chart(
        title=_("应享未享与应退未退"),
        categories=[p["name"] for p in data["programs"]],
        series=[
            (_("应享未享"), [p["missing"] for p in data["programs"]]),
            (_("应退未退"), [p["excess"] for p in data["programs"]]),
        ],
        unit=_("人"),
        chart_id=f"{prefix}gaps",
    )
    tables = [table(_("动态管理（%(day)s）") % {"day": data["on"]}, columns, program_rows, row_header=_("补贴项目"))]
    if scope is None:
        tables.append(table(_("动态管理：按乡镇"), columns, rows, row_header=_("项目 · 乡镇")))
    summary = [
        (_("%(name)s应享未享") % {"name": p["name"]}, cell(p["missing"], url=url(p["code"], "missing", scope)), _("人"))
        for p in data["programs"]
    ] + [
        (_("%(name)s应退未退") % {"name": p["name"]}, cell(p["excess"], url=url(p["code"], "excess", scope)), _("人"))
        for p in data["programs"]
    ]
    return section("gaps", _("动态管理"), chart=chart, tables=tables, summary=summary)


def failed_payments_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict | None:
    """Payments the bank returned as failed, per run month; each number opens the list behind it."""
    if not any(data["count"]):
        return None
    months = data["months"]

    def url(i, status):
        return links.failed_payments(month=months[i], township_id=scope, status=status) if rights.subsidies else None

    columns = [month_label(m) for m in months]
    tbl = table(
        _("银行回盘失败（按发放月份）"),
        [*columns, _("合计")],
        [
            row(
                _("失败笔数"),
                [cell(n, url=url(i, "all")) for i, n in enumerate(data["count"])] + [cell(sum(data["count"]))],
            ),
            row(
                _("失败金额(元)"),
                [cell(a, "money", url(i, "all")) for i, a in enumerate(data["amount"])]
                + [cell(sum(data["amount"], start=0), "money")],
            ),
            row(
                _("尚未重发笔数"),
                [cell(n, url=url(i, "waiting")) for i, n in enumerate(data["held"])] + [cell(sum(data["held"]))],
            ),
            row(
                _("尚未重发金额(元)"),
                [cell(a, "money") for a in data["held_amount"]] + [cell(sum(data["held_amount"], start=0), "money")],
            ),
        ],
        row_header=_("项目"),
    )
    chart = bar_chart(
        title=_("各月银行回盘失败金额"),
        categories=[short_month(m) for m in months],
        values=data["amount"],
        unit=_("元"),
        chart_id=f"{prefix}failed-payments",
    )
    summary = [
        (
            _("回盘失败（近12个月）"),
            cell(sum(data["count"]), url=links.failed_payments(township_id=scope) if rights.subsidies else None),
            _("笔"),
        ),
        (
            _("尚未重发"),
            cell(
                sum(data["held"]),
                url=links.failed_payments(township_id=scope, status="waiting") if rights.subsidies else None,
            ),
            _("笔"),
        ),
    ]
    return section("failed_payments", _("发放失败与重发"), chart=chart, tables=[tbl], summary=summary)


def grants_section(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> dict:
    """Every program's persons, person-times and amount paid in the period (approved runs), with a link to its runs."""
    s = rights.subsidies
    rows = [
        row(
            p["name"],
            [
                cell(p["persons"], url=links.payment_run(run_id=None, program_code=p["code"]) if s else None),
                cell(p["times"]),
                cell(p["amount"], "money"),
            ],
        )
        for p in data["programs"]
        if p["times"]
    ]
    tbl = table(
        _("%(start)s 至 %(end)s 各项补贴与补助") % {"start": data["start"], "end": data["end"]},
        [_("人数"), _("人次"), _("金额(元)")],
        rows,
        row(
            _("合计"),
            [cell(data["persons"]), cell(sum(p["times"] for p in data["programs"])), cell(data["amount"], "money")],
        ),
        row_header=_("补贴项目"),
    )
    chart = bar_chart(
        title=_("各项补贴与补助发放金额"),
        categories=[p["name"] for p in data["programs"] if p["times"]],
        values=[p["amount"] for p in data["programs"] if p["times"]],
        unit=_("元"),
        chart_id=f"{prefix}grants",
    )
    return section(
        "grants",
        _("补贴与补助发放"),
        chart=chart,
        tables=[tbl],
        note=_("人数每人计一次；人次按发放笔数计（按月补贴每月一次，一次性补助每次发放一次）；银行退回失败的不计。"),
    )


# The community figures of a work report, one section an area: (key, title, [(figure, label, fmt, list URL name)]).
COMMUNITY_AREAS = (
    (
        "employment",
        gettext_lazy("就业服务"),
        (
            ("training_sessions", gettext_lazy("职业技能培训班次"), "int", "community:training_list"),
            ("training_person_times", gettext_lazy("培训人次"), "int", "community:training_list"),
            ("training_persons", gettext_lazy("培训人数"), "int", "community:training_list"),
            ("job_fairs", gettext_lazy("专场招聘会"), "int", "community:job_fair_list"),
            ("job_fair_positions", gettext_lazy("提供岗位"), "int", "community:job_fair_list"),
            ("referrals", gettext_lazy("推荐就业人次"), "int", "community:referral_list"),
            ("placements", gettext_lazy("稳岗就业人数"), "int", "community:referral_list"),
            ("workshop_workers", gettext_lazy("庇护性就业人数"), "int", "community:workshop_list"),
        ),
    ),
    (
        "relief",
        gettext_lazy("走访慰问"),
        (
            ("relief_visits", gettext_lazy("走访慰问人次"), "int", "community:relief_list"),
            ("relief_households", gettext_lazy("走访慰问户数"), "int", "community:relief_list"),
            ("relief_cash", gettext_lazy("慰问金(元)"), "money", "community:relief_list"),
            ("relief_goods", gettext_lazy("慰问物资折款(元)"), "money", "community:relief_list"),
        ),
    ),
    (
        "legal",
        gettext_lazy("法律援助与维权"),
        (
            ("legal_cases", gettext_lazy("受理案件"), "int", "community:case_list"),
            ("legal_aid_cases", gettext_lazy("法律援助案件"), "int", "community:case_list"),
            ("complaints", gettext_lazy("信访投诉"), "int", "community:case_list"),
            ("cases_closed", gettext_lazy("办结"), "int", "community:case_list"),
        ),
    ),
    (
        "culture",
        gettext_lazy("文化体育"),
        (
            ("culture_events", gettext_lazy("文体活动场次"), "int", "community:event_list"),
            ("culture_participant_times", gettext_lazy("参与人次"), "int", "community:event_list"),
        ),
    ),
    (
        "detection",
        gettext_lazy("残疾预防与早期筛查"),
        (
            ("screening_first_screens", gettext_lazy("儿童初筛人数"), "int", "community:screening_list"),
            ("screening_rescreens", gettext_lazy("复筛人数"), "int", "community:screening_list"),
            ("screening_diagnoses", gettext_lazy("确诊人数"), "int", "community:screening_list"),
            ("screening_referrals", gettext_lazy("转介康复救助"), "int", "community:screening_list"),
            ("suspected_reports", gettext_lazy("疑似残疾人筛查上报"), "int", "community:suspected_list"),
            ("suspected_referred", gettext_lazy("转入评残"), "int", "community:suspected_list"),
        ),
    ),
)


def community_sections(data: dict, *, scope: int | None, rights: LinkRights, prefix: str = "") -> list[dict]:
    """One section per area of the community records, each figure linked to the list it counts (that year)."""
    year = data["start"].year

    def url(name):
        return links.url_for(name, {"year": year, "township": scope}) if rights.community else None

    sections = []
    for key, title, figures in COMMUNITY_AREAS:
        tbl = table(
            _("%(title)s（%(start)s 至 %(end)s）") % {"title": title, "start": data["start"], "end": data["end"]},
            [_("数值")],
            [row(str(label), [cell(data[figure], fmt, url(list_name))]) for figure, label, fmt, list_name in figures],
            row_header=_("指标"),
        )
        summary = [(str(label), cell(data[figure], fmt), "") for figure, label, fmt, _name in figures[:2]]
        sections.append(section(f"community-{key}", str(title), tables=[tbl], summary=summary))
    return sections


def localized(value):
    """The cached figures are the same for every language (computed in Chinese, see selectors); the names and labels
    of their vocabulary (programs, categories, grades, device types…) are put into the reader's language here,
    through the catalog. Names typed by people (townships)
    are not in the catalog and stay as they are."""
    if isinstance(value, dict):
        return {
            k: (_(v) if k in ("name", "label") and isinstance(v, str) and v else localized(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [localized(v) for v in value]
    return value


def dashboard_sections(figures: dict, *, rights: LinkRights) -> list[dict]:
    figures = localized(figures)
    scope = figures["township_id"]
    sections = [
        *certified_sections(figures["certified"], scope=scope, rights=rights),
        events_section(figures["events"], scope=scope, rights=rights),
        expiring_section(figures["expiring"], scope=scope, rights=rights),
        *subsidy_sections(figures["subsidies"], scope=scope, rights=rights),
        budget_section(figures["budget"], scope=scope, rights=rights),
        rehab_section(figures["rehab"], scope=scope, rights=rights),
    ]
    if "failed_payments" in figures:
        sections.append(failed_payments_section(figures["failed_payments"], scope=scope, rights=rights))
    if "grants" in figures:
        sections.append(grants_section(figures["grants"], scope=scope, rights=rights))
    if "community" in figures:
        sections.extend(community_sections(figures["community"], scope=scope, rights=rights))
    if "gaps" in figures:
        sections.append(gaps_section(figures["gaps"], scope=scope, rights=rights))
    return [s for s in sections if s is not None]
