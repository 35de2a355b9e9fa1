import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cases.models import Township, Village

pytestmark = pytest.mark.django_db


def _workbook(tmp_path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["乡镇代码", "乡镇(街道)", "村代码", "村(社区)"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "divisions.xlsx"
    workbook.save(path)
    return path


def test_import_divisions_creates_and_is_idempotent(tmp_path, capsys):
    path = _workbook(
        tmp_path,
        [
            ["360121001", "莲塘镇", "360121001001", "莲塘村"],
            ["360121001", "莲塘镇", "360121001002", "东湖社区"],
            ["360121002", "向塘镇", "360121002001", "向塘村"],
        ],
    )
    call_command("import_divisions", str(path))
    assert "townships created 2 updated 0 villages created 3 updated 0" in capsys.readouterr().out
    call_command("import_divisions", str(path))
    assert "townships created 0 updated 0 villages created 0 updated 0" in capsys.readouterr().out
    assert Township.objects.count() == 2 and Village.objects.count() == 3


def test_import_divisions_updates_names(tmp_path, capsys):
    call_command("import_divisions", str(_workbook(tmp_path, [["360121001", "莲塘镇", "360121001001", "莲塘村"]])))
    call_command("import_divisions", str(_workbook(tmp_path, [["360121001", "莲塘街道", "360121001001", "莲塘社区"]])))
    assert Township.objects.get().name == "莲塘街道"
    assert Village.objects.get().name == "莲塘社区"


def test_import_divisions_rejects_blank_cells_and_writes_nothing(tmp_path):
    path = _workbook(
        tmp_path, [["360121001", "莲塘镇", "360121001001", "莲塘村"], ["360121002", "", "360121002001", "向塘村"]]
    )
    with pytest.raises(CommandError, match="1 invalid rows"):
        call_command("import_divisions", str(path))
    assert not Township.objects.exists()


def test_import_divisions_names_a_missing_header(tmp_path):
    workbook = Workbook()
    workbook.active.append(["乡镇代码", "乡镇"])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError, match="表头缺少列"):
        call_command("import_divisions", str(path))
