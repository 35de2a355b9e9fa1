"""URL samples of the roster pages for the permission walker (tests/test_permissions_walk.py)."""

from django.core.files.base import ContentFile

from cases.models import RosterImport, RosterKind, RosterStatus
from fedportal.accounts.models import Role

from .roster_fixtures import person_row, persons_file


def _roster(world, township, liaison_or_staff) -> RosterImport:
    roster = RosterImport(
        kind=RosterKind.PERSONS,
        original_name="花名册.xlsx",
        township=township,
        status=RosterStatus.INVALID,
        rows=1,
        invalid_rows=1,
        issues=[{"row": 2, "column": "姓名", "message": "请填写姓名。", "level": "error"}],
        uploaded_by=liaison_or_staff,
    )
    roster.file.save("walk.xlsx", ContentFile(persons_file(person_row(1, 姓名=""))), save=False)
    roster.save()
    return roster


def build(world) -> None:
    world.roster = _roster(world, world.township, world.users[Role.LIAISON])
    world.other_roster = _roster(world, world.other_township, world.users[Role.CASEWORKER])


def samples(world) -> dict[str, dict]:
    kwargs = {"roster_id": world.roster.pk}
    return {
        "cases:roster_detail": kwargs,
        "cases:roster_confirm": kwargs,
        "cases:roster_annotated": kwargs,
        "cases:roster_file": kwargs,
    }


def foreign_samples(world) -> dict[str, dict]:
    kwargs = {"roster_id": world.other_roster.pk}
    return {
        "cases:roster_detail": kwargs,
        "cases:roster_confirm": kwargs,
        "cases:roster_annotated": kwargs,
        "cases:roster_file": kwargs,
    }
