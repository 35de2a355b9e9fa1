"""Every page that a signed-in user can open is checked for the basics of WCAG that code can see:
a language, one main heading, a label on every form field, a caption on every data table, alt text on images,
and no link or button without an accessible name."""

import pytest
from django.urls import NoReverseMatch, reverse
from lxml import html

from fedportal.accounts.models import Role

from .test_permissions_walk import _all_url_names
from .world import build_world, collect_samples

SKIP = {"set_language", "healthz", "accounts:logout"}


@pytest.fixture
def world(users, township, other_township, village, other_village):
    return build_world(
        users=users, township=township, other_township=other_township, village=village, other_village=other_village
    )


def _accessible_name(element, document) -> bool:
    if element.get("aria-label", "").strip() or element.get("aria-labelledby") or element.get("title", "").strip():
        return True
    element_id = element.get("id")
    if element_id and document.xpath(f'//label[@for="{element_id}"]'):
        return True
    return any(ancestor.tag == "label" for ancestor in element.iterancestors())


def page_problems(body: str) -> list[str]:
    document = html.fromstring(body)
    problems = []
    if not document.get("lang"):
        problems.append("<html> has no lang")
    if len(document.xpath("//h1")) < 1:
        problems.append("no <h1>")
    for field in document.xpath("//input | //select | //textarea"):
        if field.tag == "input" and field.get("type", "text") in ("hidden", "submit", "button", "reset", "image"):
            continue
        if not _accessible_name(field, document):
            problems.append(f"unlabelled <{field.tag} name={field.get('name')!r}>")
    for table in document.xpath("//table"):
        if not (table.xpath("./caption") or table.get("aria-label") or table.get("aria-labelledby")):
            problems.append("a <table> without <caption> or aria-label")
    for image in document.xpath("//img"):
        if image.get("alt") is None:
            problems.append(f"<img src={image.get('src')!r}> without alt")
    for control in document.xpath("//a[@href] | //button"):
        text = control.text_content().strip() or control.get("aria-label") or control.get("title")
        if not text and not control.xpath(".//*[@aria-label] | .//img[@alt!='']"):
            problems.append(f"<{control.tag}> without an accessible name: {html.tostring(control)[:80]!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.LIAISON, Role.LEADER])
def test_every_page_meets_the_basics(client, world, role):
    own_samples, _foreign = collect_samples(world)
    client.force_login(world.users[role])
    problems, checked = [], 0
    for name in _all_url_names():
        if name in SKIP or (name.startswith("jobs:job_") and name != "jobs:job_list"):
            continue
        try:
            url = reverse(name, kwargs=own_samples.get(name) or {})
        except NoReverseMatch:  # a URL without a sample is the walker's business
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        if "<html" not in body:
            continue  # an htmx fragment: checked inside its page
        checked += 1
        problems += [f"{name}: {problem}" for problem in page_problems(body)]
    assert checked >= 20, f"only {checked} pages were checked"
    assert not problems, "\n".join(sorted(set(problems)))


def test_login_page_meets_the_basics(client, db):
    assert page_problems(client.get(reverse("accounts:login")).content.decode()) == []


def test_the_checker_finds_what_it_looks_for():
    body = (
        '<html><body><input name="q"><table><tr><td>1</td></tr></table><img src="x.png"><a href="/x"></a></body></html>'
    )
    problems = page_problems(body)
    assert "<html> has no lang" in problems and "no <h1>" in problems
    assert "unlabelled <input name='q'>" in problems
    assert "a <table> without <caption> or aria-label" in problems
    assert any("without alt" in p for p in problems) and any("accessible name" in p for p in problems)
