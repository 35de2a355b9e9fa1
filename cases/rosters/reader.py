"""Reading an uploaded roster workbook through the platform's bounded reader (fedportal.core.workbooks).

Every refusal is a `RosterFileError` whose text is shown to the user as is; nothing is written before the file is read.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from fedportal.core.workbooks import WorkbookLimits, WorkbookRejected, column_letter, read_workbook

from .schema import max_bytes, max_rows

__all__ = ["RosterFileError", "RosterSheet", "column_letter", "read_roster", "roster_limits"]


class RosterFileError(WorkbookRejected):
    """The file as a whole cannot be read; the message says why and what to do, in Chinese."""


@dataclass
class RosterSheet:
    header: list[str]
    # (Excel row number, cells) for every non-blank data row; cells are aligned with `header`.
    rows: list[tuple[int, list]]
    # (Excel row number, header index) of cells that hold a formula.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)


def roster_limits() -> WorkbookLimits:
    """A roster: the upload limit, the row limit, and room for the contract's columns plus the user's own."""
    return WorkbookLimits(
        max_rows=max_rows(),
        max_cols=getattr(settings, "ROSTER_MAX_COLUMNS", 64),
        max_file_bytes=max_bytes(),
    )


def _range_text(merged) -> str:
    (r1, c1), (r2, c2) = merged
    return f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"


def read_roster(content) -> RosterSheet:
    """Read the first sheet: header in row 1, data from row 2. Raises RosterFileError for a file it cannot trust.

    `content` is bytes, a path or an open binary file."""
    limits = roster_limits()
    try:
        sheet = read_workbook(content, max_rows=limits.max_rows, max_cols=limits.max_cols, limits=limits)
    except WorkbookRejected as exc:
        raise RosterFileError(exc.message, code=exc.code) from None
    merged = sheet.merged_ranges
    data = sheet.rows

    header_merges = [m for m in merged if m[0][0] == 0]
    if header_merges:
        raise RosterFileError(
            _("表头（第 1 行）有合并单元格 %(ranges)s。请取消合并，让每一列各有一个表头后再上传。")
            % {"ranges": "、".join(_range_text(m) for m in header_merges[:5])}
        )
    if merged:
        raise RosterFileError(
            _("第 %(row)s 行起有合并单元格 %(ranges)s。请取消合并，并在每一行填写完整后再上传。")
            % {"row": merged[0][0][0] + 1, "ranges": "、".join(_range_text(m) for m in merged[:5])}
        )
    if not data or not any(_header_text(cell) for cell in data[0]):
        raise RosterFileError(_("第 1 行应为表头（列名），请使用花名册模板。"))

    header = [_header_text(cell) for cell in data[0]]
    width = len(header)
    rows = []
    for number, cells in enumerate(data[1:], start=2):
        if not any(cells):  # blank rows (whitespace-only rows are dropped by the validators)
            continue
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        rows.append((number, cells))
    return RosterSheet(header=header, rows=rows, formula_cells=sheet.formula_cells)


def _header_text(cell) -> str:
    text = "" if cell is None else str(cell)
    # Tolerate spaces and full-width brackets typed into a header; the names themselves are exact.
    return text.strip().replace(" ", "").replace("\u3000", "").replace("（", "(").replace("）", ")")
