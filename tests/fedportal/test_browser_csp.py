"""The Content-Security-Policy breaks nothing: pages with charts, htmx progress, the navbar script, the roster
template link and the person picker run in headless Chromium without one violation."""

import pytest
from django.urls import reverse

from fedportal.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_policy_without_violations(page, login, users, township, village, programs):
    from tests.factories import PersonFactory

    PersonFactory(name="王策略", village=village, township=township)
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile))"
    )
    login(users[Role.CASEWORKER])
    for url in (reverse("home"), reverse("dashboards:dashboard"), reverse("cases:roster_list"), "/no-such-page/"):
        page.goto(url)
        page.wait_for_load_state("load")
    # The navbar script ran (the bar is laid out) and the roster template follows the chosen township.
    assert page.evaluate("typeof window.fedportalFitNavbar") == "function"
    page.goto(reverse("cases:roster_list"))
    page.get_by_label("乡镇(街道)").select_option(str(township.pk))
    href = page.locator("#persons-template-link").get_attribute("href")
    assert href.endswith(f"&township={township.pk}")
    # The person picker (htmx) searches as one types.
    page.goto(reverse("subsidies:application_create"))
    page.locator("#pick-q").fill("王策略")
    page.locator("#pick-results").get_by_text("王策略").first.wait_for()
    # htmx added no style element of its own.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert violations == []
