"""Resident ID numbers (居民身份证号, GB 11643-1999): normalisation, validation, masking and what they encode.

Platform code: the access layer and the audit log mask and look up ID numbers below the registry.

Pure functions: used by forms, services and the roster validator alike.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fedportal.core.clock import local_today

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: the province-level codes of GB/T 2260.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘＥｅ＋．", "0123456789XxEe+.")
_FLOAT_LIKE = re.compile(r"^\d+(\.\d*)?[eE][+]?\d+$|^\d+\.\d*$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "M" or "F"


def normalize_id_number(raw) -> str:
    """Strip surrounding spaces, turn full-width digits half-width and a lower-case x upper-case. Nothing else."""
    if raw is None:
        return ""
    text = str(raw).strip().translate(_FULL_WIDTH)
    return text[:-1] + "X" if text.endswith("x") else text


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def looks_float_mangled(text: str) -> bool:
    """Excel shows an 18-digit number typed as a number as 3.60121197011210E+17 or 360121197011210000."""
    if _FLOAT_LIKE.match(text):
        return True
    return len(text) == 18 and text.isdigit() and text.endswith("000") and check_character(text[:17]) != text[17]


def parse_id_number(raw) -> IdInfo:
    """Validate an ID number and return it normalised with the birth date and sex it encodes.

    Raises ValidationError with a message that names the fault.
    """
    text = normalize_id_number(raw)
    if not text:
        raise ValidationError(_("身份证号不能为空。"), code="id_required")
    if looks_float_mangled(text):
        raise ValidationError(
            _(
                "身份证号“%(value)s”被 Excel 当成数字保存，末几位已经丢失。"
                "请把该列设置为“文本”格式后重新输入完整的 18 位号码。"
            )
            % {"value": text},
            code="id_float_mangled",
        )
    if len(text) != 18:
        raise ValidationError(_("身份证号应为 18 位，当前为 %(length)s 位。") % {"length": len(text)}, code="id_length")
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError(_("身份证号前 17 位必须是数字，最后一位是数字或 X。"), code="id_characters")
    if text[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号前 6 位地区码无效（%(area)s）。") % {"area": text[:6]}, code="id_area")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号第 7-14 位出生日期无效（%(value)s）。") % {"value": text[6:14]}, code="id_birth_date"
        ) from None
    if birth.year < 1900 or birth > local_today():
        raise ValidationError(
            _("身份证号第 7-14 位出生日期不合理（%(value)s）。") % {"value": text[6:14]}, code="id_birth_date"
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：最后一位应为 %(expected)s，实际为 %(actual)s。请核对号码。")
            % {"expected": expected, "actual": text[17]},
            code="id_check_character",
        )
    return IdInfo(number=text, birth_date=birth, sex="M" if int(text[16]) % 2 else "F")
