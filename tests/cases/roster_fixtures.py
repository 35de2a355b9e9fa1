"""Helpers for the roster tests: workbooks built in memory, rows that pass unless a test breaks them."""

import io
from datetime import date

from openpyxl import Workbook

from cases.rosters.schema import PERSON_COLUMNS
from tests.factories import make_id_number


def workbook_bytes(rows: list[list], header: list[str] | None = None, *, setup=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else PERSON_COLUMNS)
    for row in rows:
        sheet.append(row)
    if setup:
        setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person_values(sequence: int = 1, **overrides) -> dict:
    id_number = overrides.pop("id_number", None) or make_id_number(birth=date(1970, 11, 21), sequence=sequence)
    values = {
        "姓名": f"张{sequence}",
        "身份证号": id_number,
        "民族": "汉族",
        "联系电话": f"1390791{sequence:04d}",
        "乡镇(街道)": "莲塘镇",
        "村(社区)": "莲塘村",
        "户籍编号": f"HH{sequence:06d}",
        "与户主关系": "户主",
        "残疾人证号": f"{id_number}42",
        "残疾类别": "肢体",
        "残疾等级": "二级",
        "证件代别": "第三代",
        "发证日期": "2020-03-15",
        "有效期至": "2030-03-14",
        "低保状态": "低保",
        "低保起始日期": "2021-01-01",
        "在校学段": "无",
        "社保卡号": f"62170000{sequence:06d}",
        "开户银行": "农商银行",
    }
    values.update(overrides)
    return values


def person_row(sequence: int = 1, **overrides) -> list:
    values = person_values(sequence, **overrides)
    return [values[name] for name in PERSON_COLUMNS]


def persons_file(*rows: list) -> bytes:
    return workbook_bytes(list(rows))
