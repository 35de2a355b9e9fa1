import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from cases.models import Household, Person, Township
from certificates.models import Certificate
from fedportal.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_without_persons_creates_users_and_divisions(capsys):
    call_command("seed_demo", persons=0)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) >= {"admin", "caseworker", "reviewer", "liaison", "leader", "finance", "finance2"}
    assert (
        users["liaison"].role == Role.LIAISON and users["liaison"].township == Township.objects.order_by("code").first()
    )
    assert users["liaison"].check_password("Fedportal-Demo-2026!")
    assert not Person.objects.exists()
    assert "password: Fedportal-Demo-2026!" in capsys.readouterr().out


def test_seed_demo_uses_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-Demo-Pass-9!")
    call_command("seed_demo", persons=0)
    assert get_user_model().objects.get(username="finance2").check_password("Another-Demo-Pass-9!")


class _Rollback(Exception):
    pass


def _seed_and_read(seed: int) -> list:
    """Seed inside a savepoint, read the registry back, then roll the savepoint back."""
    try:
        with transaction.atomic():
            call_command("seed_demo", persons=300, seed=seed)
            persons = list(Person.objects.order_by("id_number").values_list("id_number", "name", "township__code"))
            raise _Rollback
    except _Rollback:
        return persons


def test_seed_demo_is_deterministic_for_a_seed():
    first = _seed_and_read(7)
    assert not Person.objects.exists()
    assert _seed_and_read(7) == first
    assert _seed_and_read(8) != first


def test_seed_demo_is_realistic():
    call_command("seed_demo", persons=300, seed=7)
    assert Person.objects.count() == 300
    assert Certificate.objects.filter(status="active").count() > 250
    assert Certificate.objects.values("category").distinct().count() == 7
    assert Household.objects.filter(is_multi_disability=True).exists()
    for certificate in Certificate.objects.select_related("person")[:50]:
        assert certificate.number.startswith(certificate.person.id_number)
