"""Every response carries a Content-Security-Policy without inline script or style, a Permissions-Policy and the
Referrer-Policy; the templates keep to it (no inline <script>, no on*= handlers, no style attributes or elements,
no javascript: links), so the policy breaks nothing."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from fedportal.accounts.models import Role

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# PDFs are drawn by WeasyPrint on the server, never shown as pages: their <style> is no browser's business.
PDF_TEMPLATES = re.compile(r"(_pdf\.html$|/pdf/)")


def page_templates():
    return [path for path in sorted(TEMPLATES.rglob("*.html")) if not PDF_TEMPLATES.search(path.as_posix())]


def directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.CASEWORKER, Role.LIAISON, Role.ADMIN])
def test_every_response_has_the_headers(client, users, role):
    if role:
        client.force_login(users[role])
    for url in (reverse("accounts:login"), reverse("home"), "/no-such-page/", reverse("admin:index")):
        response = client.get(url)
        csp = directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert not [value for values in csp.values() for value in values if "unsafe" in value]
        permissions = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in permissions
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_portal_page_tells_htmx_to_add_no_style(client, users):
    client.force_login(users[Role.CASEWORKER])
    body = client.get(reverse("home")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in body
    assert 'src="/static/js/navbar.js"' in body


def test_no_template_has_inline_script_handlers_or_styles():
    found = []
    for path in page_templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES).as_posix()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                found.append(f"{name}: inline {match.group(0)}")
        for match in re.finditer(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", text):
            found.append(f"{name}: event handler attribute in {match.group(0)[:60]}")
        for match in re.finditer(r"\sstyle\s*=|<style\b", text):
            found.append(f"{name}: style at {text[max(0, match.start() - 30) : match.end() + 20]!r}")
        if re.search(r"""href\s*=\s*["']\s*javascript:""", text, re.IGNORECASE):
            found.append(f"{name}: javascript: link")
        if re.search(r"""hx-trigger="[^"]*\[""", text):
            found.append(f"{name}: htmx trigger filter (needs eval)")
    assert found == []


def test_no_python_builds_html_with_style_attributes():
    found = []
    for app in ("fedportal", "cases", "certificates", "subsidies", "rehab", "community", "dashboards"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"""\sstyle=\\?["']|<script>""", text):
                found.append(path.as_posix())
    assert found == []
