"""The persons roster's validation: every row checked against the registry set-wise, and a plan built.

Validation reads the registry in a handful of queries (persons, their active certificates, open poverty
records, households) whatever the file's size. It writes nothing; persons_writing applies the plan.
"""

from datetime import date, timedelta

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.disability import Category, Grade
from cases.models import EducationStage, PovertyStatus, Township, Village

from . import schema as S
from .persons_plan import PersonsPlan
from .persons_rows import PersonRow, PersonRowParser
from .reader import RosterSheet
from .report import RosterReport

# A township upload's answer for an ID number (or household) registered in another township: constant, naming
# neither the township nor the person (shown through the catalog, so it is translated as it stands).
ELSEWHERE_MESSAGE = gettext_noop("该身份证号已在其他乡镇登记，请联系县残联核实。")
HOUSEHOLD_ELSEWHERE_MESSAGE = gettext_noop("该户籍编号已在其他乡镇登记，请联系县残联核实。")

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
    parser = PersonRowParser(report, index, vocab, today)
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


def _check_divisions(report: RosterReport, rows: list[PersonRow], lookups: _Lookups, township: Township | None) -> None:
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
    report: RosterReport, rows: list[PersonRow], lookups: _Lookups, township: Township | None, today: date
) -> PersonsPlan:
    plan = PersonsPlan(new_card_comment=_("花名册导入：新建证件信息"))
    new_households: dict[str, tuple[int, int, int]] = {}  # register number -> (township, village, first row)
    for row in rows:
        existing = lookups.persons.get(row.id_number) if row.id_number else None
        if existing and township is not None and existing[5] != township.pk:
            # Never which township nor whom: a township upload must not be a way to look ID numbers up county-wide.
            # Each such answer is counted on the report (and the upload's audit record).
            report.error(row.number, S.P_ID, ELSEWHERE_MESSAGE)
            report.elsewhere += 1
        household_no = row.values.get("household_no")
        if household_no and "township_id" in row.values and "village_id" in row.values:
            place = (row.values["township_id"], row.values["village_id"])
            known = lookups.households.get(household_no)
            if known is not None and township is not None and known[2] != township.pk:
                report.error(row.number, S.P_HOUSEHOLD, HOUSEHOLD_ELSEWHERE_MESSAGE)
                report.elsewhere += 1
            elif known is not None and (known[2], known[3]) != place:
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


def _plan_row(
    report: RosterReport, plan: PersonsPlan, row: PersonRow, existing, lookups: _Lookups, today: date
) -> None:
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
        elif (active[3], active[4]) != tuple(row.certificate[1:3]):
            # A roster never re-grades a card in place: that needs a new assessment (类别/等级变更), and rewriting
            # the card would make every month ever paid look unpaid-for to the recovery check.
            report.error(
                row.number,
                S.P_CERT_NUMBER,
                _(
                    "残疾人证号 %(new)s 的类别或等级与此人现有有效证件（%(old)s，%(category)s%(grade)s）不一致："
                    "花名册不能更改证件的类别或等级，请办理评残后作类别/等级变更。"
                )
                % {
                    "new": row.certificate[0],
                    "old": active[2],
                    "category": Category(active[3]).label,
                    "grade": Grade(active[4]).label,
                },
            )
            return
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
