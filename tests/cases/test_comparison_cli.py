"""`python manage.py compare_import` exactly as CONTRACT.md says: finding lines, bad rows, the summary line,
--apply as the named user (who must hold the capability), and a second run that finds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Comparison, ComparisonOrigin, Person
from fedportal.accounts.models import Role
from tests.factories import CertificateFactory, PersonFactory, make_id_number

from .comparison_fixtures import list_file

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("compare_import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def deaths_file(tmp_path, village):
    person = PersonFactory(village=village, name="赵六")
    CertificateFactory(person=person)
    stranger = make_id_number(sequence=321)
    path = tmp_path / "deaths.xlsx"
    path.write_bytes(
        list_file(
            "deaths",
            {"身份证号": person.id_number, "姓名": "赵六", "死亡日期": "2026-01-02"},
            {"身份证号": stranger, "姓名": "外人", "死亡日期": "2026-01-05"},
        )
    )
    return path, person, stranger


def test_compare_only_prints_findings_and_the_summary(deaths_file, users):
    path, person, stranger = deaths_file
    output = _run(str(path), "--kind", "deaths", "--user", users[Role.CASEWORKER].username)
    lines = output.strip().splitlines()
    assert lines[-1] == "rows 2 matched 1 unmatched 1 findings 1 applied 0"
    assert any(line.startswith(f"finding {person.id_number} death: ") for line in lines)
    assert any(line.startswith(f"unmatched {stranger}") for line in lines)
    assert Person.objects.get(pk=person.pk).death_date is None
    assert Comparison.objects.get().origin == ComparisonOrigin.COMMAND


def test_apply_then_again_finds_nothing(deaths_file, users):
    path, person, _stranger = deaths_file
    user = users[Role.REVIEWER].username
    output = _run(str(path), "--kind", "deaths", "--source", "县公安局 1 月", "--apply", "--user", user)
    assert output.strip().splitlines()[-1] == "rows 2 matched 1 unmatched 1 findings 1 applied 1"
    person.refresh_from_db()
    assert str(person.death_date) == "2026-01-02"
    assert person.certificates.get().status == "cancelled"
    comparison = Comparison.objects.get()
    assert comparison.applied_by == users[Role.REVIEWER] and comparison.source == "县公安局 1 月"
    again = _run(str(path), "--kind", "deaths", "--apply", "--user", user)
    assert again.strip().splitlines()[-1] == "rows 2 matched 1 unmatched 1 findings 0 applied 0"


def test_bad_rows_apply_nothing_and_exit_non_zero(tmp_path, village, users):
    person = PersonFactory(village=village)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        list_file(
            "deaths",
            {"身份证号": person.id_number, "姓名": person.name, "死亡日期": "2026-01-02"},
            {"身份证号": make_id_number(sequence=5), "姓名": "乙", "死亡日期": "昨天"},
        )
    )
    out = StringIO()
    with pytest.raises(CommandError, match="bad rows"):
        call_command(
            "compare_import",
            str(path),
            "--kind",
            "deaths",
            "--apply",
            "--user",
            "reviewer",
            stdout=out,
            stderr=StringIO(),
        )
    lines = out.getvalue().strip().splitlines()
    assert any(line.startswith("row 3, column 死亡日期: ") for line in lines)
    assert lines[-1] == "rows 2 matched 1 unmatched 0 findings 1 applied 0"
    person.refresh_from_db()
    assert person.death_date is None


def test_apply_needs_the_capability(deaths_file, users):
    path, _person, _stranger = deaths_file
    with pytest.raises(CommandError, match="may not apply"):
        _run(str(path), "--kind", "deaths", "--apply", "--user", users[Role.LIAISON].username)
    with pytest.raises(CommandError, match="may not upload"):
        _run(str(path), "--kind", "deaths", "--user", users[Role.LEADER].username)


def test_poverty_roll_as_of(tmp_path, village, users):
    from cases.models import PovertyStatus
    from tests.factories import PovertyRecordFactory

    kept = PersonFactory(village=village, poverty_status=PovertyStatus.DIBAO)
    PovertyRecordFactory(person=kept, start_date="2020-01-01")
    dropped = PersonFactory(village=village, poverty_status=PovertyStatus.DIBAO)
    PovertyRecordFactory(person=dropped, start_date="2020-01-01")
    path = tmp_path / "roll.xlsx"
    path.write_bytes(
        list_file(
            "poverty", {"身份证号": kept.id_number, "姓名": kept.name, "救助类型": "低保", "起始日期": "2020-01-01"}
        )
    )
    output = _run(str(path), "--kind", "poverty", "--as-of", "2026-06-01", "--apply", "--user", "reviewer")
    assert f"finding {dropped.id_number} poverty_end: " in output
    assert output.strip().splitlines()[-1] == "rows 1 matched 1 unmatched 0 findings 1 applied 1"
    assert str(dropped.poverty_records.get().end_date) == "2026-05-31"
