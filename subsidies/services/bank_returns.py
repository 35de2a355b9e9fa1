"""The bank's return (回盘) of an approved run's payment sheet: checked row by row, then recorded all at once.

The return is the sheet as exported (first sheet 发放明细, the contract's columns) plus 发放结果 (成功 / 失败) and
失败原因. Each row is matched to its line by 序号, 身份证号 and 金额. A row that matches no line, a changed amount or ID
number, a line of the sheet without a result, or a result that contradicts one already recorded is an error, and a
file with any error records nothing. Results already recorded the same way are not recorded again, so recording the
same file twice changes nothing. The file, who recorded it and each line's result stay (BankReturn, PaymentResult).
"""

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import person_list_for_user
from cases.services.persons import person_update
from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize
from fedportal.core.workbooks import WorkbookLimits, WorkbookRejected, inspect_workbook, read_table
from fedportal.jobs.models import Job
from fedportal.jobs.services import JobEnqueueError, JobError, job_create

from ..models import BankReturn, BankReturnStatus, PaymentResultStatus, PaymentRun, RunStatus

RETURN_JOB = "subsidies.bank_return"
COLUMN_NUMBER, COLUMN_ID, COLUMN_AMOUNT, COLUMN_RESULT, COLUMN_REASON = (
    "序号",
    "身份证号",
    "金额",
    "发放结果",
    "失败原因",
)
REQUIRED_COLUMNS = [COLUMN_NUMBER, COLUMN_ID, COLUMN_AMOUNT, COLUMN_RESULT, COLUMN_REASON]
RESULTS = {"成功": PaymentResultStatus.PAID, "失败": PaymentResultStatus.FAILED}
TOTAL_ROW = "合计"
# Errors kept on the return row and shown; the count is always complete.
MAX_ERRORS_KEPT = 1000
_CENT = Decimal("0.01")


class ReturnFileError(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


def return_limits() -> WorkbookLimits:
    """A return is a payment sheet plus two columns, one row a payment line: more rows than a roster may have."""
    return WorkbookLimits(
        max_rows=settings.BANK_RETURN_MAX_ROWS,
        max_cols=getattr(settings, "BANK_RETURN_MAX_COLUMNS", 64),
        max_file_bytes=settings.BANK_RETURN_MAX_UPLOAD_BYTES,
    )


def inspect_return_workbook(content: bytes) -> None:
    """Refuse a hostile or unreadable return in constant memory, before it is stored (raises ReturnFileError)."""
    try:
        inspect_workbook(content, limits=return_limits())
    except WorkbookRejected as exc:
        raise ReturnFileError(exc.message) from None


def read_return_workbook(content) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, [(Excel row, cells)]) of the first sheet, through the portal's one bounded workbook reader."""
    try:
        table = read_table(content, limits=return_limits(), template=_("本批次导出的发放表"))
    except WorkbookRejected as exc:
        raise ReturnFileError(exc.message) from None
    return table.header, table.rows


@dataclass
class ReturnError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ReturnCheck:
    rows: int = 0
    paid_count: int = 0
    paid_total: Decimal = Decimal("0.00")
    failed_count: int = 0
    failed_total: Decimal = Decimal("0.00")
    error_count: int = 0
    errors: list[ReturnError] = field(default_factory=list)
    # (line id, status, reason) of results not recorded yet.
    new: list[tuple[int, str, str]] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(ReturnError(row, column, message))


def _number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _amount(value) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(_CENT) if amount == amount.quantize(_CENT) else amount


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


_LINES = """
SELECT l.sheet_number, l.id, l.id_number, l.amount, l.bank_name, r.status, r.reason, r.bank_return_id
FROM subsidies_paymentline l LEFT JOIN subsidies_paymentresult r ON r.line_id = l.id
WHERE l.run_id = %s AND l.kind <> 'recovery'
ORDER BY l.sheet_number
"""


def bank_return_check(*, run: PaymentRun, content: bytes, bank_name: str | None = None, progress=None) -> ReturnCheck:
    """Check a return against the run's frozen lines (all of them, or one bank's when `bank_name` is given)."""
    check = ReturnCheck()
    if progress:
        progress.start(max(run.lines_count, 1) + 2, _("读取回盘文件"))
    header, rows = read_return_workbook(content)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        for name in missing:
            check.error(
                1,
                name,
                _("缺少“%(column)s”列：回盘应为本批次导出的发放表加“发放结果”“失败原因”两列。") % {"column": name},
            )
        return check
    at = {name: header.index(name) for name in REQUIRED_COLUMNS}
    lines: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(_LINES, [run.pk])
        for number, line_id, id_number, amount, bank, status, reason, return_id in cursor.fetchall():
            if bank_name is None or bank == bank_name:
                lines[number] = (line_id, id_number, amount, status, reason, return_id)
    if progress:
        progress.step(1, _("逐行核对"))
    seen: dict[int, int] = {}
    new = check.new
    for done, (row_number, cells) in enumerate(rows, start=1):
        if progress is not None and not done % 10000:
            progress.set(done, _("逐行核对"))
        number_cell = cells[at[COLUMN_NUMBER]]
        if _text(number_cell) == TOTAL_ROW:
            continue
        check.rows += 1
        number = _number(number_cell)
        if number is None:
            check.error(row_number, COLUMN_NUMBER, _("序号应为发放表中的整数序号。"))
            continue
        if number in seen:
            check.error(
                row_number, COLUMN_NUMBER, _("序号 %(n)s 与第 %(row)s 行重复。") % {"n": number, "row": seen[number]}
            )
            continue
        seen[number] = row_number
        line = lines.get(number)
        if line is None:
            if bank_name is not None:
                message = _("序号 %(n)s 在本批次开户银行“%(bank)s”的发放表中没有对应的明细。") % {
                    "n": number,
                    "bank": bank_name or _("未填开户银行"),
                }
            else:
                message = _("序号 %(n)s 在本批次发放表中没有对应的明细。") % {"n": number}
            check.error(row_number, COLUMN_NUMBER, message)
            continue
        line_id, id_number, amount, old_status, old_reason, old_return = line
        id_cell = cells[at[COLUMN_ID]]
        if isinstance(id_cell, float | int) and not isinstance(id_cell, bool):
            check.error(
                row_number,
                COLUMN_ID,
                _("身份证号被 Excel 存成了数字（可能已丢失末几位），请把该列设为文本并按发放表原样填写。"),
            )
            continue
        if _text(id_cell).upper() != id_number:
            check.error(row_number, COLUMN_ID, _("身份证号与发放表序号 %(n)s 的明细不符。") % {"n": number})
            continue
        returned = _amount(cells[at[COLUMN_AMOUNT]])
        if returned is None:
            check.error(row_number, COLUMN_AMOUNT, _("金额应为数字（元，两位小数）。"))
            continue
        if returned != amount:
            check.error(
                row_number,
                COLUMN_AMOUNT,
                _("金额与发放表不符：发放表 %(sheet)s 元，回盘 %(returned)s 元。")
                % {"sheet": amount, "returned": returned},
            )
            continue
        result_text = _text(cells[at[COLUMN_RESULT]])
        status = RESULTS.get(result_text)
        if status is None:
            check.error(row_number, COLUMN_RESULT, _("发放结果应为“成功”或“失败”。"))
            continue
        reason = _text(cells[at[COLUMN_REASON]])[:200] if status == PaymentResultStatus.FAILED else ""
        if status == PaymentResultStatus.FAILED and not reason:
            check.error(row_number, COLUMN_REASON, _("发放失败的明细须填写失败原因。"))
            continue
        if old_status is not None:
            if (old_status, old_reason) != (status, reason):
                check.error(
                    row_number,
                    COLUMN_RESULT,
                    _("该笔已由回盘 #%(id)s 登记为“%(old)s”，与本文件不一致。")
                    % {
                        "id": old_return,
                        "old": str(PaymentResultStatus(old_status).label) + (f"：{old_reason}" if old_reason else ""),
                    },
                )
                continue
        else:
            new.append((line_id, status, reason))
        if status == PaymentResultStatus.PAID:
            check.paid_count += 1
            check.paid_total += amount
        else:
            check.failed_count += 1
            check.failed_total += amount
    # Lines of the sheet that the file leaves without a result (and no earlier return recorded): the row they have
    # in the exported sheet, in 序号 order from row 2.
    for position, (number, line) in enumerate(sorted(lines.items()), start=2):
        if number not in seen and line[3] is None:
            check.error(position, COLUMN_RESULT, _("发放表序号 %(n)s 的明细在回盘中没有发放结果。") % {"n": number})
    if progress:
        progress.set(max(run.lines_count, 1) + 1, _("登记结果"))
    return check


def check_reconcile_allowed(run: PaymentRun, user) -> None:
    authorize(user, Perm.PAYMENT_EXPORT, COUNTY_WIDE)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(_("只有审批通过的发放批次可以登记银行回盘。"))


def _new_return(*, run, content: bytes, file_name: str, bank_name: str | None, acting_user) -> BankReturn:
    bank_return = BankReturn(
        run=run,
        bank_name=bank_name or "",
        file_name=file_name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    bank_return.file.save(file_name.rsplit("/", 1)[-1][:100] or "return.xlsx", ContentFile(content), save=False)
    bank_return.save()
    return bank_return


def bank_return_upload(*, run: PaymentRun, content: bytes, file_name: str, bank_name: str | None = None, acting_user):
    """The page's path: store the file and start the job that checks and records it."""
    authorize(acting_user, Perm.PAYMENT_EXPORT, COUNTY_WIDE)

    check_reconcile_allowed(run, acting_user)
    # A hostile or unreadable file is refused here, in constant memory, before anything is stored or enqueued.
    try:
        inspect_return_workbook(content)
    except ReturnFileError as exc:
        raise ValidationError(str(exc), code="file") from None
    bank_return = None
    try:
        with transaction.atomic():
            bank_return = _new_return(
                run=run, content=content, file_name=file_name, bank_name=bank_name, acting_user=acting_user
            )
            bank_return.job = job_create(
                kind=RETURN_JOB, acting_user=acting_user, params={"bank_return_id": bank_return.pk}
            )
            bank_return.save(update_fields=["job"])
    except JobEnqueueError as exc:
        # The queue is down: nothing of this upload stays behind (no return "pending" forever, no stored file).
        _discard_return(bank_return)
        raise ValidationError(str(exc), code="queue_unavailable") from None
    return bank_return


def _discard_return(bank_return: BankReturn | None) -> None:
    if bank_return is None or bank_return.pk is None:
        return

    job_id = BankReturn.objects.filter(pk=bank_return.pk).values_list("job", flat=True).first()
    if bank_return.file:
        bank_return.file.delete(save=False)
    BankReturn.objects.filter(pk=bank_return.pk).delete()
    Job.objects.filter(pk=job_id).delete()


def bank_return_reconcile(
    *, run: PaymentRun, content: bytes, file_name: str, bank_name: str | None = None, acting_user, progress=None
) -> tuple[BankReturn, ReturnCheck]:
    """The command line's path: store the file, check and record it in this process. A file the bounded reader
    refuses is refused before it is stored (ValidationError), as on the page."""
    authorize(acting_user, Perm.PAYMENT_EXPORT, COUNTY_WIDE)
    check_reconcile_allowed(run, acting_user)
    try:
        inspect_return_workbook(content)
    except ReturnFileError as exc:
        raise ValidationError(str(exc), code="file") from None
    bank_return = _new_return(
        run=run, content=content, file_name=file_name, bank_name=bank_name, acting_user=acting_user
    )
    check = bank_return_process(bank_return=bank_return, content=content, progress=progress)
    bank_return.refresh_from_db()
    return bank_return, check


def bank_return_job_run(*, job, progress=None) -> dict:

    bank_return = BankReturn.objects.select_related("run").filter(pk=job.params["bank_return_id"]).first()
    if bank_return is None:
        raise JobError(_("回盘记录不存在。"))
    with bank_return.file.open("rb") as handle:
        content = handle.read()
    check = bank_return_process(bank_return=bank_return, content=content, progress=progress)
    result = {
        "rows": check.rows,
        "paid": check.paid_count,
        "failed": check.failed_count,
        "recorded": len(check.new) if not check.error_count else 0,
        "errors": check.error_count,
    }
    if check.error_count:
        raise JobError(
            _("回盘有 %(n)s 处错误，未登记任何结果。请在回盘页面查看错误，改正后重新上传。") % {"n": check.error_count}
        )
    return result


def bank_return_process(*, bank_return: BankReturn, content: bytes, progress=None) -> ReturnCheck:
    """Check the file and, when it has no error, record its new results: one transaction, the run locked, so two
    returns of the same run are recorded one after the other."""
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().select_related("program").get(pk=bank_return.run_id)
        try:
            check = bank_return_check(
                run=run,
                content=content,
                bank_name=bank_return.bank_name if bank_return.bank_name else None,
                progress=progress,
            )
        except ReturnFileError as exc:
            check = ReturnCheck()
            check.error(0, "-", str(exc))
        if not check.error_count and check.new:
            _copy_results(bank_return, check.new)
        bank_return.status = BankReturnStatus.INVALID if check.error_count else BankReturnStatus.RECORDED
        bank_return.rows = check.rows
        bank_return.paid_count, bank_return.paid_total = check.paid_count, check.paid_total
        bank_return.failed_count, bank_return.failed_total = check.failed_count, check.failed_total
        bank_return.recorded_count = 0 if check.error_count else len(check.new)
        bank_return.error_count = check.error_count
        bank_return.errors = [e.as_dict() for e in check.errors]
        bank_return.recorded_at = None if check.error_count else timezone.now()
        bank_return.save()
    return check


def _copy_results(bank_return: BankReturn, new: list[tuple[int, str, str]]) -> None:
    buffer = io.StringIO()
    write = buffer.write
    return_id = str(bank_return.pk)
    for line_id, status, reason in new:
        text = reason.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")
        write(f"{line_id}\t{return_id}\t{status}\t{text}\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert("COPY subsidies_paymentresult (line_id, bank_return_id, status, reason) FROM STDIN", buffer)


def payment_account_correct(*, line, social_security_card: str, bank_name: str, expected_version: int, acting_user):
    """Correct the account of a payee whose payment failed (finance may, without the rest of the person's record;
    caseworkers do it on the person's page). The next run of the program then pays the failed line again."""

    authorize(acting_user, (Perm.PAYMENT_ACCOUNT_EDIT, Perm.PERSON_EDIT), line)
    person = person_list_for_user(user=acting_user).filter(pk=line.person_id).first()
    if person is None:
        raise PermissionDenied
    if social_security_card.strip() == line.account:
        raise ValidationError({"social_security_card": _("新账号与发放失败的账号相同，请填写更正后的账号。")})
    return person_update(
        person=person,
        expected_version=expected_version,
        acting_user=acting_user,
        social_security_card=social_security_card.strip(),
        bank_name=bank_name.strip(),
    )
