"""The upload flow in headless Chromium with a real Celery worker: upload, progress, report, confirm, result."""

import pytest

from cases.models import Person, RosterImport, RosterStatus

from .roster_fixtures import person_row, persons_file

pytestmark = [pytest.mark.browser, pytest.mark.worker]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_liaison_uploads_fixes_and_imports(celery_worker, page, login, liaison, village, other_village):
    login(liaison)
    page.goto("/persons/rosters/")
    page.get_by_label("花名册文件（.xlsx）").set_input_files(
        files=[{"name": "花名册.xlsx", "mimeType": XLSX, "buffer": persons_file(person_row(1), person_row(2, 姓名=""))}]
    )
    page.get_by_role("button", name="上传并校验").click()
    status = page.get_by_test_id("roster-status")
    status.filter(has_text="有错误").wait_for(timeout=60000)
    issues = page.get_by_test_id("roster-issues")
    assert "请填写姓名" in issues.inner_text() and "3" in issues.inner_text()
    assert page.get_by_role("link", name="下载标注错误的工作簿").is_visible()

    page.goto("/persons/rosters/")
    page.get_by_label("花名册文件（.xlsx）").set_input_files(
        files=[{"name": "花名册2.xlsx", "mimeType": XLSX, "buffer": persons_file(person_row(1), person_row(2))}]
    )
    page.get_by_role("button", name="上传并校验").click()
    status.filter(has_text="校验通过").wait_for(timeout=60000)
    assert "将新增 2 条" in page.content()
    page.get_by_role("button", name="确认导入").click()
    status.filter(has_text="已导入").wait_for(timeout=60000)
    assert "导入结果" in page.content()
    assert Person.objects.count() == 2
    assert RosterImport.objects.filter(status=RosterStatus.IMPORTED).count() == 1
