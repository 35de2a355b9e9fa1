"""The persons roster's row parsing: one row's cells checked for shape and turned into a PersonRow.

Nothing here reads the registry; townships and villages are kept as typed and resolved by the validation.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.disability import check_certificate_number
from fedportal.idnumber import parse_id_number

from . import schema as S
from .cells import (
    CellError,
    code_text,
    is_mangled_number,
    looks_like_float_text,
    number_as_excel_shows,
    parse_date,
    text,
)
from .report import RosterReport

_PHONE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{6,30}$")
_HOUSEHOLD = re.compile(r"^[0-9A-Za-z-]{1,30}$")


@dataclass
class PersonRow:
    number: int
    id_number: str = ""
    sex: str = ""
    birth_date: date | None = None
    values: dict = field(default_factory=dict)  # person fields given in the file (blank cells absent)
    certificate: tuple | None = None  # (number, category, grade, generation, issue, expiry)
    poverty: str | None = None
    poverty_start: date | None = None


def _labels(vocabulary: dict) -> str:
    return "、".join(vocabulary)


class PersonRowParser:
    """Parses one row's cells. Built once per file: column positions and vocabularies are looked up once."""

    def __init__(self, report: RosterReport, index: dict, vocab: dict, today: date):
        self.report = report
        self.vocab = vocab
        self.today = today
        self.at = {name: index.get(name, -1) for name in S.PERSON_COLUMNS}

    def parse(self, number: int, raw_cells: list) -> PersonRow | None:
        # Strings stripped, None made blank; numbers and dates kept for the columns that must see them.
        cells = [c.strip() if c.__class__ is str else ("" if c is None else c) for c in raw_cells]
        if not any(cells):
            return None  # a row of spaces only
        at = self.at
        row = PersonRow(number=number)
        values = row.values
        report = self.report

        def get(name):
            i = at[name]
            return "" if i < 0 else cells[i]

        # 姓名
        name = get(S.P_NAME)
        if name.__class__ is not str:
            name = text(name)
        if not name:
            report.error(number, S.P_NAME, _("请填写姓名。"))
        elif len(name) > 50:
            report.error(number, S.P_NAME, _("姓名不能超过 50 个字。"))
        else:
            values["name"] = name

        # 身份证号
        raw_id = get(S.P_ID)
        if is_mangled_number(raw_id):
            raw_id = number_as_excel_shows(float(raw_id))
        elif raw_id.__class__ is not str:
            raw_id = text(raw_id)
        try:
            info = parse_id_number(raw_id)
        except ValidationError as exc:
            report.error(number, S.P_ID, exc.messages[0])
        else:
            row.id_number, row.sex, row.birth_date = info.number, info.sex, info.birth_date

        value = get(S.P_ETHNICITY)
        if value != "":
            if value.__class__ is not str:
                value = text(value)
            if len(value) > 20:
                report.error(number, S.P_ETHNICITY, _("民族不能超过 20 个字。"))
            else:
                values["ethnicity"] = value
        value = get(S.P_PHONE)
        if value != "":
            value = code_text(value).replace(" ", "")
            if not _PHONE.match(value):
                report.error(number, S.P_PHONE, _("电话号码只能包含数字和连字符，7-20 位。"))
            else:
                values["phone"] = value
        value = get(S.P_BANK)
        if value != "":
            if value.__class__ is not str:
                value = text(value)
            if len(value) > 50:
                report.error(number, S.P_BANK, _("开户银行不能超过 50 个字。"))
            else:
                values["bank_name"] = value
        raw = get(S.P_SSC)
        if raw != "":
            value = code_text(raw)
            if is_mangled_number(raw) or looks_like_float_text(value):
                shown = number_as_excel_shows(float(raw)) if is_mangled_number(raw) else value
                report.error(number, S.P_SSC, _mangled_message(S.P_SSC, shown))
            elif not _ACCOUNT.match(value):
                report.error(number, S.P_SSC, _("社保卡号/银行账号只能包含数字和字母，6-30 位。"))
            else:
                values["social_security_card"] = value

        # 乡镇(街道), 村(社区): resolved against the registry later; here only presence.
        value = get(S.P_TOWNSHIP)
        if value.__class__ is not str:
            value = text(value)
        if not value:
            report.error(number, S.P_TOWNSHIP, _("请填写%(column)s。") % {"column": S.P_TOWNSHIP})
        else:
            values["_township"] = value.replace(" ", "").replace("（", "(").replace("）", ")")
        value = get(S.P_VILLAGE)
        if value.__class__ is not str:
            value = text(value)
        if not value:
            report.error(number, S.P_VILLAGE, _("请填写%(column)s。") % {"column": S.P_VILLAGE})
        else:
            values["_village"] = value

        raw = get(S.P_HOUSEHOLD)
        if raw != "":
            value = code_text(raw)
            if is_mangled_number(raw):
                report.error(number, S.P_HOUSEHOLD, _mangled_message(S.P_HOUSEHOLD, number_as_excel_shows(float(raw))))
            elif not _HOUSEHOLD.match(value):
                report.error(number, S.P_HOUSEHOLD, _("户籍编号只能包含数字、字母和连字符，最多 30 位。"))
            else:
                values["household_no"] = value
        for column, key in ((S.P_RELATION, "relation_to_head"), (S.P_EDUCATION, "education_stage")):
            value = get(column)
            if value != "":
                choice = self.choice(number, column, value)
                if choice is not None:
                    values[key] = choice

        self.certificate(row, get)

        # 低保状态, 低保起始日期
        value = get(S.P_POVERTY)
        if value != "":
            row.poverty = self.choice(number, S.P_POVERTY, value)
        value = get(S.P_POVERTY_START)
        if value != "":
            try:
                start = parse_date(value)
            except CellError as exc:
                report.error(number, S.P_POVERTY_START, str(exc))
            else:
                if start > self.today:
                    report.error(
                        number, S.P_POVERTY_START, _("低保起始日期 %(date)s 晚于今天。") % {"date": start.isoformat()}
                    )
                elif start.year < 1950:
                    report.error(
                        number, S.P_POVERTY_START, _("低保起始日期 %(date)s 不合理。") % {"date": start.isoformat()}
                    )
                elif get(S.P_POVERTY) == "":
                    report.error(number, S.P_POVERTY_START, _("填写了低保起始日期，但没有填写低保状态。"))
                else:
                    row.poverty_start = start
        return row

    def choice(self, number: int, column: str, value):
        vocabulary = self.vocab[column]
        found = vocabulary.get(value if value.__class__ is str else text(value))
        if found is None:
            self.report.error(
                number,
                column,
                _("“%(value)s”不是有效的%(column)s，应为：%(choices)s。")
                % {"value": text(value), "column": column, "choices": _labels(vocabulary)},
            )
        return found

    def certificate(self, row: PersonRow, get) -> None:
        columns = (S.P_CERT_NUMBER, S.P_CATEGORY, S.P_GRADE, S.P_GENERATION, S.P_ISSUE, S.P_EXPIRY)
        given = {column: get(column) for column in columns}
        if all(value == "" for value in given.values()):
            return
        number, report = row.number, self.report
        ok = True
        values = {}
        for column in (S.P_CATEGORY, S.P_GRADE, S.P_GENERATION):
            if given[column] == "":
                report.error(number, column, _("填写残疾人证时必须填写%(column)s。") % {"column": column})
                ok = False
                continue
            found = self.choice(number, column, given[column])
            if found is None:
                ok = False
            else:
                values[column] = found
        for column in (S.P_ISSUE, S.P_EXPIRY):
            if given[column] == "":
                report.error(number, column, _("填写残疾人证时必须填写%(column)s。") % {"column": column})
                ok = False
                continue
            try:
                values[column] = parse_date(given[column])
            except CellError as exc:
                report.error(number, column, str(exc))
                ok = False
        issue, expiry = values.get(S.P_ISSUE), values.get(S.P_EXPIRY)
        if issue and issue > self.today:
            report.error(number, S.P_ISSUE, _("发证日期 %(date)s 晚于今天。") % {"date": issue.isoformat()})
            ok = False
        elif issue and issue.year < 1980:
            report.error(number, S.P_ISSUE, _("发证日期 %(date)s 不合理。") % {"date": issue.isoformat()})
            ok = False
        if issue and expiry and expiry <= issue:
            report.error(
                number,
                S.P_EXPIRY,
                _("有效期至（%(expiry)s）应晚于发证日期（%(issue)s）。")
                % {"expiry": expiry.isoformat(), "issue": issue.isoformat()},
            )
            ok = False
        raw = given[S.P_CERT_NUMBER]
        if raw == "":
            report.error(number, S.P_CERT_NUMBER, _("填写了残疾类别、等级或发证日期，但没有填写残疾人证号。"))
            return
        if is_mangled_number(raw):
            report.error(number, S.P_CERT_NUMBER, _mangled_message(S.P_CERT_NUMBER, number_as_excel_shows(float(raw))))
            return
        typed = code_text(raw)
        if looks_like_float_text(typed) or (
            len(typed) == 20 and typed.endswith("000") and row.id_number and typed[:18] != row.id_number
        ):
            report.error(number, S.P_CERT_NUMBER, _mangled_message(S.P_CERT_NUMBER, typed))
            return
        if not row.id_number:
            return  # the ID number's own error is reported; the card cannot be checked against it
        category, grade = values.get(S.P_CATEGORY), values.get(S.P_GRADE)
        if typed.upper() == f"{row.id_number}{category}{grade}":
            card = typed.upper()
        else:
            try:
                card = check_certificate_number(typed, id_number=row.id_number, category=category, grade=grade)
            except ValidationError as exc:
                report.error(number, S.P_CERT_NUMBER, exc.messages[0])
                return
        if ok:
            # A 多重 card's components come with an assessment, not with a roster.
            row.certificate = (card, category, grade, values[S.P_GENERATION], issue, expiry)


def _mangled_message(column: str, value: str) -> str:
    return _(
        "%(column)s“%(value)s”被 Excel 当成数字保存，末几位已经丢失。请把该列设置为“文本”格式后重新输入完整的号码。"
    ) % {"column": column, "value": value}
