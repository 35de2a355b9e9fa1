import pytest

from fedportal.core.spreadsheets import escape_formula, is_formula_like


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("张三", "张三"),
        (None, ""),
        (12, "12"),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


def test_is_formula_like():
    assert is_formula_like("=HYPERLINK(1)") and is_formula_like("@SUM(A1)")
    assert not is_formula_like("张三") and not is_formula_like("") and not is_formula_like(5)


def test_write_header_freezes_and_sizes_the_header_row(tmp_path):
    from openpyxl import Workbook, load_workbook

    from fedportal.core.spreadsheets import header_width, write_header

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    write_header(sheet, ["姓名", "残疾人证号", "note"], widths=[None, 24])
    sheet.append(["张三", "36012119701121001343", ""])
    workbook.save(tmp_path / "x.xlsx")
    read = load_workbook(tmp_path / "x.xlsx")["名单"]
    assert read.freeze_panes == "A2"
    assert read["A1"].font.b and read["A1"].value == "姓名"
    assert read.column_dimensions["A"].width == header_width("姓名") == 6
    assert read.column_dimensions["B"].width == 24  # the width asked for, wider than the header
    assert read.column_dimensions["C"].width == header_width("note")
