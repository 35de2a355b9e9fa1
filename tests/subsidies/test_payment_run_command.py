"""`payment_run create|approve|export` as CONTRACT.md states them, with a real worker behind `create`."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from subsidies.models import PaymentRun, RunStatus


@pytest.mark.worker
def test_create_approve_export(celery_worker, programs, make_holder, enroll, finance, finance2, tmp_path, capsys):
    enroll(make_holder(grade=1), "nursing", start=date(2026, 1, 1))
    enroll(make_holder(grade=2), "nursing", start=date(2026, 1, 1))
    call_command("payment_run", "create", "--program", "nursing", "--period", "2026-01", "--user", "finance")
    out = capsys.readouterr().out.strip().splitlines()[-1]
    run = PaymentRun.objects.get()
    assert out == f"run {run.pk} lines 2 total 180.00"
    with pytest.raises(CommandError, match="制表人"):
        call_command("payment_run", "approve", str(run.pk), "--user", "finance")
    call_command("payment_run", "approve", str(run.pk), "--user", "finance2")
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    xlsx, pdf = tmp_path / "sheet.xlsx", tmp_path / "sheet.pdf"
    call_command("payment_run", "export", str(run.pk), "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert load_workbook(xlsx).sheetnames == ["发放明细", "汇总"]
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_errors_are_one_line(programs, finance):
    with pytest.raises(CommandError, match="未知的项目代码"):
        call_command("payment_run", "create", "--program", "transport", "--period", "2026-01", "--user", "finance")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("payment_run", "create", "--program", "nursing", "--period", "2026", "--user", "finance")
    with pytest.raises(CommandError, match="发放批次不存在"):
        call_command("payment_run", "approve", "999", "--user", "finance")
