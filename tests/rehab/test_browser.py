"""In a real browser: a liaison records a survey visit with a new device need; a caseworker turns it into a fitting
and closes it; the township's fitting rate moves from 0% to 100%."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from fedportal.core.clock import local_today
from rehab.models import DeviceFitting, FittingStatus, Need
from rehab.services import survey_round_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fitting_rate(page, township):
    page.goto("/rehab/indicators/")
    return page.get_by_test_id(f"fitting-rate-{township.pk}")


def test_survey_need_to_closed_fitting_changes_the_fitting_rate(
    page, login, liaison, caseworker, township, person, supplier
):
    today = local_today()
    survey_round = survey_round_create(
        year=today.year, start_date=date(today.year, 1, 1), end_date=date(today.year, 12, 31), acting_user=caseworker
    )

    # The liaison visits 张三 at home and records that he needs a wheelchair.
    login(liaison)
    expect(fitting_rate(page, township)).to_have_text("—")
    page.goto(f"/rehab/survey/{survey_round.pk}/persons/?state=todo")
    page.get_by_role("link", name="录入 张三 的调查").click()
    page.get_by_label("入户").check()
    page.locator("input[name=services_needed][value=device]").check()
    page.get_by_label("需要的辅具").select_option("wheelchair")
    page.get_by_role("button", name="保存调查记录").click()
    expect(page.get_by_role("status")).to_contain_text("新登记需求：辅助器具（轮椅）")
    expect(page.get_by_test_id("survey-persons")).to_contain_text("入户")
    expect(fitting_rate(page, township)).to_have_text("0.0%")
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="退出").click()

    # The caseworker turns the need into a fitting: assessment, fitting, follow-up.
    login(caseworker)
    page.goto("/rehab/needs/?status=open")
    page.get_by_role("link", name="辅助器具（轮椅）").click()
    page.get_by_role("button", name="转为辅具适配").click()
    expect(page.get_by_test_id("fitting-status")).to_contain_text("待评估")
    page.get_by_role("link", name="录入评估").click()
    page.get_by_label("评估人/机构").fill("县辅具中心 王医师")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="录入适配").click()
    page.get_by_label("供应商").select_option(str(supplier.pk))
    page.get_by_label("产品型号").fill("手动轮椅 A1")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("fitting-status")).to_contain_text("已适配待回访")
    page.get_by_role("link", name="回访结案").click()
    page.get_by_label("回访情况").fill("使用良好")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("fitting-status")).to_contain_text("已回访结案")

    expect(fitting_rate(page, township)).to_have_text(re.compile(r"^100\.0%"))
    fitting = DeviceFitting.objects.get(person=person)
    assert fitting.status == FittingStatus.CLOSED and fitting.cost == 1200
    assert Need.objects.get(person=person).status == "met"
