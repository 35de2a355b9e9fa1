"""The one bounded reader of uploaded workbooks (rosters, other agencies' lists, the bank's returns).

    sheet = read_workbook(upload, max_rows=50_000, max_cols=64)      # raises WorkbookRejected
    sheet.rows[0]            # the header (Excel row 1); sheet.rows[i] is Excel row i + 1
    sheet.formula_cells      # {(Excel row, column index)} of cells that hold a formula
    sheet.merged_ranges      # [((row0, col0), (row1, col1)), ...], 0-based, as calamine gives them

    table = read_table(upload, limits=WorkbookLimits(...), template=_("花名册模板"))  # raises WorkbookRejected
    table.header             # row 1, names trimmed; table.rows: [(Excel row, cells)] of non-blank data rows

Rosters, the agency lists of data comparison and the bank's returns are all read with `read_table`, each with its
own limits; uploads are checked with `inspect_workbook` before anything is stored.

A reader such as calamine allocates what a file says before anything can be checked: one value at XFD50000 becomes
50,000 x 16,384 cells, a 1 MB shared-strings part may unpack to gigabytes, a single cell may hold hundreds of
megabytes. So the zip is inspected first, in constant memory, and only a file within every limit reaches calamine:

- the archive: size, number of parts, no duplicate part names, no zip64 tricks, the unpacked size of every part
  (declared and, for the parts the reader parses, counted while streaming; a lying size fails the CRC check), the
  ratio of unpacked to packed size (zip bombs);
- the content: a plain .xlsx workbook (no .xlsm / macro project / ActiveX / Excel 4.0 macro sheets, no template,
  no other document type);
- the sheet, streamed: the declared dimension, the largest row and column that actually hold a value, the length
  of every text (no run of characters between two tags longer than a cell may be), formula cells;
- the shared strings, streamed: their number and length.

Every refusal is a `WorkbookRejected` whose message (Chinese, through gettext) tells the user what to do.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

# Excel's own limits: 1,048,576 rows, 16,384 columns (XFD), 32,767 characters in a cell.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# Parts and content types that make a workbook something other than plain data.
_ACTIVE_PART = re.compile(
    r"(?:^|/)(?:vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$|^xl/(?:macrosheets|activeX|dialogsheets)/",
    re.IGNORECASE,
)
_ACTIVE_CONTENT_TYPE = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX|macrosheet|vbaData", re.IGNORECASE)
_OTHER_MAIN = re.compile(rb"spreadsheetml\.template\.main|wordprocessingml|presentationml", re.IGNORECASE)

_ATTRS = rb"((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>"
_SHEET_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|v|is|f|dimension|mergeCell)(?=[\s/>])" + _ATTRS)
_SHARED_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")
_ATTR_R = re.compile(rb"\br\s*=\s*[\"']([^\"']*)[\"']")
_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_IN_TAG = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')"
_DIMENSION = re.compile(rb"<" + _NAME + rb"dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_OPEN = re.compile(rb"<" + _NAME + rb"c(?=[\s/>])")
_CELL_WITH_R = re.compile(rb"<" + _NAME + rb"c\s" + _IN_TAG + rb"*?(?<![\w:.-])r\s*=")
# A cell that names its position and holds a value (<v>, inline <is>) or a formula (<f>).
# Every cell tag as Excel and the common libraries write it: position first, then plain attributes.
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?:\s+[a-z]+="[^"<>/]*")*\s*(/?)>')
_ODD_CELL = re.compile(rb"<c[\t\r\n>/]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_FORMULA_OPEN = re.compile(rb"<f[\s/>]")
# The tag-by-tag walk costs about a second per 5 MB: only for parts under this size.
_WALK_LIMIT = 32 * 1024 * 1024
_CELL_REF = re.compile(rb"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_CHUNK = 1 << 20


class WorkbookRejected(Exception):
    """The file cannot be read safely or is not a plain workbook; the message says why and what to do."""

    def __init__(self, message: str, *, code: str = "rejected"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class WorkbookLimits:
    """What a caller accepts. `max_rows` counts data rows (below `header_rows`); `max_cols` counts columns from A."""

    max_rows: int = 50_000
    max_cols: int = 64
    header_rows: int = 1
    max_file_bytes: int = 20 * 1024 * 1024
    # Unpacked size of the sheet that is read and of the shared strings, each.
    max_part_bytes: int = 160 * 1024 * 1024
    # Unpacked size of every other part the reader parses (workbook, styles, relationships, content types).
    max_small_part_bytes: int = 16 * 1024 * 1024
    # All parts together.
    max_unpacked_bytes: int = 320 * 1024 * 1024
    # A part that unpacks to more than `ratio_floor_bytes` may not be more than `max_ratio` times its packed size.
    max_ratio: int = 200
    ratio_floor_bytes: int = 8 * 1024 * 1024
    max_parts: int = 2_000
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    # 0: as many as the sheet could use (rows x columns), at most two million.
    max_shared_strings: int = 0
    max_formula_cells: int = 10_000

    @property
    def shared_strings_limit(self) -> int:
        if self.max_shared_strings:
            return self.max_shared_strings
        return min(2_000_000, max(1_000, (self.max_rows + self.header_rows) * self.max_cols))

    @property
    def max_text_bytes(self) -> int:
        """The longest run of bytes between two tags: a cell's characters in UTF-8, entities (&quot;) included."""
        return self.max_cell_chars * 6 + 1024


@dataclass
class WorkbookInspection:
    """What the streaming pass found (no cell values)."""

    sheet_part: str
    declared_dimension: str = ""
    # Excel row number and 0-based column of the last cell that holds a value; 0 / -1 when the sheet is empty.
    last_row: int = 0
    last_col: int = -1
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    shared_strings: int = 0
    unpacked_bytes: int = 0


@dataclass
class WorkbookSheet:
    name: str
    # From A1: rows[0] is Excel row 1 (the header), every row as wide as the widest.
    rows: list[list]
    formula_cells: set[tuple[int, int]]
    merged_ranges: list
    last_row: int
    last_col: int

    @property
    def header(self) -> list:
        return self.rows[0] if self.rows else []


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    value = 0
    for char in letters.upper():
        value = value * 26 + (char - 64)
    return value - 1


# ---------------------------------------------------------------------------------------------------------------- API


def read_workbook(
    source, *, max_rows: int, max_cols: int, header_rows: int = 1, limits: WorkbookLimits | None = None, sheet: int = 0
) -> WorkbookSheet:
    """Inspect the file within `limits`, then read sheet `sheet` (0: the first) with calamine.

    `source` is bytes, a path, or a binary file opened for reading (an upload, a stored FieldFile).
    Raises WorkbookRejected with a message for the user; nothing is allocated from the file's own numbers before
    every check has passed.
    """
    limits = replace(limits or WorkbookLimits(), max_rows=max_rows, max_cols=max_cols, header_rows=header_rows)
    content = _content_of(source, limits)
    inspection = inspect_workbook(content, limits=limits, sheet=sheet)
    return _calamine_read(content, inspection, sheet=sheet)


def inspect_workbook(source, *, limits: WorkbookLimits | None = None, sheet: int = 0) -> WorkbookInspection:
    """Every check of read_workbook without reading any value: constant memory, no calamine.

    Use it to refuse a hostile upload in the request before it is stored.
    """
    limits = limits or WorkbookLimits()
    content = source if isinstance(source, bytes) else _content_of(source, limits)
    _check_envelope(content, limits)
    corrupt = _corrupt_message()
    try:
        _check_directory(content, limits)
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = _check_parts(archive, limits)
        _check_content_types(archive, infos, limits)
        workbook_part = _main_part(archive, infos, limits)
        sheet_part = _sheet_part(archive, infos, workbook_part, limits, sheet)
        if sheet_part not in infos:
            raise WorkbookRejected(corrupt, code="corrupt")
        for name in (workbook_part, _rels_of(workbook_part), "xl/styles.xml"):
            if name in infos:
                _scan_part(archive, infos[name], limits.max_small_part_bytes, limits, _no_tags)
        inspection = WorkbookInspection(sheet_part=sheet_part)
        inspection.unpacked_bytes = sum(info.file_size for info in infos.values())
        shared = _shared_strings_part(archive, infos, workbook_part)
        if shared:
            counter = _SharedStringCounter(limits)
            _scan_part(archive, infos[shared], limits.max_part_bytes, limits, counter)
            inspection.shared_strings = counter.count
        scanner = _SheetScanner(limits, inspection)
        scanner.part_size = infos[sheet_part].file_size
        _scan_part(archive, infos[sheet_part], limits.max_part_bytes, limits, scanner)
    except WorkbookRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError):
        raise WorkbookRejected(corrupt, code="corrupt") from None
    except NotImplementedError:  # an unsupported compression method
        raise WorkbookRejected(corrupt, code="corrupt") from None
    return inspection


# ------------------------------------------------------------------------------------------------ the file as a whole


def _corrupt_message() -> str:
    return _("文件已损坏，无法打开（不是完整的 .xlsx 文件）。请在 Excel 中打开并重新保存后上传。")


def _content_of(source, limits: WorkbookLimits) -> bytes:
    """The file's bytes, reading no more than the size limit plus one byte."""
    if isinstance(source, bytes | bytearray | memoryview):
        content = bytes(source)
    elif isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as handle:
            content = handle.read(limits.max_file_bytes + 1)
    else:
        handle: IO[bytes] = source
        if hasattr(handle, "seek"):
            handle.seek(0)
        content = handle.read(limits.max_file_bytes + 1)
    _check_size(len(content), limits)
    return content


def _check_size(size: int, limits: WorkbookLimits) -> None:
    if size > limits.max_file_bytes:
        raise WorkbookRejected(
            _("文件大小超过上限 %(limit).0f MB。请删除多余的空行、图片或拆分成几个文件后再上传。")
            % {"limit": limits.max_file_bytes / 1048576},
            code="file_size",
        )


def _check_envelope(content: bytes, limits: WorkbookLimits) -> None:
    _check_size(len(content), limits)
    if not content:
        raise WorkbookRejected(_("文件是空的，请选择填好的 Excel 工作簿（.xlsx）。"), code="empty")
    if content.startswith(_OLE_MAGIC):
        raise WorkbookRejected(
            _(
                "这是旧版 Excel（.xls）文件或设置了打开密码的工作簿。请在 Excel 中取消密码并“另存为” Excel 工作簿（.xlsx）后上传。"
            ),
            code="xls",
        )
    if not content.startswith(b"PK"):
        raise WorkbookRejected(
            _("文件不是 Excel 工作簿（.xlsx）。请使用下载的模板，填写后上传 .xlsx 文件。"), code="not_xlsx"
        )


def _check_directory(content: bytes, limits: WorkbookLimits) -> None:
    """Read the number of parts from the end-of-directory record before zipfile builds one object per part."""
    tail = content[-(65_535 + 22) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise WorkbookRejected(_corrupt_message(), code="corrupt")
    entries_here, entries_total = struct.unpack("<HH", tail[at + 8 : at + 12])
    if b"PK\x06\x07" in tail[max(0, at - 20) : at] or entries_total == 0xFFFF:
        # zip64: an .xlsx within the size limit never needs it.
        raise WorkbookRejected(_corrupt_message(), code="corrupt")
    if entries_total > limits.max_parts or entries_here > limits.max_parts:
        raise WorkbookRejected(
            _(
                "工作簿包含 %(parts)s 个部件，超过 %(limit)s 个的上限，不像是正常的花名册或报表。请另存为新的 .xlsx 后上传。"
            )
            % {"parts": entries_total, "limit": limits.max_parts},
            code="parts",
        )


def _check_parts(archive: zipfile.ZipFile, limits: WorkbookLimits) -> dict[str, zipfile.ZipInfo]:
    infos: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in archive.infolist():
        folded = info.filename.casefold()
        if folded in seen:  # two parts of one name: one reader could see the one, another the other
            raise WorkbookRejected(_corrupt_message(), code="duplicate_part")
        seen.add(folded)
        if info.flag_bits & 0x1:
            raise WorkbookRejected(
                _("工作簿已加密，无法读取。请在 Excel 中取消密码并另存为 .xlsx 后上传。"), code="encrypted"
            )
        if _ACTIVE_PART.search(info.filename):
            raise _macro_rejection()
        total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise _unpacked_rejection(limits.max_unpacked_bytes)
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise WorkbookRejected(
                _(
                    "工作簿中的“%(part)s”解压后是压缩前的 %(ratio)s 倍，疑似压缩炸弹，已拒绝。请在 Excel 中另存为新的 .xlsx 后上传。"
                )
                % {"part": info.filename, "ratio": info.file_size // max(info.compress_size, 1)},
                code="ratio",
            )
        infos[info.filename] = info
    return infos


def _macro_rejection() -> WorkbookRejected:
    return WorkbookRejected(
        _(
            "工作簿含有宏或控件（.xlsm 等启用宏的文件），为安全起见不予接收。请在 Excel 中“另存为” Excel 工作簿（.xlsx，不含宏）后上传。"
        ),
        code="macro",
    )


def _unpacked_rejection(limit: int) -> WorkbookRejected:
    return WorkbookRejected(
        _("工作簿解压后超过 %(limit)s MB（可能含有大量空行、格式或图片），请删除多余的内容后另存再上传。")
        % {"limit": limit // 1048576},
        code="unpacked_size",
    )


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: WorkbookLimits) -> bytes:
    if info.file_size > limits.max_small_part_bytes:
        raise _unpacked_rejection(limits.max_small_part_bytes)
    with archive.open(info) as stream:
        data = stream.read(limits.max_small_part_bytes + 1)
    if len(data) > limits.max_small_part_bytes:
        raise _unpacked_rejection(limits.max_small_part_bytes)
    return data


def _check_content_types(archive: zipfile.ZipFile, infos: dict, limits: WorkbookLimits) -> None:
    info = infos.get("[Content_Types].xml")
    if info is None:
        raise WorkbookRejected(
            _("文件不是有效的 Excel 工作簿（缺少内容类型说明），请在 Excel 中另存为 .xlsx 后上传。"), code="not_xlsx"
        )
    types = _read_small(archive, info, limits)
    if _ACTIVE_CONTENT_TYPE.search(types):
        raise _macro_rejection()
    if _OTHER_MAIN.search(types) or _WORKBOOK_MAIN not in types:
        raise WorkbookRejected(
            _(
                "文件不是普通的 Excel 工作簿（.xlsx），可能是模板、Word 或其他类型的文件。请在 Excel 中另存为 .xlsx 后上传。"
            ),
            code="not_xlsx",
        )


def _rels_of(part: str) -> str:
    folder, _sep, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = base_part.rpartition("/")[0]
    parts = [p for p in (folder.split("/") if folder else [])]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _relationships(archive, infos, part: str, limits) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved target) of a part's relationships."""
    info = infos.get(_rels_of(part))
    if info is None:
        return []
    xml = _read_small(archive, info, limits)
    out = []
    for tag in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", xml):
        text = tag.group(0)
        rel_id = re.search(rb'\bId="([^"]*)"', text)
        rel_type = re.search(rb'\bType="([^"]*)"', text)
        target = re.search(rb'\bTarget="([^"]*)"', text)
        if rel_id and target:
            resolved = _resolve(part, target.group(1).decode("utf-8", "replace"))
            out.append(
                (
                    rel_id.group(1).decode("utf-8", "replace"),
                    (rel_type.group(1) if rel_type else b"").decode(),
                    resolved,
                )
            )
    return out


def _main_part(archive, infos, limits) -> str:
    for _id, rel_type, target in _relationships(archive, infos, "", limits):
        if rel_type.endswith("/officeDocument") and target in infos:
            return target
    if "xl/workbook.xml" in infos:
        return "xl/workbook.xml"
    raise WorkbookRejected(
        _("文件不是有效的 Excel 工作簿（缺少工作簿结构），请在 Excel 中另存为 .xlsx 后上传。"), code="not_xlsx"
    )


def _sheet_part(archive, infos, workbook_part: str, limits, index: int) -> str:
    workbook = _read_small(archive, infos[workbook_part], limits)
    sheets = re.findall(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:r:)?id=\"([^\"]+)\"", workbook)
    if len(sheets) <= index:
        raise WorkbookRejected(_("工作簿中没有第 %(n)s 个工作表。") % {"n": index + 1}, code="no_sheet")
    targets = {rel_id: target for rel_id, _type, target in _relationships(archive, infos, workbook_part, limits)}
    target = targets.get(sheets[index].decode("utf-8", "replace"))
    if target is None:
        raise WorkbookRejected(_corrupt_message(), code="corrupt")
    return target


def _shared_strings_part(archive, infos, workbook_part: str) -> str | None:
    for _id, rel_type, target in _relationships(archive, infos, workbook_part, WorkbookLimits()):
        if rel_type.endswith("/sharedStrings") and target in infos:
            return target
    # calamine also looks for the conventional name.
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in infos else None


# ------------------------------------------------------------------------------------------------ streaming the parts


def _no_tags(_window: bytes) -> None:
    return None


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int, limits: WorkbookLimits, visit) -> None:
    """Stream one part in 1 MB chunks: count its real size, refuse over-long text runs, hand complete tags to `visit`.

    A window always ends just before a '<', so every tag given to `visit` is whole; the bytes carried over are at
    most one text run, which is itself bounded.
    """
    if info.file_size > max_bytes:
        raise _unpacked_rejection(max_bytes)
    text_limit = limits.max_text_bytes
    carry = b""
    size = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            size += len(chunk)
            if size > max_bytes:
                raise _unpacked_rejection(max_bytes)
            window = carry + chunk
            if not chunk:
                if window:
                    visit(window)
                break
            if _longest_text_over(window, text_limit):
                raise _cell_rejection(limits)
            cut = window.rfind(b"<")
            if cut <= 0:
                carry = window
                continue
            visit(window[:cut])
            carry = window[cut:]


def _longest_text_over(window: bytes, limit: int) -> bool:
    """Whether some run of bytes without a '<' is longer than `limit`. A run that long covers a whole aligned block
    of half its length, so only blocks without a '<' (found with memchr) are measured exactly."""
    block = max(limit // 2, 1)
    for start in range(0, len(window), block):
        if b"<" not in window[start : start + block]:
            begin = window.rfind(b"<", 0, start) + 1
            end = window.find(b"<", start)
            end = len(window) if end < 0 else end
            if end - begin > limit:
                return True
    return False


def _cell_rejection(limits: WorkbookLimits) -> WorkbookRejected:
    return WorkbookRejected(
        _(
            "工作簿中有单元格的内容超过 %(limit)s 个字符（Excel 单元格的上限），文件可能已损坏或被篡改。请检查后重新保存再上传。"
        )
        % {"limit": limits.max_cell_chars},
        code="cell_length",
    )


class _SharedStringCounter:
    def __init__(self, limits: WorkbookLimits):
        self.limit = limits.shared_strings_limit
        self.count = 0

    def __call__(self, window: bytes) -> None:
        self.count += len(_SHARED_TAG.findall(window))
        if self.count > self.limit:
            raise WorkbookRejected(
                _(
                    "工作簿的共享文本超过 %(limit)s 条，远多于工作表能用到的数量，文件可能被篡改。请在 Excel 中另存为新的 .xlsx 后上传。"
                )
                % {"limit": self.limit},
                code="shared_strings",
            )


class _SheetScanner:
    """Follows rows and cells as calamine will place them, keeping only the largest row and column with a value.

    Fast path (every cell names its position, as Excel and every library write it): one C-level regex finds the
    cells that hold a value or a formula. A sheet with a cell that does not name its position is walked tag by tag.
    """

    def __init__(self, limits: WorkbookLimits, inspection: WorkbookInspection):
        self.limits = limits
        self.inspection = inspection
        self.allowed_rows = limits.max_rows + limits.header_rows
        self.positional = False
        self.part_size = 0
        self.row = 0  # Excel row number of the current <row> (tag-by-tag walk)
        self.col = -1  # 0-based column of the last <c> in that row
        self.cell: tuple[int, int] | None = None
        self.columns: dict[bytes, int] = {}

    def __call__(self, window: bytes) -> None:
        if not self.inspection.declared_dimension:
            dimension = _DIMENSION.search(window)
            if dimension:
                self._dimension(dimension.group(1))
        if not self.positional:
            found = _FAST_CELL.findall(window)
            # The fast pattern must account for every cell tag; anything else (a namespace prefix, a cell without
            # its position, attributes written in another order or with unusual characters) takes the full walk.
            if len(found) != window.count(b"<c ") or _ODD_CELL.search(window) or _PREFIXED_CELL.search(window):
                self.positional = True
                if self.part_size > _WALK_LIMIT:
                    raise WorkbookRejected(
                        _("工作表的写法不常见，且内容较大，无法安全读取。请在 Excel 中打开并另存为 .xlsx 后上传。"),
                        code="unusual",
                    )
        if self.positional:
            self._walk(window)
            return
        if not found:
            return
        occupied = [(letters, row) for letters, row, self_closing in found if not self_closing]
        if occupied:
            for letters in {letters for letters, _row in occupied}:
                col = self._column(letters)
                if col >= self.limits.max_cols:
                    self._value_at(next(int(r) for letter, r in occupied if letter == letters), col)
                self.inspection.last_col = max(self.inspection.last_col, col)
            last_row = max(int(row) for _letters, row in occupied)
            if last_row > self.inspection.last_row:
                self._value_at(last_row, 0)
        if b"<f" in window:
            formulas = self.inspection.formula_cells
            for match in _FORMULA_OPEN.finditer(window):
                if len(formulas) >= self.limits.max_formula_cells:
                    break
                cell = _FAST_CELL.match(window, window.rfind(b"<c ", 0, match.start()))
                if cell:
                    formulas.add((int(cell.group(2)), self._column(cell.group(1))))

    def _column(self, letters: bytes) -> int:
        col = self.columns.get(letters)
        if col is None:
            col = self.columns[letters] = _column_index(letters)
        if col >= EXCEL_MAX_COLS:
            raise WorkbookRejected(_corrupt_message(), code="corrupt")
        return col

    def _walk(self, window: bytes) -> None:
        for match in _SHEET_TAG.finditer(window):
            closing, name, attrs, self_closing = match.groups()
            if closing:
                if name == b"c":
                    self.cell = None
                continue
            if name == b"row":
                ref = _ATTR_R.search(attrs)
                self.row = int(ref.group(1)) if ref and ref.group(1).isdigit() else self.row + 1
                self.col = -1
                if self.row > EXCEL_MAX_ROWS:
                    raise WorkbookRejected(_corrupt_message(), code="corrupt")
            elif name == b"c":
                ref = _ATTR_R.search(attrs)
                if ref:
                    parsed = _CELL_REF.match(ref.group(1))
                    if not parsed:
                        raise WorkbookRejected(_corrupt_message(), code="corrupt")
                    self.col = _column_index(parsed.group(1))
                    row = int(parsed.group(2))
                else:
                    self.col += 1
                    row = self.row
                if self.col >= EXCEL_MAX_COLS or row > EXCEL_MAX_ROWS or row < 1:
                    raise WorkbookRejected(_corrupt_message(), code="corrupt")
                self.cell = None if self_closing else (row, self.col)
            elif name in (b"v", b"is"):
                if self.cell is not None and not self_closing:
                    self._value_at(*self.cell)
            elif name == b"f" and self.cell is not None:
                self._value_at(*self.cell)
                formulas = self.inspection.formula_cells
                if len(formulas) < self.limits.max_formula_cells:
                    formulas.add(self.cell)

    def _value_at(self, row: int, col: int) -> None:
        inspection = self.inspection
        if row > EXCEL_MAX_ROWS:
            raise WorkbookRejected(_corrupt_message(), code="corrupt")
        if row > self.allowed_rows:
            data_rows = row - self.limits.header_rows
            raise WorkbookRejected(
                _("文件有 %(rows)s 行，超过单个文件 %(limit)s 行的上限，请拆分成几个文件后上传。")
                % {"rows": data_rows, "limit": self.limits.max_rows},
                code="rows",
            )
        if col >= self.limits.max_cols:
            raise WorkbookRejected(
                _(
                    "第 %(row)s 行的 %(column)s 列有内容，超过 %(limit)s 列（%(last)s 列）的上限。请删除多余的列（可能是误填的单元格）后再上传。"
                )
                % {
                    "row": row,
                    "column": column_letter(col),
                    "limit": self.limits.max_cols,
                    "last": column_letter(self.limits.max_cols - 1),
                },
                code="columns",
            )
        inspection.last_row = max(inspection.last_row, row)
        inspection.last_col = max(inspection.last_col, col)

    def _dimension(self, text: bytes) -> None:
        """The declared used range. calamine never allocates from it (it sizes the sheet from the cells it finds,
        which are bounded above), and Excel declares ranges far beyond the data of a formatted sheet, so a large
        declared range is allowed; one beyond Excel's own grid is a forged file."""
        self.inspection.declared_dimension = text.decode("ascii", "replace")[:32]
        for corner in text.split(b":")[:2]:
            parsed = _CELL_REF.match(corner)
            if not parsed:
                raise WorkbookRejected(_corrupt_message(), code="corrupt")
            if _column_index(parsed.group(1)) >= EXCEL_MAX_COLS or int(parsed.group(2)) > EXCEL_MAX_ROWS:
                raise WorkbookRejected(_corrupt_message(), code="corrupt")


# ----------------------------------------------------------------------------------------------------------- reading


def _calamine_read(content: bytes, inspection: WorkbookInspection, *, sheet: int) -> WorkbookSheet:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        calamine_sheet = workbook.get_sheet_by_index(sheet)
        end = calamine_sheet.end or (-1, -1)
        # What the streaming pass bounded is what calamine is about to allocate; a mismatch means a file the two
        # readers see differently, which is refused rather than trusted.
        if end[0] + 1 > max(inspection.last_row, 1) or end[1] > max(inspection.last_col, 0):
            raise WorkbookRejected(_corrupt_message(), code="mismatch")
        merged = calamine_sheet.merged_cell_ranges or []
        rows = calamine_sheet.to_python(skip_empty_area=False) if inspection.last_row else []
        name = calamine_sheet.name
    except WorkbookRejected:
        raise
    except Exception:  # noqa: BLE001 - calamine raises several kinds for a broken file; all mean the same to the user
        raise WorkbookRejected(_corrupt_message(), code="corrupt") from None
    return WorkbookSheet(
        name=name,
        rows=rows,
        formula_cells=inspection.formula_cells,
        merged_ranges=merged,
        last_row=inspection.last_row,
        last_col=inspection.last_col,
    )


# ------------------------------------------------------------------------------------------------------------ tables


@dataclass
class WorkbookTable:
    """A sheet laid out as a table: a header in row 1, one record a row below it."""

    header: list[str]
    # (Excel row number, cells) for every non-blank data row; cells are at least as many as the header.
    rows: list[tuple[int, list]]
    # (Excel row number, column index) of cells that hold a formula.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)


def _range_text(merged) -> str:
    (r1, c1), (r2, c2) = merged
    return f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"


def header_text(cell) -> str:
    """A header cell as a column name: spaces and full-width brackets typed into it tolerated, the name exact."""
    text = "" if cell is None else str(cell)
    return text.strip().replace(" ", "").replace("\u3000", "").replace("（", "(").replace("）", ")")


def read_table(source, *, limits: WorkbookLimits, template: str) -> WorkbookTable:
    """Read the first sheet within `limits` as a table (header in row 1, data from row 2).

    Merged cells are refused (a merged value belongs to one row only); `template` names what the user should fill
    in ("花名册模板"), for the message when row 1 is not a header. Raises WorkbookRejected."""
    sheet = read_workbook(
        source, max_rows=limits.max_rows, max_cols=limits.max_cols, header_rows=limits.header_rows, limits=limits
    )
    merged = sheet.merged_ranges
    header_merges = [m for m in merged if m[0][0] == 0]
    if header_merges:
        raise WorkbookRejected(
            _("表头（第 1 行）有合并单元格 %(ranges)s。请取消合并，让每一列各有一个表头后再上传。")
            % {"ranges": "、".join(_range_text(m) for m in header_merges[:5])},
            code="merged_header",
        )
    if merged:
        raise WorkbookRejected(
            _("第 %(row)s 行起有合并单元格 %(ranges)s。请取消合并，并在每一行填写完整后再上传。")
            % {"row": merged[0][0][0] + 1, "ranges": "、".join(_range_text(m) for m in merged[:5])},
            code="merged",
        )
    data = sheet.rows
    if not data or not any(header_text(cell) for cell in data[0]):
        raise WorkbookRejected(
            _("第 1 行应为表头（列名），请使用%(template)s。") % {"template": template}, code="no_header"
        )
    header = [header_text(cell) for cell in data[0]]
    width = len(header)
    rows = []
    for number, cells in enumerate(data[1:], start=2):
        if not any(cells):  # blank rows (whitespace-only rows are dropped by the validators)
            continue
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        rows.append((number, cells))
    return WorkbookTable(header=header, rows=rows, formula_cells=sheet.formula_cells)
