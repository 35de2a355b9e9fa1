"""400, 403, 404 and 500 in the portal's layout and language, with the way back home, as served with DEBUG off."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from lxml import html

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fedportal.error_urls")]


@pytest.fixture(autouse=True)
def _chinese_after():
    """Pages asked for in English leave English active in this thread: later tests expect the default."""
    yield
    from django.utils import translation

    translation.activate("zh-hans")


CHINESE = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def production_client():
    with override_settings(DEBUG=False):
        yield Client(raise_request_exception=False)


def page(client, url, language, status):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    document = html.fromstring(body)
    assert document.get("lang") == language
    assert document.xpath('//*[@data-testid="error-page"]'), body[:500]
    assert document.xpath(f'//main//a[@href="{reverse("home")}"]')  # the way back
    assert document.xpath('//link[contains(@href, "portal.css")]')  # the portal's look
    # The page's own words (the top bar's user name and the language names are data, not labels).
    text = " ".join(document.xpath("//main")[0].itertext()) + document.findtext(".//title")
    if language == "en":
        assert not CHINESE.search(text), CHINESE.findall(text)[:20]
    else:
        assert CHINESE.search(document.findtext(".//h1"))
    assert "Traceback" not in body and "a bug" not in body
    return document


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_404_is_the_portals_page(production_client, caseworker, language):
    production_client.force_login(caseworker)
    document = page(production_client, "/no-such-page/", language, 404)
    assert document.xpath('//nav[contains(@class, "portal-navbar")]//a[contains(@class, "nav-link")]')  # menus
    assert document.xpath('//select[@name="language"]')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_403_is_the_portals_page(production_client, liaison, language):
    production_client.force_login(liaison)
    page(production_client, reverse("audit:event_list"), language, 403)


def test_403_shows_the_refusals_own_reason(production_client, liaison):
    production_client.force_login(liaison)
    document = page(production_client, "/test-errors/denied/", "zh-hans", 403)
    assert "只能上传本乡镇（莲塘镇）的花名册。" in document.text_content()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_400_and_500_need_nothing_but_the_static_files(production_client, caseworker, language):
    production_client.force_login(caseworker)
    page(production_client, "/test-errors/suspicious/", language, 400)
    page(production_client, "/test-errors/bug/", language, 500)


def test_the_500_page_renders_without_context_processors():
    from django.template.loader import get_template

    body = get_template("500.html").render()  # what django.views.defaults.server_error does: no request, no context
    assert 'data-testid="error-page"' in body and 'href="/"' in body


def test_the_bad_parameters_page_still_renders(production_client, users):
    from fedportal.accounts.models import Role

    production_client.force_login(users[Role.FINANCE])
    response = production_client.get(reverse("subsidies:budget_list") + "?year=abc")
    assert response.status_code == 400 and "参数有误" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refused_csrf_check_is_the_portals_page(caseworker, language):
    with override_settings(DEBUG=False):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.force_login(caseworker)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 403
        document = html.fromstring(response.content.decode())
        assert document.get("lang") == language and document.xpath('//*[@data-testid="error-page"]')
        assert document.xpath(f'//main//a[@href="{reverse("home")}"]')
