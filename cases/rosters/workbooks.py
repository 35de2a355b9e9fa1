"""Workbooks the roster flow hands out: blank templates and the annotated copy of an uploaded file.

Any text cell that starts with = + - @ is written as a string, never as a formula (formula injection).
"""

import io
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cases.models import RosterKind
from fedportal.core.clock import local_now
from fedportal.core.spreadsheets import is_formula_like

from . import schema as S
from .reader import RosterFileError, column_letter, read_roster

TEMPLATE_ROWS = 2000
_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
_WARNING_FILL = PatternFill("solid", fgColor="FFE699")


def safe_cell(cell, value):
    """Assign a value; text that Excel could run as a formula stays text."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
    return cell


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _example_person(township_name: str, village_name: str) -> list:
    return [
        "张三",
        "360121197011210013",
        "汉族",
        "13907910001",
        township_name,
        village_name,
        "360121001000123",
        "户主",
        "36012119701121001343",
        "肢体",
        "三级",
        "第三代",
        "2020-03-15",
        "2030-03-14",
        "低保",
        "2021-01-01",
        "无",
        "36012119701121001",
        "农商银行",
    ]


def build_template(*, kind: str, townships, villages) -> bytes:
    """A blank roster: the contract's header, drop-down lists for closed vocabularies, text ID columns, an example sheet."""
    workbook = Workbook()
    sheet = workbook.active
    lists = workbook.create_sheet("选项")
    if kind == RosterKind.ENROLLMENTS:
        sheet.title = "补贴对象花名册"
        columns, required, text_columns = S.ENROLLMENT_COLUMNS, S.ENROLLMENT_REQUIRED, S.ENROLLMENT_TEXT_COLUMNS
        vocab = {S.E_PROGRAM: list(S.PROGRAM_LABELS)}
        example = [["360121197011210013", "护理补贴", "2024-01", "2024-06", "原系统迁移"]]
    else:
        sheet.title = "残疾人花名册"
        columns, required, text_columns = S.PERSON_COLUMNS, S.PERSON_REQUIRED, S.PERSON_TEXT_COLUMNS
        vocab = {name: list(values) for name, values in S.vocabularies().items()}
        vocab[S.P_TOWNSHIP] = [t.name for t in townships]
        vocab[S.P_VILLAGE] = sorted({v.name for v in villages})
        first = townships[0].name if townships else "莲塘镇"
        first_village = next((v.name for v in villages), "莲塘村")
        example = [_example_person(first, first_village)]

    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = _HEADER_FONT
        if name in required:
            cell.fill = _REQUIRED_FILL
        letter = column_letter(index - 1)
        sheet.column_dimensions[letter].width = max(12, len(name) * 2 + 4)
        if name in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
            sheet.column_dimensions[letter].width = 24
        elif name in S.PERSON_DATE_COLUMNS and kind == RosterKind.PERSONS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    # Vocabularies live on a hidden sheet so long lists (villages) are not cut at Excel's 255-character limit.
    for list_index, (name, values) in enumerate(vocab.items(), start=1):
        list_letter = column_letter(list_index - 1)
        lists.cell(row=1, column=list_index, value=name)
        for row, value in enumerate(values, start=2):
            safe_cell(lists.cell(row=row, column=list_index), value)
        if name not in columns or not values:
            continue
        target = column_letter(columns.index(name))
        validation = DataValidation(
            type="list",
            formula1=f"'选项'!${list_letter}$2:${list_letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=name != S.P_VILLAGE,
            errorTitle=_("请从下拉列表中选择"),
            error=_("请选择%(column)s列表中的一项。") % {"column": name},
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"

    sample = workbook.create_sheet("填写示例", 1)
    for index, name in enumerate(columns, start=1):
        sample.cell(row=1, column=index, value=name).font = _HEADER_FONT
        sample.column_dimensions[column_letter(index - 1)].width = 22 if name in text_columns else 14
    for row_index, values in enumerate(example, start=2):
        for index, value in enumerate(values, start=1):
            cell = safe_cell(sample.cell(row=row_index, column=index), value)
            if columns[index - 1] in text_columns:
                cell.number_format = "@"
    notes = [
        _("第一个工作表填写数据，表头不要修改；列的顺序可以调整，多余的列会被忽略。"),
        _(
            "身份证号、残疾人证号、户籍编号、社保卡号、联系电话请保持“文本”格式，否则 Excel 会把长号码变成科学计数法并丢失末几位。"
        ),
        _("日期填写为日期格式或 YYYY-MM-DD 文本；不要使用公式。"),
    ]
    if kind == RosterKind.PERSONS:
        notes.append(
            _(
                "残疾人证号 = 身份证号 + 残疾类别代码（1 视力 2 听力 3 言语 4 肢体 5 智力 6 精神 7 多重）+ 等级代码（1-4）。"
            )
        )
        notes.append(_("低保起始日期不填时，按导入当天计。空白的单元格不会覆盖系统中已有的信息。"))
    else:
        notes.append(
            _(
                "项目：生活补贴、护理补贴、扶残助学金、一户多残补助；起始年月 YYYY-MM；已发放至 YYYY-MM 或 YYYY（原系统已发放到的月份或年份）。"
            )
        )
    for offset, note in enumerate(notes, start=len(example) + 3):
        sample.cell(row=offset, column=1, value=note).alignment = Alignment(wrap_text=False)
    return _to_bytes(workbook)


def build_annotated(*, content: bytes, issues: list[dict]) -> bytes:
    """The uploaded rows again, bad cells highlighted and every row's reasons in a last column 错误原因."""
    try:
        sheet = read_roster(content)
    except RosterFileError as exc:
        workbook = Workbook(write_only=True)
        ws = workbook.create_sheet(_("错误原因"))
        ws.append([_("错误原因")])
        ws.append([safe_cell(WriteOnlyCell(ws), str(exc))])
        return _to_bytes(workbook)
    header = sheet.header
    position = {name: index for index, name in enumerate(header) if name}
    by_row: dict[int, list[dict]] = {}
    file_messages = []
    for issue in issues:
        if issue.get("row"):
            by_row.setdefault(issue["row"], []).append(issue)
        else:
            file_messages.append(issue["message"])

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("校验结果"))
    for index, name in enumerate(header):
        ws.column_dimensions[column_letter(index)].width = 22 if name in S.PERSON_TEXT_COLUMNS else 12
    ws.column_dimensions[column_letter(len(header))].width = 80
    head = []
    for name in [*header, _("错误原因")]:
        cell = safe_cell(WriteOnlyCell(ws), name)
        cell.font = _HEADER_FONT
        head.append(cell)
    ws.freeze_panes = "A2"  # the header stays in view (a write-only sheet takes its panes before the first row)
    ws.append(head)
    for number, cells in sheet.rows:
        row_issues = by_row.get(number, [])
        marks = {}
        for issue in row_issues:
            index = position.get(issue["column"])
            if index is not None and marks.get(index) != "error":
                marks[index] = issue["level"]
        out = []
        for index, value in enumerate(cells[: len(header)]):
            if isinstance(value, datetime) and not value.time():
                value = value.date()
            cell = WriteOnlyCell(ws)
            if isinstance(value, str | int | float | date) and value != "":
                safe_cell(cell, value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str) and header[index] in S.PERSON_TEXT_COLUMNS | S.ENROLLMENT_TEXT_COLUMNS:
                    cell.number_format = "@"
            if index in marks:
                cell.fill = _ERROR_FILL if marks[index] == "error" else _WARNING_FILL
            out.append(cell)
        reasons = "；".join(
            (f"{issue['column']}：" if issue["column"] else "")
            + (_("提示：") if issue["level"] == "warning" else "")
            + issue["message"]
            for issue in row_issues
        )
        out.append(safe_cell(WriteOnlyCell(ws), reasons))
        ws.append(out)
    if file_messages:
        ws.append([safe_cell(WriteOnlyCell(ws), message) for message in file_messages])
    info = workbook.create_sheet(_("说明"))
    info.append([_("生成时间"), local_now().strftime("%Y-%m-%d %H:%M")])
    info.append(
        [
            _("说明"),
            _(
                "红色单元格有错误，黄色单元格有提示；原因见最后一列“错误原因”。改正后可直接上传本文件（“错误原因”列会被忽略）。"
            ),
        ]
    )
    return _to_bytes(workbook)
