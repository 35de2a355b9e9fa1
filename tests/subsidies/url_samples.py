"""Samples for the permission walker (tests/test_permissions_walk.py): objects of township A (world.township) and B."""

from datetime import date
from importlib import import_module

from django.apps import apps
from django.core.files.base import ContentFile

from fedportal.accounts.models import Role
from subsidies.models import (
    Application,
    BankReturn,
    BankReturnStatus,
    PaymentLine,
    PaymentResult,
    PaymentRun,
    Program,
    RunStatus,
)


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
    # An approved run whose bank return failed one line in each township.
    approved = PaymentRun.objects.create(
        program=nursing,
        period=date(2025, 12, 1),
        as_of=date(2025, 12, 1),
        created_by=world.users[Role.FINANCE],
        approved_by=world.users[Role.ADMIN],
        status=RunStatus.APPROVED,
    )
    world.subsidies_return = bank_return = BankReturn(
        run=approved,
        file_name="回盘.xlsx",
        sha256="0" * 64,
        uploaded_by=world.users[Role.FINANCE],
        status=BankReturnStatus.RECORDED,
    )
    bank_return.file.save("return.xlsx", ContentFile(b"PK"), save=False)
    bank_return.save()
    for number, person in enumerate((world.person, world.other_person), start=1):
        line = PaymentLine.objects.create(
            run=approved,
            program=nursing,
            person=person,
            township_id=person.township_id,
            month=approved.period,
            kind="current",
            tier="grade1",
            amount=100,
            sheet_number=number,
            payee_name=person.name,
            id_number=person.id_number,
            account="6217000000000001",
        )
        PaymentResult.objects.create(line=line, bank_return=bank_return, status="failed", reason="账户已销户")
        if person == world.person:
            world.subsidies_failed_line = line
        else:
            world.subsidies_other_failed_line = line


def samples(world) -> dict[str, dict]:
    return {
        "subsidies:application_detail": {"application_id": world.subsidies_application.pk},
        "subsidies:application_action": {"application_id": world.subsidies_application.pk},
        "subsidies:payment_run_detail": {"run_id": world.subsidies_run.pk},
        "subsidies:payment_run_action": {"run_id": world.subsidies_run.pk},
        "subsidies:payment_run_export": {"run_id": world.subsidies_run.pk},
        "subsidies:payment_run_approve": {"run_id": world.subsidies_run.pk},
        "subsidies:bank_return_upload": {"run_id": world.subsidies_run.pk},
        "subsidies:bank_return_detail": {"return_id": world.subsidies_return.pk},
        "subsidies:bank_return_file": {"return_id": world.subsidies_return.pk},
        "subsidies:failed_payment_account": {"line_id": world.subsidies_failed_line.pk},
    }


# A payment run covers the whole county; its pages are scoped by role (finance, leaders), not by township.
COUNTY_WIDE_URLS = {
    "subsidies:payment_run_detail",
    "subsidies:payment_run_action",
    "subsidies:payment_run_export",
    "subsidies:payment_run_approve",
    "subsidies:bank_return_upload",
    "subsidies:bank_return_detail",
    "subsidies:bank_return_file",
}


def foreign_samples(world) -> dict[str, dict]:
    return {
        "subsidies:application_detail": {"application_id": world.subsidies_other_application.pk},
        "subsidies:application_action": {"application_id": world.subsidies_other_application.pk},
        "subsidies:failed_payment_account": {"line_id": world.subsidies_other_failed_line.pk},
    }
