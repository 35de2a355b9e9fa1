import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from fedportal.accounts.models import Role

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account(client, users):
    url = reverse("accounts:login")
    for _ in range(5):
        response = client.post(url, {"username": "caseworker", "password": "wrong-password-1!"})
    response = client.post(url, {"username": "caseworker", "password": "Test-Password-2026!"})
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()


@pytest.mark.django_db
def test_a_correct_login_signs_in(client, users):
    response = client.post(reverse("accounts:login"), {"username": "caseworker", "password": "Test-Password-2026!"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "password, ok",
    [("short-1!", False), ("onlyletterslong", False), ("letters12345678", False), ("Good-Passw0rd-2026", True)],
)
def test_passwords_need_12_characters_letters_digits_and_symbols(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sessions_expire_after_30_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60


@pytest.mark.django_db
def test_a_working_session_is_kept_alive_without_a_write_per_request(client, users, monkeypatch):
    """The idle expiry moves forward once a minute at most; an idle session ends after the timeout."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from fedportal.accounts import sessions

    clock = [1_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("home")).status_code == 200
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    clock[0] += 30  # within the minute: no write
    Session.objects.filter(session_key=key).update(expire_date=first)  # a write would move this
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first

    clock[0] += 31  # a minute after the last refresh: the expiry moves forward
    before = timezone.now()
    assert client.get(reverse("home")).status_code == 200
    refreshed = Session.objects.get(session_key=key).expire_date
    assert refreshed > first and refreshed >= before + timedelta(seconds=settings.SESSION_COOKIE_AGE - 1)

    # Idle past the timeout: the session has expired and the next request goes to the login page.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    from django.core.cache import cache

    cache.delete(f"django.contrib.sessions.cached_db{key}")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_production_settings_pass_the_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "fedportal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "fedportal.settings", "DEBUG": "false"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_a_liaison_must_have_a_township(make_user):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_user(Role.LIAISON, username="loose-liaison")


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.CASEWORKER])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
