"""A leader opens the dashboard in headless Chromium: the charts are there and the tables show the test data."""

import re

import pytest

from fedportal.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_sees_charts_and_matching_tables(page, login, dash_world):
    w = dash_world
    login(w.users[Role.LEADER])
    page.goto("/dashboards/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("统计看板")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 8
    assert page.get_by_role("img", name="持证残疾人数（按类别、等级）").is_visible()
    assert "数据更新于" in page.get_by_test_id("freshness").inner_text()

    matrix = page.get_by_role("table", name="持证残疾人数：残疾类别 × 等级")
    limb = matrix.get_by_role("row", name="肢体")
    assert [c.strip() for c in limb.locator("td").all_inner_texts()] == ["2", "1", "0", "0", "3"]
    total = matrix.locator("tfoot tr")
    assert total.locator("td").last.inner_text().strip() == "5"

    # 动态管理 arrives after the page (htmx) and shows the hand-counted figures.
    gaps = page.get_by_role("table", name=re.compile("^动态管理（"))
    nursing = gaps.get_by_role("row", name="护理补贴")
    nursing.wait_for()  # all_inner_texts does not wait for the htmx response
    assert [c.strip() for c in nursing.locator("td").all_inner_texts()] == ["1", "2", "0"]

    # The number opens the registry list behind it.
    link = limb.locator("td").first.get_by_role("link")
    assert link.get_attribute("href") == "/persons/?certificate_state=valid&category=4&grade=1"

    # The township filter narrows every figure.
    page.get_by_label("乡镇(街道)").select_option(label="向塘镇")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(lambda url: f"township={w.other_township.pk}" in url)
    matrix = page.get_by_role("table", name="持证残疾人数：残疾类别 × 等级")
    assert matrix.locator("tfoot tr td").last.inner_text().strip() == "2"

    # The refresh button recomputes and comes back to the same scope.
    page.get_by_role("button", name="刷新数据").click()
    page.wait_for_load_state()
    assert "统计数据已重新计算" in page.content()
    assert f"township={w.other_township.pk}" in page.url
