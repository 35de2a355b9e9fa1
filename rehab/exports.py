"""XLSX exports of rehabilitation records: openpyxl write-only, rows streamed from a server-side cursor.

Every text cell that a spreadsheet would read as a formula is written as text (no formula injection).
"""

import tempfile
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.sensitive import mask
from fedportal.core.spreadsheets import escape_formula, write_header

CHUNK = 2000


def _cell(sheet, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (int, Decimal, float, date)):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, Decimal):
            cell.number_format = "0.00"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        return cell
    cell = WriteOnlyCell(sheet, value=escape_formula(value))
    cell.data_type = "s"  # never let openpyxl guess a formula
    return cell


def write_workbook(sheets: list[tuple[str, list[str], Iterable[Iterable]]]) -> tempfile.SpooledTemporaryFile:
    """sheets: (title, headers, rows). Returns a rewound file holding the workbook."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        write_header(sheet, [escape_formula(h) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open to the response
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(filename: str, sheets) -> FileResponse:
    return FileResponse(
        write_workbook(sheets),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def id_formatter(user, *, request=None, what: str):
    """Full ID numbers for roles allowed to see them (one audit entry per export), masked otherwise."""
    if has_perm(user, Perm.PERSON_REVEAL):
        sensitive_access_record(
            user=user, field=SensitiveField.EXPORT, detail=_("康复导出：%(what)s") % {"what": what}, request=request
        )
        return lambda number: number
    return mask  # the strict mask: this role may not reveal


def iterate(queryset):
    return queryset.iterator(chunk_size=CHUNK)
