"""Payment sheets of an approved run: the XLSX of CONTRACT.md (streamed) and the per-township PDFs for signatures.

The XLSX is written by openpyxl in write-only mode (lxml installed, so it streams through lxml) from a server-side
cursor: memory stays flat whatever the number of lines. Text cells that a spreadsheet would read as a formula
(=, +, -, @, tab, CR at the start) are prefixed with an apostrophe.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.audit.services import sensitive_access_record
from fedportal.core.spreadsheets import escape_formula, write_header
from fedportal.pdf import render_pdf_template

from .models import PaymentRun, RunStatus

DETAIL_SHEET = "发放明细"
SUMMARY_SHEET = "汇总"
DETAIL_HEADER = ["序号", "乡镇(街道)", "姓名", "身份证号", "社保卡号", "开户银行", "项目", "所属期", "金额", "备注"]
SUMMARY_HEADER = ["乡镇(街道)", "人数", "笔数", "当期金额", "补发金额", "金额"]
MONEY_FORMAT = "0.00"

_LINES_SQL = """
SELECT t.code, t.name, p.name, p.id_number, p.social_security_card, p.bank_name, l.month, l.amount, l.kind, l.person_id
FROM subsidies_paymentline l
JOIN cases_person p ON p.id = l.person_id
JOIN cases_township t ON t.id = l.township_id
WHERE l.run_id = %s AND l.kind <> 'recovery' {township}
ORDER BY t.code, p.name, l.person_id, l.month
"""


def run_lines(run: PaymentRun, *, township_id: int | None = None, chunk: int = 5000):
    """Payment lines (current and back pay) of a run in sheet order, from a server-side cursor."""
    sql = _LINES_SQL.format(township="AND l.township_id = %s" if township_id else "")
    params = [run.pk, township_id] if township_id else [run.pk]
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.cursor.itersize = chunk
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


_TOTALS_SQL = """
SELECT t.name, COUNT(DISTINCT l.person_id), COUNT(*),
       COALESCE(SUM(l.amount) FILTER (WHERE l.kind <> 'backpay'), 0),
       COALESCE(SUM(l.amount) FILTER (WHERE l.kind = 'backpay'), 0)
FROM subsidies_paymentline l
JOIN cases_township t ON t.id = l.township_id
WHERE l.run_id = %s AND l.kind <> 'recovery'
GROUP BY t.code, t.name
ORDER BY t.code
"""


def township_totals(run: PaymentRun) -> list[tuple]:
    """(township, persons, lines, current, back pay) per township, summed in the database."""
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL, [run.pk])
        return cursor.fetchall()


def write_payment_sheet(run: PaymentRun, target) -> dict:
    """Write the workbook of CONTRACT.md to `target` (a path or a binary file). Returns {"lines", "total"}.

    The detail rows stream from a server-side cursor; the per-township totals come from one aggregate query, so
    the loop does no more than openpyxl's own write-only floor plus the formula guard.
    """
    program_name = run.program.name
    period_format = "%Y-%m" if run.program.is_monthly else "%Y"
    periods: dict = {}  # a run has a handful of distinct months: format each once
    backpay_note, current_note = _("补发"), ""
    workbook = Workbook(write_only=True)
    detail = workbook.create_sheet(DETAIL_SHEET)
    for letter, width in zip("ABCDEFGHIJ", (8, 14, 10, 21, 22, 16, 12, 10, 12, 8), strict=True):
        detail.column_dimensions[letter].width = width
    bold = Font(bold=True)
    write_header(detail, DETAIL_HEADER)
    grand = Decimal("0.00")
    number = 0
    append = detail.append
    # One styled cell reused for every row: write-only sheets serialise a row as soon as it is appended, and
    # creating a styled cell per row costs a third of the export time.
    cell = WriteOnlyCell(detail)
    cell.number_format = MONEY_FORMAT
    for _code, township, name, id_number, card, bank, month, amount, kind, _person_id in run_lines(run):
        number += 1
        cell.value = amount
        period = periods.get(month)
        if period is None:
            period = periods[month] = month.strftime(period_format)
        append(
            [
                number,
                escape_formula(township),
                escape_formula(name),
                id_number,  # 17 digits and a digit or X: the database's check constraint
                escape_formula(card),
                escape_formula(bank),
                program_name,
                period,
                cell,
                backpay_note if kind == "backpay" else current_note,
            ]
        )
        grand += amount
    detail.append([_header_cell(detail, _("合计"), bold), "", "", "", "", "", "", "", _money(detail, grand, bold), ""])

    summary = workbook.create_sheet(SUMMARY_SHEET)
    summary.column_dimensions["A"].width = 16
    write_header(summary, SUMMARY_HEADER)
    all_persons, all_current, all_backpay = 0, Decimal("0.00"), Decimal("0.00")
    for township, persons, lines, current, backpay in township_totals(run):
        all_persons += persons
        all_current += current
        all_backpay += backpay
        summary.append(
            [
                escape_formula(township),
                persons,
                lines,
                _money(summary, current),
                _money(summary, backpay),
                _money(summary, current + backpay),
            ]
        )
    summary.append(
        [
            _header_cell(summary, _("合计"), bold),
            all_persons,
            number,
            _money(summary, all_current, bold),
            _money(summary, all_backpay, bold),
            _money(summary, grand, bold),
        ]
    )
    workbook.save(target)
    return {"lines": number, "total": grand}


def _header_cell(sheet, text, font):
    cell = WriteOnlyCell(sheet, value=str(text))
    cell.font = font
    return cell


def _money(sheet, amount, font=None):
    cell = WriteOnlyCell(sheet, value=amount)
    cell.number_format = MONEY_FORMAT
    if font:
        cell.font = font
    return cell


def township_sheets(run: PaymentRun, *, township_id: int | None = None) -> list[dict]:
    """Per township: its lines (for the signature PDF) and totals."""
    groups: dict[str, dict] = {}
    for code, township, name, id_number, card, bank, month, amount, kind, _person_id in run_lines(
        run, township_id=township_id
    ):
        group = groups.setdefault(code, {"name": township, "lines": [], "total": Decimal("0.00"), "persons": set()})
        group["lines"].append(
            {
                "name": name,
                "id_number": id_number,
                "card": card,
                "bank": bank,
                "period": f"{month:%Y-%m}" if run.program.is_monthly else f"{month:%Y}",
                "amount": amount,
                "backpay": kind == "backpay",
            }
        )
        group["total"] += amount
        group["persons"].add(_person_id)
    result = []
    for group in groups.values():
        group["persons"] = len(group["persons"])
        result.append(group)
    return result


def render_payment_pdf(run: PaymentRun, *, township_id: int | None = None) -> bytes:
    townships = township_sheets(run, township_id=township_id)
    return render_pdf_template(
        "subsidies/payment_sheet_pdf.html",
        {
            "run": run,
            "townships": townships,
            "grand_total": sum((t["total"] for t in townships), Decimal("0.00")),
            "printed_at": timezone.localtime(),
        },
    )


def check_export_allowed(run: PaymentRun, user) -> None:
    if not has_perm(user, Perm.PAYMENT_EXPORT):
        raise PermissionDenied
    if run.status != RunStatus.APPROVED:
        raise ValidationError(_("只有审批通过的发放批次可以导出。"))


def payment_sheet_export(*, run: PaymentRun, acting_user, target, kind: str = "xlsx", township_id=None, request=None):
    """Export an approved run for finance and log it. `target`: path or binary file for xlsx; ignored for pdf
    (the bytes are returned)."""
    check_export_allowed(run, acting_user)
    sensitive_access_record(
        user=acting_user,
        field="export",
        detail=f"发放表 {run.program.name} {run.period_label} 批次{run.pk} {kind}"
        + (f" 乡镇{township_id}" if township_id else ""),
        request=request,
    )
    if kind == "pdf":
        return render_payment_pdf(run, township_id=township_id)
    return write_payment_sheet(run, target)
