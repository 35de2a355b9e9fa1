"""Issue 13 end to end in headless Chromium with a real Celery worker: a caseworker enters a training session with
two attendees, a relief visit and a one-off grant (节日慰问金); the grant is reviewed and paid; the leader's dashboard
and the yearly work report from the report centre show them."""

import io
import re
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dashboards.models import GeneratedReport
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.jobs.models import JobStatus
from subsidies.models import Application, PaymentRun
from subsidies.services import (
    application_decide,
    application_township_check,
    payment_run_approve,
    payment_run_create,
)
from tests.factories import HolderFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for_job(model, pk):
    """The worker runs the job; wait until it has finished (the assertion is on the outcome, not the time)."""
    for _ in range(600):
        row = model.objects.select_related("job").get(pk=pk)
        if row.job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return row
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_training_relief_and_grant_show_in_the_yearly_report(
    celery_worker, page, login, users, programs, make_user, village
):
    today = local_today()
    first = HolderFactory(village=village, name="培训甲", poverty="dibao")
    second = HolderFactory(village=village, name="培训乙")
    caseworker = users[Role.CASEWORKER]

    login(caseworker)
    # A training session, then its attendees on its page.
    page.goto("/community/trainings/new/")
    page.get_by_label("培训名称").fill("盲人按摩培训班")
    page.get_by_label("开始日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("结束日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="盲人按摩培训班").click()
    for person in (first, second):
        page.get_by_label("身份证号或残疾人证号").fill(person.id_number)
        page.get_by_role("button", name="加入学员").click()
        page.get_by_role("status").filter(has_text=person.name).wait_for()
    assert "2 名学员" in page.content()

    # A relief visit with money and goods.
    page.goto("/community/relief/new/")
    page.get_by_label("身份证号或残疾人证号").fill(first.id_number)
    page.get_by_label("慰问日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("慰问金(元)").fill("600")
    page.get_by_label("物资", exact=True).fill("大米一袋")
    page.get_by_label("物资折价(元)").fill("150")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/community/relief/$"))

    # A one-off grant: the application is entered in the browser, checked, approved and paid.
    page.goto(f"/subsidies/applications/new/?person={first.pk}&program=holiday")
    page.get_by_label("事由/活动").fill(f"{today.year}年助残日慰问")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/subsidies/applications/\d+/$"))
    application = Application.objects.get()
    application_township_check(application=application, acting_user=users[Role.LIAISON])
    application_decide(application=application, acting_user=users[Role.REVIEWER], approve=True)
    run = payment_run_create(program=programs["holiday"], period=today.replace(day=1), acting_user=users[Role.FINANCE])
    run = _wait_for_job(PaymentRun, run.pk)
    payment_run_approve(run=run, acting_user=make_user(Role.FINANCE, "finance2"))

    # The leader's dashboard: each figure from the records, linked to its list.
    page.context.clear_cookies()
    login(users[Role.LEADER])
    page.goto("/dashboards/")
    trained = page.get_by_role("row", name="培训人次")
    assert trained.locator("td").inner_text().strip() == "2"
    assert trained.get_by_role("link").get_attribute("href").startswith("/community/trainings/?year=")
    assert page.get_by_role("row", name="走访慰问人次").locator("td").inner_text().strip() == "1"
    grants = page.get_by_role("table", name=re.compile("各项补贴与补助$"))
    assert [c.strip() for c in grants.get_by_role("row", name="节日慰问金").locator("td").all_inner_texts()] == [
        "1",
        "1",
        "500.00",
    ]

    # The yearly work report from the report centre.
    page.goto("/dashboards/reports/")
    page.get_by_label("报表").select_option(label="年度工作报告")
    page.get_by_role("button", name="生成").click()
    page.locator(".job-progress[data-status=succeeded]").wait_for(timeout=60000)
    report = GeneratedReport.objects.get()
    with report.xlsx_file.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()), read_only=True)
    summary = "\n".join(str(r[0]) for r in workbook["概要"].iter_rows(values_only=True) if r and r[0])
    assert "举办职业技能培训 1 期，培训 2 人次（2 人）" in summary
    assert "走访慰问困难残疾人家庭 1 户、1 人次，发放慰问金 600 元、慰问物资折款 150 元" in summary
    assert "节日慰问金：发放 1 人、1 人次，金额 500 元" in summary
    employment = {r[0]: r[1] for r in workbook["就业服务"].iter_rows(values_only=True) if r and len(r) > 1}
    assert employment["培训人次"] == 2
    grants_sheet = {r[0]: r[1:] for r in workbook["补贴与补助发放"].iter_rows(values_only=True) if r and len(r) > 3}
    assert grants_sheet["节日慰问金"] == (1, 1, Decimal("500.00")) or grants_sheet["节日慰问金"] == (1, 1, 500)
