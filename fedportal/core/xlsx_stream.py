"""A streaming XLSX writer for the big, plain sheets the portal hands on (the bank's payment sheet).

openpyxl's write-only mode builds an element per cell and spends about 13 µs on each; the payment sheet of a
200,000-person county has two million cells, so openpyxl alone takes longer than the whole job may. A sheet here is
SpreadsheetML written row by row as text straight into the zip entry: strings inline (`t="inlineStr"`, no shared
string table to hold in memory), numbers as they are, a fixed set of four cell styles (plain, bold, money, bold
money). Memory stays flat, and the same rows give the same bytes (no timestamps inside).

What it leaves out on purpose: formulas (a text cell is text, never a formula: callers still prefix formula-like
text for the spreadsheet programs that evaluate typed text, see `spreadsheets.escape_formula`), merged cells, shared
strings, dates as serial numbers. Workbooks that need those are written with openpyxl.
"""

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from .workbooks import column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles, the indexes of cellXfs in _STYLES.
PLAIN, BOLD, MONEY, MONEY_BOLD = 0, 1, 2, 3

# numFmtId 2 is the built-in "0.00".
_STYLES = f"""{_XML}<styleSheet xmlns="{_MAIN}">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>\
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

# Characters XML 1.0 cannot carry at all (a spreadsheet program refuses the whole file over one of them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FLUSH_ROWS = 2000
_EPOCH = (1980, 1, 1, 0, 0, 0)  # every entry's date: the same rows give the same bytes


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with one of the styles above."""

    value: object
    style: int


def _text(value: str) -> str:
    text = escape(_NOT_XML.sub("", value))
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _cell(reference: str, value, style: int) -> str:
    """One <c> element, or "" for an empty cell."""
    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{reference}"{styled}/>' if style else ""
    if isinstance(value, str):
        return f'<c r="{reference}"{styled} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{reference}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{reference}"{styled}><v>{value:f}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"{styled}><v>{value!r}</v></c>'
    return f'<c r="{reference}"{styled} t="inlineStr">{_text(str(value))}</c>'


class StreamingSheet:
    """Rows of one worksheet, written as they come. Obtained from `StreamingWorkbook.add_sheet`."""

    def __init__(self, stream, *, widths, freeze_header: bool):
        self._stream = stream
        self._row = 0
        self._pending: list[str] = []
        self._letters: list[str] = []
        head = [_XML, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">']
        if freeze_header:
            head.append(
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            )
        if widths:
            head.append("<cols>")
            head.extend(
                f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
                for index, width in enumerate(widths, start=1)
                if width
            )
            head.append("</cols>")
        head.append("<sheetData>")
        self._stream.write("".join(head).encode())

    def _letter(self, index: int) -> str:
        while len(self._letters) <= index:
            self._letters.append(column_letter(len(self._letters)))
        return self._letters[index]

    def append(self, values) -> None:
        """One row: str, int, float, Decimal, bool or None per cell, or a `Styled` value."""
        self._row += 1
        row = self._row
        cells = []
        for index, value in enumerate(values):
            if type(value) is Styled:
                cells.append(_cell(f"{self._letter(index)}{row}", value.value, value.style))
            else:
                cells.append(_cell(f"{self._letter(index)}{row}", value, PLAIN))
        self._pending.append(f'<row r="{row}">{"".join(cells)}</row>')
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    @property
    def rows(self) -> int:
        return self._row

    def _flush(self) -> None:
        if self._pending:
            self._stream.write("".join(self._pending).encode())
            self._pending.clear()

    def close(self) -> None:
        self._flush()
        self._stream.write(b"</sheetData></worksheet>")
        self._stream.close()


class StreamingWorkbook:
    """An XLSX package written to `target` (a path or a binary file): sheets one after another, each streamed.

    with StreamingWorkbook(path) as book:
        sheet = book.add_sheet("发放明细", widths=[8, 14], freeze_header=True)
        sheet.append([Styled("序号", BOLD), Styled("乡镇(街道)", BOLD)])
        sheet.append([1, "城关镇"])
    """

    def __init__(self, target, *, compresslevel: int = 6):
        self._compresslevel = compresslevel
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._titles: list[str] = []
        self._open: StreamingSheet | None = None

    def add_sheet(self, title: str, *, widths=(), freeze_header: bool = False) -> StreamingSheet:
        """The next worksheet; the one before it is finished first. Titles: at most 31 characters, unique."""
        title = _NOT_XML.sub("", title)[:31]
        if not title or title in self._titles or any(character in title for character in "[]:*?/\\"):
            raise ValueError(f"a worksheet title must be unique and valid: {title!r}")
        self._close_sheet()
        self._titles.append(title)
        entry = self._zip.open(self._entry(f"xl/worksheets/sheet{len(self._titles)}.xml"), "w", force_zip64=True)
        self._open = StreamingSheet(entry, widths=list(widths), freeze_header=freeze_header)
        return self._open

    def _entry(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = self._compresslevel  # what ZipFile.open/writestr read for a ZipInfo
        return info

    def _close_sheet(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None

    def close(self) -> None:
        if not self._titles:
            self.add_sheet("Sheet1")
        self._close_sheet()
        count = len(self._titles)
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{index}" r:id="rId{index}"/>'
            for index, title in enumerate(self._titles, start=1)
        )
        self._zip.writestr(
            self._entry("[Content_Types].xml"),
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{index}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for index in range(1, count + 1)
            )
            + "</Types>",
        )
        self._zip.writestr(
            self._entry("_rels/.rels"),
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self._zip.writestr(
            self._entry("xl/workbook.xml"),
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>',
        )
        self._zip.writestr(
            self._entry("xl/_rels/workbook.xml.rels"),
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
            + "".join(
                f'<Relationship Id="rId{index}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
                for index in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr(self._entry("xl/styles.xml"), _STYLES)
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self.close()
        else:  # a failed write leaves no half-valid package behind the caller's back
            self._zip.close()
