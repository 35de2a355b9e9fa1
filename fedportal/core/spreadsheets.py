"""Formula injection, decided in one place for every workbook the portal writes.

Text a spreadsheet would run as a formula (or DDE payload) starts with one of these characters. Exports either
prefix such text with an apostrophe (`escape_formula`, for sheets people pass on: the payment sheet, rehab lists)
or store it as a typed string cell (`is_formula_like` + data_type "s", where the text must stay exactly as typed:
the registry export and the annotated roster).
"""

FORMULA_FIRST_CHARACTERS = frozenset("=+-@\t\r\n")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_FIRST_CHARACTERS


def escape_formula(value) -> str:
    """The text of `value`, with a leading apostrophe when a spreadsheet could read it as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in FORMULA_FIRST_CHARACTERS else text


def header_width(text) -> float:
    """A column width (Excel's units: about one Latin character) that shows `text`: a CJK character is two wide."""
    text = str(text)
    return sum(2 if ord(character) > 0x2E80 else 1 for character in text) + 2


def write_header(sheet, headers, *, widths=None, bold: bool = True) -> None:
    """Append the header row of a write-only `sheet`, frozen so it stays in view while scrolling, each column at
    least as wide as its header (or the width given for it). Must be called before any other row is appended:
    a write-only sheet writes its columns and panes when the first row arrives."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = list(widths or [])
    font = Font(bold=True) if bold else None
    cells = []
    for index, text in enumerate(headers, start=1):
        given = widths[index - 1] if index - 1 < len(widths) and widths[index - 1] else 0
        letter = get_column_letter(index)
        current = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else 0
        sheet.column_dimensions[letter].width = max(given, current or 0, header_width(text))
        cell = WriteOnlyCell(sheet, value=text if isinstance(text, str) else str(text))
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.freeze_panes = "A2"
    sheet.append(cells)
