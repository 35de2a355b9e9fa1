"""The caseworker UI: search, list, scope, masking, reveal log, optimistic locking in the form, PDF.

The XLSX export (a background job) is tested in test_person_export.py.
"""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Person
from fedportal.accounts.models import Role
from fedportal.audit.models import SensitiveAccess
from tests.factories import CertificateFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw_client(client, caseworker):
    client.force_login(caseworker)
    return client


def test_search_by_each_kind_of_number_and_name(cw_client, person, other_person):
    certificate = CertificateFactory(person=person, category=4, grade=3)
    url = reverse("cases:person_list")
    for query in (person.id_number, person.id_number[:10], certificate.number, person.phone, "张三", "张"):
        response = cw_client.get(url, {"q": query}, follow=True)
        assert list(response.context["page"]) == [person], query
    assert list(cw_client.get(url, {"q": "13800002222"}, follow=True).context["page"]) == [other_person]
    assert list(cw_client.get(url, {"q": other_person.id_number + "43"}, follow=True).context["page"]) == []


def test_list_query_count_is_constant(cw_client, village):
    url = reverse("cases:person_list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert cw_client.get(url, {"category": 4}).status_code == 200
        return len(queries)

    CertificateFactory(person=PersonFactory(village=village))
    few = count()
    for _ in range(15):
        CertificateFactory(person=PersonFactory(village=village))
    assert count() == few


def test_filters(cw_client, person, other_person):
    CertificateFactory(person=person, category=5, grade=1, issue_date=date(2016, 6, 1))  # expires 2026-05-31
    url = reverse("cases:person_list")
    assert list(cw_client.get(url, {"category": 5}).context["page"]) == [person]
    assert list(cw_client.get(url, {"certificate_state": "none"}).context["page"]) == [other_person]
    assert list(cw_client.get(url, {"township": other_person.township_id}).context["page"]) == [other_person]


def test_liaison_scope(client, liaison, person, other_person):
    client.force_login(liaison)
    page = client.get(reverse("cases:person_list")).context["page"]
    assert list(page) == [person]
    assert client.get(reverse("cases:person_detail", args=[other_person.pk])).status_code == 404
    assert client.get(reverse("cases:person_edit", args=[other_person.pk])).status_code == 404
    assert client.post(reverse("cases:person_reveal", args=[other_person.pk, "id_number"])).status_code == 404
    assert client.get(reverse("cases:household_detail", args=[1_000_000])).status_code == 404


def test_masked_everywhere_and_reveal_is_logged(cw_client, caseworker, person):
    body = cw_client.get(reverse("cases:person_list")).content.decode()
    assert person.id_number not in body and person.id_number[:4] + "**********" + person.id_number[-4:] in body
    detail = cw_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert person.id_number not in detail and person.phone not in detail and "显示完整" in detail
    response = cw_client.post(reverse("cases:person_reveal", args=[person.pk, "id_number"]))
    assert person.id_number in response.content.decode()
    access = SensitiveAccess.objects.get()
    assert (access.user, access.person, access.field) == (caseworker, person, "id_number")
    cw_client.post(reverse("cases:person_reveal", args=[person.pk, "account"]))
    assert SensitiveAccess.objects.count() == 2


def test_leader_sees_masked_and_cannot_reveal(client, users, person):
    client.force_login(users[Role.LEADER])
    detail = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert person.id_number not in detail and "显示完整" not in detail
    assert client.post(reverse("cases:person_reveal", args=[person.pk, "id_number"])).status_code == 403
    assert not SensitiveAccess.objects.exists()


def test_stale_edit_keeps_input_and_merges(cw_client, person, village, liaison):
    from cases.services import person_update

    url = reverse("cases:person_edit", args=[person.pk])
    form_data = cw_client.get(url).context["form"].initial
    data = {
        "id_number": person.id_number,
        "name": "张三（改）",
        "ethnicity": "汉族",
        "phone": "13911112222",
        "village": village.pk,
        "education_stage": "none",
        "version": person.version,
        "original": form_data["original"],
    }
    # Meanwhile a colleague changes the address and the phone.
    person_update(
        person=Person.objects.get(pk=person.pk),
        expected_version=person.version,
        address="别人改的",
        phone="13700000000",
        acting_user=liaison,
    )
    response = cw_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body
    assert "张三（改）" in body and "13911112222" in body  # the user's input is kept
    assert [row["name"] for row in response.context["comparison"]] == ["phone"]  # both changed the phone
    person.refresh_from_db()
    assert (person.name, person.address) == ("张三", "别人改的")  # nothing was overwritten
    # Resubmitting the merged form keeps the colleague's address and the user's name and phone.
    merged = response.context["form"].data
    assert merged["address"] == "别人改的"
    assert cw_client.post(url, merged).status_code == 302
    person.refresh_from_db()
    assert (person.name, person.address, person.phone) == ("张三（改）", "别人改的", "13911112222")


def test_create_view(cw_client, village):
    response = cw_client.post(
        reverse("cases:person_create"),
        {
            "id_number": "360121197011210013",
            "name": "赵六",
            "ethnicity": "汉族",
            "village": village.pk,
            "education_stage": "none",
            "poverty_status": "dibao",
            "poverty_start": "2024-01-01",
            "household_register_number": "HH-NEW",
            "relation_to_head": "head",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(id_number="360121197011210013")
    assert person.household.register_number == "HH-NEW" and person.poverty_status == "dibao"


def test_summary_pdf_contains_name_and_category(cw_client, person):
    CertificateFactory(person=person, category=5, grade=2)
    response = cw_client.get(reverse("cases:person_pdf", args=[person.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "张三" in text and "智力" in text and "残疾人信息表" in text


def test_household_page_and_add_member(cw_client, caseworker, person, village):
    from cases.services import household_create

    household = household_create(register_number="HH-7", village=village, acting_user=caseworker)
    url = reverse("cases:household_add_member", args=[household.pk])
    response = cw_client.post(url, {"id_number": person.id_number, "relation": "head"})
    assert response.status_code == 302
    assert "张三" in cw_client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()


def test_search_certificate_number_with_x(cw_client, village):
    from datetime import date

    from tests.factories import make_id_number

    sequence = next(s for s in range(500) if make_id_number(birth=date(1990, 5, 5), sequence=s).endswith("X"))
    holder = PersonFactory(village=village, id_number=make_id_number(birth=date(1990, 5, 5), sequence=sequence))
    certificate = CertificateFactory(person=holder, category=1, grade=4)
    for query in (certificate.number.lower(), holder.id_number.lower(), holder.id_number[:17]):
        assert list(cw_client.get(reverse("cases:person_list"), {"q": query}, follow=True).context["page"]) == [
            holder
        ], query


def test_search_by_the_digits_a_list_shows_by_register_and_certificate_number(cw_client, person, other_person):
    """The list shows an ID number as 3601**********0013: its last four digits (or any four or more in a row) find
    the person, as do the household register number and the certificate number."""
    certificate = CertificateFactory(person=person, category=4, grade=3)
    person.household = HouseholdFactory(register_number="3601210010050000199", village=person.village)
    person.save(update_fields=["household"])
    url = reverse("cases:person_list")
    for query in (
        person.id_number[-4:],
        person.id_number[8:14],
        "3601210010050000199",
        "36012100100500",
        certificate.number,
    ):
        assert person in list(cw_client.get(url, {"q": query}, follow=True).context["page"]), query
    assert other_person not in list(cw_client.get(url, {"q": "3601210010050000199"}, follow=True).context["page"])
    assert list(cw_client.get(url, {"q": "123"}).context["page"]) == []  # fewer than four digits: nothing


def test_the_last_four_of_an_id_number_ending_in_x_find_the_person(cw_client, person, other_person):
    """3601**********021X: "021X" (or "021x") is a part of an ID number like any four digits, not a register number."""
    person.id_number = person.id_number[:17] + "X"
    person.save(update_fields=["id_number"])
    url = reverse("cases:person_list")
    for query in (person.id_number[-4:], person.id_number[-4:].lower(), person.id_number[-8:]):
        assert list(cw_client.get(url, {"q": query}, follow=True).context["page"]) == [person], query


def test_the_village_filter_groups_villages_by_township_and_filters_start_on_all(cw_client, person, other_person):
    body = cw_client.get(reverse("cases:person_list")).content.decode()
    assert f'<optgroup label="{person.township.name}">' in body
    assert f'<optgroup label="{other_person.township.name}">' in body
    select = body[body.index('name="multi_disability"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>全部</option>' in select and "未知" not in select
