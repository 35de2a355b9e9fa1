"""Turning calamine cell values into what a column means: forgiving of spaces and full-width digits, nothing more."""

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．ｘＸ", "0123456789-/.xX")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FLOAT_TEXT = re.compile(r"^\d+(\.\d*)?[eE][+]?\d+$|^\d+\.\d*$")
# An 18-digit number typed as a number survives only as a float with 15 significant digits.
FLOAT_SAFE_LIMIT = 10**15


class CellError(ValueError):
    """A cell's content cannot mean what its column needs; the message is for the user."""


def is_blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """Free text (names, banks): surrounding spaces removed."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def code_text(value) -> str:
    """Numbers kept as text (phone, household number, accounts): also full-width digits made half-width."""
    if value.__class__ is str:
        stripped = value.strip()
        return stripped if stripped.isascii() else stripped.translate(_FULL_WIDTH)
    return text(value).translate(_FULL_WIDTH)


def number_as_excel_shows(value: float | int) -> str:
    """How Excel displays a long number it turned into a float (or a reader gave back as an int):
    3.60121197011210E+17."""
    return f"{value:.14E}".replace("E+0", "E+")


def is_mangled_number(value) -> bool:
    if value.__class__ is str:
        return False
    return isinstance(value, float | int) and not isinstance(value, bool) and abs(value) >= FLOAT_SAFE_LIMIT


def looks_like_float_text(value: str) -> bool:
    """3.6012119701121E+17 or 6217000000.0: what is left of a long number once Excel has made it a float."""
    return bool(_FLOAT_TEXT.match(value))


def parse_date(value) -> date:
    if (
        value.__class__ is str
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value[:4].isdigit()
        and value[5:7].isdigit()
        and value[8:].isdigit()
    ):
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass  # the slow path below gives the message
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise CellError(
            _("日期应为日期格式的单元格或 YYYY-MM-DD 格式的文本，当前是数字 %(value)s。") % {"value": text(value)}
        )
    raw = code_text(value)
    match = _ISO_DATE.match(raw)
    if not match:
        raise CellError(_("日期“%(value)s”格式不对，应为 YYYY-MM-DD，例如 2020-03-15。") % {"value": raw})
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellError(_("日期“%(value)s”不存在，请核对年月日。") % {"value": raw}) from None


def parse_month(value) -> date:
    """YYYY-MM text (or a date cell) -> the first day of that month."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    raw = code_text(value)
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError(_("年月“%(value)s”格式不对，应为 YYYY-MM，例如 2024-03。") % {"value": raw})
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_month_or_year(value) -> tuple[date, bool]:
    """YYYY-MM or YYYY -> (first day of the month or of the year, is_year)."""
    if isinstance(value, float | int) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    raw = code_text(value)
    if _YEAR.match(raw):
        return date(int(raw), 1, 1), True
    try:
        return parse_month(raw), False
    except CellError:
        raise CellError(
            _("“%(value)s”格式不对，应为年月 YYYY-MM（例如 2024-03）或年份 YYYY（例如 2024）。") % {"value": raw}
        ) from None
