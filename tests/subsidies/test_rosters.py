"""The enrollments roster: county staff migrate beneficiaries; non-qualifying persons are warnings, not errors."""

from datetime import date

import pytest
from django.core.management import call_command

from cases.models import RosterKind
from cases.rosters.schema import ENROLLMENT_COLUMNS
from cases.rosters.services import roster_apply, roster_check
from tests.cases.roster_fixtures import workbook_bytes
from tests.factories import HolderFactory, make_id_number

pytestmark = pytest.mark.django_db


def check(rows):
    return roster_check(
        content=workbook_bytes(rows, header=ENROLLMENT_COLUMNS), kind=RosterKind.ENROLLMENTS, township=None
    )


def issues(report, row):
    return [(i["column"], i["level"], i["message"]) for i in report.issues if i["row"] == row]


@pytest.fixture
def holder(village, programs):  # programs: a transactional test run before may have flushed the migration's rows
    return HolderFactory(village=village, category=4, grade=1)


def test_errors(holder):
    report = check(
        [
            [make_id_number(sequence=77), "护理补贴", "2024-01", "", ""],
            [holder.id_number, "交通补贴", "2024-01", "", ""],
            [holder.id_number, "护理补贴", "2024/01", "", ""],
            [holder.id_number, "nursing", "2024-01", "2024", ""],
            [holder.id_number, "生活补贴", "2024-01", "", ""],
            [holder.id_number, "生活补贴", "2024-02", "", ""],
        ]
    )
    assert "登记库中没有" in issues(report, 2)[0][2]
    assert "未知的补贴项目“交通补贴”" in issues(report, 3)[0][2]
    assert "YYYY-MM" in issues(report, 4)[0][2]
    assert "应填写年月" in issues(report, 5)[0][2]
    assert any("重复" in message for _, _, message in issues(report, 6))
    assert any("重复" in message for _, _, message in issues(report, 7))
    assert not report.is_valid


def test_an_id_number_excel_turned_into_a_number_is_refused_with_the_fix(holder):
    report = check(
        [
            [int(holder.id_number[:17] + "0"), "护理补贴", "2024-01", "", ""],
            [float(holder.id_number[:17] + "0"), "护理补贴", "2024-01", "", ""],
        ]
    )
    for row in (2, 3):
        (message,) = [m for column, _, m in issues(report, row) if column == "身份证号"]
        assert "被 Excel 当成数字保存" in message and "E+17" in message
    assert not report.is_valid


def test_import_with_warning_for_a_person_who_does_not_qualify(holder, caseworker, capsys, tmp_path):
    rows = [
        [holder.id_number, "护理补贴", "2024-01", "2024-06", "原系统"],
        [holder.id_number, "生活补贴", "2024-01", "", ""],
    ]
    report = check(rows)
    assert report.is_valid, report.issues
    # Grade 1 qualifies for nursing; without 低保 the living allowance is a warning only.
    assert [i["level"] for i in report.issues] == ["warning"] and report.issues[0]["row"] == 3
    counts = roster_apply(report=report, acting_user=caseworker, source="test")
    assert counts["created"] == 2
    enrollment = holder.enrollments.get(program__code="nursing")
    assert (enrollment.start_month, enrollment.paid_through, enrollment.source) == (
        date(2024, 1, 1),
        date(2024, 6, 1),
        "roster",
    )
    assert check(rows).unchanged == 2

    path = tmp_path / "e.xlsx"
    path.write_bytes(workbook_bytes(rows, header=ENROLLMENT_COLUMNS))
    call_command("import_roster", str(path), "--kind", "enrollments")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("row 3, column 项目: warning: 此人今天不符合")
    assert out[-1] == "rows 2 valid 2 invalid 0 created 0 updated 0 unchanged 2"
