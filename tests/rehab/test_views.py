"""Every rehab URL as every role (like the project's permission walker), scope by township, exports and the PDF."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fedportal.accounts.models import Role
from fedportal.accounts.permissions import has_perm
from rehab.models import Need, ServiceRecord

from . import url_samples

pytestmark = pytest.mark.django_db


def _patterns():
    from rehab import urls

    return {f"rehab:{p.name}": p.callback for p in urls.urlpatterns}


@pytest.mark.parametrize("role", [*Role, None])
def test_every_rehab_url_as_every_role(client, world, role):
    samples = url_samples.samples(world)
    if role is not None:
        client.force_login(world.users[role])
    for name, view in _patterns().items():
        url = reverse(name, kwargs=samples.get(name, {}))
        response = client.get(url)
        if role is None:
            assert response.status_code == 302, name
            continue
        allowed = all(has_perm(world.users[role], perm) for perm in view.required_perms)
        expected = {200, 302, 405} if allowed else {403, 404}
        assert response.status_code in expected, (name, role, response.status_code)


def test_liaison_gets_404_for_another_townships_records(client, world):
    client.force_login(world.users[Role.LIAISON])
    for name, kwargs in url_samples.foreign_samples(world).items():
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (403, 404), name
    for name in [
        "rehab:person_rehab",
        "rehab:need_detail",
        "rehab:fitting_detail",
        "rehab:plan_detail",
        "rehab:survey_record_edit",
    ]:
        response = client.get(reverse(name, kwargs=url_samples.foreign_samples(world)[name]))
        assert response.status_code == 404, name


def test_liaison_lists_show_only_their_township(client, world):
    client.force_login(world.users[Role.LIAISON])
    body = client.get(reverse("rehab:need_list")).content.decode()
    assert "甲" in body and "乙" not in body
    body = client.get(reverse("rehab:need_list"), {"township": world.other_township.pk}).content.decode()
    assert "乙" not in body
    body = client.get(reverse("rehab:indicators")).content.decode()
    assert world.township.name in body and world.other_township.name not in body
    body = client.get(reverse("rehab:survey_person_list", args=[world.rehab_round.pk])).content.decode()
    assert "甲" in body and "乙" not in body


def test_caseworker_records_a_need_through_the_form(client, world, caseworker):
    client.force_login(caseworker)
    url = reverse("rehab:need_create", args=[world.person.pk])
    response = client.post(url, {"need_type": "device", "recorded_on": "2026-02-01"})
    assert "请选择辅具类型" in response.content.decode()
    response = client.post(url, {"need_type": "device", "device_type": "walker", "recorded_on": "2026-02-01"})
    assert response.status_code == 302
    assert Need.objects.filter(person=world.person, device_type="walker").exists()


def test_expired_provider_message_on_the_form(client, world, caseworker, expired_supplier):
    client.force_login(caseworker)
    fitting = world.rehab_a["fitting"]
    client.post(reverse("rehab:fitting_assess", args=[fitting.pk]), {"assessed_on": "2026-01-06", "assessor": "王"})
    response = client.post(
        reverse("rehab:fitting_fit", args=[fitting.pk]), {"fitted_on": "2026-01-07", "supplier": expired_supplier.pk}
    )
    assert response.status_code == 200
    assert "服务合同已于2023-12-31到期" in response.content.decode()


def test_xlsx_export_masks_for_leader_and_neutralises_formulas(client, world, users):
    world.person.name = '=HYPERLINK("http://x")'
    world.person.save()
    client.force_login(users[Role.LEADER])
    response = client.get(reverse("rehab:need_list"), {"format": "xlsx", "year": 2026})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("乡镇(街道)", "姓名", "身份证号")
    names = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert all("*" in row[2] for row in rows[1:])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_every_export_opens(client, world, caseworker):
    client.force_login(caseworker)
    for name, kwargs in [
        ("rehab:need_list", {}),
        ("rehab:fitting_list", {}),
        ("rehab:plan_list", {}),
        ("rehab:child_list", {}),
        ("rehab:renovation_list", {}),
        ("rehab:service_list", {}),
        ("rehab:indicators", {}),
        ("rehab:spending", {}),
        ("rehab:survey_round_detail", {"pk": world.rehab_round.pk}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs), {"format": "xlsx", "year": 2026})
        assert response.status_code == 200, name
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_provider_statement_pdf(client, world, caseworker):
    ServiceRecord.objects.create(
        person=world.person,
        provider=world.rehab_provider,
        service_type="home_care",
        served_on=date(2026, 3, 5),
        amount=80,
        subsidy=80,
        description="上门服务",
    )
    client.force_login(caseworker)
    response = client.get(reverse("rehab:provider_statement", args=[world.rehab_provider.pk]), {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
