"""Each role logs in through the real login form in headless Chromium and sees its home page."""

import pytest

from fedportal.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_home(page, login, users, role):
    user = users[role]
    login(user)
    assert page.get_by_role("heading", level=1).inner_text().startswith("您好")
    assert user.get_role_display() in page.get_by_test_id("role-line").inner_text()
    # The skip link is the first stop for keyboard users.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到主要内容"


def test_liaison_navigation_hides_county_functions(page, login, users):
    login(users[Role.LIAISON])
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="审计日志").count() == 0
    assert nav.get_by_role("link", name="资金发放").count() == 0


def test_assets_are_served_locally(page, login, users):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(users[Role.CASEWORKER])
    assert requests and all(
        url.startswith(page.context.pages[0].url.split("/accounts")[0].rsplit("/", 1)[0]) or url.startswith("data:")
        for url in requests
    )
    css_ok = page.evaluate("getComputedStyle(document.querySelector('.navbar')).display")
    assert css_ok == "flex"  # Bootstrap's stylesheet loaded from the portal itself


def test_a_caseworker_can_log_in_and_search_with_the_keyboard_alone(page, users):
    from .factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    for _ in range(10):  # skip link, brand, then the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "username":
            break
    page.keyboard.type("caseworker")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.get_by_test_id("role-line").is_visible()
    # Every control on the home page is reachable: walking the tab order reaches the user menu, whose logout button
    # the arrow keys then reach.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "current-user":
            break
    page.keyboard.press("Enter")
    names = []
    for _ in range(4):
        page.keyboard.press("ArrowDown")
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "退出" in names
