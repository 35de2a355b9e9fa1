"""The streaming XLSX writer: what it writes reads back the same in openpyxl and in the portal's own reader
(inspection, then calamine), styles included; text XML cannot carry is dropped rather than breaking the file; the
same rows give the same bytes."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from fedportal.core.workbooks import read_workbook
from fedportal.core.xlsx_stream import BOLD, MONEY, MONEY_BOLD, StreamingWorkbook, Styled


def _book(rows_by_sheet: dict[str, list[list]], **sheet_options) -> bytes:
    buffer = BytesIO()
    with StreamingWorkbook(buffer) as book:
        for title, rows in rows_by_sheet.items():
            sheet = book.add_sheet(title, **sheet_options)
            for row in rows:
                sheet.append(row)
    return buffer.getvalue()


ROWS = [
    [Styled("序号", BOLD), Styled("姓名", BOLD), Styled("金额", BOLD), Styled("备注", BOLD)],
    [1, "张三 & <李四>", Styled(Decimal("1234.50"), MONEY), ""],
    [2, "  前后空格  ", Styled(Decimal("0.05"), MONEY), "'=SUM(A1)"],
    [3, None, 7, True],
    ["", "", Styled(Decimal("1234.55"), MONEY_BOLD), 2.5],
]


def test_openpyxl_reads_values_styles_widths_and_the_frozen_header():
    content = _book({"发放明细": ROWS, "汇总": [["合计", 3]]}, widths=[8, 14, 12, 8], freeze_header=True)
    workbook = load_workbook(BytesIO(content))
    assert workbook.sheetnames == ["发放明细", "汇总"]
    sheet = workbook["发放明细"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["序号", "姓名", "金额", "备注"],
        [1, "张三 & <李四>", 1234.5, None],
        [2, "  前后空格  ", 0.05, "'=SUM(A1)"],
        [3, None, 7, True],
        [None, None, 1234.55, 2.5],
    ]
    assert sheet["A1"].font.b and not sheet["B2"].font.b
    assert sheet["C2"].number_format == "0.00" and sheet["C5"].number_format == "0.00" and sheet["C5"].font.b
    assert sheet["D3"].data_type == "s"  # text, never a formula
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 14
    assert workbook["汇总"]["B1"].value == 3


def test_the_portals_own_reader_accepts_it():
    content = _book({"发放明细": ROWS})
    table = read_workbook(content, max_rows=100, max_cols=10)
    assert table.header[:2] == ["序号", "姓名"]
    assert table.rows[1][1] == "张三 & <李四>" and table.rows[2][1] == "  前后空格  "
    assert float(table.rows[1][2]) == 1234.5


def test_text_xml_cannot_carry_is_dropped_and_the_file_stays_valid():
    content = _book({"明细": [["a\x00b\x0bc\x1fd", "e\ufffef"]]})
    assert [cell.value for cell in next(load_workbook(BytesIO(content))["明细"].iter_rows())] == ["abcd", "ef"]


def test_the_same_rows_give_the_same_bytes():
    assert _book({"发放明细": ROWS}) == _book({"发放明细": ROWS})


@pytest.mark.parametrize("title", ["", "a/b", "名单[1]", "\x00"])
def test_an_invalid_sheet_title_is_refused(title):
    with pytest.raises(ValueError), StreamingWorkbook(BytesIO()) as book:
        book.add_sheet(title)


def test_a_repeated_sheet_title_is_refused():
    with pytest.raises(ValueError), StreamingWorkbook(BytesIO()) as book:
        book.add_sheet("明细")
        book.add_sheet("明细")


def test_a_long_sheet_title_is_cut_to_the_31_characters_excel_allows():
    buffer = BytesIO()
    with StreamingWorkbook(buffer) as book:
        book.add_sheet("明" * 40)
    assert load_workbook(buffer).sheetnames == ["明" * 31]
