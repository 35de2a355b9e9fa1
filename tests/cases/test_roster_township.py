"""County staff may upload a roster as one township's upload (the browser's --township); liaisons never choose."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html
from openpyxl import load_workbook

from cases.models import RosterImport, RosterStatus
from cases.rosters.services import roster_upload
from fedportal.jobs.services import job_execute

from .roster_fixtures import person_row, persons_file

pytestmark = pytest.mark.django_db

OTHER_ROW = {"乡镇(街道)": "向塘镇", "村(社区)": "向塘村"}


def upload(client, content, *, kind="persons", township=None):
    data = {"kind": kind, "file": SimpleUploadedFile("花名册.xlsx", content, content_type="application/octet-stream")}
    if township is not None:
        data["township"] = township
    return client.post(reverse("cases:roster_list"), data)


def township_select(client):
    document = html.fromstring(client.get(reverse("cases:roster_list")).content.decode())
    return document.xpath('//select[@name="township"]'), document


def test_county_staff_see_a_labelled_township_select(client, caseworker, township, other_township):
    client.force_login(caseworker)
    selects, document = township_select(client)
    assert len(selects) == 1
    select = selects[0]
    label = document.xpath(f'//label[@for="{select.get("id")}"]')
    assert label and label[0].text_content().strip() == "乡镇(街道)"
    options = [(option.get("value"), option.text_content()) for option in select.xpath("./option")]
    assert options[0] == ("", "全县")
    assert (str(township.pk), "莲塘镇") in options and (str(other_township.pk), "向塘镇") in options


def test_liaison_sees_no_township_select(client, liaison, other_township):
    client.force_login(liaison)
    selects, _ = township_select(client)
    assert selects == []


def test_county_upload_without_township_is_county_wide(client, caseworker, village, other_village):
    client.force_login(caseworker)
    upload(client, persons_file(person_row(1), person_row(2, **OTHER_ROW)))
    roster = RosterImport.objects.get()
    assert roster.township is None and roster.validate_job.township is None
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.VALID and roster.rows == 2


def test_county_upload_for_a_township_is_checked_as_that_townships(
    client, caseworker, township, village, other_village
):
    client.force_login(caseworker)
    response = upload(client, persons_file(person_row(1), person_row(2, **OTHER_ROW)), township=township.pk)
    roster = RosterImport.objects.get()
    assert response.status_code == 302 and roster.township == township and roster.validate_job.township == township
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.INVALID and (roster.valid_rows, roster.invalid_rows) == (1, 1)
    # The CLI's --township message, from the same validation.
    [issue] = [issue for issue in roster.issues if issue["level"] == "error"]
    assert issue["row"] == 3 and issue["column"] == "乡镇(街道)"
    assert issue["message"].startswith("只能导入本乡镇（莲塘镇）")
    # The history shows the upload's township; the report too.
    assert "莲塘镇" in client.get(reverse("cases:roster_list")).content.decode()
    assert "莲塘镇" in client.get(reverse("cases:roster_detail", args=[roster.pk])).content.decode()


def test_history_shows_county_wide_uploads_as_such(client, caseworker, township, village):
    client.force_login(caseworker)
    upload(client, persons_file(person_row(1)))
    upload(client, persons_file(person_row(2)), township=township.pk)
    document = html.fromstring(client.get(reverse("cases:roster_list")).content.decode())
    header = [cell.text_content().strip() for cell in document.xpath("//table//thead//th")]
    column = header.index("乡镇(街道)")
    places = sorted(row.xpath("./td")[column].text_content().strip() for row in document.xpath("//table//tbody/tr"))
    assert places == ["全县", "莲塘镇"]


def test_enrollments_for_a_township_are_refused_like_the_cli(client, caseworker, township):
    client.force_login(caseworker)
    response = upload(client, persons_file(person_row(1)), kind="enrollments", township=township.pk)
    assert response.status_code == 200 and "补贴对象花名册只能由县残联工作人员导入。" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_an_unknown_township_is_a_form_error(client, caseworker, village):
    client.force_login(caseworker)
    response = upload(client, persons_file(person_row(1)), township="999999")
    assert response.status_code == 200 and 'id="township-errors"' in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_liaisons_forged_township_is_ignored(client, liaison, other_township, village, other_village):
    client.force_login(liaison)
    response = upload(client, persons_file(person_row(1), person_row(2, **OTHER_ROW)), township=other_township.pk)
    roster = RosterImport.objects.get()
    assert response.status_code == 302 and roster.township == liaison.township
    job_execute(roster.validate_job_id)
    roster.refresh_from_db()
    assert roster.invalid_rows == 1  # still bound to their own township


def test_the_service_refuses_a_liaison_another_township(liaison, township, other_township):
    with pytest.raises(PermissionDenied):
        roster_upload(
            kind="persons",
            filename="x.xlsx",
            content=persons_file(person_row(1)),
            acting_user=liaison,
            township=other_township,
        )
    assert not RosterImport.objects.exists()
    roster = roster_upload(
        kind="persons", filename="x.xlsx", content=persons_file(person_row(1)), acting_user=liaison, township=township
    )
    assert roster.township == township


def _template_lists(response) -> dict[str, list]:
    lists = load_workbook(io.BytesIO(response.content))["选项"]
    return {
        column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
        for column in lists.iter_cols(min_row=1)
    }


def test_persons_template_for_a_chosen_township(client, caseworker, township, other_township, village, other_village):
    client.force_login(caseworker)
    url = reverse("cases:roster_template")
    county = _template_lists(client.get(url + "?kind=persons"))
    assert {"莲塘镇", "向塘镇"} <= set(county["乡镇(街道)"]) and {"莲塘村", "向塘村"} <= set(county["村(社区)"])

    response = client.get(url + f"?kind=persons&township={other_township.pk}")
    assert response.status_code == 200 and "%E5%90%91%E5%A1%98%E9%95%87" in response["Content-Disposition"]
    chosen = _template_lists(response)
    assert chosen["乡镇(街道)"] == ["向塘镇"] and chosen["村(社区)"] == ["向塘村"]
    sample = load_workbook(io.BytesIO(response.content))["填写示例"]
    assert [cell.value for cell in sample[2]][4:6] == ["向塘镇", "向塘村"]

    assert client.get(url + "?kind=persons&township=999999").status_code == 404
    assert client.get(url + "?kind=persons&township=abc").status_code == 404
    # The enrollments template has no township columns: the parameter does not matter there.
    assert client.get(url + f"?kind=enrollments&township={other_township.pk}").status_code == 200


def test_a_liaisons_template_stays_their_own(client, liaison, other_township, village, other_village):
    client.force_login(liaison)
    response = client.get(reverse("cases:roster_template") + f"?kind=persons&township={other_township.pk}")
    assert response.status_code == 200
    lists = _template_lists(response)
    assert lists["乡镇(街道)"] == ["莲塘镇"] and "向塘村" not in lists["村(社区)"]


def test_the_template_link_follows_a_posted_township(client, caseworker, township):
    client.force_login(caseworker)
    response = upload(client, b"x", kind="enrollments", township=township.pk)  # refused: the page is shown again
    link = html.fromstring(response.content.decode()).xpath('//a[@id="persons-template-link"]')[0]
    assert link.get("href").endswith(f"?kind=persons&township={township.pk}")
    assert link.get("data-href").endswith("?kind=persons")


@pytest.mark.browser
def test_choosing_a_township_updates_the_template_link(page, login, caseworker, township, other_township):
    login(caseworker)
    page.goto("/persons/rosters/")
    link = page.locator("#persons-template-link")
    assert link.get_attribute("href").endswith("?kind=persons")
    page.get_by_label("乡镇(街道)").select_option(label="向塘镇")
    assert link.get_attribute("href").endswith(f"?kind=persons&township={other_township.pk}")
    page.get_by_label("乡镇(街道)").select_option(label="全县")
    assert link.get_attribute("href").endswith("?kind=persons")


@pytest.mark.django_db
def test_a_liaison_does_not_see_a_county_upload_checked_as_their_township(users, township):
    """Such a file may hold rows of other townships; only uploads by the township's own users are theirs."""
    from django.core.files.base import ContentFile

    from cases.models import RosterImport
    from cases.rosters.selectors import roster_list_for_user
    from fedportal.accounts.models import Role

    county = RosterImport(kind="persons", original_name="x.xlsx", township=township, uploaded_by=users[Role.CASEWORKER])
    county.file.save("x.xlsx", ContentFile(b"x"))
    own = RosterImport(kind="persons", original_name="y.xlsx", township=township, uploaded_by=users[Role.LIAISON])
    own.file.save("y.xlsx", ContentFile(b"y"))
    assert list(roster_list_for_user(user=users[Role.LIAISON])) == [own]
    assert set(roster_list_for_user(user=users[Role.CASEWORKER])) == {county, own}
