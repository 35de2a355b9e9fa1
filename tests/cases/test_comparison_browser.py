"""Upload -> review -> apply in headless Chromium with a real Celery worker: the caseworker uploads a death list,
the compare job's progress ends in findings with their money effect, a reviewer leaves one finding out with a reason
and applies the rest, the apply job runs, and the registry shows the death with its certificate cancelled."""

import pytest

from cases.models import Comparison, ComparisonStatus, FindingOutcome
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from tests.factories import CertificateFactory, PersonFactory

from .comparison_fixtures import list_file

pytestmark = [pytest.mark.browser, pytest.mark.worker]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_review_apply(celery_worker, browser, live_server, page, login, users, village, programs):
    first = PersonFactory(village=village, name="钱一")
    second = PersonFactory(village=village, name="孙二")
    for person in (first, second):
        CertificateFactory(person=person)
    content = list_file(
        "deaths",
        {"身份证号": first.id_number, "姓名": "钱一", "死亡日期": "2026-01-02"},
        {"身份证号": second.id_number, "姓名": "孙二", "死亡日期": "2026-01-03"},
    )

    login(users[Role.CASEWORKER])
    page.goto("/persons/comparisons/")
    page.get_by_label("名单类型").select_option("deaths")
    page.get_by_label("名单来源").fill("县公安局 2026 年 1 月死亡名单")
    page.get_by_label("名单日期").fill(local_today().isoformat())
    page.get_by_label("名单文件（.xlsx）").set_input_files(
        files=[{"name": "死亡名单.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="上传并比对").click()
    status = page.get_by_test_id("comparison-status")
    status.filter(has_text="待应用").wait_for(timeout=60000)
    findings = page.get_by_test_id("finding")
    assert findings.count() == 2
    assert "不影响补贴发放" in page.get_by_test_id("findings").inner_text()
    assert "另一位工作人员" in page.content()  # the uploader cannot apply
    assert page.get_by_test_id("apply-button").count() == 0
    url = page.url

    reviewer_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    reviewer = reviewer_context.new_page()
    reviewer.set_default_timeout(15000)
    from tests.factories import TEST_PASSWORD

    reviewer.goto("/accounts/login/")
    reviewer.get_by_label("用户名").fill(users[Role.REVIEWER].username)
    reviewer.get_by_label("密码").fill(TEST_PASSWORD)
    reviewer.get_by_role("button", name="登录").click()
    reviewer.wait_for_url(lambda u: "/accounts/login/" not in u)
    reviewer.goto(url)
    row = reviewer.get_by_test_id("finding").filter(has_text="孙二")
    row.get_by_label("不采用的原因").fill("家属称尚在世，待核实")
    row.get_by_role("button", name="不采用").click()
    reviewer.get_by_test_id("finding").filter(has_text="家属称尚在世").wait_for()
    reviewer.get_by_test_id("apply-button").click()
    reviewer.get_by_test_id("comparison-status").filter(has_text="已应用").wait_for(timeout=60000)
    assert "已应用" in reviewer.get_by_test_id("findings").inner_text()
    reviewer_context.close()

    comparison = Comparison.objects.get()
    assert comparison.status == ComparisonStatus.APPLIED and comparison.applied_by == users[Role.REVIEWER]
    first.refresh_from_db()
    second.refresh_from_db()
    assert str(first.death_date) == "2026-01-02" and second.death_date is None
    assert first.certificates.get().status == "cancelled"
    assert dict(comparison.findings.values_list("person__name", "outcome")) == {
        "钱一": FindingOutcome.APPLIED,
        "孙二": FindingOutcome.DESELECTED,
    }
