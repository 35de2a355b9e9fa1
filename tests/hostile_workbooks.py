"""Hostile workbooks, built byte by byte: each is small on disk and would take gigabytes or run code if trusted.

Every builder takes a valid roster workbook (bytes) and returns the hostile variant. `HOSTILE` lists them with the
code of the refusal the bounded reader gives and a fragment of its message.
"""

import io
import struct
import zipfile
import zlib
from functools import cache

SHEET = "xl/worksheets/sheet1.xml"


def _parts(content: bytes) -> list[tuple[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


class _Raw:
    """A part given already deflated: (deflated bytes, CRC-32, unpacked size as declared)."""

    def __init__(self, deflated: bytes, crc: int, size: int):
        self.deflated, self.crc, self.size = deflated, crc, size


def build_zip(parts: list[tuple[str, bytes | _Raw]]) -> bytes:
    """A zip written by hand, so sizes and names can be whatever a hostile file says."""
    out = io.BytesIO()
    central = []
    for name, data in parts:
        encoded = name.encode()
        if isinstance(data, _Raw):
            deflated, crc, size = data.deflated, data.crc, data.size
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            deflated = packer.compress(data) + packer.flush()
            crc, size = zlib.crc32(data), len(data)
        offset = out.tell()
        out.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0)
        )
        out.write(encoded)
        out.write(deflated)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(deflated),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


@cache
def _repeated(block: bytes, times: int) -> tuple[bytes, int]:
    """`block` x `times` deflated without compressing it `times` times: full-flush segments are independent."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return segment * times + b"\x03\x00", crc  # an empty final block ends the stream


def _replace(content: bytes, name: str, data) -> bytes:
    return build_zip([(n, data if n == name else d) for n, d in _parts(content)])


def _edit_sheet(content: bytes, change) -> bytes:
    return build_zip([(n, change(d) if n == SHEET else d) for n, d in _parts(content)])


def _with_shared_strings(content: bytes, data) -> bytes:
    parts = [(n, d) for n, d in _parts(content) if n != "xl/sharedStrings.xml"]
    parts.append(("xl/sharedStrings.xml", data))
    return build_zip(parts)


# ------------------------------------------------------------------------------------------------------- the files


def xfd_cell(content: bytes) -> bytes:
    """One value at XFD50000: a dense reader allocates 50,000 x 16,384 cells (the 5 KB file that killed the worker)."""
    return _edit_sheet(
        content,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="50000"><c r="XFD50000"><v>1</v></c></row></sheetData>'),
    )


def far_row(content: bytes) -> bytes:
    """One value in the last row Excel has."""
    return _edit_sheet(
        content,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'),
    )


def positional_far_column(content: bytes) -> bytes:
    """The same far column without cell references: the position comes from counting (the tag-by-tag walk)."""
    cells = b"<c><v>1</v></c>" * 200
    return _edit_sheet(
        content, lambda xml: xml.replace(b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>")
    )


def tab_separated_far_cell(content: bytes) -> bytes:
    """A cell tag written with a tab instead of a space, hoping to slip past a quick count."""
    return _edit_sheet(
        content, lambda xml: xml.replace(b"</sheetData>", b'<row r="9"><c\tr="XFD9"><v>1</v></c></row></sheetData>')
    )


def shared_strings_bomb(content: bytes) -> bytes:
    """About 1 MB on disk, 1 GB of shared strings once unpacked (declared honestly)."""
    block = b"<si><t>x</t></si>" * 61_681  # ~1 MB
    deflated, _crc = _repeated(block, 1024)
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH) + deflated
    crc = zlib.crc32(head)
    for _ in range(1024):
        crc = zlib.crc32(block, crc)
    return _with_shared_strings(content, _Raw(data, crc, len(head) + len(block) * 1024))


def lying_shared_strings_bomb(content: bytes) -> bytes:
    """The same gigabyte declared as 1 MB: the size in the directory lies, the stream goes on."""
    block = b"<si><t>x</t></si>" * 61_681
    deflated, crc = _repeated(block, 1024)
    return _with_shared_strings(content, _Raw(deflated, crc, len(block)))


def huge_cell(content: bytes) -> bytes:
    """One inline-string cell of 280 MB (280 KB on disk)."""
    block = b"A" * (1 << 20)
    deflated, _crc = _repeated(block, 280)
    original = dict(_parts(content))[SHEET]
    before, after = original.split(b"</sheetData>")
    head = before + b'<row r="2"><c r="B2" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row></sheetData>" + after
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(280):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return _replace(content, SHEET, _Raw(first + deflated[:-2] + last, crc, len(head) + len(block) * 280 + len(tail)))


def shared_string_huge_cell(content: bytes) -> bytes:
    """A 6 MB shared string (under the zip-bomb ratio floor): longer than any Excel cell may be."""
    text = bytes(range(65, 91)) * ((6 << 20) // 26)
    return _with_shared_strings(
        content,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + text + b"</t></si></sst>",
    )


def sheet_bomb(content: bytes) -> bytes:
    """A sheet that unpacks to 100 MB of blank rows from 100 KB: within the size limits, not within the ratio."""
    block = b'<row r="3"><c r="A3" s="0"/></row>' * 30_000
    deflated, crc = _repeated(block, 100)
    return _replace(content, SHEET, _Raw(deflated, crc, len(block) * 100))


def xlsm_with_macro(content: bytes) -> bytes:
    """An .xlsm: macro-enabled content type and a VBA project."""
    parts = []
    for name, data in _parts(content):
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace(
                b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
            )
        parts.append((name, data))
    parts.append(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "Module1"' * 20))
    return build_zip(parts)


def hidden_vba_project(content: bytes) -> bytes:
    """A VBA project slipped into a file whose content types claim a plain workbook."""
    return build_zip([*_parts(content), ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)])


def excel4_macro_sheet(content: bytes) -> bytes:
    return build_zip([*_parts(content), ("xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>")])


def template_workbook(content: bytes) -> bytes:
    """An .xltx: a template's content type."""
    return build_zip(
        [
            (
                name,
                data.replace(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml")
                if name == "[Content_Types].xml"
                else data,
            )
            for name, data in _parts(content)
        ]
    )


def duplicate_sheet_part(content: bytes) -> bytes:
    """Two parts of one name: one reader may take the first, another the second."""
    parts = _parts(content)
    evil = dict(parts)[SHEET].replace(b"</sheetData>", b'<row r="50000"><c r="XFD50000"><v>1</v></c></row></sheetData>')
    return build_zip([*parts, (SHEET, evil)])


def many_parts(content: bytes) -> bytes:
    return build_zip([*_parts(content), *((f"xl/media/image{n}.png", b"") for n in range(5_000))])


def forged_dimension(content: bytes) -> bytes:
    """A declared range beyond Excel's grid."""
    import re

    return _edit_sheet(
        content, lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:ZZZZ99999999"', xml)
    )


def not_a_workbook(_content: bytes) -> bytes:
    return b"\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d,\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81\xe5\x8f\xb7\n"


def old_xls(_content: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]


# (name, builder, refusal code, a fragment of the message)
HOSTILE = [
    ("xfd_cell", xfd_cell, "columns", "XFD 列有内容"),
    ("far_row", far_row, "rows", "行的上限"),
    ("positional_far_column", positional_far_column, "columns", "BM 列有内容"),
    ("tab_separated_far_cell", tab_separated_far_cell, "columns", "XFD 列有内容"),
    ("shared_strings_bomb", shared_strings_bomb, "unpacked_size", "解压后超过"),
    ("lying_shared_strings_bomb", lying_shared_strings_bomb, "corrupt", "已损坏"),
    ("huge_cell", huge_cell, "ratio", "压缩炸弹"),
    ("shared_string_huge_cell", shared_string_huge_cell, "cell_length", "个字符"),
    ("sheet_bomb", sheet_bomb, "ratio", "压缩炸弹"),
    ("xlsm_with_macro", xlsm_with_macro, "macro", "宏"),
    ("hidden_vba_project", hidden_vba_project, "macro", "宏"),
    ("excel4_macro_sheet", excel4_macro_sheet, "macro", "宏"),
    ("template_workbook", template_workbook, "not_xlsx", "模板"),
    ("duplicate_sheet_part", duplicate_sheet_part, "duplicate_part", "已损坏"),
    ("many_parts", many_parts, "parts", "个部件"),
    ("forged_dimension", forged_dimension, "corrupt", "已损坏"),
    ("not_a_workbook", not_a_workbook, "not_xlsx", "不是 Excel 工作簿"),
    ("old_xls", old_xls, "xls", "旧版 Excel"),
    ("truncated", truncated, "corrupt", "已损坏"),
]
