"""Passwords people guess first are refused; lockout by account and address together, plus a limit per address;
an administrator can unlock."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from fedportal.accounts.models import Role
from tests.factories import TEST_PASSWORD

COMMON = [
    "Password123!",
    "Admin@123456",
    "Qwerty123456!",
    "P@ssw0rd2024!",
    "1qaz@WSX3edc",
    "!QAZ2wsx#EDC",
    "Asdfghjkl123!",
    "zhangwei1988!",
    "Wangxiaoming@2020",
    "Woaini520520!",
    "Canlian@123456",
]


@pytest.mark.parametrize("password", COMMON)
def test_common_chinese_patterns_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any("密码太常见" in message or "太常见" in message for message in refused.value.messages)


@pytest.mark.parametrize(
    "password", ["Lotus-river-73!kite", "tR7#mQ2!vX9p", "Mingtian-qu-beijing-kaihui-2026!", TEST_PASSWORD]
)
def test_unrelated_words_pass(password):
    validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused(make_user):
    user = make_user(Role.CASEWORKER, username="liuyang2026")
    with pytest.raises(ValidationError):
        validate_password("Liuyang2026-xyz!", user=user)


def _login(client, username, password, address):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, users):
    for _ in range(5):
        _login(client, "admin", "wrong-password-1!", "203.0.113.7")
    assert _login(client, "admin", TEST_PASSWORD, "203.0.113.7").status_code == 429  # that address is locked
    assert _login(client, "admin", TEST_PASSWORD, "10.1.2.3").status_code == 302  # the admin's office is not


@pytest.mark.django_db
def test_one_address_spraying_many_accounts_is_locked(client, users, settings, make_user):
    settings.AXES_IP_FAILURE_LIMIT = 8
    for number in range(8):  # one guess at each of eight accounts: no account reaches five
        _login(client, f"user{number}", "Password123!", "198.51.100.9")
    assert _login(client, "caseworker", TEST_PASSWORD, "198.51.100.9").status_code == 429
    assert _login(client, "caseworker", TEST_PASSWORD, "10.1.2.3").status_code == 302


@pytest.mark.django_db
def test_a_shared_office_address_is_not_locked_by_one_persons_typos(client, users):
    for _ in range(4):
        _login(client, "caseworker", "wrong-password-1!", "10.9.9.9")
    assert _login(client, "reviewer", TEST_PASSWORD, "10.9.9.9").status_code == 302


@pytest.mark.django_db
def test_an_administrator_unlocks_an_account(client, users):
    for _ in range(5):
        _login(client, "caseworker", "wrong-password-1!", "10.0.0.5")
    assert _login(client, "caseworker", TEST_PASSWORD, "10.0.0.5").status_code == 429
    client.force_login(users[Role.ADMIN])
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [users[Role.CASEWORKER].pk]},
        follow=True,
    )
    assert "已解除 1 个账号的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="caseworker").exists()
    client.logout()
    assert _login(client, "caseworker", TEST_PASSWORD, "10.0.0.5").status_code == 302
