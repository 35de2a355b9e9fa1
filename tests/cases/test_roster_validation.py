"""Every rule of the persons roster, checked through the same service the jobs and the CLI use."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from cases.models import RosterKind
from cases.rosters.schema import PERSON_COLUMNS
from cases.rosters.services import roster_check
from fedportal.core.clock import local_today
from tests.factories import CertificateFactory, HouseholdFactory, PersonFactory, VillageFactory, make_id_number

from .roster_fixtures import person_row, person_values, persons_file, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def divisions(township, village, other_township, other_village):
    return township


def check(content, township=None):
    return roster_check(content=content, kind=RosterKind.PERSONS, township=township)


def messages_for(report, row, column):
    return [i["message"] for i in report.issues if i["row"] == row and i["column"] == column]


def test_a_clean_file_is_valid_and_counts_creates(divisions):
    report = check(persons_file(person_row(1), person_row(2)))
    assert report.issues == []
    assert report.is_valid
    assert (report.rows, report.to_create, report.to_update, report.unchanged) == (2, 2, 0, 0)


def test_bad_id_numbers_get_the_registry_messages(divisions):
    good = make_id_number(sequence=5)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    report = check(persons_file(person_row(1, 身份证号=bad_check), person_row(2, 身份证号="36012119701121")))
    assert "校验位错误" in messages_for(report, 2, "身份证号")[0]
    assert "应为 18 位" in messages_for(report, 3, "身份证号")[0]
    assert report.invalid_rows == 2 and not report.is_valid


def test_an_id_number_excel_turned_into_a_float_is_rejected_with_the_fix(divisions):
    report = check(
        persons_file(person_row(1, 身份证号=360121197011210013), person_row(2, 身份证号="360121197011210000"))
    )
    for row in (2, 3):
        (message,) = messages_for(report, row, "身份证号")
        assert "被 Excel 当成数字保存" in message and "文本" in message


def test_the_same_id_twice_is_an_error_on_both_rows(divisions):
    number = make_id_number(sequence=9)
    report = check(persons_file(person_row(1, 身份证号=number), person_row(2), person_row(3, 身份证号=number)))
    assert "第 4 行" in messages_for(report, 2, "身份证号")[0]
    assert "第 2 行" in messages_for(report, 4, "身份证号")[0]
    assert report.invalid_rows == 2


def test_spaces_and_full_width_digits_are_normalised_nothing_else(divisions):
    number = make_id_number(sequence=3)
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    report = check(persons_file(person_row(3, 身份证号=f"  {full_width} ", 姓名=" 王五 ", 残疾人证号=f" {number}42 ")))
    assert report.issues == []
    assert report.plan.persons[0][0] == number and report.plan.persons[0][1] == "王五"
    # A village name with a typo is not guessed.
    report = check(persons_file(person_row(1, **{"村(社区)": "莲塘"})))
    assert "不是莲塘镇的村(社区)" in messages_for(report, 2, "村(社区)")[0]


def test_certificate_number_must_match_id_category_and_grade(divisions):
    number = make_id_number(sequence=1)
    other = make_id_number(sequence=2)
    report = check(
        persons_file(
            person_row(1, 残疾人证号=f"{other}42"),
            person_row(2, id_number=make_id_number(sequence=2), 残疾人证号=f"{other}43"),
            person_row(3, id_number=make_id_number(sequence=3), 残疾人证号=36012119701121001343),
        )
    )
    assert "与持证人身份证号不一致" in messages_for(report, 2, "残疾人证号")[0]
    assert "残疾等级" in messages_for(report, 3, "残疾人证号")[0]
    assert "被 Excel 当成数字保存" in messages_for(report, 4, "残疾人证号")[0]
    assert number  # rows built from distinct numbers


def test_dates_after_today_and_expiry_before_issue_are_errors(divisions):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    report = check(
        persons_file(
            person_row(1, 发证日期=tomorrow, 有效期至="2040-01-01"),
            person_row(2, 发证日期="2020-03-15", 有效期至="2020-03-14"),
            person_row(3, 低保起始日期=tomorrow),
            person_row(4, 发证日期="2020/03/15"),
            person_row(5, 发证日期=date(2020, 3, 15)),
        )
    )
    assert "晚于今天" in messages_for(report, 2, "发证日期")[0]
    assert "应晚于发证日期" in messages_for(report, 3, "有效期至")[0]
    assert "晚于今天" in messages_for(report, 4, "低保起始日期")[0]
    assert "YYYY-MM-DD" in messages_for(report, 5, "发证日期")[0]
    assert not report.is_invalid_row(6)  # a real Excel date cell is fine


def test_closed_vocabularies_list_the_choices(divisions):
    report = check(persons_file(person_row(1, 残疾类别="腿脚", 低保状态="是", 与户主关系="儿子")))
    assert "视力、听力" in messages_for(report, 2, "残疾类别")[0]
    assert "低保边缘" in messages_for(report, 2, "低保状态")[0]
    assert "户主" in messages_for(report, 2, "与户主关系")[0]


def test_certificate_columns_come_together(divisions):
    report = check(persons_file(person_row(1, 残疾等级="", 有效期至="")))
    assert messages_for(report, 2, "残疾等级") and messages_for(report, 2, "有效期至")
    # No certificate at all is fine.
    empty = {name: "" for name in ("残疾人证号", "残疾类别", "残疾等级", "证件代别", "发证日期", "有效期至")}
    assert check(persons_file(person_row(2, **empty))).is_valid


def test_township_scope_and_village_membership(divisions, other_township, township):
    report = check(persons_file(person_row(1, **{"乡镇(街道)": "向塘镇", "村(社区)": "向塘村"})), township=township)
    assert "只能导入本乡镇（莲塘镇）" in messages_for(report, 2, "乡镇(街道)")[0]
    # County staff may upload any township.
    assert check(persons_file(person_row(1, **{"乡镇(街道)": "向塘镇", "村(社区)": "向塘村"}))).is_valid
    report = check(persons_file(person_row(1, **{"村(社区)": "向塘村"})))
    assert "不是莲塘镇的村(社区)" in messages_for(report, 2, "村(社区)")[0]
    report = check(persons_file(person_row(1, **{"乡镇(街道)": "不存在镇"})))
    assert "没有名为“不存在镇”" in messages_for(report, 2, "乡镇(街道)")[0]


def test_a_liaison_cannot_take_over_a_person_of_another_township(divisions, township, other_village):
    person = PersonFactory(village=other_village, township=other_village.township)
    report = check(persons_file(person_row(1, id_number=person.id_number)), township=township)
    [message] = messages_for(report, 2, "身份证号")
    assert message == "该身份证号已在其他乡镇登记，请联系县残联核实。" and report.elsewhere == 1
    assert other_village.township.name not in message and person.name not in message


def test_household_number_must_agree_with_its_place(divisions, village, township):
    HouseholdFactory(register_number="HH900001", village=VillageFactory(township=township, name="别的村"))
    report = check(
        persons_file(
            person_row(1, 户籍编号="HH900001"),
            person_row(2, 户籍编号="HH900002"),
            person_row(3, 户籍编号="HH900002", **{"乡镇(街道)": "向塘镇", "村(社区)": "向塘村"}),
        )
    )
    assert "已登记在" in messages_for(report, 2, "户籍编号")[0]
    assert "第 3 行属于另一个村" in messages_for(report, 4, "户籍编号")[0]


def test_poverty_start_must_follow_the_open_record(divisions, village):
    from tests.factories import PovertyRecordFactory

    person = PersonFactory(village=village, township=village.township, poverty_status="dibao")
    PovertyRecordFactory(person=person, status="dibao", start_date=date(2022, 1, 1))
    report = check(
        persons_file(person_row(1, id_number=person.id_number, 低保状态="特困供养", 低保起始日期="2021-06-01"))
    )
    assert "须晚于" in messages_for(report, 2, "低保起始日期")[0]
    report = check(persons_file(person_row(1, id_number=person.id_number, 低保状态="", 低保起始日期="2023-01-01")))
    assert "没有填写低保状态" in messages_for(report, 2, "低保起始日期")[0]


def test_missing_required_headers_is_a_file_error(divisions):
    report = check(workbook_bytes([["张三"]], header=["姓名"]))
    assert "缺少必填列" in report.file_error and "身份证号" in report.file_error
    assert not report.is_valid


def test_column_order_is_free_and_extra_columns_are_ignored(divisions):
    values = person_values(1)
    header = ["备注", *reversed(PERSON_COLUMNS)]
    row = ["随便写", *[values[name] for name in reversed(PERSON_COLUMNS)]]
    report = check(workbook_bytes([row], header=header))
    assert report.is_valid, report.issues


def test_blank_cells_keep_what_the_registry_has(divisions, village):
    person = PersonFactory(village=village, township=village.township, phone="13800000000", name="张1")
    blank = {name: "" for name in PERSON_COLUMNS if name not in ("姓名", "身份证号", "乡镇(街道)", "村(社区)")}
    report = check(persons_file(person_row(1, id_number=person.id_number, **blank)))
    assert report.is_valid and report.unchanged == 1 and report.to_update == 0


# ---------------------------------------------------------------- hostile files


def test_not_a_workbook(divisions):
    assert "不是 Excel 工作簿" in check(b"name,id\nzhang,1\n").file_error
    assert "旧版 Excel" in check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600).file_error
    assert "空的" in check(b"").file_error


def test_a_corrupt_zip(divisions):
    content = persons_file(person_row(1))
    assert "已损坏" in check(content[: len(content) // 2]).file_error
    assert "已损坏" in check(b"PK\x03\x04" + b"garbage" * 100).file_error


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item.filename, data)
    return out.getvalue()


def test_a_workbook_declaring_a_million_rows_reads_only_its_rows(divisions):
    import re

    content = _rewrite_sheet(
        persons_file(person_row(1)),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:S1048576"', xml),
    )
    report = check(content)
    assert report.is_valid and report.rows == 1


def test_a_workbook_with_too_many_rows_is_refused(divisions, settings):
    settings.ROSTER_MAX_ROWS = 5
    report = check(persons_file(*[person_row(i) for i in range(1, 8)]))
    assert "超过单个文件 5 行的上限" in report.file_error


def test_twenty_megabytes_of_blank_rows_are_ignored(divisions):
    blank = b"".join(b'<row r="%d"><c r="A%d" s="0"/><c r="B%d" s="0"/></row>' % (n, n, n) for n in range(3, 400_000))
    content = _rewrite_sheet(
        persons_file(person_row(1)), lambda xml: xml.replace(b"</sheetData>", blank + b"</sheetData>")
    )
    report = check(content)
    assert report.is_valid and report.rows == 1


def test_formulas_in_cells_are_errors(divisions):
    def setup(sheet):
        sheet["A3"] = '=CONCAT("张","三")'

    content = workbook_bytes([person_row(1), person_row(2)], setup=setup)
    report = check(content)
    assert any("公式" in message for message in messages_for(report, 3, "姓名"))
    assert not report.is_valid


def test_merged_header_cells_are_refused(divisions):
    content = workbook_bytes([person_row(1)], setup=lambda sheet: sheet.merge_cells("A1:B1"))
    assert "合并单元格" in check(content).file_error


def test_a_file_over_the_size_limit_is_refused(divisions, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    assert "超过上限" in check(persons_file(person_row(1))).file_error


def test_a_sheet_without_header_row(divisions):
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "表头" in check(buffer.getvalue()).file_error


def test_existing_certificate_unchanged_is_unchanged(divisions, village):
    person = PersonFactory(village=village, township=village.township, name="张1")
    CertificateFactory(person=person, category=4, grade=2, issue_date=date(2020, 3, 15), expiry_date=date(2030, 3, 14))
    report = check(
        persons_file(
            person_row(
                1,
                id_number=person.id_number,
                户籍编号="",
                低保状态="",
                低保起始日期="",
                联系电话=person.phone,
                社保卡号="",
                开户银行="",
                与户主关系="",
                在校学段="",
            )
        )
    )
    assert report.is_valid, report.issues
    assert report.unchanged == 1, report.plan
