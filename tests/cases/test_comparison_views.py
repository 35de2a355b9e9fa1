"""Comparison pages: upload as county staff, the liaison's township-only view, deselecting with a reason, the
second-person rule on the page, templates per kind, the result workbook."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.comparison.schema import COLUMNS
from cases.models import Comparison, ComparisonOrigin, ComparisonStatus
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from tests.factories import CertificateFactory, PersonFactory

from .comparison_fixtures import compare, list_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_deaths(village, other_village, users):
    here = PersonFactory(village=village, name="本镇死者")
    there = PersonFactory(village=other_village, name="外镇死者")
    CertificateFactory(person=here)
    content = list_file(
        "deaths",
        {"身份证号": here.id_number, "姓名": here.name, "死亡日期": "2026-01-02"},
        {"身份证号": there.id_number, "姓名": there.name, "死亡日期": "2026-01-03"},
        {"身份证号": "11010519491231002X", "姓名": "外县人", "死亡日期": "2026-01-04"},
    )
    comparison = compare("deaths", content, user=users[Role.CASEWORKER], origin=ComparisonOrigin.WEB)
    return comparison, here, there


@pytest.mark.parametrize("kind", ["deaths", "moves", "poverty", "injury"])
def test_template_per_kind_has_the_contract_header_text_ids_and_drop_downs(client, caseworker, kind):
    from cases.comparison.schema import injury_supported

    client.force_login(caseworker)
    response = client.get(reverse("cases:comparison_template"), {"kind": kind})
    if kind == "injury" and not injury_supported():
        assert response.status_code == 404
        return
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == COLUMNS[kind]
    assert sheet["A2"].number_format == "@"
    validations = [dv for dv in sheet.data_validations.dataValidation]
    assert bool(validations) == (kind == "poverty")


def test_upload_starts_the_compare_job_and_shows_progress(client, caseworker, village):
    person = PersonFactory(village=village)
    client.force_login(caseworker)
    content = list_file("deaths", {"身份证号": person.id_number, "姓名": person.name, "死亡日期": "2026-01-02"})
    upload = io.BytesIO(content)
    upload.name = "死亡名单.xlsx"
    response = client.post(
        reverse("cases:comparison_list"),
        {
            "kind": "deaths",
            "source": "县公安局 2026 年 1 月死亡名单",
            "as_of": local_today().isoformat(),
            "file": upload,
        },
    )
    comparison = Comparison.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/comparisons/{comparison.pk}/")
    assert comparison.status == ComparisonStatus.COMPARING and comparison.compare_job.kind == "comparison.compare"
    page = client.get(response["Location"]).content.decode()
    assert f"job-progress-{comparison.compare_job.pk}" in page


def test_upload_needs_a_source(client, caseworker):
    client.force_login(caseworker)
    upload = io.BytesIO(list_file("deaths"))
    upload.name = "a.xlsx"
    response = client.post(
        reverse("cases:comparison_list"), {"kind": "deaths", "source": "", "as_of": "2026-01-01", "file": upload}
    )
    assert response.status_code == 200 and Comparison.objects.count() == 0


def test_county_staff_see_every_finding_the_unmatched_and_the_effect(client, users, two_deaths):
    comparison, here, there = two_deaths
    client.force_login(users[Role.REVIEWER])
    body = client.get(reverse("cases:comparison_detail", args=[comparison.pk])).content.decode()
    assert here.name in body and there.name in body
    assert 'data-testid="unmatched"' in body and "1101**********002X" in body and "11010519491231002X" not in body
    assert here.id_number not in body  # masked as everywhere
    assert "不影响补贴发放" in body
    assert 'data-testid="apply-button"' in body


def test_the_uploader_is_told_a_second_person_applies(client, users, two_deaths):
    comparison, _here, _there = two_deaths
    client.force_login(users[Role.CASEWORKER])
    body = client.get(reverse("cases:comparison_detail", args=[comparison.pk])).content.decode()
    assert 'data-testid="apply-button"' not in body and "另一位工作人员" in body
    response = client.post(reverse("cases:comparison_apply", args=[comparison.pk]))
    assert response.status_code == 302
    comparison.refresh_from_db()
    assert comparison.status == ComparisonStatus.READY and comparison.apply_job is None


def test_liaison_sees_only_their_townships_findings(client, liaison, two_deaths):
    comparison, here, there = two_deaths
    client.force_login(liaison)
    listing = client.get(reverse("cases:comparison_list")).content.decode()
    assert comparison.source in listing and "死亡名单.xlsx" not in listing
    body = client.get(reverse("cases:comparison_detail", args=[comparison.pk])).content.decode()
    assert here.name in body and there.name not in body
    assert 'data-testid="unmatched"' not in body and "外县人" not in body
    assert 'data-testid="apply-button"' not in body
    assert client.get(reverse("cases:comparison_result", args=[comparison.pk])).status_code == 403
    assert client.post(reverse("cases:comparison_apply", args=[comparison.pk])).status_code == 403


def test_deselect_with_a_reason_from_the_page(client, users, two_deaths):
    comparison, here, _there = two_deaths
    finding = comparison.findings.get(person=here)
    client.force_login(users[Role.REVIEWER])
    url = reverse("cases:finding_deselect", args=[comparison.pk, finding.pk])
    client.post(url, {"reason": ""})
    finding.refresh_from_db()
    assert finding.selected
    response = client.post(url, {"reason": "公安复核中"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert not finding.selected and finding.deselect_reason == "公安复核中"
    assert finding.deselected_by == users[Role.REVIEWER]
    body = client.get(response["Location"]).content.decode()
    assert "公安复核中" in body and "恢复采用" in body


def test_result_workbook_lists_findings_unmatched_and_masks_numbers(client, users, two_deaths):
    comparison, here, there = two_deaths
    client.force_login(users[Role.CASEWORKER])
    response = client.get(reverse("cases:comparison_result", args=[comparison.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    findings = [row for row in workbook["差异"].iter_rows(min_row=2, values_only=True)]
    assert {row[3] for row in findings} == {here.name, there.name}
    assert all("*" in row[4] for row in findings)
    unmatched = list(workbook["未匹配"].iter_rows(min_row=2, values_only=True))
    assert unmatched[0][:2] == (4, "外县人") and unmatched[0][2] == "1101**********002X"


def test_history_lists_every_comparison_with_counts(client, users, two_deaths):
    comparison, _here, _there = two_deaths
    client.force_login(users[Role.CASEWORKER])
    body = client.get(reverse("cases:comparison_list")).content.decode()
    assert 'data-testid="comparison-history"' in body and comparison.source in body
    assert reverse("cases:comparison_result", args=[comparison.pk]) in body
