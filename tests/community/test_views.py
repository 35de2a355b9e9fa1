"""The pages: lists, forms that go through the services, the person panel, bad filters."""

from datetime import date

import pytest
from django.urls import reverse

from community.models import ReliefVisit, TrainingAttendance, TrainingSession

pytestmark = pytest.mark.django_db


def test_overview_and_lists_render(client, caseworker, person):
    client.force_login(caseworker)
    for name in (
        "home",
        "training_list",
        "job_fair_list",
        "referral_list",
        "workshop_list",
        "relief_list",
        "case_list",
        "event_list",
        "screening_list",
        "suspected_list",
    ):
        response = client.get(reverse(f"community:{name}"), {"year": 2025})
        assert response.status_code == 200, name


@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "-1"}, {"township": "x\x00"}])
def test_bad_filters_are_a_400(client, caseworker, params):
    client.force_login(caseworker)
    assert client.get(reverse("community:relief_list"), params).status_code == 400


def test_relief_visit_from_the_person_page(client, caseworker, person):
    client.force_login(caseworker)
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert reverse("community:person_relief_create", args=[person.pk]) in page
    response = client.post(
        reverse("community:person_relief_create", args=[person.pk]),
        {
            "occasion": "spring_festival",
            "visited_on": "2025-01-20",
            "cash": "500",
            "goods": "",
            "goods_value": "0",
            "fund_source": "federation",
        },
    )
    assert response.status_code == 302
    assert ReliefVisit.objects.get().person == person
    assert "春节" in client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()


def test_attendee_added_by_id_number_within_scope(client, liaison, caseworker, person, other_person):
    session = TrainingSession.objects.create(
        title="县培训", kind="vocational", start_date=date(2025, 3, 1), end_date=date(2025, 3, 2)
    )
    client.force_login(liaison)
    url = reverse("community:training_detail", args=[session.pk])
    refused = client.post(url, {"person_number": other_person.id_number, "completed": "on"})
    assert refused.status_code == 200 and "没有找到" in refused.content.decode()
    assert client.post(url, {"person_number": person.id_number, "completed": "on"}).status_code == 302
    assert list(TrainingAttendance.objects.values_list("person_id", flat=True)) == [person.pk]


def test_attendee_chosen_with_the_person_picker_within_scope(client, liaison, person, other_person):
    session = TrainingSession.objects.create(
        title="县培训", kind="vocational", start_date=date(2025, 3, 1), end_date=date(2025, 3, 2)
    )
    client.force_login(liaison)
    url = reverse("community:training_detail", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="pick_q"' in page and 'name="person"' in page
    refused = client.post(url, {"person": other_person.pk, "completed": "on"})
    assert refused.status_code == 200 and not TrainingAttendance.objects.exists()
    nobody = client.post(url, {"completed": "on"})
    assert nobody.status_code == 200 and "请选择人员" in nobody.content.decode()
    assert client.post(url, {"person": person.pk, "completed": "on"}).status_code == 302
    assert list(TrainingAttendance.objects.values_list("person_id", flat=True)) == [person.pk]


def test_service_errors_land_on_the_form(client, caseworker, person):
    client.force_login(caseworker)
    response = client.post(
        reverse("community:relief_create"),
        {
            "person_number": person.id_number,
            "occasion": "other",
            "visited_on": "2025-01-20",
            "cash": "0",
            "goods": "",
            "goods_value": "0",
            "fund_source": "federation",
        },
    )
    assert response.status_code == 200
    assert "请填写慰问金或物资折价" in response.content.decode()
    assert not ReliefVisit.objects.exists()
