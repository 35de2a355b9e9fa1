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
