"""English pages carry no Chinese words of the portal's own: every label, choice, message, chart legend and data
vocabulary (programs, categories, grades, job phases) goes through the catalogs. What stays Chinese is what people
typed: names of persons, places, providers and their free text."""

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from lxml import html

from fedportal.accounts.models import Role

from .test_permissions_walk import _all_url_names
from .world import build_world, collect_samples

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# The audit log shows what was recorded in the words it was recorded with (stored free text, shortened).
SKIP = {
    "audit:event_list",
    "audit:sensitive_access_list",
    "set_language",
    "healthz",
    "accounts:logout",
    "cases:person_pdf",
    "certificates:application_form_pdf",
}


@pytest.fixture
def world(users, township, other_township, village, other_village):
    return build_world(
        users=users, township=township, other_township=other_township, village=village, other_village=other_village
    )


def typed_values() -> list[str]:
    """Every free-text value people entered (names, addresses, notes): a CharField or TextField without choices.
    Longest first, so a name is removed before a shorter name inside it."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {
            "cases",
            "certificates",
            "subsidies",
            "rehab",
            "accounts",
            "dashboards",
            "audit",
            "community",
        }:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "code"
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            values.update(v for v in row if v and HAN.search(v))
    return sorted(values, key=len, reverse=True)


def visible_text(body: str) -> str:
    if not body.strip():
        return ""  # an htmx fragment with nothing to show yet (the person picker before a query)
    document = html.fromstring(body)
    for node in document.xpath("//script | //style | //*[starts-with(@lang, 'zh')]"):
        node.drop_tree()
    parts = [document.text_content()]
    for attribute in ("aria-label", "title", "placeholder", "alt", "value", "data-label"):
        parts += [
            element.get(attribute)
            for element in document.xpath(f"//*[@{attribute}]")
            if not (element.tag == "input" and element.get("type") == "hidden")
        ]
    return "\n".join(parts)


def han_in_english(body: str, typed: list[str]) -> set[str]:
    text = visible_text(body)
    for value in typed:
        text = text.replace(value, " ")
    return set(HAN.findall(text))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.LIAISON, Role.LEADER, Role.FINANCE])
def test_english_pages_have_no_untranslated_chinese(client, world, role):
    own_samples, _foreign = collect_samples(world)
    client.force_login(world.users[role])
    client.cookies["django_language"] = "en"
    typed = typed_values()
    found: dict[str, set[str]] = {}
    checked = 0
    for name in _all_url_names():
        if name in SKIP or (name.startswith("jobs:job_") and name != "jobs:job_list"):
            continue
        try:
            url = reverse(name, kwargs=own_samples.get(name) or {})
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        words = han_in_english(response.content.decode(), typed)
        if words:
            found[name] = words
    assert checked >= 10
    assert not found, "\n".join(f"{name}: {' '.join(sorted(words))}" for name, words in sorted(found.items()))


def test_the_checker_sees_chinese_and_spares_typed_names():
    body = '<html lang="en"><body><p>Name 张三</p><p>状态</p><option lang="zh-hans">简体中文</option></body></html>'
    assert han_in_english(body, ["张三"]) == {"状态"}
    assert han_in_english("<html><body>Role：x</body></html>", []) == {"："}
