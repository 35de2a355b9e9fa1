"""Reading an uploaded roster workbook: fast (python-calamine), and refusing hostile files with a clear message.

Every refusal is a `RosterFileError` whose text is shown to the user as is; nothing is written before the file is read.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine
from django.utils.translation import gettext as _

from .schema import max_bytes, max_rows

# A first sheet that inflates beyond this is refused before it is parsed (a zip bomb, or millions of rows).
MAX_SHEET_XML_BYTES = 300 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do, in Chinese."""


@dataclass
class RosterSheet:
    header: list[str]
    # (Excel row number, cells) for every non-blank data row; cells are aligned with `header`.
    rows: list[tuple[int, list]]
    # (Excel row number, header index) of cells that hold a formula.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    value = 0
    for char in letters:
        value = value * 26 + (char - 64)
    return value - 1


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet (usually xl/worksheets/sheet1.xml)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        raise RosterFileError(
            _("文件不是有效的 Excel 工作簿（缺少工作簿结构），请在 Excel 中另存为 .xlsx 后上传。")
        ) from None
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook) or re.search(
        rb"<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"", workbook
    )
    if sheet:
        for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
            tag = rel.group(0)
            if re.search(rb'\bId="' + re.escape(sheet.group(1)) + rb'"', tag):
                target = re.search(rb'\bTarget="([^"]+)"', tag)
                if target:
                    path = target.group(1).decode()
                    return path.lstrip("/") if path.startswith("/") else "xl/" + path
    return "xl/worksheets/sheet1.xml"


def _formula_cells(archive: zipfile.ZipFile, member: str) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell of the sheet. Streams the part; parses only when needed."""
    found = False
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if _FORMULA.search(window):
                found = True
                break
            tail = chunk[-8:]
    if not found:
        return set()
    xml = archive.read(member)
    cells = set()
    for match in _FORMULA.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, match.start()), xml.rfind(b":c ", 0, match.start()))
        ref = re.match(rb"[^>]*?\br=\"([A-Z]{1,3})(\d+)\"", xml[start : start + 300])
        if ref:
            cells.add((int(ref.group(2)), _column_index(ref.group(1))))
    return cells


def _range_text(merged) -> str:
    (r1, c1), (r2, c2) = merged
    return f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"


def read_roster(content: bytes) -> RosterSheet:
    """Read the first sheet: header in row 1, data from row 2. Raises RosterFileError for a file it cannot trust."""
    limit = max_bytes()
    if len(content) > limit:
        raise RosterFileError(
            _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。请删除多余的空行、图片或拆分成几个文件后再上传。")
            % {"size": len(content) / 1048576, "limit": limit / 1048576}
        )
    if not content:
        raise RosterFileError(_("文件是空的，请选择填好的花名册（.xlsx）。"))
    if content.startswith(_OLE_MAGIC):
        raise RosterFileError(_("这是旧版 Excel（.xls）文件。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后上传。"))
    if not content.startswith(b"PK"):
        raise RosterFileError(_("文件不是 Excel 工作簿（.xlsx）。请下载花名册模板，填写后上传 .xlsx 文件。"))
    corrupt = _("文件已损坏，无法打开（不是完整的 .xlsx 文件）。请在 Excel 中打开并重新保存后上传。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        member = _first_sheet_path(archive)
        info = archive.getinfo(member)
        if info.file_size > MAX_SHEET_XML_BYTES:
            raise RosterFileError(
                _("工作表解压后超过 %(limit)s MB（可能含有大量空行或格式），请删除多余的行后另存再上传。")
                % {"limit": MAX_SHEET_XML_BYTES // 1048576}
            )
        formulas = _formula_cells(archive, member)
    except RosterFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError):
        raise RosterFileError(corrupt) from None

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        limit_rows = max_rows()
        last_row = (sheet.end or (0, 0))[0]
        if last_row > limit_rows:
            raise RosterFileError(
                _("文件有 %(rows)s 行，超过单个文件 %(limit)s 行的上限，请拆分成几个文件后上传。")
                % {"rows": last_row, "limit": limit_rows}
            )
        merged = sheet.merged_cell_ranges or []
        # From A1, so list positions are Excel rows and columns.
        data = sheet.to_python(skip_empty_area=False)
    except RosterFileError:
        raise
    except Exception:  # noqa: BLE001 - calamine raises several kinds for a broken file; all mean the same to the user
        raise RosterFileError(corrupt) from None

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
    return RosterSheet(header=header, rows=rows, formula_cells=formulas)


def _header_text(cell) -> str:
    text = "" if cell is None else str(cell)
    # Tolerate spaces and full-width brackets typed into a header; the names themselves are exact.
    return text.strip().replace(" ", "").replace("\u3000", "").replace("（", "(").replace("）", ")")
