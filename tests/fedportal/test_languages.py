import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans"' in body
    assert '<h1 class="h4 mb-3">登录</h1>' in body


def test_english_is_selectable_and_translated(client, caseworker):
    with translation.override("en"):
        login_en = translation.gettext("登录")
        people_en = translation.gettext("残疾人登记")
    assert login_en != "登录" and re.fullmatch(r"[\x20-\x7e]+", login_en)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en"' in body
    assert login_en in body
    client.force_login(caseworker)
    assert people_en in client.get(reverse("home")).content.decode()


def test_every_catalog_entry_is_translated():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [
        e.splitlines()[-2:] for e in entries if e.rstrip().endswith('msgstr ""') and "msgid_plural" not in e
    ]
    assert not untranslated, untranslated[:5]
    fuzzy = [e.splitlines()[-2:] for e in entries if "#, fuzzy" in e]
    assert not fuzzy, fuzzy[:5]
