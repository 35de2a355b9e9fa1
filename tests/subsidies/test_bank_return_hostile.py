"""Every hostile workbook as the bank's return (回盘): the upload page, the command, and a return stored before the
upload check existed (read by its job). The one bounded reader refuses each with its message; nothing is recorded."""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fedportal.jobs.models import Job
from fedportal.jobs.services import job_execute
from subsidies.models import BankReturn, BankReturnStatus, PaymentResult
from subsidies.services.bank_returns import RETURN_JOB, ReturnFileError, read_return_workbook
from tests.hostile_workbooks import HOSTILE

from .test_bank_returns import return_file, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(january, finance):
    base = return_file(sheet_rows(january, finance))
    return [(name, build(base), code, fragment) for name, build, code, fragment in HOSTILE]


@pytest.fixture
def january(make_holder, enroll, compute):
    from datetime import date

    for grade in (1, 2):
        enroll(make_holder(grade=grade), "nursing", start=date(2026, 1, 1))
    return compute("nursing", date(2026, 1, 1), approve=True)


def test_the_reader_refuses_every_hostile_return_with_its_message(hostile):
    for name, content, _code, fragment in hostile:
        with pytest.raises(ReturnFileError) as refused:
            read_return_workbook(content)
        assert fragment in str(refused.value), name


def test_the_upload_page_refuses_every_hostile_return_and_stores_nothing(client, finance, january, hostile):
    client.force_login(finance)
    page = reverse("subsidies:payment_run_detail", args=[january.pk])
    for name, content, _code, fragment in hostile:
        started = time.monotonic()
        response = client.post(
            reverse("subsidies:bank_return_upload", args=[january.pk]),
            {"file": SimpleUploadedFile(f"{name}.xlsx", content), "bank": ""},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == page, name
        assert fragment in response.content.decode(), name
        assert time.monotonic() - started < 10, name
    assert not BankReturn.objects.exists() and not PaymentResult.objects.exists()
    assert not Job.objects.filter(kind=RETURN_JOB).exists()


def test_the_command_refuses_every_hostile_return(tmp_path, finance, january, hostile):
    for name, content, _code, fragment in hostile:
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        with pytest.raises(CommandError) as refused:
            call_command("payment_run", "reconcile", str(january.pk), str(path), "--user", finance.username)
        assert fragment in str(refused.value), name
    assert not BankReturn.objects.exists() and not PaymentResult.objects.exists()


def test_a_stored_hostile_return_fails_its_job_with_the_message(finance, january, hostile):
    """Returns kept before the upload check existed: the job reads them through the same reader and records nothing."""
    for name, content, _code, fragment in hostile:
        bank_return = BankReturn(run=january, file_name=f"{name}.xlsx", sha256="-", uploaded_by=finance)
        bank_return.file.save(f"{name}.xlsx", ContentFile(content), save=False)
        bank_return.save()
        bank_return.job = Job.objects.create(
            kind=RETURN_JOB, created_by=finance, params={"bank_return_id": bank_return.pk}
        )
        bank_return.save(update_fields=["job"])
        job = job_execute(bank_return.job_id)
        bank_return.refresh_from_db()
        assert job.status == "failed", name
        assert bank_return.status == BankReturnStatus.INVALID, name
        assert any(fragment in error["message"] for error in bank_return.errors), name
    assert not PaymentResult.objects.exists()


_QUEUE_DOWN = """
import json, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from fedportal.jobs.models import Job
from subsidies.models import BankReturn
client = Client()
client.force_login(get_user_model().objects.get(pk=%(user)d))
content = open(%(path)r, "rb").read()
started = time.monotonic()
response = client.post(
    "/subsidies/runs/%(run)d/returns/", {"file": SimpleUploadedFile("r.xlsx", content), "bank": ""}, follow=True
)
print(json.dumps({
    "status": response.status_code,
    "seconds": time.monotonic() - started,
    "body": response.content.decode(),
    "returns": BankReturn.objects.count(),
    "open_jobs": Job.objects.filter(status__in=["pending", "running"]).count(),
}))
"""


@pytest.mark.django_db(transaction=True)
def test_with_the_queue_unreachable_a_return_upload_fails_fast_and_leaves_nothing(tmp_path, finance, january):
    """Redis (broker and cache) pointed at a closed port, in a separate process so nothing of this one is touched."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.urls import reverse

    from tests.conftest import _database_url

    assert reverse("subsidies:bank_return_upload", args=[january.pk]) == f"/subsidies/runs/{january.pk}/returns/"
    path = tmp_path / "return.xlsx"
    path.write_bytes(return_file(sheet_rows(january, finance)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fedportal.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", _QUEUE_DOWN % {"user": finance.pk, "path": str(path), "run": january.pk}],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 200 and "任务队列暂时无法连接" in out["body"] and out["seconds"] < 3, out["seconds"]
    assert out["returns"] == 0 and out["open_jobs"] == 0
