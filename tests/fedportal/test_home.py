import pytest
from django.urls import reverse

from fedportal.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_home(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert users[role].get_role_display() in body


def test_audit_link_only_for_admin(client, users):
    client.force_login(users[Role.CASEWORKER])
    assert reverse("audit:event_list") not in client.get(reverse("home")).content.decode()
    client.force_login(users[Role.ADMIN])
    assert reverse("audit:event_list") in client.get(reverse("home")).content.decode()
