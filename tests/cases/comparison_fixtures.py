"""Helpers for the comparison tests: agency lists built in memory, and the compare/apply path run in-process."""

from datetime import date

from cases.comparison.schema import COLUMNS
from cases.comparison.services import comparison_apply, comparison_compare, comparison_upload
from cases.models import ComparisonOrigin
from fedportal.core.clock import local_today

from .roster_fixtures import workbook_bytes


def list_file(kind: str, *rows: dict, header: list[str] | None = None) -> bytes:
    columns = header or COLUMNS[kind]
    return workbook_bytes([[row.get(name, "") for name in columns] for row in rows], header=columns)


def compare(kind: str, content: bytes, *, user, as_of: date | None = None, origin=ComparisonOrigin.COMMAND):
    """Upload and compare synchronously (the compare job's own work); returns the comparison."""

    comparison = comparison_upload(
        kind=kind,
        source="测试名单",
        as_of=as_of or local_today(),
        filename="list.xlsx",
        content=content,
        acting_user=user,
        origin=origin,
    )
    comparison_compare(comparison=comparison)
    comparison.refresh_from_db()
    return comparison


def apply(comparison, *, user):
    result = comparison_apply(comparison=comparison, acting_user=user)
    comparison.refresh_from_db()
    return result


def findings_of(comparison) -> dict:
    """{(id_number, kind): change}"""
    return {(f.person.id_number, f.kind): f.change for f in comparison.findings.select_related("person")}
