"""The person picker posts what is typed (htmx hx-post, CSRF header): a full ID number typed into it never becomes a
URL, neither the picker's request nor the program step's (fedportal/core/search_tokens.py)."""

import pytest
from playwright.sync_api import expect

from fedportal.accounts.models import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser


def test_the_picker_finds_by_a_full_id_and_no_url_holds_it(page, login, users, village, programs):
    person = PersonFactory(village=village, name="选人甲")
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    login(users[Role.CASEWORKER])
    page.goto("/subsidies/applications/new/")
    page.get_by_role("searchbox", name="选择残疾人").fill(person.id_number)
    match = page.locator(f'[data-pick-person="{person.pk}"]')
    expect(match).to_be_visible()
    match.click()
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(f"**/subsidies/applications/new/?person={person.pk}&program=*")
    assert not [url for url in urls if person.id_number in url]
