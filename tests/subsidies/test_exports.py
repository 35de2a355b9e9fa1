"""The payment sheet workbook of CONTRACT.md, read back; export rights; the export log; the PDF."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from fedportal.accounts.models import Role
from fedportal.audit.models import SensitiveAccess
from subsidies.exports import DETAIL_HEADER, payment_sheet_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_run(make_holder, enroll, compute, other_village):
    a = make_holder(grade=1, name="张三", social_security_card="6217000011112222", bank_name="农商银行")
    b = make_holder(grade=2, name='=HYPERLINK("http://x")', village_=other_village)
    enroll(a, "nursing", start=date(2025, 12, 1))
    enroll(b, "nursing", start=date(2026, 1, 1))
    return compute("nursing", date(2026, 1, 1), approve=True), a, b


def test_workbook_matches_the_contract(approved_run, finance):
    run, a, _b = approved_run
    buffer = BytesIO()
    result = payment_sheet_export(run=run, acting_user=finance, target=buffer)
    assert result == {"lines": 3, "total": Decimal("280.00")}
    workbook = load_workbook(BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["发放明细", "汇总"]
    rows = list(workbook["发放明细"].iter_rows(values_only=True))
    assert list(rows[0]) == DETAIL_HEADER
    body, total = rows[1:-1], rows[-1]
    assert [r[0] for r in body] == [1, 2, 3]
    first = body[0]
    assert first[1:8] == ("莲塘镇", "张三", a.id_number, "6217000011112222", "农商银行", "护理补贴", "2025-12")
    assert first[8] == 100 and first[9] == "补发"
    assert body[1][7] == "2026-01" and body[1][9] in (None, "")
    # Formula injection: the text is kept, but never as a formula.
    assert body[2][2] == '\'=HYPERLINK("http://x")'
    assert workbook["发放明细"].cell(row=4, column=3).data_type == "s"
    assert total[0] == "合计" and total[8] == 280
    assert workbook["发放明细"].cell(row=2, column=9).number_format == "0.00"
    assert isinstance(first[3], str)  # ID numbers are text, never numbers
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("乡镇(街道)", "人数", "笔数", "当期金额", "补发金额", "金额")
    assert summary[1] == ("莲塘镇", 1, 2, 100, 100, 200)
    assert summary[2] == ("向塘镇", 1, 1, 80, 0, 80)
    assert summary[3] == ("合计", 2, 3, 180, 100, 280)


def test_every_export_is_logged(approved_run, finance):
    run, _a, _b = approved_run
    payment_sheet_export(run=run, acting_user=finance, target=BytesIO())
    record = SensitiveAccess.objects.get()
    assert record.field == "export" and record.user == finance and str(run.pk) in record.detail


def test_only_finance_exports(approved_run, users):
    run, _a, _b = approved_run
    with pytest.raises(PermissionDenied):
        payment_sheet_export(run=run, acting_user=users[Role.CASEWORKER], target=BytesIO())
    assert not SensitiveAccess.objects.exists()


def test_only_approved_runs_export(make_holder, enroll, compute, finance):
    enroll(make_holder(grade=1), "nursing")
    draft = compute("nursing", date(2026, 1, 1))
    with pytest.raises(ValidationError):
        payment_sheet_export(run=draft, acting_user=finance, target=BytesIO())


def test_pdf_per_township(approved_run, finance):
    run, _a, _b = approved_run
    pdf = payment_sheet_export(run=run, acting_user=finance, target=None, kind="pdf")
    assert pdf.startswith(b"%PDF")
