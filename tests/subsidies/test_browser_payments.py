"""A monthly nursing run in headless Chromium with a real Celery worker: finance user A computes a draft and watches
the progress bar, sees the review, may not approve their own run; finance user B approves it and downloads the
payment sheet (XLSX)."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from fedportal.accounts.models import Role
from subsidies.models import PaymentRun, RunStatus

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_finance_creates_reviews_and_a_colleague_approves_and_exports(
    celery_worker, page, login, users, programs, make_user, make_holder, enroll, other_village
):
    # Two qualifying persons (一级 100 元, 二级 80 元, in two townships) and one enrolled person who no longer
    # qualifies (三级): two lines, 180.00 元, one stop.
    enroll(make_holder(grade=1, name="张一级"), "nursing", start=date(2026, 1, 1))
    enroll(make_holder(grade=2, name="李二级", village_=other_village), "nursing", start=date(2026, 1, 1))
    enroll(make_holder(grade=3, name="王三级"), "nursing", start=date(2026, 1, 1))
    finance_a = users[Role.FINANCE]
    finance_b = make_user(Role.FINANCE, "finance_b")

    login(finance_a)
    page.goto("/subsidies/runs/")
    page.get_by_label("补贴项目").select_option(label="护理补贴")
    page.get_by_label("所属期（YYYY-MM 或 YYYY）").fill("2026-01")
    page.get_by_role("button", name="计算草稿").click()
    page.wait_for_url(re.compile(r"/subsidies/runs/\d+/$"))
    run = PaymentRun.objects.get()
    detail_url = f"/subsidies/runs/{run.pk}/"

    # The progress bar polls the worker's job and reloads the page when it is done.
    page.locator(".job-progress[data-status=succeeded]").wait_for(timeout=60000)
    page.get_by_role("table", name="按乡镇汇总").wait_for()  # after the reload
    progress = page.get_by_role("progressbar", name="任务进度")
    assert progress.get_attribute("aria-valuenow") == progress.get_attribute("aria-valuemax")
    assert "发放：2 笔 / 180.00 元" in page.content()
    assert "停发: 1 人" in page.content()
    summary = page.get_by_role("table", name="按乡镇汇总")
    assert [
        c.strip() for c in summary.get_by_role("row", name=re.compile("莲塘镇")).locator("td").all_inner_texts()
    ] == [
        "莲塘镇",
        "1",
        "100.00",
        "0.00",
        "0.00",
        "0.00",
        "1",
    ]
    assert "向塘镇" in summary.inner_text()

    # The creator gets no approve button but a clear notice; forcing the request is refused as well.
    notice = page.get_by_test_id("own-run-notice")
    assert "不能审批自己创建的批次" in notice.inner_text()
    assert page.get_by_role("button", name="审批并锁定").count() == 0
    page.evaluate(
        """() => {
            const form = document.querySelector('form[action$="/action/"]');
            const action = document.createElement('input');
            action.type = 'hidden'; action.name = 'action'; action.value = 'approve';
            form.querySelector('button').remove();
            form.appendChild(action);
            form.submit();
        }"""
    )
    page.get_by_role("alert").filter(has_text="制表人不能审批自己创建的批次").wait_for()
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT

    # A colleague approves it and downloads the sheet.
    page.context.clear_cookies()
    login(finance_b)
    page.goto(detail_url)
    # The review is paginated by section, with tier labels rather than codes.
    page.get_by_role("link", name=re.compile(r"新增（2）")).click()
    new_table = page.get_by_test_id("run-section-new")
    assert "一级" in new_table.inner_text() and "grade1" not in new_table.inner_text()
    page.get_by_role("link", name="审批并锁定").click()
    # Approval asks for confirmation, showing the lines and the total.
    assert page.get_by_test_id("approve-lines").inner_text().strip() == "2"
    assert page.get_by_test_id("approve-total").inner_text().strip() == "180.00"
    page.get_by_label("我已核对发放笔数和金额，确认审批并锁定本批次").check()
    page.get_by_role("button", name="确认审批").click()
    # Approval freezes the lines as a job; the page follows its progress and reloads when it is done.
    page.get_by_role("status").filter(has_text="审批已开始").wait_for()
    page.get_by_role("button", name="导出发放表 XLSX").wait_for(timeout=120000)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == finance_b

    # The sheet is written by a job; its progress bar ends with the file.
    page.get_by_role("button", name="导出发放表 XLSX").click()
    page.locator("#exports .job-progress[data-status=succeeded]").wait_for(timeout=60000)
    with page.expect_download() as download_info:
        page.locator("#exports").get_by_role("link", name="下载结果文件").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:  # Playwright's temporary file has no extension
        workbook = load_workbook(BytesIO(file.read()), read_only=True)
    assert workbook.sheetnames[0] == "发放明细"
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 + 1  # header, two lines, 合计
    assert rows[0][0] == "序号"
    assert sorted(row[2] for row in rows[1:3]) == sorted(["张一级", "李二级"])
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][8])) == Decimal("180.00")


def test_a_failed_payment_is_paid_again_after_its_account_is_corrected(
    celery_worker, page, login, users, programs, make_user, make_holder, enroll, tmp_path
):
    """approve -> export -> upload the bank's return with a failure -> correct the account -> the next run pays it
    again (重发), and the person's page shows it all."""
    from subsidies.services import payment_run_create

    from .test_bank_returns import return_file

    good = make_holder(grade=1, name="成功甲", social_security_card="6217000011110001", bank_name="农商银行")
    bad = make_holder(grade=2, name="失败乙", social_security_card="6217000011110002", bank_name="农商银行")
    for person in (good, bad):
        enroll(person, "nursing", start=date(2026, 1, 1))
    finance_a = users[Role.FINANCE]
    finance_b = make_user(Role.FINANCE, "finance_b")
    run = payment_run_create(program=programs["nursing"], period=date(2026, 1, 1), acting_user=finance_a)

    login(finance_b)
    page.goto(f"/subsidies/runs/{run.pk}/")
    page.locator(".job-progress[data-status=succeeded]").first.wait_for(timeout=60000)
    page.get_by_role("link", name="审批并锁定").click()
    page.get_by_label("我已核对发放笔数和金额，确认审批并锁定本批次").check()
    page.get_by_role("button", name="确认审批").click()
    # Approval is a job (the first test follows the page's own reload); here the page is opened again until it is done.
    page.get_by_role("status").filter(has_text="审批已开始").wait_for()
    export = page.get_by_role("button", name="导出发放表 XLSX")
    for _ in range(60):
        if export.count():
            break
        page.wait_for_timeout(1000)
        page.goto(f"/subsidies/runs/{run.pk}/")
    export.wait_for(timeout=10000)

    page.get_by_role("button", name="导出发放表 XLSX").click()
    page.locator("#exports .job-progress[data-status=succeeded]").wait_for(timeout=60000)
    with page.expect_download() as download_info:
        page.locator("#exports").get_by_role("link", name="下载结果文件").click()
    with open(download_info.value.path(), "rb") as file:
        rows = list(load_workbook(BytesIO(file.read())).worksheets[0].iter_rows(values_only=True))
    failed_number = next(r[0] for r in rows[1:-1] if r[2] == "失败乙")
    returned = tmp_path / "回盘.xlsx"
    returned.write_bytes(return_file(rows, failed={failed_number: "户名与账号不符"}))

    page.get_by_label("回盘文件（.xlsx）").set_input_files(str(returned))
    page.get_by_role("button", name="上传回盘").click()
    page.wait_for_url(re.compile(r"/subsidies/returns/\d+/$"))
    page.get_by_test_id("return-figures").wait_for(timeout=60000)
    assert "失败 1 笔 80.00 元" in page.get_by_test_id("return-figures").inner_text()

    page.get_by_role("link", name="查看待更正账户的失败明细").click()
    held = page.get_by_test_id("failed-payments")
    assert "失败乙" in held.inner_text() and "待更正账户" in held.inner_text() and "成功甲" not in held.inner_text()
    page.get_by_role("link", name="更正账户").click()
    page.get_by_label("更正后的社保卡号/一卡通账号").fill("6230000099998888")
    page.get_by_role("button", name="保存更正").click()
    page.get_by_role("status").filter(has_text="已更正").wait_for()

    # The next run of the program pays it again, in its own section of the review.
    page.context.clear_cookies()
    login(finance_a)
    page.goto("/subsidies/runs/")
    page.get_by_label("补贴项目").select_option(label="护理补贴")
    page.get_by_label("所属期（YYYY-MM 或 YYYY）").fill("2026-02")
    page.get_by_role("button", name="计算草稿").click()
    page.wait_for_url(re.compile(r"/subsidies/runs/\d+/$"))
    page.locator(".job-progress[data-status=succeeded]").wait_for(timeout=60000)
    page.get_by_role("link", name=re.compile(r"重发（1）")).click()
    resend = page.get_by_test_id("run-section-resend")
    assert (
        "失败乙" in resend.inner_text() and "2026-01" in resend.inner_text() and "户名与账号不符" in resend.inner_text()
    )
    february = PaymentRun.objects.get(period=date(2026, 2, 1))
    assert february.resend_count == 1 and february.total == Decimal("260.00")

    page.goto(f"/persons/{bad.pk}/")
    history = page.get_by_test_id("person-payments")
    assert "失败，待更正账户后重发" in history.inner_text() and "户名与账号不符" in history.inner_text()
