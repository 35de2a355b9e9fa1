"""Matching an agency list with the registry by ID number: bad rows, unmatched numbers and findings. Reads only.

The registry is read set-wise (one query per few thousand ID numbers), never per row.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Person, PovertyRecord, PovertyStatus
from cases.rosters.cells import CellError, is_blank, is_mangled_number, number_as_excel_shows, parse_date, text
from fedportal.idnumber import parse_id_number

from . import schema as S
from .models import ComparisonKind, FindingKind
from .reading import ListFileError, read_list

CHUNK = 5000


@dataclass
class ComparisonReport:
    kind: str
    as_of: date
    rows: int = 0
    matched: int = 0
    issues: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    roll_person_ids: list[int] = field(default_factory=list)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.issues.append({"row": row, "column": column, "message": str(message)})

    @property
    def is_valid(self) -> bool:
        return not self.issues

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": len(self.unmatched),
            "findings": len(self.findings),
            "bad_rows": len({issue["row"] for issue in self.issues}),
        }


@dataclass
class _Row:
    number: int
    id_number: str
    name: str
    values: dict


def _cell_text(value) -> str:
    return value.strip() if value.__class__ is str else text(value)


def _parse_rows(sheet, kind: str, as_of: date, today: date, report: ComparisonReport) -> list[_Row]:
    columns = S.COLUMNS[kind]
    position = {name: index for index, name in enumerate(sheet.header) if name}
    missing = [name for name in S.REQUIRED[kind] if name not in position]
    for name in missing:
        report.error(1, name, _("缺少必填列“%(column)s”。请使用比对名单模板。") % {"column": name})
    if missing:
        return []
    parsed: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:

        def get(name, cells=cells):
            index = position.get(name)
            return "" if index is None else cells[index]

        if all(is_blank(get(name)) for name in columns):
            continue
        report.rows += 1
        bad = False

        raw_id = get(S.C_ID)
        if is_mangled_number(raw_id):
            raw_id = number_as_excel_shows(float(raw_id))
        elif raw_id.__class__ is not str:
            raw_id = text(raw_id)
        id_number = ""
        birth = None
        try:
            info = parse_id_number(raw_id)
        except ValidationError as exc:
            report.error(number, S.C_ID, exc.messages[0])
            bad = True
        else:
            id_number, birth = info.number, info.birth_date
            if id_number in seen:
                report.error(
                    number, S.C_ID, _("身份证号与第 %(row)s 行重复，每人只能出现一次。") % {"row": seen[id_number]}
                )
                bad = True
            else:
                seen[id_number] = number

        name = _cell_text(get(S.C_NAME))
        if not name:
            report.error(number, S.C_NAME, _("请填写姓名。"))
            bad = True

        values: dict = {}
        for column in columns:
            if column not in S.DATE_COLUMNS:
                continue
            raw = get(column)
            if is_blank(raw):
                if column in S.REQUIRED[kind]:
                    report.error(number, column, _("请填写%(column)s。") % {"column": column})
                    bad = True
                continue
            try:
                values[column] = parse_date(raw)
            except CellError as exc:
                report.error(number, column, str(exc))
                bad = True
        for column in (S.C_DEATH, S.C_MOVE):
            day = values.get(column)
            if day is None:
                continue
            if day > today:
                report.error(number, column, _("%(column)s %(date)s 晚于今天。") % {"column": column, "date": day})
                bad = True
            elif birth and day < birth:
                report.error(
                    number,
                    column,
                    _("%(column)s %(date)s 早于身份证号中的出生日期 %(birth)s。")
                    % {"column": column, "date": day, "birth": birth},
                )
                bad = True
        start, end = values.get(S.C_START), values.get(S.C_END)
        if start and end and end < start:
            report.error(number, S.C_END, _("终止日期 %(end)s 早于起始日期 %(start)s。") % {"end": end, "start": start})
            bad = True
        if start and start > as_of:
            report.error(
                number, S.C_START, _("起始日期 %(start)s 晚于名单日期 %(as_of)s。") % {"start": start, "as_of": as_of}
            )
            bad = True
        if kind == ComparisonKind.POVERTY:
            label = _cell_text(get(S.C_TYPE))
            if label not in S.POVERTY_TYPES:
                report.error(
                    number,
                    S.C_TYPE,
                    _("救助类型“%(value)s”无效，应为：%(choices)s。")
                    % {"value": label, "choices": "、".join(S.POVERTY_TYPES)},
                )
                bad = True
            else:
                values[S.C_TYPE] = S.POVERTY_TYPES[label]
        if kind == ComparisonKind.MOVES:
            values[S.C_DESTINATION] = _cell_text(get(S.C_DESTINATION))[:100]
        if not bad:
            parsed.append(_Row(number=number, id_number=id_number, name=name, values=values))
    return parsed


def _persons(id_numbers: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    fields = ("pk", "id_number", "name", "township_id", "death_date", "moved_out_date", "poverty_status")
    for start in range(0, len(id_numbers), CHUNK):
        chunk = id_numbers[start : start + CHUNK]
        for person in Person.objects.filter(id_number__in=chunk).values(*fields):
            found[person["id_number"]] = person
    return found


def _open_poverty_starts(person_ids) -> dict[int, date]:
    starts: dict[int, date] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), CHUNK):
        records = PovertyRecord.objects.filter(person_id__in=ids[start : start + CHUNK], end_date__isnull=True)
        starts.update(records.values_list("person_id", "start_date"))
    return starts


def _finding(kind, person, row, change, notes=None) -> dict:
    return {
        "kind": kind,
        "person_id": person["pk"],
        "township_id": person["township_id"],
        "row": row.number if row else None,
        "change": change,
        "notes": notes or {},
    }


def _name_note(row: _Row, person: dict) -> dict:
    return {"list_name": row.name} if row.name != person["name"] else {}


def comparison_check(*, content: bytes, kind: str, as_of: date, today: date, progress=None) -> ComparisonReport:
    """Read an agency list and match it with the registry. Writes nothing."""
    report = ComparisonReport(kind=kind, as_of=as_of)
    if kind not in S.COLUMNS:
        report.error(None, "", _("未知的名单类型。"))
        return report
    try:
        sheet = read_list(content)
    except ListFileError as exc:
        report.error(None, "", str(exc))
        return report
    if progress:
        progress(0, len(sheet.rows), _("已读取 %(rows)s 行，正在比对") % {"rows": len(sheet.rows)})
    rows = _parse_rows(sheet, kind, as_of, today, report)
    persons = _persons([row.id_number for row in rows])
    if progress:
        progress(len(sheet.rows) // 2, len(sheet.rows), _("正在查找差异"))
    matched = []
    for row in rows:
        person = persons.get(row.id_number)
        if person is None:
            report.unmatched.append({"row": row.number, "id_number": row.id_number, "name": row.name})
        else:
            matched.append((row, person))
    report.matched = len(matched)
    if kind == ComparisonKind.DEATHS:
        _deaths(report, matched)
    elif kind == ComparisonKind.MOVES:
        _moves(report, matched)
    elif kind == ComparisonKind.POVERTY:
        _poverty(report, matched, as_of, {row.id_number for row in rows} | _ids_of_bad_rows(sheet, report))
    elif kind == ComparisonKind.INJURY:
        _injury(report, matched, as_of)
    if progress:
        progress(len(sheet.rows), len(sheet.rows), _("比对完成"))
    return report


def _ids_of_bad_rows(sheet, report: ComparisonReport) -> set[str]:
    """ID numbers on rows that failed a check: the roll still carries them, so they must not count as ended."""
    bad_rows = {issue["row"] for issue in report.issues}
    position = {name: index for index, name in enumerate(sheet.header) if name}
    index = position.get(S.C_ID)
    if index is None or not bad_rows:
        return set()
    found = set()
    for number, cells in sheet.rows:
        if number in bad_rows:
            try:
                found.add(parse_id_number(_cell_text(cells[index])).number)
            except ValidationError:
                continue
    return found


def _deaths(report: ComparisonReport, matched) -> None:
    for row, person in matched:
        day = row.values[S.C_DEATH]
        recorded = person["death_date"]
        if recorded == day:
            continue
        notes = _name_note(row, person)
        if recorded is not None:
            notes["registry_date"] = recorded.isoformat()
        report.findings.append(_finding(FindingKind.DEATH, person, row, {"date": day.isoformat()}, notes))


def _moves(report: ComparisonReport, matched) -> None:
    for row, person in matched:
        day = row.values[S.C_MOVE]
        recorded = person["moved_out_date"]
        if recorded == day or person["death_date"] is not None:
            continue  # a move after death changes nothing that matters
        notes = _name_note(row, person)
        if recorded is not None:
            notes["registry_date"] = recorded.isoformat()
        change = {"date": day.isoformat(), "destination": row.values.get(S.C_DESTINATION, "")}
        report.findings.append(_finding(FindingKind.MOVE, person, row, change, notes))


def _poverty(report: ComparisonReport, matched, as_of: date, carried_ids: set[str]) -> None:
    """The roll is the agency's whole current roll: a status on it starts or changes; a registry status (低保, 低保边缘,
    特困供养) it does not carry, or carries as ended, has ended."""
    live = [(row, person) for row, person in matched if person["death_date"] is None and not person["moved_out_date"]]
    in_roll = {person["pk"] for _row, person in live}
    holders = Person.objects.filter(
        poverty_status__in=S.ROLL_STATUSES, death_date__isnull=True, moved_out_date__isnull=True
    ).values("pk", "id_number", "name", "township_id", "poverty_status")
    not_carried = [person for person in holders.iterator(chunk_size=CHUNK) if person["id_number"] not in carried_ids]
    opened = _open_poverty_starts(in_roll | {person["pk"] for person in not_carried})

    def start_after_open(person_id: int, day: date, notes: dict) -> date:
        """A dated change must begin after the open record began (poverty records never overlap)."""
        begun = opened.get(person_id)
        if begun is not None and day <= begun:
            notes["adjusted_from"] = day.isoformat()
            return begun + timedelta(days=1)
        return day

    for row, person in live:
        listed = row.values[S.C_TYPE]
        start, end = row.values[S.C_START], row.values.get(S.C_END)
        current = person["poverty_status"]
        notes = _name_note(row, person)
        if end is not None and end < as_of:  # the roll says it has ended
            if current == listed:
                notes["ended"] = end.isoformat()
                day = start_after_open(person["pk"], end + timedelta(days=1), notes)
                change = {"date": day.isoformat(), "status": PovertyStatus.NONE, "registry_status": current}
                report.findings.append(_finding(FindingKind.POVERTY_END, person, row, change, notes))
            continue
        if listed == PovertyStatus.DIBAO:
            report.roll_person_ids.append(person["pk"])
        if current == listed:
            continue
        kind = FindingKind.POVERTY_CHANGE if current in S.ROLL_STATUSES else FindingKind.POVERTY_START
        day = start_after_open(person["pk"], start, notes)
        change = {"date": day.isoformat(), "status": listed, "registry_status": current}
        report.findings.append(_finding(kind, person, row, change, notes))
    for person in not_carried:
        notes = {}
        day = start_after_open(person["pk"], as_of, notes)
        change = {"date": day.isoformat(), "status": PovertyStatus.NONE, "registry_status": person["poverty_status"]}
        report.findings.append(_finding(FindingKind.POVERTY_END, person, None, change, notes))


def _injury(report: ComparisonReport, matched, as_of: date) -> None:
    """人社's work-injury care allowances, recorded as dated exclusions (kind work_injury): a period the registry does
    not hold starts one (with its end when the list has one); a list end for a period the registry holds open ends it.
    A period the registry already holds, whatever its dates, is left to the caseworker."""
    from cases.models import ExclusionKind, PersonExclusion

    periods: dict[int, list] = {}
    ids = [person["pk"] for _row, person in matched]
    for start in range(0, len(ids), CHUNK):
        for exclusion in PersonExclusion.objects.filter(
            person_id__in=ids[start : start + CHUNK], kind=ExclusionKind.WORK_INJURY
        ).only("pk", "person_id", "start_date", "end_date"):
            periods.setdefault(exclusion.person_id, []).append(exclusion)
    for row, person in matched:
        start, end = row.values[S.C_START], row.values.get(S.C_END)
        held = periods.get(person["pk"], [])
        notes = _name_note(row, person)
        opened = next((p for p in held if p.end_date is None), None)
        if opened is not None:
            if end is not None and end >= opened.start_date:
                notes["registry_date"] = opened.start_date.isoformat()
                change = {"date": end.isoformat(), "exclusion": opened.pk}
                report.findings.append(_finding(FindingKind.INJURY_END, person, row, change, notes))
            continue
        last = end or as_of
        if any(p.start_date <= last and (p.end_date is None or p.end_date >= start) for p in held):
            continue  # the registry already holds (part of) this period
        change = {"date": start.isoformat()}
        if end is not None:
            change["end"] = end.isoformat()
        report.findings.append(_finding(FindingKind.INJURY_START, person, row, change, notes))
