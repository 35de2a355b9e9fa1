"""Walk every page, htmx partial and download of every role over the test world (tests/world.py) and look for what
must never be in a response:

- a full ID number, phone number or account number of a world person (the access layer masks them; only the
  explicit, logged reveal and the edit form of someone who may edit show one);
- for a role that may not reveal (the leader), a masked ID number in the same response as its holder's birth date
  (Y-m-d or 1950年1月1日): the hidden digits of an ID number are the county code and the birth date, so the two
  together give the number back. Such roles see the age instead.

PDF downloads are read with pypdf and XLSX downloads with openpyxl.
"""

import io
import re

import pytest
from django.urls import reverse

from cases.models import Person
from fedportal.accounts.models import Role
from fedportal.accounts.permissions import Perm, has_perm
from fedportal.jobs.models import Job
from subsidies.models import PaymentLine

from .test_permissions_walk import _all_url_names, world  # noqa: F401 - the module's world fixture

# Views whose purpose is to show a full number to someone allowed to see it, each logged (fedportal.audit):
# the htmx reveal of one field, and the edit form of a person (the form must hold the number it edits).
SHOWS_FULL_NUMBERS_BY_DESIGN = {"cases:person_reveal", "cases:person_edit"}
# Original files as another agency sent them (a comparison list): full numbers by nature, for county staff only.
ORIGINAL_UPLOADS = {"cases:comparison_file"}
# Query strings that make a page show people (a search, the picker's results).
QUERIES = {
    "cases:person_list": "?q=本镇",
    "cases:person_pick": "?pick_q=本镇",
    "rehab:person_search": "?q=本镇",
}


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    raw = body.decode(errors="replace")
    try:
        if "pdf" in content_type:
            from pypdf import PdfReader

            return raw + "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        if "spreadsheet" in content_type:
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(body), read_only=True)
            return "\n".join(
                " ".join("" if cell is None else str(cell) for cell in row)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
            )
    except Exception:  # noqa: BLE001 - a sample file that is not a real PDF/workbook: its bytes are still searched
        return raw
    return raw


def _secrets() -> dict[str, str]:
    """Every full number of the world's people (and the payment lines' frozen copies), with what it is."""
    secrets = {}
    for person in Person.objects.all():
        for field in ("id_number", "phone", "guardian_phone", "social_security_card"):
            value = getattr(person, field)
            if value and len(value) >= 7:
                secrets[value] = f"{field} of {person.name}"
    for line in PaymentLine.objects.exclude(account="").exclude(account__isnull=True):
        secrets[line.account] = f"account of payment line {line.pk}"
    return secrets


def _birth_patterns(person) -> list[str]:
    day = person.birth_date
    return [f"{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}"]


def _masked_beside_birth(person, text: str) -> bool:
    """A masked form of the person's ID number (its last four digits after a run of '*') with the birth date."""
    last4 = re.escape(person.id_number[-4:])
    if not re.search(rf"\*{{4,}}{last4}", text):
        return False
    return any(pattern in text for pattern in _birth_patterns(person))


@pytest.fixture(scope="module")
def privacy_world(world, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        for index, person in enumerate(Person.objects.order_by("pk")):
            Person.objects.filter(pk=person.pk).update(
                social_security_card=f"62170000{index:08d}",
                guardian_phone=f"1370000{index:04d}",
                guardian_name=person.guardian_name or "监护人",
            )
    return world


def _walk(client, the_world, name, role) -> list[str]:
    own_samples, _foreign = the_world.samples
    user = the_world.users[role]
    client.force_login(user)
    samples = dict(own_samples)
    if name.startswith("jobs:job_") and name != "jobs:job_list":
        job = Job.objects.create(kind="system.selftest", created_by=user, status="failed")
        samples[name] = {"job_id": job.pk}
    try:
        url = reverse(name)
    except Exception:  # noqa: BLE001 - needs kwargs
        url = reverse(name, kwargs=samples[name])
    url += QUERIES.get(name, "")
    problems = []
    secrets = _secrets()
    persons = list(Person.objects.all())
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(url, **headers)
        if response.status_code != 200:
            continue
        text = _text(response)
        for value, what in secrets.items():
            if value in text:
                problems.append(f"{name} as {role}{' (htmx)' if headers else ''}: full {what}")
        if re.search(r"""(href|hx-get|action)="[^"]*[?&](amp;)?id_number=""", text):
            problems.append(f"{name} as {role}: a link carries an ID number (link by id)")
        if not has_perm(user, Perm.PERSON_REVEAL):
            for person in persons:
                if _masked_beside_birth(person, text):
                    problems.append(f"{name} as {role}: masked ID of {person.name} beside the birth date")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        name
        for name in _all_url_names()
        if name not in SHOWS_FULL_NUMBERS_BY_DESIGN | ORIGINAL_UPLOADS | {"set_language", "accounts:logout", "healthz"}
    ],
)
def test_no_page_shows_a_full_number_or_a_masked_id_beside_the_birth_date(client, privacy_world, name):
    problems = []
    for role in Role:
        problems += _walk(client, privacy_world, name, role)
    assert not problems, "\n".join(sorted(set(problems)))


def _file_text(job) -> str:
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    with job.result_file.open("rb") as handle:
        body = handle.read()
    name = job.result_file.name
    content_type = "spreadsheet" if name.endswith(".xlsx") else "pdf" if name.endswith(".pdf") else "text"

    class _Response(dict):
        streaming = False

    response = _Response({"Content-Type": content_type})
    response.content = body
    return _text(response)


@pytest.mark.django_db
def test_masked_exports_hold_no_full_number(privacy_world):
    """The person export (a job) without "full numbers" asked, as every role that may export: masked throughout."""
    from cases.exports import person_export_start
    from fedportal.jobs.services import job_execute

    secrets = _secrets()
    problems = []
    for role, user in privacy_world.users.items():
        if not has_perm(user, Perm.PERSON_EXPORT):
            continue
        job = person_export_start(acting_user=user, filters={}, reveal=False)
        job_execute(job.pk)
        text = _file_text(job)
        assert privacy_world.person.name in text  # the export did list the township's people
        problems += [f"person export as {role}: full {what}" for value, what in secrets.items() if value in text]
    assert not problems, "\n".join(problems)


def _url(the_world, name, user) -> str:
    own_samples, _foreign = the_world.samples
    try:
        return reverse(name)
    except Exception:  # noqa: BLE001 - needs kwargs
        if name.startswith("jobs:job_") and name != "jobs:job_list":
            job = Job.objects.create(kind="system.selftest", created_by=user, status="failed")
            return reverse(name, kwargs={"job_id": job.pk})
        return reverse(name, kwargs=own_samples[name])


def _search_views(the_world) -> dict[str, tuple[str, ...]]:
    """Every page whose search may hold a full number (fedportal/core/search_tokens.py), with its search fields."""
    from django.urls import resolve

    admin = the_world.users[Role.ADMIN]
    views = {}
    for name in _all_url_names():
        fields = getattr(resolve(_url(the_world, name, admin).split("?")[0]).func, "search_token_fields", ())
        if fields:
            views[name] = fields
    return views


@pytest.mark.django_db
def test_a_full_id_searched_on_any_list_stays_out_of_urls_and_pages(client, privacy_world):
    """Every token search page, as every role that may open it: a world person's full ID number searched with the
    page's form lands in no URL (the redirect, the links, the pagination), and the result page shows no full number
    besides the search box echoing what was typed."""
    views = _search_views(privacy_world)
    assert {"cases:person_list", "audit:event_list", "certificates:certificate_list"} <= set(views)
    number = privacy_world.person.id_number
    secrets = _secrets()
    problems, found = [], set()
    for name, fields in views.items():
        for role, user in privacy_world.users.items():
            client.force_login(user)
            url = _url(privacy_world, name, user)
            response = client.post(url, {field: number for field in fields})
            if response.status_code != 302:
                continue  # not this role's page (403/404)
            location = response["Location"]
            problems += [
                f"{name} as {role}: full {what} in the redirect" for v, what in secrets.items() if v in location
            ]
            page = client.get(location)
            if page.status_code != 200:
                continue
            text = _text(page).replace(f'value="{number}"', "")
            if privacy_world.person.name in text:
                found.add((name, role))
            problems += [f"{name} as {role}: full {what} in the page" for v, what in secrets.items() if v in text]
            links = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', text)
            problems += [f"{name} as {role}: a link carries {link}" for link in links if number in link]
    assert not problems, "\n".join(sorted(set(problems)))
    # The searches did find the person: the same results as a ?q=<ID number> gave before.
    assert {("cases:person_list", Role.CASEWORKER), ("cases:person_list", Role.LEADER)} <= found
    assert ("certificates:certificate_list", Role.CASEWORKER) in found


@pytest.mark.django_db
def test_no_url_is_served_with_a_full_number_in_its_query_string(client, privacy_world):
    """Whatever the page, a query string holding a full number is refused (400) — never rendered, never logged as a
    served page — and a search page's own field is sent through the token instead."""
    admin = privacy_world.users[Role.ADMIN]
    client.force_login(admin)
    number = privacy_world.person.id_number
    problems = []
    for name in _all_url_names():
        if name in {"set_language", "accounts:logout", "healthz"}:
            continue
        response = client.get(_url(privacy_world, name, admin), {"probe": number})
        if response.status_code != 400:
            problems.append(f"{name}: {response.status_code} for ?probe=<full ID>")
    assert not problems, "\n".join(problems)
