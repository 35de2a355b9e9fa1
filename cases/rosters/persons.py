"""The persons roster: validate every row against the registry set-wise, then upsert in bulk.

Validation reads the registry in a handful of queries (persons, their active certificates, open poverty
records, households) whatever the file's size; the writer loads the changed rows with COPY into temporary
tables and applies them with one INSERT ... ON CONFLICT / UPDATE ... FROM per table, in the caller's transaction.
Audit triggers (pghistory) fire on those statements like on any other write.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from cases.idnumber import parse_id_number
from cases.models import EducationStage, PovertyStatus, Township, Village
from certificates.validation import check_certificate_number

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
from .copy import copy_rows, temp_table
from .reader import RosterSheet
from .report import RosterReport

_PHONE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{6,30}$")
_HOUSEHOLD = re.compile(r"^[0-9A-Za-z-]{1,30}$")

# Person columns compared to decide update vs unchanged, in this order.
_PERSON_FIELDS = (
    "name",
    "ethnicity",
    "phone",
    "township_id",
    "village_id",
    "household_no",
    "relation_to_head",
    "education_stage",
    "social_security_card",
    "bank_name",
    "poverty_status",
)
_DEFAULTS = {
    "ethnicity": "汉族",
    "phone": "",
    "household_no": "",
    "relation_to_head": "",
    "education_stage": EducationStage.NONE.value,
    "social_security_card": "",
    "bank_name": "",
    "poverty_status": PovertyStatus.NONE.value,
}


@dataclass
class _Row:
    number: int
    id_number: str = ""
    sex: str = ""
    birth_date: date | None = None
    values: dict = field(default_factory=dict)  # person fields given in the file (blank cells absent)
    certificate: tuple | None = None  # (number, category, grade, generation, issue, expiry)
    poverty: str | None = None
    poverty_start: date | None = None


@dataclass
class PersonsPlan:
    households: list[tuple] = field(default_factory=list)  # (register_number, township_id, village_id)
    persons: list[tuple] = field(default_factory=list)  # see _PERSON_COPY_COLUMNS
    certificates: list[tuple] = field(
        default_factory=list
    )  # (id_number, cert_id, number, cat, grade, gen, issue, expiry, comment)
    poverty: list[tuple] = field(default_factory=list)  # (id_number, close_id, close_end, new_status, start)
    household_ids: set = field(default_factory=set)
    household_numbers: set = field(default_factory=set)
    new_card_comment: str = ""
    person_ids: dict = field(default_factory=dict)  # id_number -> id of existing persons


class _Lookups:
    """The registry rows a file refers to, fetched set-wise."""

    def __init__(self, id_numbers: list[str], household_numbers: list[str]):
        self.townships_by_name = {}
        self.townships_by_code = {}
        for pk, code, name in Township.objects.values_list("pk", "code", "name"):
            self.townships_by_name[name] = (pk, name)
            self.townships_by_code[code] = (pk, name)
        self.villages_by_name = {}
        self.villages_by_code = {}
        for pk, township_id, code, name in Village.objects.values_list("pk", "township_id", "code", "name"):
            self.villages_by_name[(township_id, name)] = pk
            self.villages_by_code[code] = (pk, township_id)
        self.township_names = {pk: name for pk, name in self.townships_by_name.values()}
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT p.id, p.id_number, p.name, p.ethnicity, p.phone, p.township_id, p.village_id,
                       COALESCE(h.register_number, ''), p.relation_to_head, p.education_stage,
                       p.social_security_card, p.bank_name, p.poverty_status, p.household_id
                FROM cases_person p LEFT JOIN cases_household h ON h.id = p.household_id
                WHERE p.id_number = ANY(%s)
                """,
                [id_numbers],
            )
            self.persons = {row[1]: row for row in cursor.fetchall()}
            person_ids = [row[0] for row in self.persons.values()]
            cursor.execute(
                """
                SELECT person_id, id, number, category, grade, generation, issue_date, expiry_date
                FROM certificates_certificate WHERE status = 'active' AND person_id = ANY(%s)
                """,
                [person_ids],
            )
            self.certificates = {row[0]: row for row in cursor.fetchall()}
            cursor.execute(
                """
                SELECT person_id, id, status, start_date FROM cases_povertyrecord
                WHERE end_date IS NULL AND person_id = ANY(%s)
                """,
                [person_ids],
            )
            self.open_poverty = {row[0]: row for row in cursor.fetchall()}
            cursor.execute(
                """
                SELECT person_id, max(end_date) FROM cases_povertyrecord
                WHERE end_date IS NOT NULL AND person_id = ANY(%s) GROUP BY person_id
                """,
                [person_ids],
            )
            self.last_poverty_end = dict(cursor.fetchall())
            cursor.execute(
                "SELECT register_number, id, township_id, village_id FROM cases_household WHERE register_number = ANY(%s)",
                [household_numbers],
            )
            self.households = {row[0]: row for row in cursor.fetchall()}


def _labels(vocabulary: dict) -> str:
    return "、".join(vocabulary)


def validate_persons(sheet: RosterSheet, *, township: Township | None, today: date, progress=None) -> RosterReport:
    """Check every row; the report's plan holds what an import would write. Reads only."""
    report = RosterReport(kind="persons", rows=len(sheet.rows))
    index = {name: i for i, name in enumerate(sheet.header) if name}
    missing = [name for name in S.PERSON_REQUIRED if name not in index]
    if missing:
        report.fail_file(
            _("第 1 行缺少必填列：%(columns)s。表头须与模板一致（列的顺序可以不同）。")
            % {"columns": "、".join(missing)}
        )
        return report
    if not sheet.rows:
        report.fail_file(_("文件中没有数据行（第 2 行起）。"))
        return report
    vocab = S.vocabularies()
    position = {index[name]: name for name in S.PERSON_COLUMNS if name in index}
    parser = _RowParser(report, index, vocab, today)
    rows = [row for row in (parser.parse(number, cells) for number, cells in sheet.rows) if row is not None]
    report.rows = len(rows)
    if not rows:
        report.fail_file(_("文件中没有数据行（第 2 行起）。"))
        return report
    for row_number, column_index in sheet.formula_cells:
        if row_number >= 2 and column_index in position:
            report.error(
                row_number,
                position[column_index],
                _("单元格是公式。请把公式结果复制后“选择性粘贴为数值”，再上传。"),
            )
    if progress:
        progress(len(rows) // 2, _("正在核对登记信息"))

    # Duplicates within the file: an error on every row that carries the number.
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.id_number:
            seen.setdefault(row.id_number, []).append(row.number)
    for row in rows:
        others = [n for n in seen.get(row.id_number, ()) if n != row.number]
        if others:
            report.error(
                row.number,
                S.P_ID,
                _("身份证号在本文件中重复出现（另见第 %(rows)s 行）。") % {"rows": "、".join(map(str, others))},
            )

    lookups = _Lookups(
        [row.id_number for row in rows if row.id_number],
        sorted({row.values["household_no"] for row in rows if row.values.get("household_no")}),
    )
    _check_divisions(report, rows, lookups, township)
    plan = _plan(report, rows, lookups, township, today)
    report.plan = plan
    if progress:
        progress(len(rows), _("校验完成"))
    return report


class _RowParser:
    """Parses one row's cells. Built once per file: column positions and vocabularies are looked up once."""

    def __init__(self, report: RosterReport, index: dict, vocab: dict, today: date):
        self.report = report
        self.vocab = vocab
        self.today = today
        self.at = {name: index.get(name, -1) for name in S.PERSON_COLUMNS}

    def parse(self, number: int, raw_cells: list) -> _Row | None:
        # Strings stripped, None made blank; numbers and dates kept for the columns that must see them.
        cells = [c.strip() if c.__class__ is str else ("" if c is None else c) for c in raw_cells]
        if not any(cells):
            return None  # a row of spaces only
        at = self.at
        row = _Row(number=number)
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

    def certificate(self, row: _Row, get) -> None:
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


def _check_divisions(report: RosterReport, rows: list[_Row], lookups: _Lookups, township: Township | None) -> None:
    for row in rows:
        raw_township = row.values.pop("_township", None)
        raw_village = row.values.pop("_village", None)
        if raw_township is None:
            continue
        found = lookups.townships_by_name.get(raw_township) or lookups.townships_by_code.get(raw_township)
        if found is None:
            report.error(row.number, S.P_TOWNSHIP, _("没有名为“%(value)s”的乡镇(街道)。") % {"value": raw_township})
            continue
        township_id, township_name = found
        if township is not None and township_id != township.pk:
            report.error(
                row.number,
                S.P_TOWNSHIP,
                _("只能导入本乡镇（%(own)s）的人员，本行是“%(value)s”。")
                % {"own": township.name, "value": township_name},
            )
            continue
        row.values["township_id"] = township_id
        if raw_village is None:
            continue
        village_id = lookups.villages_by_name.get((township_id, raw_village))
        if village_id is None:
            by_code = lookups.villages_by_code.get(raw_village)
            village_id = by_code[0] if by_code and by_code[1] == township_id else None
        if village_id is None:
            report.error(
                row.number,
                S.P_VILLAGE,
                _("“%(value)s”不是%(township)s的村(社区)。") % {"value": raw_village, "township": township_name},
            )
        else:
            row.values["village_id"] = village_id


def _plan(
    report: RosterReport, rows: list[_Row], lookups: _Lookups, township: Township | None, today: date
) -> PersonsPlan:
    plan = PersonsPlan(new_card_comment=_("花名册导入：新建证件信息"))
    new_households: dict[str, tuple[int, int, int]] = {}  # register number -> (township, village, first row)
    for row in rows:
        existing = lookups.persons.get(row.id_number) if row.id_number else None
        if existing and township is not None and existing[5] != township.pk:
            report.error(
                row.number,
                S.P_ID,
                _("此人已登记在%(township)s，不属于本乡镇，不能由本乡镇导入。")
                % {"township": lookups.township_names.get(existing[5], "")},
            )
        household_no = row.values.get("household_no")
        if household_no and "township_id" in row.values and "village_id" in row.values:
            place = (row.values["township_id"], row.values["village_id"])
            known = lookups.households.get(household_no)
            if known is not None and (known[2], known[3]) != place:
                report.error(
                    row.number,
                    S.P_HOUSEHOLD,
                    _("户籍编号 %(number)s 已登记在%(township)s的另一个村(社区)或其他乡镇，与本行的乡镇、村不一致。")
                    % {"number": household_no, "township": lookups.township_names.get(known[2], "")},
                )
            elif known is None:
                first = new_households.setdefault(household_no, (*place, row.number))
                if first[:2] != place:
                    report.error(
                        row.number,
                        S.P_HOUSEHOLD,
                        _("同一户籍编号 %(number)s 在第 %(first)s 行属于另一个村(社区)。")
                        % {"number": household_no, "first": first[2]},
                    )
        if report.is_invalid_row(row.number):
            continue
        _plan_row(report, plan, row, existing, lookups, today)
    if report.is_valid:
        used = {row.values.get("household_no") for row in rows}
        plan.households = [(number, t, v) for number, (t, v, _first) in new_households.items() if number in used]
    return plan


def _plan_row(report: RosterReport, plan: PersonsPlan, row: _Row, existing, lookups: _Lookups, today: date) -> None:
    person_id = existing[0] if existing else None
    current = dict(zip(_PERSON_FIELDS, existing[2:13], strict=True)) if existing else dict(_DEFAULTS)
    final = {**current, **row.values}

    # Poverty: a new period only when the status changes.
    poverty_change = None
    if row.poverty is not None:
        open_record = lookups.open_poverty.get(person_id) if person_id else None
        current_status = open_record[2] if open_record else PovertyStatus.NONE.value
        if row.poverty != current_status:
            start = row.poverty_start or today
            if open_record and start <= open_record[3]:
                report.error(
                    row.number,
                    S.P_POVERTY_START,
                    _("低保起始日期须晚于此人当前低保状态的起始日期（%(date)s）。")
                    % {"date": open_record[3].isoformat()},
                )
                return
            last_end = lookups.last_poverty_end.get(person_id) if person_id else None
            if not open_record and last_end and start <= last_end:
                report.error(
                    row.number,
                    S.P_POVERTY_START,
                    _("低保起始日期与此人已有的低保记录重叠（至 %(date)s）。") % {"date": last_end.isoformat()},
                )
                return
            poverty_change = (
                row.id_number,
                open_record[1] if open_record else None,
                start - timedelta(days=1) if open_record else None,
                row.poverty if row.poverty != PovertyStatus.NONE.value else None,
                start,
            )
            final["poverty_status"] = row.poverty

    # Certificate: create or update the active card period.
    certificate_change = None
    if row.certificate is not None:
        active = lookups.certificates.get(person_id) if person_id else None
        if active is None:
            certificate_change = (row.id_number, None, *row.certificate, plan.new_card_comment)
        elif tuple(active[2:8]) != row.certificate:
            changed = [
                label
                for label, old, new in zip(
                    (_("证号"), _("类别"), _("等级"), _("代别"), _("发证日期"), _("有效期至")),
                    active[2:8],
                    row.certificate,
                    strict=True,
                )
                if old != new
            ]
            certificate_change = (
                row.id_number,
                active[1],
                *row.certificate,
                _("花名册导入：更新%(fields)s") % {"fields": "、".join(changed)},
            )

    person_changed = existing is None or any(final[key] != current[key] for key in _PERSON_FIELDS)
    if person_changed:
        plan.persons.append(
            (
                row.id_number,
                final["name"],
                row.sex,
                row.birth_date,
                final["ethnicity"],
                final["phone"],
                final["township_id"],
                final["village_id"],
                final["household_no"] or None,
                final["relation_to_head"],
                final["education_stage"],
                final["social_security_card"],
                final["bank_name"],
                final["poverty_status"],
            )
        )
        if final["household_no"]:
            plan.household_numbers.add(final["household_no"])
        if existing and existing[13]:
            plan.household_ids.add(existing[13])
    if certificate_change:
        plan.certificates.append(certificate_change)
        if final["household_no"]:
            plan.household_numbers.add(final["household_no"])
    if poverty_change:
        plan.poverty.append(poverty_change)
    if existing:
        plan.person_ids[row.id_number] = person_id
    if existing is None:
        report.to_create += 1
    elif person_changed or certificate_change or poverty_change:
        report.to_update += 1
    else:
        report.unchanged += 1


_PERSON_COPY_COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "township_id",
    "village_id",
    "household_no",
    "relation_to_head",
    "education_stage",
    "social_security_card",
    "bank_name",
    "poverty_status",
)


def write_persons(plan: PersonsPlan, *, acting_user_id: int | None, source: str, today: date) -> dict:
    """Apply a plan. Must run inside the caller's transaction (atomic); returns what was written."""
    counts = {"created": 0, "updated": 0, "households": 0, "certificates": 0, "poverty_records": 0}
    with connection.cursor() as cursor:
        if plan.households:
            temp_table(cursor, "_roster_household", "register_number text, township_id bigint, village_id bigint")
            copy_rows(cursor, "_roster_household", ("register_number", "township_id", "village_id"), plan.households)
            cursor.execute(
                """
                INSERT INTO cases_household (register_number, township_id, village_id, address, is_multi_disability,
                                             created_at, updated_at)
                SELECT register_number, township_id, village_id, '', false, now(), now() FROM _roster_household
                ON CONFLICT (register_number) DO NOTHING
                """
            )
            counts["households"] = cursor.rowcount
        person_ids = dict(plan.person_ids)
        if plan.persons:
            temp_table(
                cursor,
                "_roster_person",
                """id_number text, name text, sex text, birth_date date, ethnicity text, phone text, township_id bigint,
                   village_id bigint, household_no text, relation_to_head text, education_stage text,
                   social_security_card text, bank_name text, poverty_status text""",
            )
            copy_rows(cursor, "_roster_person", _PERSON_COPY_COLUMNS, plan.persons)
            cursor.execute(
                """
                INSERT INTO cases_person AS p (
                    id_number, name, sex, birth_date, ethnicity, phone, address, township_id, village_id, household_id,
                    relation_to_head, guardian_name, guardian_phone, guardian_relation, education_stage,
                    social_security_card, bank_name, poverty_status, version, created_at, updated_at, created_by_id)
                SELECT t.id_number, t.name, t.sex, t.birth_date, t.ethnicity, t.phone, '', t.township_id, t.village_id,
                       h.id, t.relation_to_head, '', '', '', t.education_stage, t.social_security_card, t.bank_name,
                       t.poverty_status, 1, now(), now(), %s
                FROM _roster_person t LEFT JOIN cases_household h ON h.register_number = t.household_no
                ON CONFLICT (id_number) DO UPDATE SET
                    name = EXCLUDED.name, ethnicity = EXCLUDED.ethnicity, phone = EXCLUDED.phone,
                    township_id = EXCLUDED.township_id, village_id = EXCLUDED.village_id,
                    household_id = EXCLUDED.household_id, relation_to_head = EXCLUDED.relation_to_head,
                    education_stage = EXCLUDED.education_stage, social_security_card = EXCLUDED.social_security_card,
                    bank_name = EXCLUDED.bank_name, poverty_status = EXCLUDED.poverty_status,
                    version = p.version + 1, updated_at = now()
                RETURNING p.id, p.id_number, (xmax = 0)
                """,
                [acting_user_id],
            )
            for pk, id_number, inserted in cursor.fetchall():
                person_ids[id_number] = pk
                counts["created" if inserted else "updated"] += 1
        if plan.certificates:
            temp_table(
                cursor,
                "_roster_certificate",
                """person_id bigint, certificate_id bigint, number text, category smallint, grade smallint,
                   generation smallint, issue_date date, expiry_date date, comment text""",
            )
            copy_rows(
                cursor,
                "_roster_certificate",
                (
                    "person_id",
                    "certificate_id",
                    "number",
                    "category",
                    "grade",
                    "generation",
                    "issue_date",
                    "expiry_date",
                    "comment",
                ),
                [(person_ids[c[0]], *c[1:]) for c in plan.certificates],
            )
            cursor.execute(
                """
                UPDATE certificates_certificate c SET number = t.number, category = t.category, grade = t.grade,
                       generation = t.generation, issue_date = t.issue_date, expiry_date = t.expiry_date, updated_at = now()
                FROM _roster_certificate t WHERE t.certificate_id IS NOT NULL AND c.id = t.certificate_id
                """
            )
            cursor.execute(
                """
                INSERT INTO certificates_certificate (person_id, number, category, grade, generation, issue_date,
                       expiry_date, status, ended_on, end_reason, assessment_id, created_at, updated_at)
                SELECT person_id, number, category, grade, generation, issue_date, expiry_date, 'active', NULL, '',
                       NULL, now(), now()
                FROM _roster_certificate WHERE certificate_id IS NULL
                """
            )
            cursor.execute(
                """
                INSERT INTO certificates_certificatelifecycleevent (person_id, certificate_id, kind, event_date, reason,
                       comment, assessment_id, acting_user_id, created_at)
                SELECT t.person_id, c.id, 'import', %s, '', t.comment, NULL, %s, now()
                FROM _roster_certificate t
                JOIN certificates_certificate c ON c.person_id = t.person_id AND c.status = 'active'
                """,
                [today, acting_user_id],
            )
            counts["certificates"] = len(plan.certificates)
        if plan.poverty:
            temp_table(
                cursor,
                "_roster_poverty",
                "person_id bigint, close_id bigint, close_end date, new_status text, start_date date",
            )
            copy_rows(
                cursor,
                "_roster_poverty",
                ("person_id", "close_id", "close_end", "new_status", "start_date"),
                [(person_ids[p[0]], *p[1:]) for p in plan.poverty],
            )
            cursor.execute(
                """
                UPDATE cases_povertyrecord r SET end_date = t.close_end
                FROM _roster_poverty t WHERE t.close_id IS NOT NULL AND r.id = t.close_id
                """
            )
            cursor.execute(
                """
                INSERT INTO cases_povertyrecord (person_id, status, start_date, end_date, source, created_at)
                SELECT person_id, new_status, start_date, NULL, %s, now() FROM _roster_poverty WHERE new_status IS NOT NULL
                """,
                [source[:100]],
            )
            counts["poverty_records"] = len(plan.poverty)
        household_ids = set(plan.household_ids)
        if plan.household_numbers:
            cursor.execute(
                "SELECT id FROM cases_household WHERE register_number = ANY(%s)", [sorted(plan.household_numbers)]
            )
            household_ids.update(pk for (pk,) in cursor.fetchall())
    if household_ids:
        refresh_multi_flags(sorted(household_ids), today)
    return counts


def refresh_multi_flags(household_ids: list[int], today: date) -> None:
    from cases.services import household_refresh_multi_flags

    household_refresh_multi_flags(household_ids=household_ids, on=today)
