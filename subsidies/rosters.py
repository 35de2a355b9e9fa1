"""The enrollments roster (county staff only): existing beneficiaries migrated from the old system.

The registry's roster machinery (upload, bounded reader, report, jobs, CLI) lives in cases/rosters; this app owns
what the enrollments kind means and registers it there (cases/hooks.py `enrollments_roster`, from apps.py):
Program/Enrollment, rules.eligibility_reasons (set-wise) and services.enrollment_bulk_upsert (one transaction). A person who does not qualify today is a warning:
the enrollment is recorded and the next payment run lists it as stopped with the reason.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from cases.rosters import schema as S
from cases.rosters.cells import (
    CellError,
    is_mangled_number,
    number_as_excel_shows,
    parse_month,
    parse_month_or_year,
    text,
)
from cases.rosters.reader import RosterSheet
from cases.rosters.report import RosterReport
from fedportal.idnumber import parse_id_number

from .models import Enrollment, PeriodKind, Program
from .rules import eligibility_reasons
from .services import enrollment_bulk_upsert


@dataclass
class EnrollmentsPlan:
    rows: list[dict] = field(default_factory=list)


def validate_enrollments(sheet: RosterSheet, *, today: date, progress=None) -> RosterReport:
    report = RosterReport(kind="enrollments", rows=len(sheet.rows))
    index = {name: i for i, name in enumerate(sheet.header) if name}
    missing = [name for name in S.ENROLLMENT_REQUIRED if name not in index]
    if missing:
        report.fail_file(
            _("第 1 行缺少必填列：%(columns)s。表头须与模板一致（列的顺序可以不同）。")
            % {"columns": "、".join(missing)}
        )
        return report
    if not sheet.rows:
        report.fail_file(_("文件中没有数据行（第 2 行起）。"))
        return report

    programs = {}
    for program in Program.objects.all():
        programs[program.code] = program
        programs[program.name] = program
    for label, code in S.PROGRAM_LABELS.items():
        if code in programs:
            programs.setdefault(label, programs[code])
    position = {i: name for name, i in index.items() if name in S.ENROLLMENT_COLUMNS}

    def cell(cells, name):
        i = index.get(name)
        value = "" if i is None or i >= len(cells) else cells[i]
        return value.strip() if isinstance(value, str) else ("" if value is None else value)

    parsed = []
    for number, cells in sheet.rows:
        item = {"row": number}
        raw_id = cell(cells, S.E_ID)
        if is_mangled_number(raw_id):
            raw_id = number_as_excel_shows(raw_id)
        try:
            item["id_number"] = parse_id_number(text(raw_id)).number
        except ValidationError as exc:
            report.error(number, S.E_ID, exc.messages[0])
        program_text = text(cell(cells, S.E_PROGRAM))
        program = programs.get(program_text)
        if not program_text:
            report.error(number, S.E_PROGRAM, _("请填写项目。"))
        elif program is None:
            report.error(
                number,
                S.E_PROGRAM,
                _("未知的补贴项目“%(value)s”，应为：%(choices)s。")
                % {"value": program_text, "choices": "、".join(S.PROGRAM_LABELS)},
            )
        else:
            item["program"] = program
        start_raw = cell(cells, S.E_START)
        if start_raw == "":
            report.error(number, S.E_START, _("请填写起始年月（YYYY-MM）。"))
        else:
            try:
                item["start_month"] = parse_month(start_raw)
            except CellError as exc:
                report.error(number, S.E_START, str(exc))
        paid_raw = cell(cells, S.E_PAID)
        if paid_raw != "":
            try:
                paid, is_year = parse_month_or_year(paid_raw)
            except CellError as exc:
                report.error(number, S.E_PAID, str(exc))
            else:
                if program is not None and program.period_kind == PeriodKind.MONTHLY and is_year:
                    report.error(number, S.E_PAID, _("按月发放的项目，已发放至应填写年月（YYYY-MM）。"))
                elif program is not None and program.period_kind == PeriodKind.YEARLY and not is_year:
                    report.error(number, S.E_PAID, _("按年发放的项目，已发放至应填写年份（YYYY）。"))
                elif paid > today:
                    report.error(number, S.E_PAID, _("已发放至不能晚于本月。"))
                else:
                    item["paid_through"] = paid
        note = text(cell(cells, S.E_NOTE))
        if len(note) > 200:
            report.error(number, S.E_NOTE, _("备注不能超过 200 个字。"))
        item["note"] = note[:200]
        parsed.append(item)

    for row_number, column_index in sheet.formula_cells:
        if row_number >= 2 and column_index in position:
            report.error(
                row_number, position[column_index], _("单元格是公式。请把公式结果复制后“选择性粘贴为数值”，再上传。")
            )

    # The same person and program twice: an error on every such row.
    seen: dict[tuple, list[int]] = {}
    for item in parsed:
        if "id_number" in item and "program" in item:
            seen.setdefault((item["id_number"], item["program"].code), []).append(item["row"])
    for item in parsed:
        rows = seen.get((item.get("id_number"), getattr(item.get("program"), "code", None)), [])
        others = [n for n in rows if n != item["row"]]
        if others:
            report.error(
                item["row"],
                S.E_ID,
                _("同一人同一项目在本文件中重复（另见第 %(rows)s 行）。") % {"rows": "、".join(map(str, others))},
            )
    if progress:
        progress(len(parsed) // 2, _("正在核对登记信息"))

    numbers = sorted({item["id_number"] for item in parsed if "id_number" in item})
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id FROM cases_person WHERE id_number = ANY(%s)", [numbers])
        person_ids = dict(cursor.fetchall())
    for item in parsed:
        if "id_number" in item and item["id_number"] not in person_ids:
            report.error(item["row"], S.E_ID, _("登记库中没有此身份证号的残疾人，请先导入残疾人花名册。"))
    existing = {
        (e.person_id, e.program.code): e
        for e in Enrollment.objects.filter(person_id__in=list(person_ids.values())).select_related("program")
    }
    by_program: dict[str, list[int]] = {}
    plan = EnrollmentsPlan()
    valid_items = [item for item in parsed if not report.is_invalid_row(item["row"])]
    for item in valid_items:
        by_program.setdefault(item["program"].code, []).append(person_ids[item["id_number"]])
    reasons: dict[tuple, list[str]] = {}
    for code, ids in by_program.items():
        for person_id, found in eligibility_reasons(code, sorted(set(ids)), today).items():
            reasons[(person_id, code)] = found
    for item in valid_items:
        person_id, code = person_ids[item["id_number"]], item["program"].code
        if reasons.get((person_id, code)):
            report.warning(
                item["row"],
                S.E_PROGRAM,
                _("此人今天不符合%(program)s的条件（%(reasons)s）：仍会登记，下次发放时列为停发。")
                % {"program": item["program"].name, "reasons": "、".join(reasons[(person_id, code)])},
            )
        current = existing.get((person_id, code))
        values = (item["start_month"], item.get("paid_through"), item["note"])
        if current is None:
            report.to_create += 1
        elif (current.start_month, current.paid_through, current.note) != values or current.status != "active":
            report.to_update += 1
        else:
            report.unchanged += 1
        plan.rows.append(
            {
                "person_id": person_id,
                "program_code": code,
                "start_month": item["start_month"],
                "paid_through": item.get("paid_through"),
                "note": item["note"],
            }
        )
    report.plan = plan
    if progress:
        progress(len(parsed), _("校验完成"))
    return report


def validate(sheet: RosterSheet, *, today: date, progress=None) -> RosterReport:
    return validate_enrollments(sheet, today=today, progress=progress)


def write(plan: EnrollmentsPlan, *, acting_user) -> dict:
    return write_enrollments(plan, acting_user=acting_user)


def write_enrollments(plan: EnrollmentsPlan, *, acting_user) -> dict:
    return enrollment_bulk_upsert(rows=plan.rows, acting_user=acting_user)
