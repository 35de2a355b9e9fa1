import copy

import pytest
from django.urls import reverse

from cases import person_panels
from cases.person_panels import PersonPanel, register_person_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_panel(monkeypatch, tmp_path, settings):
    monkeypatch.setattr(person_panels, "_PANELS", [])
    (tmp_path / "panel.html").write_text("<p data-testid='panel'>{{ person.name }}：{{ message }}</p>")
    # Assign a copy (never mutate in place): the assignment resets Django's template engines and is undone after.
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates

    @register_person_panel(order=10)
    def enrollments(request, person):
        return PersonPanel(title="补贴", template="panel.html", context={"message": "生活补贴"})

    @register_person_panel(order=20)
    def hidden(request, person):
        return None


def test_panels_render_on_person_page(client, caseworker, person, registered_panel):
    client.force_login(caseworker)
    body = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "张三：生活补贴" in body and 'data-panel="enrollments"' in body


def test_reveal_needs_post(client, caseworker, person):
    client.force_login(caseworker)
    assert client.get(reverse("cases:person_reveal", args=[person.pk, "phone"])).status_code == 405
