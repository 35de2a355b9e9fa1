"""Every hostile workbook through the ways an agency list comes in: the upload page, the command, and a list stored
before the upload check existed (read by the compare job). The one bounded reader refuses each with its message;
nothing is stored or applied."""

import io
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.comparison.reading import ListFileError, read_list
from cases.comparison.services import comparison_compare
from cases.models import Comparison, ComparisonStatus, Person
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.jobs.models import Job
from tests.factories import PersonFactory
from tests.hostile_workbooks import HOSTILE

from .comparison_fixtures import list_file

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def hostile():
    base = list_file(
        "deaths",
        {"身份证号": "11010519491231002X", "姓名": "外县人", "死亡日期": "2026-01-04"},
        {"身份证号": "110105194912310029", "姓名": "另一人", "死亡日期": "2026-01-05"},
    )
    return [(name, build(base), code, fragment) for name, build, code, fragment in HOSTILE]


def test_the_reader_refuses_every_hostile_list_with_its_message(hostile):
    for name, content, code, fragment in hostile:
        with pytest.raises(ListFileError) as refused:
            read_list(content)
        assert refused.value.code == code, name
        assert fragment in refused.value.message, name


def test_the_upload_page_refuses_every_hostile_list_and_stores_nothing(client, caseworker, village, hostile):
    client.force_login(caseworker)
    for name, content, _code, fragment in hostile:
        upload = io.BytesIO(content)
        upload.name = f"{name}.xlsx"
        started = time.monotonic()
        response = client.post(
            reverse("cases:comparison_list"),
            {"kind": "deaths", "source": "县公安局死亡名单", "as_of": local_today().isoformat(), "file": upload},
        )
        assert response.status_code == 200, name
        assert fragment in response.content.decode(), name
        assert time.monotonic() - started < 10, name
    assert not Comparison.objects.exists() and not Job.objects.exists()


def test_the_command_refuses_every_hostile_list(tmp_path, users, hostile):
    for name, content, _code, fragment in hostile:
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        with pytest.raises(CommandError) as refused:
            call_command(
                "compare_import",
                str(path),
                "--kind",
                "deaths",
                "--user",
                users[Role.CASEWORKER].username,
                "--apply",
                stdout=StringIO(),
                stderr=StringIO(),
            )
        assert fragment in str(refused.value), name
    assert not Comparison.objects.exists()


def test_a_stored_hostile_list_fails_its_compare_with_the_message(caseworker, village, hostile):
    """Lists kept before the upload check existed: the compare job reads them through the same reader."""
    person = PersonFactory(village=village)
    for name, content, _code, fragment in hostile:
        comparison = Comparison(
            kind="deaths", source="旧名单", as_of=local_today(), original_name=f"{name}.xlsx", uploaded_by=caseworker
        )
        comparison.file.save(f"{name}.xlsx", ContentFile(content), save=False)
        comparison.save()
        report = comparison_compare(comparison=comparison)
        comparison.refresh_from_db()
        assert comparison.status == ComparisonStatus.INVALID, name
        assert any(fragment in issue["message"] for issue in report.issues), name
        assert not comparison.findings.exists(), name
    person.refresh_from_db()
    assert person.death_date is None and Person.objects.count() == 1
