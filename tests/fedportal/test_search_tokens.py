"""Full numbers never travel in URLs (fedportal/core/search_tokens.py): a search that may hold one is posted and kept
in the session under a token; a GET with a full number is sent through the token or refused with the 400 page."""

import re

import pytest
from django.urls import reverse

from fedportal.core.search_tokens import holds_full_number
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(village):
    return PersonFactory(village=village, name="张三", phone="13900001111")


@pytest.fixture
def other_person(other_village):
    return PersonFactory(village=other_village, name="李四", phone="13800002222")


@pytest.fixture
def cw_client(client, caseworker):
    client.force_login(caseworker)
    return client


def _links(body: str) -> list[str]:
    return re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', body)


def test_full_numbers_are_told_from_partial_ones():
    for value in ("360121197011210063", "36012119701121006X", "13900001111", "139-0000-1111", "6217001234567890"):
        assert holds_full_number(value), value
    for value in ("0063", "19701121", "2026-01-01", "张三", "", "1390000111"):
        assert not holds_full_number(value), value


def test_a_full_id_searched_with_the_form_never_appears_in_a_url(cw_client, person, other_person):
    url = reverse("cases:person_list")
    response = cw_client.post(url, {"q": person.id_number, "township": person.township_id})
    assert response.status_code == 302
    location = response["Location"]
    assert person.id_number not in location and "s=" in location and f"township={person.township_id}" in location
    page = cw_client.get(location)
    assert list(page.context["page"]) == [person]  # the same result as the old ?q=<id> gave
    body = page.content.decode()
    assert not [link for link in _links(body) if person.id_number in link]
    # The export started from this list exports the same search (its form posts to the list's query string).
    export_action = next(link for link in _links(body) if reverse("cases:person_export") in link)
    assert "s=" in export_action and person.id_number not in export_action


def test_pagination_keeps_the_token(cw_client, village):
    for index in range(30):
        PersonFactory(village=village, name=f"王{index}")
    response = cw_client.post(reverse("cases:person_list"), {"q": "王"})
    body = cw_client.get(response["Location"]).content.decode()
    token = re.search(r"s=([\w-]+)", response["Location"]).group(1)
    page_links = [link for link in _links(body) if "page=2" in link]
    assert page_links and all(f"s={token}" in link and "q=" not in link for link in page_links)
    second = cw_client.get(reverse("cases:person_list") + f"?s={token}&page=2")
    assert len(second.context["page"]) == 5


def test_a_get_with_a_full_number_goes_through_the_token(cw_client, person):
    url = reverse("cases:person_list")
    response = cw_client.get(url, {"q": person.id_number})
    assert response.status_code == 302 and person.id_number not in response["Location"]
    assert list(cw_client.get(response["Location"]).context["page"]) == [person]
    # A partial search (four or more digits) still works from a link, as before.
    assert list(cw_client.get(url, {"q": person.id_number[-4:]}).context["page"]) == [person]


def test_another_sessions_token_finds_nothing(client, cw_client, person, caseworker):
    location = cw_client.post(reverse("cases:person_list"), {"q": person.id_number})["Location"]
    client.logout()
    client.force_login(caseworker)  # a new session: the token is not there
    response = client.get(location)
    assert response.status_code == 302 and "s=" not in response["Location"]


def test_the_picker_posts_and_refuses_a_full_number_in_its_url(cw_client, person):
    url = reverse("cases:person_pick")
    body = cw_client.post(url, {"pick_q": person.id_number}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-pick-person="{person.pk}"' in body and person.id_number not in body
    assert cw_client.get(url, {"pick_q": person.id_number}, HTTP_HX_REQUEST="true").status_code == 400
    assert cw_client.get(url, {"pick_q": person.id_number[-4:]}, HTTP_HX_REQUEST="true").status_code == 200


def test_the_audit_filter_and_other_lists_take_the_number_by_post(client, users, person):
    from fedportal.accounts.models import Role

    client.force_login(users[Role.ADMIN])
    for name, field in (
        ("audit:event_list", "id_number"),
        ("audit:sensitive_access_list", "id_number"),
        ("certificates:certificate_list", "number"),
        ("subsidies:failed_payment_list", "q"),
        ("rehab:person_search", "q"),
    ):
        url = reverse(name)
        posted = client.post(url, {field: person.id_number})
        assert posted.status_code == 302 and person.id_number not in posted["Location"], name
        assert client.get(posted["Location"]).status_code == 200, name
        got = client.get(url, {field: person.id_number})
        assert got.status_code == 302 and person.id_number not in got["Location"], name


def test_any_other_url_with_a_full_number_is_a_400(cw_client, person):
    response = cw_client.get(reverse("subsidies:dynamic_management"), {"id_number": person.id_number})
    assert response.status_code == 400 and person.id_number not in response.content.decode()
    # A search view's other parameters are no way around it.
    assert cw_client.get(reverse("cases:person_list"), {"township": person.phone}).status_code == 400


def test_the_application_program_step_is_posted_and_redirects_by_id(client, liaison, person, programs):
    client.force_login(liaison)
    form = client.get(reverse("subsidies:application_create")).content.decode()
    assert 'data-testid="choose-program"' in form and 'method="post"' in form and 'hx-post="' in form
    response = client.post(
        reverse("subsidies:application_create"),
        {"step": "program", "person": "", "pick_q": person.id_number, "program": "nursing"},
    )
    assert response.status_code == 302 and person.id_number not in response["Location"]
    assert f"person={person.pk}" in response["Location"] and "program=nursing" in response["Location"]


def test_signed_out_a_full_number_is_a_400_not_a_login_redirect_carrying_it(client, person):
    response = client.get(reverse("cases:person_list"), {"q": person.id_number})
    assert response.status_code == 400 and person.id_number not in response.content.decode()


def test_an_export_with_an_expired_token_exports_nothing(cw_client, person):
    from fedportal.jobs.models import Job

    response = cw_client.post(reverse("cases:person_export") + "?s=gone", {"full": "0"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:person_list")
    assert not Job.objects.exists()
    location = cw_client.post(reverse("cases:person_list"), {"q": person.id_number})["Location"]
    token = location.split("s=")[1]
    cw_client.post(reverse("cases:person_export") + f"?s={token}", {"full": "0"})
    assert Job.objects.get().params["filters"]["q"] == [person.id_number]
