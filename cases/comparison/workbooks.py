"""Workbooks of the comparison flow: a blank list template per kind, and the result of one comparison.

ID numbers in the result are masked, as on the page: the file leaves the portal.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cases.rosters.workbooks import TEMPLATE_ROWS, safe_cell
from fedportal.core.clock import local_now
from fedportal.core.sensitive import mask
from fedportal.core.spreadsheets import is_formula_like

from . import describe
from . import schema as S
from .models import ComparisonKind
from .reading import column_letter

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_list_template(*, kind: str) -> bytes:
    """The contract's header for the kind, text ID column, date formats, a drop-down for 救助类型, an example sheet."""
    columns, required = S.COLUMNS[kind], S.REQUIRED[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(ComparisonKind(kind).label)[:31]
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = _HEADER_FONT
        if name in required:
            cell.fill = _REQUIRED_FILL
        letter = column_letter(index - 1)
        sheet.column_dimensions[letter].width = 24 if name in S.TEXT_COLUMNS else 16
        if name in S.TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        elif name in S.DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    if S.C_TYPE in columns:
        lists = workbook.create_sheet("选项")
        lists.cell(row=1, column=1, value=S.C_TYPE)
        for row, value in enumerate(S.POVERTY_TYPES, start=2):
            lists.cell(row=row, column=1, value=value)
        target = column_letter(columns.index(S.C_TYPE))
        validation = DataValidation(
            type="list",
            formula1=f"'选项'!$A$2:$A${len(S.POVERTY_TYPES) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("请从下拉列表中选择"),
            error=_("请选择%(column)s列表中的一项。") % {"column": S.C_TYPE},
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
        lists.sheet_state = "hidden"
    sample = workbook.create_sheet("填写示例", 1)
    for index, name in enumerate(columns, start=1):
        sample.cell(row=1, column=index, value=name).font = _HEADER_FONT
        sample.column_dimensions[column_letter(index - 1)].width = 22 if name in S.TEXT_COLUMNS else 16
    for row_index, values in enumerate(S.EXAMPLES[kind], start=2):
        for index, value in enumerate(values, start=1):
            cell = safe_cell(sample.cell(row=row_index, column=index), value)
            if columns[index - 1] in S.TEXT_COLUMNS:
                cell.number_format = "@"
    notes = [
        _("第一个工作表填写数据，表头不要修改；列的顺序可以调整，多余的列会被忽略。"),
        _("身份证号请保持“文本”格式，否则 Excel 会把长号码变成科学计数法并丢失末几位。"),
        _("日期填写为日期格式或 YYYY-MM-DD 文本；不要使用公式。"),
    ]
    if kind == ComparisonKind.POVERTY:
        notes.append(
            _(
                "请提供民政部门当前的完整名册：登记为低保、低保边缘或特困供养但不在名册中的人，按名单日期起终止；"
                "终止日期不填表示仍在享受。"
            )
        )
    if kind == ComparisonKind.INJURY:
        notes.append(_("终止日期不填表示仍在领取工伤保险生活护理费。"))
    for offset, note in enumerate(notes, start=len(S.EXAMPLES[kind]) + 3):
        sample.cell(row=offset, column=1, value=note)
    return _to_bytes(workbook)


def _append(ws, values) -> None:
    """Text that Excel could run as a formula is written as a string cell; everything else as a plain value."""
    ws.append([safe_cell(WriteOnlyCell(ws), value) if is_formula_like(value) else value for value in values])


def build_result(*, comparison) -> bytes:
    """Every finding with its person (masked), both values, the money effect and its outcome; the unmatched ID numbers
    (masked) and the bad rows on their own sheets."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("差异"))
    for letter, width in zip("ABCDEFGHIJKL", (14, 6, 14, 10, 22, 24, 30, 48, 8, 24, 10, 30), strict=True):
        ws.column_dimensions[letter].width = width
    header = [
        _("差异类型"),
        _("行"),
        _("乡镇(街道)"),
        _("姓名"),
        _("身份证号"),
        _("登记"),
        _("名单"),
        _("对补贴的影响"),
        _("应用"),
        _("不采用的原因"),
        _("结果"),
        _("说明"),
    ]
    _append(ws, header)
    findings = comparison.findings.select_related("person", "township").order_by("kind", "row", "pk")
    for finding in findings.iterator(chunk_size=2000):
        notes = describe.warnings(finding.notes)
        _append(
            ws,
            [
                finding.get_kind_display(),
                finding.row,
                finding.township.name,
                finding.person.name,
                mask(finding.person.id_number, strict=False),  # county staff only (COMPARISON_VIEW)
                describe.registry_value(finding.kind, finding.change, finding.notes),
                describe.list_value(finding.kind, finding.change, finding.notes),
                describe.effect_text(finding.effects),
                _("是") if finding.selected else _("否"),
                finding.deselect_reason,
                finding.get_outcome_display(),
                "；".join([*notes, finding.outcome_note] if finding.outcome_note else notes),
            ],
        )
    unmatched = workbook.create_sheet(_("未匹配"))
    _append(unmatched, [_("行"), _("姓名"), _("身份证号"), _("说明")])
    for item in comparison.unmatched or []:
        _append(unmatched, [item["row"], item["name"], mask(item["id_number"], strict=False), _("登记中无此身份证号")])
    if comparison.issues:
        bad = workbook.create_sheet(_("错误行"))
        _append(bad, [_("行"), _("列"), _("原因")])
        for issue in comparison.issues:
            _append(bad, [issue.get("row"), issue.get("column", ""), issue.get("message", "")])
    info = workbook.create_sheet(_("说明"))
    uploaded = comparison.uploaded_by.display_name if comparison.uploaded_by_id else ""
    applied = comparison.applied_by.display_name if comparison.applied_by_id else ""
    for label, value in (
        (_("名单类型"), comparison.get_kind_display()),
        (_("名单来源"), comparison.source),
        (_("名单日期"), comparison.as_of.isoformat()),
        (_("原文件名"), comparison.original_name),
        (_("上传人"), uploaded),
        (_("应用人"), applied),
        (_("行数"), comparison.rows),
        (_("匹配"), comparison.matched),
        (_("未匹配"), comparison.unmatched_count),
        (_("差异"), comparison.findings_count),
        (_("已应用"), comparison.applied_count),
        (_("生成时间"), local_now().strftime("%Y-%m-%d %H:%M")),
    ):
        _append(info, [label, value])
    return _to_bytes(workbook)
