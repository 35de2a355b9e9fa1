"""The browser flow without a browser: upload -> validation job -> report -> confirm -> import job -> result."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Person, RosterImport, RosterStatus
from fedportal.accounts.models import Role
from fedportal.jobs.models import Job
from fedportal.jobs.services import job_execute

from .roster_fixtures import person_row, persons_file, workbook_bytes

pytestmark = pytest.mark.django_db


def upload(client, content, kind="persons", name="花名册.xlsx"):
    return client.post(
        reverse("cases:roster_list"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def test_liaison_upload_validate_confirm_import(client, liaison, village, other_village):
    client.force_login(liaison)
    response = upload(client, persons_file(person_row(1), person_row(2)))
    roster = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:roster_detail", args=[roster.pk])
    assert roster.township == liaison.township and roster.status == RosterStatus.VALIDATING and roster.file_sha256
    page = client.get(response.url)
    assert page.status_code == 200 and "job-progress" in page.content.decode()

    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.VALID and (roster.rows, roster.to_create) == (2, 2)
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "将新增 2 条" in page

    assert client.post(reverse("cases:roster_confirm", args=[roster.pk])).status_code == 302
    roster.refresh_from_db()
    assert roster.status == RosterStatus.IMPORTING and not Person.objects.exists()
    job_execute(roster.import_job_id)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.IMPORTED and roster.created == 2 and roster.imported_at
    assert Person.objects.count() == 2
    page = client.get(response.url).content.decode()
    assert "导入结果" in page
    # Confirming again does nothing.
    client.post(reverse("cases:roster_confirm", args=[roster.pk]))
    assert RosterImport.objects.get().import_job_id == roster.import_job_id


def test_errors_are_listed_and_the_annotated_copy_marks_them(client, liaison, village):
    client.force_login(liaison)

    def text_formula(sheet):  # a text cell that merely looks like a formula
        sheet["A2"].value = '=HYPERLINK("http://x")'
        sheet["A2"].data_type = "s"

    upload(client, workbook_bytes([person_row(1, 残疾等级="五级"), person_row(2, 身份证号="123")], setup=text_formula))
    roster = RosterImport.objects.get()
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.INVALID and roster.invalid_rows == 2
    page = client.get(reverse("cases:roster_detail", args=[roster.pk])).content.decode()
    assert "身份证号应为 18 位" in page and "不是有效的残疾等级" in page and "确认导入" not in page

    # Built by the validation job in the worker; the web process only serves the stored file.
    assert roster.validate_job.result_file
    response = client.get(reverse("cases:roster_annotated", args=[roster.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "错误原因"
    name_cell = sheet.cell(row=2, column=header.index("姓名") + 1)
    assert name_cell.data_type == "s" and name_cell.value.startswith("=")  # text, never a formula
    grade = sheet.cell(row=2, column=header.index("残疾等级") + 1)
    assert grade.fill.fgColor.rgb.endswith("F8CBAD")
    assert "残疾等级" in sheet.cell(row=2, column=len(header)).value
    assert "身份证号" in sheet.cell(row=3, column=len(header)).value
    original = client.get(reverse("cases:roster_file", args=[roster.pk]))
    assert original.status_code == 200 and b"".join(original.streaming_content)[:2] == b"PK"


def test_a_hostile_file_gets_a_clear_message_at_upload_and_nothing_is_stored(client, caseworker, village):
    client.force_login(caseworker)
    response = upload(client, b"this is not a workbook", name="x.xlsx")
    assert response.status_code == 200 and "不是 Excel 工作簿" in response.content.decode()
    assert not RosterImport.objects.exists() and not Job.objects.exists()


def test_a_file_over_the_limit_is_refused_at_upload(client, caseworker, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    client.force_login(caseworker)
    response = upload(client, persons_file(person_row(1)))
    assert response.status_code == 200 and "超过上限" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_liaison_sees_only_their_townships_imports(client, users, liaison, other_township, village, other_village):
    client.force_login(users[Role.CASEWORKER])
    upload(client, persons_file(person_row(1)))
    county = RosterImport.objects.get()
    client.force_login(liaison)
    for name in ("cases:roster_detail", "cases:roster_annotated", "cases:roster_file"):
        assert client.get(reverse(name, args=[county.pk])).status_code == 404
    assert client.post(reverse("cases:roster_confirm", args=[county.pk])).status_code == 404
    assert county.original_name not in client.get(reverse("cases:roster_list")).content.decode()


def test_roles_without_upload_are_refused(client, users):
    client.force_login(users[Role.LEADER])
    assert client.get(reverse("cases:roster_list")).status_code == 403
    assert client.get(reverse("cases:roster_template")).status_code == 403


def test_templates(client, liaison, caseworker, village, other_village):
    client.force_login(liaison)
    response = client.get(reverse("cases:roster_template") + "?kind=persons")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["姓名", "身份证号"] and len(header) == 19
    id_column = header.index("身份证号") + 1
    assert sheet.cell(row=2, column=id_column).number_format == "@"
    lists = workbook["选项"]
    values = {
        lists.cell(row=1, column=c).value: [lists.cell(row=r, column=c).value for r in range(2, 12)]
        for c in range(1, 9)
    }
    assert values["乡镇(街道)"][0] == "莲塘镇" and "向塘镇" not in values["乡镇(街道)"]  # the liaison's own
    assert "向塘村" not in values["村(社区)"]
    assert "视力" in values["残疾类别"]
    assert len(sheet.data_validations.dataValidation) >= 8
    assert workbook["填写示例"].cell(row=2, column=1).value == "张三"
    assert client.get(reverse("cases:roster_template") + "?kind=enrollments").status_code == 403
    client.force_login(caseworker)
    response = client.get(reverse("cases:roster_template") + "?kind=enrollments")
    assert response.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]] == [
        "身份证号",
        "项目",
        "起始年月",
        "已发放至",
        "备注",
    ]


def test_a_liaison_cannot_upload_an_enrollments_roster(client, liaison):
    client.force_login(liaison)
    response = upload(client, persons_file(person_row(1)), kind="enrollments")
    assert response.status_code == 200 and not RosterImport.objects.exists()
