"""Samples for the permission walker (tests/test_permissions_walk.py): objects of township A (world.township) and B."""

from datetime import date
from importlib import import_module

from django.apps import apps

from fedportal.accounts.models import Role
from subsidies.models import Application, PaymentRun, Program


def build(world) -> None:
    import_module("subsidies.migrations.0002_programs").create(apps, None)
    nursing = Program.objects.get(code="nursing")
    caseworker = world.users[Role.CASEWORKER]
    world.subsidies_application = Application.objects.create(
        person=world.person,
        program=nursing,
        applied_on=date(2026, 1, 5),
        township=world.township,
        entered_by=caseworker,
    )
    world.subsidies_other_application = Application.objects.create(
        person=world.other_person,
        program=nursing,
        applied_on=date(2026, 1, 5),
        township=world.other_township,
        entered_by=caseworker,
    )
    world.subsidies_run = PaymentRun.objects.create(
        program=nursing, period=date(2026, 1, 1), as_of=date(2026, 1, 1), created_by=world.users[Role.FINANCE]
    )


def samples(world) -> dict[str, dict]:
    return {
        "subsidies:application_detail": {"application_id": world.subsidies_application.pk},
        "subsidies:application_action": {"application_id": world.subsidies_application.pk},
        "subsidies:payment_run_detail": {"run_id": world.subsidies_run.pk},
        "subsidies:payment_run_action": {"run_id": world.subsidies_run.pk},
        "subsidies:payment_run_export": {"run_id": world.subsidies_run.pk},
    }


# A payment run covers the whole county; its pages are scoped by role (finance, leaders), not by township.
COUNTY_WIDE_URLS = {"subsidies:payment_run_detail", "subsidies:payment_run_action", "subsidies:payment_run_export"}


def foreign_samples(world) -> dict[str, dict]:
    return {
        "subsidies:application_detail": {"application_id": world.subsidies_other_application.pk},
        "subsidies:application_action": {"application_id": world.subsidies_other_application.pk},
    }
