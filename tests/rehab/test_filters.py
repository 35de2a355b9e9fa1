"""The rehabilitation lists' filters (rehab/filters.py): a bad value is a form error on the page and lists nothing
(never a 500, never the whole list), a township user cannot widen their list, and every export is the filtered list."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fedportal.accounts.models import Role
from fedportal.accounts.permissions import Perm, has_perm
from fedportal.audit.models import SensitiveAccess
from rehab.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """The rehab world (conftest.py), each person with a service record."""
    for person in (world.person, world.other_person):
        ServiceRecord.objects.create(
            person=person,
            provider=world.rehab_provider,
            service_type="home_care",
            served_on=date(2026, 3, 5),
            amount=80,
            subsidy=80,
            description="上门服务",
        )
    return world


def _url(world, name):
    if name == "rehab:survey_person_list":
        return reverse(name, args=[world.rehab_round.pk])
    return reverse(name)


PERSON_LISTS = [
    "rehab:need_list",
    "rehab:service_list",
    "rehab:fitting_list",
    "rehab:plan_list",
    "rehab:child_list",
    "rehab:renovation_list",
    "rehab:survey_person_list",
]

BAD_VALUES = [
    ("rehab:need_list", "status", "bogus"),
    ("rehab:need_list", "need_type", "bogus"),
    ("rehab:need_list", "source", "bogus"),
    ("rehab:service_list", "service_type", "bogus"),
    ("rehab:fitting_list", "status", "bogus"),
    ("rehab:fitting_list", "device_type", "bogus"),
    ("rehab:plan_list", "status", "bogus"),
    ("rehab:plan_list", "missed", "yes"),
    ("rehab:child_list", "priority", "yes"),
    ("rehab:survey_person_list", "state", "bogus"),
]


@pytest.mark.parametrize(("name", "field", "value"), BAD_VALUES)
def test_an_unknown_value_is_a_form_error_and_lists_nothing(client, world, caseworker, name, field, value):
    client.force_login(caseworker)
    response = client.get(_url(world, name), {field: value, "year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body
    assert "甲" not in body and "乙" not in body
    assert response.context["page"].paginator.count == 0


def test_an_unknown_provider_kind_lists_no_provider(client, world, caseworker):
    client.force_login(caseworker)
    body = client.get(reverse("rehab:provider_list")).content.decode()
    assert "样例托养机构" in body
    response = client.get(reverse("rehab:provider_list"), {"kind": "bogus"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="filter-errors"' in body
    assert "样例托养机构" not in body


@pytest.mark.parametrize("name", PERSON_LISTS)
def test_liaison_naming_another_township_sees_an_error_and_nothing(client, world, name):
    client.force_login(world.users[Role.LIAISON])
    response = client.get(_url(world, name), {"township": world.other_township.pk, "year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body
    assert "甲" not in body and "乙" not in body
    own = client.get(_url(world, name), {"township": world.township.pk, "year": 2026}).content.decode()
    assert "filter-errors" not in own and "甲" in own and "乙" not in own


@pytest.mark.parametrize("name", PERSON_LISTS[:-1])
def test_liaison_cannot_export_another_township(client, world, name):
    client.force_login(world.users[Role.LIAISON])
    before = SensitiveAccess.objects.count()
    response = client.get(_url(world, name), {"township": world.other_township.pk, "year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "乙" not in response.content.decode()
    assert SensitiveAccess.objects.count() == before


def test_a_valid_choice_filters(client, world, caseworker):
    client.force_login(caseworker)
    body = client.get(reverse("rehab:need_list"), {"status": "open", "year": 2026}).content.decode()
    assert "甲" in body and "乙" in body
    body = client.get(reverse("rehab:need_list"), {"status": "met", "year": 2026}).content.decode()
    assert "filter-errors" not in body and "甲" not in body and "乙" not in body


def _sheet_rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def _person_name(obj):
    return obj.person.name


EXPORTS = [
    ("rehab:need_list", "rehab-needs.xlsx", 1),
    ("rehab:service_list", "rehab-services.xlsx", 1),
    ("rehab:fitting_list", "rehab-fittings.xlsx", 1),
    ("rehab:plan_list", "rehab-home-care-plans.xlsx", 1),
    ("rehab:child_list", "rehab-child-rescue.xlsx", 1),
    ("rehab:renovation_list", "rehab-renovations.xlsx", 3),
]


@pytest.mark.parametrize(("name", "filename", "name_column"), EXPORTS)
@pytest.mark.parametrize("narrow", [True, False])
def test_each_export_is_the_filtered_list(client, world, caseworker, name, filename, name_column, narrow):
    client.force_login(caseworker)
    params = {"year": 2026} if name != "rehab:fitting_list" and name != "rehab:plan_list" else {}
    if narrow:
        params["township"] = world.other_township.pk
    page = client.get(reverse(name), params).context["page"]
    shown = [_person_name(obj) for obj in page.object_list]
    response = client.get(reverse(name), {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert filename in response["Content-Disposition"]
    exported = [row[name_column] for row in _sheet_rows(response)[1:]]
    assert exported == shown
    assert sorted(shown) == (["乙"] if narrow else ["乙", "甲"])


def test_survey_export_is_the_filtered_records(client, world, caseworker):
    from rehab.models import SurveyRecord

    for person in (world.person, world.other_person):
        SurveyRecord.objects.create(
            survey_round=world.rehab_round,
            person=person,
            township=person.township,
            contact_method="home",
            visited_on=date(2026, 2, 1),
        )
    client.force_login(caseworker)
    url = reverse("rehab:survey_round_detail", args=[world.rehab_round.pk])
    rows = _sheet_rows(client.get(url, {"format": "xlsx", "township": world.other_township.pk}))
    assert [row[1] for row in rows[1:]] == ["乙"]
    rows = _sheet_rows(client.get(url, {"format": "xlsx"}))
    assert sorted(row[1] for row in rows[1:]) == ["乙", "甲"]


def test_a_full_number_export_is_audited_once(client, world, caseworker):
    client.force_login(caseworker)
    before = SensitiveAccess.objects.count()
    response = client.get(reverse("rehab:need_list"), {"format": "xlsx", "year": 2026})
    rows = _sheet_rows(response)
    if has_perm(caseworker, Perm.PERSON_REVEAL):
        assert SensitiveAccess.objects.count() == before + 1
        assert SensitiveAccess.objects.latest("pk").detail == "康复导出：康复需求"
        assert {row[2] for row in rows[1:]} == {world.person.id_number, world.other_person.id_number}
    else:
        assert SensitiveAccess.objects.count() == before


def test_liaison_survey_export_is_their_township(client, world):
    from rehab.models import SurveyRecord

    for person in (world.person, world.other_person):
        SurveyRecord.objects.create(
            survey_round=world.rehab_round,
            person=person,
            township=person.township,
            contact_method="phone",
            visited_on=date(2026, 2, 1),
        )
    client.force_login(world.users[Role.LIAISON])
    url = reverse("rehab:survey_round_detail", args=[world.rehab_round.pk])
    rows = _sheet_rows(client.get(url, {"format": "xlsx"}))
    assert [row[1] for row in rows[1:]] == ["甲"]
    response = client.get(url, {"format": "xlsx", "township": world.other_township.pk})
    assert response["Content-Type"].startswith("text/html") and "乙" not in response.content.decode()


def test_survey_state_filter(client, world, caseworker):
    from rehab.models import SurveyRecord

    SurveyRecord.objects.create(
        survey_round=world.rehab_round,
        person=world.person,
        township=world.township,
        contact_method="home",
        visited_on=date(2026, 2, 1),
    )
    client.force_login(caseworker)
    url = reverse("rehab:survey_person_list", args=[world.rehab_round.pk])
    done = client.get(url, {"state": "done"}).content.decode()
    todo = client.get(url, {"state": "todo"}).content.decode()
    assert "甲" in done and "乙" not in done
    assert "乙" in todo and "甲" not in todo
