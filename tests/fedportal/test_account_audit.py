"""Accounts are audited: sign-ins, failed sign-ins, sign-outs, changes of users, roles and township bindings and
passwords — through the admin, a form of the portal or any code — and the audit log shows them."""

import pytest
from django.urls import reverse
from lxml import html

from fedportal.accounts.models import Role, User
from fedportal.audit.models import AccountEvent, AccountEventKind
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese_after():
    """Pages asked for in English leave English active in this thread: later tests expect the default."""
    yield
    from django.utils import translation

    translation.activate("zh-hans")


def events(kind):
    return list(AccountEvent.objects.filter(kind=kind).order_by("pk"))


def test_sign_in_failure_and_sign_out_are_recorded(client, users):
    caseworker = users[Role.CASEWORKER]
    client.post(reverse("accounts:login"), {"username": "caseworker", "password": "wrong-password-1!"})
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong-password-1!"})
    [known, unknown] = events(AccountEventKind.LOGIN_FAILED)
    assert known.target == caseworker and known.target_username == "caseworker" and known.ip_address == "127.0.0.1"
    assert unknown.target is None and unknown.target_username == "nobody"

    client.post(reverse("accounts:login"), {"username": "caseworker", "password": TEST_PASSWORD})
    [login] = events(AccountEventKind.LOGIN)
    assert login.target == caseworker and login.actor == caseworker and login.ip_address == "127.0.0.1"
    client.post(reverse("accounts:logout"))
    [logout] = events(AccountEventKind.LOGOUT)
    assert logout.target == caseworker
    # Signing in moves last_login: not a change of the account.
    assert not events(AccountEventKind.CHANGED)


def test_a_lock_out_is_recorded(client, users):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "caseworker", "password": "wrong-password-1!"})
    assert [event.target_username for event in events(AccountEventKind.LOCKED_OUT)][:1] == ["caseworker"]


def admin_form_data(client, url) -> dict:
    """The admin change form's fields as the browser would send them back."""
    document = html.fromstring(client.get(url).content.decode())
    [form] = [form for form in document.forms if form.get("id", "").endswith("_form")]
    data = {}
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button"):
            continue
        if element.tag == "select":
            values = [option.get("value") for option in element.xpath("./option[@selected]")]
            data[name] = values if element.get("multiple") is not None else (values[0] if values else "")
        elif element.get("type") == "checkbox":
            if element.checked:
                data[name] = element.get("value") or "on"
        else:
            data[name] = element.get("value") or ""
    return data


def test_role_and_township_changes_in_the_admin_are_recorded(client, users, township, other_township):
    admin = users[Role.ADMIN]
    caseworker = users[Role.CASEWORKER]
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[caseworker.pk])
    data = admin_form_data(client, url)
    data.update(role=Role.LIAISON, township=str(other_township.pk), is_active="on")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [change] = events(AccountEventKind.CHANGED)
    assert change.actor == admin and change.target == caseworker and change.ip_address == "127.0.0.1"
    assert (change.role_before, change.role_after) == (Role.CASEWORKER, Role.LIAISON)
    assert (change.township_before, change.township_after) == ("", "向塘镇")

    response = client.post(
        reverse("admin:auth_user_password_change", args=[caseworker.pk]),
        {"password1": "Another-Passw0rd-2026!", "password2": "Another-Passw0rd-2026!", "usable_password": "true"},
    )
    assert response.status_code == 302
    [reset] = [event for event in events(AccountEventKind.PASSWORD_RESET) if event.actor is not None]
    assert reset.actor == admin and reset.target == caseworker


def test_own_password_change_creation_code_changes_and_deletion(client, users, township):
    caseworker = users[Role.CASEWORKER]
    client.force_login(caseworker)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Fresh-Passw0rd-2027#",
            "new_password2": "Fresh-Passw0rd-2027#",
        },
    )
    assert response.status_code == 302
    [own] = events(AccountEventKind.PASSWORD_CHANGED)
    assert own.actor == caseworker and own.target == caseworker

    # Code outside any request (a command, a service): recorded with no actor.
    user = User.objects.create_user("newcomer", password="Some-Passw0rd-2026!", role=Role.LEADER)
    [created] = [event for event in events(AccountEventKind.CREATED) if event.target_username == "newcomer"]
    assert created.role_after == Role.LEADER and created.actor is None
    user.role, user.township = Role.LIAISON, township
    user.save()
    [change] = [event for event in events(AccountEventKind.CHANGED) if event.target_username == "newcomer"]
    assert (change.role_after, change.township_after) == (Role.LIAISON, "莲塘镇")
    user.is_active = False
    user.save()
    assert AccountEvent.objects.filter(kind=AccountEventKind.CHANGED, changes__is_active=[True, False]).exists()
    user.delete()
    [deleted] = events(AccountEventKind.DELETED)
    assert deleted.target is None and deleted.target_username == "newcomer" and deleted.role_before == Role.LIAISON


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_audit_log_shows_account_events(client, users, township, language):
    from django.conf import settings

    admin = users[Role.ADMIN]
    liaison = users[Role.LIAISON]
    liaison.role, liaison.township = Role.LIAISON, township
    liaison.first_name = "改名"
    liaison.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin)
    response = client.get(reverse("audit:account_event_list"), {"user": liaison.pk})
    assert response.status_code == 200
    document = html.fromstring(response.content.decode())
    rows = document.xpath('//table[@data-testid="account-events"]/tbody/tr')
    assert rows and all(liaison.username in row.text_content() for row in rows)
    text = " ".join(document.xpath("//main")[0].itertext())
    assert ("修改账号" in text) == (language == "zh-hans")
    client.force_login(liaison)
    assert client.get(reverse("audit:account_event_list")).status_code == 403


def test_a_stronger_hash_at_sign_in_is_not_a_password_change(users, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    caseworker = users[Role.CASEWORKER]
    # An old hash (fewer iterations): check_password stores the same password again under the current hasher.
    hasher = PBKDF2PasswordHasher()
    old = hasher.encode(TEST_PASSWORD, hasher.salt(), iterations=1000)
    User.objects.filter(pk=caseworker.pk).update(password=old)
    caseworker.refresh_from_db()
    before = AccountEvent.objects.count()
    assert caseworker.check_password(TEST_PASSWORD)
    caseworker.refresh_from_db()
    assert caseworker.password != old  # upgraded
    assert AccountEvent.objects.count() == before
