"""import_roster exactly as CONTRACT.md: errors as `row N, column NAME: message`, the counts line, exit codes."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Person, RosterImport

from .roster_fixtures import person_row, persons_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def make(*rows, name="r.xlsx"):
        path = tmp_path / name
        path.write_bytes(persons_file(*rows))
        return str(path)

    return make


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_roster", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_dry_run_prints_counts_and_writes_nothing(write, township, village):
    out, err, exc = run(write(person_row(1), person_row(2)), "--kind", "persons")
    assert exc is None
    assert out.strip().splitlines()[-2:] == [
        "to create 2 to update 0",
        "rows 2 valid 2 invalid 0 created 0 updated 0 unchanged 0",
    ]
    assert not Person.objects.exists() and "nothing written" in err


def test_commit_writes_records_the_import_and_is_idempotent(write, township, village, caseworker):
    path = write(person_row(1), person_row(2))
    out, _, exc = run(path, "--kind", "persons", "--commit", "--user", caseworker.username)
    assert exc is None and out.strip().endswith("rows 2 valid 2 invalid 0 created 2 updated 0 unchanged 0")
    assert Person.objects.count() == 2
    roster = RosterImport.objects.get()
    assert (roster.created, roster.uploaded_by, roster.status) == (2, caseworker, "imported")
    person = Person.objects.first()
    assert person.audit_events.get().pgh_context.metadata == {"user": caseworker.pk, "command": "import_roster"}
    out, _, exc = run(path, "--kind", "persons", "--commit", "--user", caseworker.username)
    assert out.strip().endswith("rows 2 valid 2 invalid 0 created 0 updated 0 unchanged 2")


def test_errors_and_exit_code(write, township, village, other_township, other_village):
    path = write(person_row(1, 姓名=""), person_row(2, **{"乡镇(街道)": "向塘镇", "村(社区)": "向塘村"}), person_row(3))
    out, _, exc = run(path, "--kind", "persons", "--township", township.code, "--commit")
    lines = out.strip().splitlines()
    assert lines[0] == "row 2, column 姓名: 请填写姓名。"
    assert lines[1].startswith("row 3, column 乡镇(街道): 只能导入本乡镇（莲塘镇）")
    assert lines[-2:] == ["to create 1 to update 0", "rows 3 valid 1 invalid 2 created 0 updated 0 unchanged 0"]
    assert isinstance(exc, CommandError) and not Person.objects.exists()


def test_a_hostile_file_fails_with_a_one_line_reason(tmp_path, township):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"garbage")
    out, _, exc = run(str(path), "--kind", "persons")
    assert "不是 Excel 工作簿" in str(exc)
    assert out.strip().splitlines()[-1] == "rows 0 valid 0 invalid 0 created 0 updated 0 unchanged 0"
    assert out.strip().splitlines()[-2] == "to create 0 to update 0"


def test_enrollments_are_county_only(write, township):
    _, _, exc = run(write(person_row(1)), "--kind", "enrollments", "--township", township.code)
    assert "县残联" in str(exc)


def test_committed_counts_add_up_with_a_certificate_only_change(write, township, village, caseworker):
    run(write(person_row(1), person_row(2), person_row(3)), "--kind", "persons", "--commit", "--user", "caseworker")
    # Row 1: its card's expiry only; row 2: the phone; row 3: as before; row 4: new.
    rows = (
        person_row(1, 有效期至="2030-03-15"),
        person_row(2, 联系电话="13907919999"),
        person_row(3),
        person_row(4),
    )
    out, _, exc = run(write(*rows), "--kind", "persons")
    assert exc is None
    assert out.strip().splitlines()[-2:] == [
        "to create 1 to update 2",
        "rows 4 valid 4 invalid 0 created 0 updated 0 unchanged 1",
    ]
    out, _, exc = run(write(*rows), "--kind", "persons", "--commit", "--user", caseworker.username)
    assert exc is None
    assert out.strip().splitlines()[-1] == "rows 4 valid 4 invalid 0 created 1 updated 2 unchanged 1"
    roster = RosterImport.objects.order_by("-pk").first()
    assert (roster.created, roster.updated, roster.unchanged) == (1, 2, 1)


def test_a_roster_never_changes_a_certificates_category_or_grade(write, township, village, caseworker):
    from certificates.models import Certificate

    run(write(person_row(1)), "--kind", "persons", "--commit", "--user", "caseworker")
    card = Certificate.objects.get()
    id_number = card.person.id_number
    for changes in (
        {"残疾人证号": f"{id_number}41", "残疾等级": "一级"},
        {"残疾人证号": f"{id_number}52", "残疾类别": "智力"},
    ):
        out, _, exc = run(write(person_row(1, **changes)), "--kind", "persons", "--commit", "--user", "caseworker")
        assert isinstance(exc, CommandError)
        lines = out.strip().splitlines()
        assert lines[0].startswith("row 2, column 残疾人证号: ")
        assert "花名册不能更改证件的类别或等级" in lines[0] and "肢体二级" in lines[0]
        assert lines[-1] == "rows 1 valid 0 invalid 1 created 0 updated 0 unchanged 0"
    card.refresh_from_db()
    assert (card.category, card.grade, card.number) == (4, 2, f"{id_number}42")
    # Another generation or validity of the same card is still an update in place.
    out, _, exc = run(write(person_row(1, 证件代别="第二代")), "--kind", "persons", "--commit", "--user", "caseworker")
    assert exc is None and out.strip().endswith("created 0 updated 1 unchanged 0")
    card.refresh_from_db()
    assert card.generation == 2
