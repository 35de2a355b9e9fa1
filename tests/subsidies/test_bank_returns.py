"""Frozen approved runs, the bank's return (回盘) and 重发: matching rules and errors, idempotent re-recording,
重发 only after the account changed, never twice, only in a later run of the same program."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from cases.services.persons import person_update
from subsidies.exports import DETAIL_HEADER, payment_sheet_export, run_banks
from subsidies.models import BankReturn, BankReturnStatus, LineKind, PaymentResult, RunStatus
from subsidies.services import payment_run_approve
from subsidies.services.bank_returns import bank_return_reconcile

pytestmark = pytest.mark.django_db


def sheet_rows(run, user, **kw) -> list[tuple]:
    buffer = BytesIO()
    payment_sheet_export(run=run, acting_user=user, target=buffer, **kw)
    return list(load_workbook(BytesIO(buffer.getvalue()))["发放明细"].iter_rows(values_only=True))


def return_file(rows: list[tuple], *, failed: dict | None = None, edit=None) -> bytes:
    """The exported sheet as the bank returns it: 发放结果 and 失败原因 added; `failed` {序号: reason}."""
    failed = failed or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "发放明细"
    sheet.append([*rows[0], "发放结果", "失败原因"])
    for row in rows[1:]:
        row = list(row)
        if row[0] == "合计":
            sheet.append(row)
            continue
        reason = failed.get(row[0])
        row += ["失败", reason] if reason else ["成功", None]
        if edit:
            row = edit(row)
        if row is not None:
            sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def account_change(person, user, card="6230000099998888", bank=None):
    person.refresh_from_db()
    fields = {"social_security_card": card}
    if bank is not None:
        fields["bank_name"] = bank
    return person_update(person=person, expected_version=person.version, acting_user=user, **fields)


@pytest.fixture
def three(make_holder, enroll, other_village):
    a = make_holder(grade=1, name="甲", social_security_card="6217000011110001", bank_name="农商银行")
    b = make_holder(grade=2, name="乙", social_security_card="6217000011110002", bank_name="邮储银行")
    c = make_holder(
        grade=2, name="丙", social_security_card="6217000011110003", bank_name="农商银行", village_=other_village
    )
    for person in (a, b, c):
        enroll(person, "nursing", start=date(2026, 1, 1))
    return a, b, c


@pytest.fixture
def january(three, compute):
    return compute("nursing", date(2026, 1, 1), approve=True)


def number_of(run, person):
    return run.lines.get(person=person, kind=LineKind.CURRENT).sheet_number


def test_an_approved_run_exports_the_same_sheet_after_the_registry_changed(january, three, finance, admin_user):
    a, _b, _c = three
    before = sheet_rows(january, finance)
    account_change(a, admin_user, card="6299999999999999", bank="工商银行")
    a.refresh_from_db()
    a.name = "甲改名"
    a.save()
    assert sheet_rows(january, finance) == before
    line = january.lines.get(person=a)
    assert (line.payee_name, line.account, line.bank_name) == ("甲", "6217000011110001", "农商银行")
    assert [r[0] for r in before[1:-1]] == [1, 2, 3]


def test_one_sheet_per_bank_keeps_the_run_numbers(january, three, finance):
    a, _b, c = three
    assert [(x["bank"], x["lines"]) for x in run_banks(january)] == [("农商银行", 2), ("邮储银行", 1)]
    rows = sheet_rows(january, finance, bank="农商银行")
    body = rows[1:-1]
    assert {r[2] for r in body} == {"甲", "丙"}
    assert [r[0] for r in body] == sorted([number_of(january, a), number_of(january, c)])
    assert rows[-1][0] == "合计" and rows[-1][8] == 180


def test_a_clean_return_is_recorded_and_recording_it_again_changes_nothing(january, three, finance):
    a, b, c = three
    rows = sheet_rows(january, finance)
    content = return_file(rows, failed={number_of(january, b): "户名与账号不符"})
    first, check = bank_return_reconcile(run=january, content=content, file_name="回盘.xlsx", acting_user=finance)
    assert first.status == BankReturnStatus.RECORDED and first.uploaded_by == finance
    assert (check.rows, check.paid_count, check.failed_count) == (3, 2, 1)
    assert (first.recorded_count, first.failed_total, first.paid_total) == (3, Decimal("80.00"), Decimal("180.00"))
    results = {r.line.person_id: (r.status, r.reason) for r in PaymentResult.objects.select_related("line")}
    assert results == {a.pk: ("paid", ""), b.pk: ("failed", "户名与账号不符"), c.pk: ("paid", "")}
    again, check = bank_return_reconcile(run=january, content=content, file_name="回盘.xlsx", acting_user=finance)
    assert again.status == BankReturnStatus.RECORDED and again.recorded_count == 0
    assert check.rows == 3 and PaymentResult.objects.count() == 3
    assert set(PaymentResult.objects.values_list("bank_return", flat=True)) == {first.pk}


@pytest.mark.parametrize(
    ("edit", "column", "message"),
    [
        (lambda r: [99, *r[1:]] if r[2] == "乙" else r, "序号", "没有对应的明细"),
        (lambda r: [*r[:8], 60, *r[9:]] if r[2] == "乙" else r, "金额", "金额与发放表不符"),
        (lambda r: [*r[:3], "360121197011210013", *r[4:]] if r[2] == "乙" else r, "身份证号", "不符"),
        (lambda r: [*r[:3], 3.6012119701121e17, *r[4:]] if r[2] == "乙" else r, "身份证号", "存成了数字"),
        (lambda r: None if r[2] == "乙" else r, "发放结果", "没有发放结果"),
        (lambda r: [*r[:10], "待定", None] if r[2] == "乙" else r, "发放结果", "应为“成功”或“失败”"),
        (lambda r: [*r[:10], "失败", None] if r[2] == "乙" else r, "失败原因", "须填写失败原因"),
        (lambda r: r if r[2] != "乙" else [2 if r[0] == 1 else 1, *r[1:]], "序号", "重复"),
    ],
)
def test_any_error_records_nothing(january, finance, edit, column, message):
    content = return_file(sheet_rows(january, finance), edit=edit)
    bank_return, check = bank_return_reconcile(run=january, content=content, file_name="x.xlsx", acting_user=finance)
    assert bank_return.status == BankReturnStatus.INVALID and bank_return.recorded_count == 0
    assert any(e.column == column and message in e.message for e in check.errors), [str(e) for e in check.errors]
    assert all(str(e).startswith(f"row {e.row}, column {e.column}: ") for e in check.errors)
    assert not PaymentResult.objects.exists()
    assert bank_return.errors and bank_return.error_count == len(check.errors)


def test_a_result_that_contradicts_the_recorded_one_is_an_error(january, three, finance):
    _a, b, _c = three
    rows = sheet_rows(january, finance)
    bank_return_reconcile(run=january, content=return_file(rows), file_name="1.xlsx", acting_user=finance)
    second, check = bank_return_reconcile(
        run=january,
        content=return_file(rows, failed={number_of(january, b): "账户冻结"}),
        file_name="2.xlsx",
        acting_user=finance,
    )
    assert second.status == BankReturnStatus.INVALID
    assert "已由回盘" in check.errors[0].message
    assert PaymentResult.objects.filter(status="failed").count() == 0


def test_one_banks_return_expects_that_banks_lines_only(january, three, finance):
    _a, b, _c = three
    rows = sheet_rows(january, finance, bank="邮储银行")
    content = return_file(rows, failed={number_of(january, b): "账户已销户"})
    bank_return, check = bank_return_reconcile(
        run=january, content=content, file_name="邮储.xlsx", bank_name="邮储银行", acting_user=finance
    )
    assert bank_return.status == BankReturnStatus.RECORDED and check.failed_count == 1 and check.rows == 1
    # The same file as a whole-run return leaves the other bank's lines without a result.
    whole, check = bank_return_reconcile(run=january, content=content, file_name="x.xlsx", acting_user=finance)
    assert whole.status == BankReturnStatus.INVALID and check.error_count == 2


def test_a_draft_cannot_take_a_return(three, compute, finance):
    draft = compute("nursing", date(2026, 1, 1))
    with pytest.raises(ValidationError, match="审批通过"):
        bank_return_reconcile(run=draft, content=b"", file_name="x.xlsx", acting_user=finance)


def fail(run, person, user, reason="户名与账号不符"):
    rows = sheet_rows(run, user)
    content = return_file(rows, failed={number_of(run, person): reason})
    bank_return, _check = bank_return_reconcile(run=run, content=content, file_name="r.xlsx", acting_user=user)
    assert bank_return.status == BankReturnStatus.RECORDED


def resends(run):
    return [(line.person_id, f"{line.month:%Y-%m}", line.amount) for line in run.lines.filter(kind=LineKind.RESEND)]


def test_a_failed_line_is_paid_again_once_after_the_account_changed(
    january, three, compute, finance, finance2, admin_user
):
    _a, b, _c = three
    fail(january, b, finance)
    # Account unchanged: held, not paid again.
    february = compute("nursing", date(2026, 2, 1), approve=True)
    assert resends(february) == []
    account_change(b, admin_user)
    march = compute("nursing", date(2026, 3, 1))
    assert resends(march) == [(b.pk, "2026-01", Decimal("80.00"))]
    assert march.resend_count == 1 and march.lines_count == 4 and march.total == Decimal("340.00")
    march = payment_run_approve(run=march, acting_user=finance2)
    line = march.lines.get(kind=LineKind.RESEND)
    assert line.account == "6230000099998888" and line.resend_of.run_id == january.pk
    assert PaymentResult.objects.get(status="failed").resent_line == line
    rows = sheet_rows(march, finance)
    resend_row = next(r for r in rows[1:-1] if r[9] == "重发")
    assert resend_row[7] == "2026-01" and resend_row[8] == 80 and resend_row[4] == "6230000099998888"
    # Never twice.
    april = compute("nursing", date(2026, 4, 1))
    assert resends(april) == []


def test_resend_only_in_a_later_run_of_the_same_program(january, three, compute, finance, admin_user, enroll):
    _a, b, _c = three
    fail(january, b, finance)
    account_change(b, admin_user)
    # An earlier period of the same program (computed late) does not pay it again.
    december = compute("nursing", date(2025, 12, 1))
    assert resends(december) == []
    # Another program does not either.
    enroll(b, "living", start=date(2026, 1, 1))
    b.poverty_records.create(status="dibao", start_date=date(2015, 1, 1))
    living = compute("living", date(2026, 2, 1))
    assert resends(living) == []
    assert resends(compute("nursing", date(2026, 2, 1))) == [(b.pk, "2026-01", Decimal("80.00"))]


def test_two_drafts_cannot_both_pay_it_again(january, three, compute, finance, finance2, admin_user):
    _a, b, _c = three
    fail(january, b, finance)
    account_change(b, admin_user)
    february = compute("nursing", date(2026, 2, 1))
    march = compute("nursing", date(2026, 3, 1))
    assert resends(february) == resends(march) != []
    payment_run_approve(run=march, acting_user=finance2)
    with pytest.raises(ValidationError, match="已由其他批次重发"):
        payment_run_approve(run=february, acting_user=finance2)
    february.refresh_from_db()
    assert february.status == RunStatus.DRAFT


def test_an_account_changed_back_is_refused_at_approval(january, three, compute, finance, finance2, admin_user):
    _a, b, _c = three
    fail(january, b, finance)
    account_change(b, admin_user)
    february = compute("nursing", date(2026, 2, 1))
    account_change(b, admin_user, card="6217000011110002")
    with pytest.raises(ValidationError, match="与失败时相同"):
        payment_run_approve(run=february, acting_user=finance2)


def test_a_failed_month_is_not_recovered_and_its_resend_is(january, three, compute, finance, admin_user):
    """Recovery counts what reached the person: a failed line was not paid; its 重发 was."""
    _a, b, _c = three
    fail(january, b, finance)
    b.refresh_from_db()
    b.death_date = date(2025, 12, 20)  # recorded late: January was never owed
    b.save()
    february = compute("nursing", date(2026, 2, 1))
    assert not february.lines.filter(kind=LineKind.RECOVERY, person=b).exists()


def test_the_command_as_the_contract_says(january, three, finance, tmp_path, capsys):
    _a, b, _c = three
    path = tmp_path / "回盘.xlsx"
    path.write_bytes(return_file(sheet_rows(january, finance), failed={number_of(january, b): "卡已冻结"}))
    call_command("payment_run", "reconcile", str(january.pk), str(path), "--user", "finance")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "lines 3 paid 2 failed 1"
    call_command("payment_run", "reconcile", str(january.pk), str(path), "--user", "finance")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["recorded 0 already 3", "lines 3 paid 2 failed 1"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(return_file(sheet_rows(january, finance), edit=lambda r: [*r[:8], 1, *r[9:]]))
    with pytest.raises(CommandError, match="未登记"):
        call_command("payment_run", "reconcile", str(january.pk), str(bad), "--user", "finance")
    out = capsys.readouterr().out
    assert "row 2, column 金额: 金额与发放表不符" in out
    assert BankReturn.objects.count() == 3 and PaymentResult.objects.count() == 3


def test_the_return_header_must_be_the_sheets(january, finance):
    workbook = Workbook()
    workbook.active.append(DETAIL_HEADER)
    buffer = BytesIO()
    workbook.save(buffer)
    bank_return, check = bank_return_reconcile(
        run=january, content=buffer.getvalue(), file_name="x.xlsx", acting_user=finance
    )
    assert bank_return.status == BankReturnStatus.INVALID
    assert {e.column for e in check.errors} == {"发放结果", "失败原因"}


def test_a_roster_that_corrects_the_account_releases_the_resend(village, compute, finance, admin_user, enroll):
    """The account may be corrected by a township's roster as well as on the person page."""
    from cases.models import Person
    from cases.rosters.services import roster_apply, roster_check
    from tests.cases.roster_fixtures import person_row, persons_file

    def import_roster(**overrides):
        report = roster_check(content=persons_file(person_row(7, **overrides)), kind="persons", township=None)
        assert report.is_valid
        roster_apply(report=report, acting_user=admin_user, source="测试导入")

    import_roster(残疾等级="二级", 低保状态="无")
    person = Person.objects.get()
    enroll(person, "nursing", start=date(2026, 1, 1))
    january = compute("nursing", date(2026, 1, 1), approve=True)
    fail(january, person, finance)
    import_roster(残疾等级="二级", 低保状态="无")  # the same account again: still held
    assert resends(compute("nursing", date(2026, 2, 1))) == []
    import_roster(残疾等级="二级", 低保状态="无", 社保卡号="6230000012345678")
    assert resends(compute("nursing", date(2026, 2, 1))) == [(person.pk, "2026-01", Decimal("80.00"))]
