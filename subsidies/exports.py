"""Payment sheets of an approved run: the XLSX of CONTRACT.md (streamed) and the per-township PDFs for signatures.

The XLSX is written by the portal's streaming writer (fedportal/core/xlsx_stream.py, about eight times openpyxl's
write-only speed) from a server-side cursor: memory stays flat whatever the number of lines. Text cells that a spreadsheet would read as a formula
(=, +, -, @, tab, CR at the start) are prefixed with an apostrophe.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.models import Township
from fedportal.accounts.permissions import Perm, has_perm
from fedportal.audit.services import sensitive_access_record
from fedportal.core.clock import local_now
from fedportal.core.spreadsheets import escape_formula, header_width
from fedportal.core.xlsx_stream import BOLD, MONEY, MONEY_BOLD, StreamingWorkbook, Styled
from fedportal.jobs.services import JobError, job_attach_file, job_create
from fedportal.pdf import render_pdf_template

from .models import PaymentRun, RunStatus

DETAIL_SHEET = "发放明细"
SUMMARY_SHEET = "汇总"
DETAIL_HEADER = ["序号", "乡镇(街道)", "姓名", "身份证号", "社保卡号", "开户银行", "项目", "所属期", "金额", "备注"]
SUMMARY_HEADER = ["乡镇(街道)", "人数", "笔数", "当期金额", "补发金额", "金额"]
MONEY_FORMAT = "0.00"

# Only the frozen lines (and the township's name): the same run always gives the same sheet. 序号 is the line's own
# sheet number, so one bank's sheet keeps the run's numbers and its return matches the lines as the whole sheet's does.
_LINES_SQL = """
SELECT t.code, t.name, l.payee_name, l.id_number, l.account, l.bank_name, l.month, l.amount, l.kind, l.sheet_number
FROM subsidies_paymentline l
JOIN cases_township t ON t.id = l.township_id
WHERE l.run_id = %s AND l.kind <> 'recovery' {where}
ORDER BY l.sheet_number
"""


def _filters(township_id: int | None, bank: str | None) -> tuple[str, list]:
    where, params = [], []
    if township_id:
        where.append("AND l.township_id = %s")
        params.append(township_id)
    if bank is not None:
        where.append("AND l.bank_name = %s")
        params.append(bank)
    return " ".join(where), params


def run_lines(run: PaymentRun, *, township_id: int | None = None, bank: str | None = None, chunk: int = 5000):
    """Payment lines (current, back pay, 重发) of an approved run in sheet order, from a server-side cursor:
    (township code, township, name, ID number, account, bank, month, amount, kind, 序号)."""
    where, params = _filters(township_id, bank)
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.cursor.itersize = chunk
        cursor.execute(_LINES_SQL.format(where=where), [run.pk, *params])
        while rows := cursor.fetchmany(chunk):
            yield from rows


_TOTALS_SQL = """
SELECT t.name, COUNT(DISTINCT l.person_id), COUNT(*),
       COALESCE(SUM(l.amount) FILTER (WHERE l.kind <> 'backpay'), 0),
       COALESCE(SUM(l.amount) FILTER (WHERE l.kind = 'backpay'), 0)
FROM subsidies_paymentline l
JOIN cases_township t ON t.id = l.township_id
WHERE l.run_id = %s AND l.kind <> 'recovery' {where}
GROUP BY t.code, t.name
ORDER BY t.code
"""


def township_totals(run: PaymentRun, *, bank: str | None = None) -> list[tuple]:
    """(township, persons, lines, current, back pay) per township, summed in the database."""
    where, params = _filters(None, bank)
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL.format(where=where), [run.pk, *params])
        return cursor.fetchall()


def run_banks(run: PaymentRun) -> list[dict]:
    """The run's 开户银行 (as frozen on its lines) with lines and amount each: one sheet per bank."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT bank_name, count(*), sum(amount) FROM subsidies_paymentline
            WHERE run_id = %s AND kind <> 'recovery' GROUP BY bank_name ORDER BY bank_name""",
            [run.pk],
        )
        return [{"bank": bank, "lines": lines, "total": total} for bank, lines, total in cursor.fetchall()]


def write_payment_sheet(run: PaymentRun, target, *, bank: str | None = None, progress=None) -> dict:
    """Write the workbook of CONTRACT.md to `target` (a path or a binary file). Returns {"lines", "total"}.

    The detail rows stream from a server-side cursor into a streaming XLSX writer (`fedportal.core.xlsx_stream`);
    the per-township totals come from one aggregate query. Memory stays flat whatever the number of lines.
    """
    program_name = run.program.name
    period_format = "%Y-%m" if run.program.period_is_month else "%Y"
    periods: dict = {}  # a run has a handful of distinct months: format each once
    notes = {"backpay": _("补发"), "resend": _("重发")}
    if run.program.pays_insurer:
        # Paid to the insurer for the person of the ID number (姓名 is the insurer's).
        notes["current"] = _("代缴")
    grand = Decimal("0.00")
    number = 0
    with StreamingWorkbook(target) as book:
        detail = book.add_sheet(DETAIL_SHEET, widths=_widths(DETAIL_HEADER, _DETAIL_WIDTHS), freeze_header=True)
        detail.append([Styled(text, BOLD) for text in DETAIL_HEADER])
        append = detail.append
        for _code, township, name, id_number, card, bank_name, month, amount, kind, sheet_number in run_lines(
            run, bank=bank
        ):
            number += 1
            if progress is not None and not number % 5000:
                progress.set(number)
            period = periods.get(month)
            if period is None:
                period = periods[month] = month.strftime(period_format)
            append(
                [
                    sheet_number,
                    escape_formula(township),
                    escape_formula(name),
                    id_number,  # 17 digits and a digit or X: the database's check constraint
                    escape_formula(card),
                    escape_formula(bank_name),
                    program_name,
                    period,
                    Styled(amount, MONEY),
                    notes.get(kind, ""),
                ]
            )
            grand += amount
        detail.append([Styled(_("合计"), BOLD), "", "", "", "", "", "", "", Styled(grand, MONEY_BOLD), ""])

        summary = book.add_sheet(SUMMARY_SHEET, widths=_widths(SUMMARY_HEADER, (16,)), freeze_header=True)
        summary.append([Styled(text, BOLD) for text in SUMMARY_HEADER])
        all_persons, all_current, all_backpay = 0, Decimal("0.00"), Decimal("0.00")
        for township, persons, lines, current, backpay in township_totals(run, bank=bank):
            all_persons += persons
            all_current += current
            all_backpay += backpay
            summary.append(
                [
                    escape_formula(township),
                    persons,
                    lines,
                    Styled(current, MONEY),
                    Styled(backpay, MONEY),
                    Styled(current + backpay, MONEY),
                ]
            )
        summary.append(
            [
                Styled(_("合计"), BOLD),
                all_persons,
                number,
                Styled(all_current, MONEY_BOLD),
                Styled(all_backpay, MONEY_BOLD),
                Styled(grand, MONEY_BOLD),
            ]
        )
    return {"lines": number, "total": grand}


_DETAIL_WIDTHS = (8, 14, 10, 21, 22, 16, 12, 10, 12, 8)


def _widths(headers, given) -> list[float]:
    """Each column as wide as given, and at least as wide as its header."""
    given = list(given) + [0] * (len(headers) - len(given))
    return [max(width, header_width(text)) for width, text in zip(given, headers, strict=True)]


def township_sheets(run: PaymentRun, *, township_id: int | None = None) -> list[dict]:
    """Per township: its lines (for the signature PDF) and totals."""
    groups: dict[str, dict] = {}
    for code, township, name, id_number, card, bank, month, amount, kind, sheet_number in run_lines(
        run, township_id=township_id
    ):
        group = groups.setdefault(code, {"name": township, "lines": [], "total": Decimal("0.00"), "persons": set()})
        group["lines"].append(
            {
                "name": name,
                "id_number": id_number,
                "card": card,
                "bank": bank,
                "period": f"{month:%Y-%m}" if run.program.period_is_month else f"{month:%Y}",
                "amount": amount,
                "number": sheet_number,
                "backpay": kind == "backpay",
                "resend": kind == "resend",
            }
        )
        group["total"] += amount
        group["persons"].add(id_number)
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
            "printed_at": local_now(),
        },
    )


def check_export_allowed(run: PaymentRun, user) -> None:
    if not has_perm(user, Perm.PAYMENT_EXPORT):
        raise PermissionDenied
    if run.status != RunStatus.APPROVED:
        raise ValidationError(_("只有审批通过的发放批次可以导出。"))


SHEET_JOB = "subsidies.payment_sheet"


def payment_sheet_file_name(run: PaymentRun, *, kind: str, township_name: str = "", bank: str | None = None) -> str:
    """`护理补贴-2026-03-批次12[-莲塘镇][-中国农业银行].xlsx`: a downloaded file says what it holds."""
    parts = [run.program.name, run.period_label, _("批次%(id)s") % {"id": run.pk}]
    if township_name:
        parts.append(township_name)
    if bank is not None:
        parts.append(bank or _("未填开户银行"))
    return "-".join(parts) + (".pdf" if kind == "pdf" else ".xlsx")


def _record_export(run: PaymentRun, acting_user, kind: str, township_id, bank, request) -> None:
    sensitive_access_record(
        user=acting_user,
        field="export",
        detail=f"发放表 {run.program.name} {run.period_label} 批次{run.pk} {kind}"
        + (f" 乡镇{township_id}" if township_id else "")
        + (f" 开户银行{bank or '-'}" if bank is not None else ""),
        request=request,
    )


def payment_sheet_export(
    *, run: PaymentRun, acting_user, target, kind: str = "xlsx", township_id=None, bank=None, request=None
):
    """Export an approved run for finance and log it (the command line; the pages start a job). `target`: path or
    binary file for xlsx; ignored for pdf (the bytes are returned). `bank`: one 开户银行's sheet."""
    check_export_allowed(run, acting_user)
    _record_export(run, acting_user, kind, township_id, bank, request)
    if kind == "pdf":
        return render_payment_pdf(run, township_id=township_id)
    return write_payment_sheet(run, target, bank=bank)


def payment_sheet_job_start(
    *,
    run: PaymentRun,
    acting_user,
    kind: str = "xlsx",
    township_id: int | None = None,
    bank: str | None = None,
    request=None,
):
    """Start the job that writes an approved run's sheet (XLSX, the whole run or one bank's) or its signature PDF (all
    townships or one). The file holds full ID and account numbers: its start and every download are logged, and it is
    deleted after the retention period."""

    check_export_allowed(run, acting_user)
    if kind not in ("xlsx", "pdf"):
        raise ValidationError(_("未知的导出格式。"))
    _record_export(run, acting_user, kind, township_id, bank, request)
    params = {"run_id": run.pk, "format": kind, "township_id": township_id, "bank": bank, "reveal": True}
    return job_create(kind=SHEET_JOB, acting_user=acting_user, params=params)


def payment_sheet_job_run(*, job, progress=None) -> dict:
    """The job: write the file to a spool and attach it to the job."""
    import tempfile

    params = job.params
    run = PaymentRun.objects.select_related("program", "created_by", "approved_by").filter(pk=params["run_id"]).first()
    if run is None or run.status != RunStatus.APPROVED:
        raise JobError(_("只有审批通过的发放批次可以导出。"))
    township_id, bank, kind = params.get("township_id"), params.get("bank"), params.get("format", "xlsx")
    township_name = (
        Township.objects.filter(pk=township_id).values_list("name", flat=True).first() if township_id else ""
    )
    name = payment_sheet_file_name(run, kind=kind, township_name=township_name or "", bank=bank)
    if kind == "pdf":
        if progress:
            progress.start(2, _("生成签字表"))
        content = render_payment_pdf(run, township_id=township_id)
        if progress:
            progress.step(1, _("保存文件"))
        job_attach_file(job=job, filename=name, content=content)
        return {"file": name}
    lines = run.lines.exclude(kind="recovery")
    if bank is not None:
        lines = lines.filter(bank_name=bank)
    if progress:
        progress.start(lines.count(), _("写入发放明细"))
    with tempfile.TemporaryFile() as spool:
        result = write_payment_sheet(run, spool, bank=bank, progress=progress)
        spool.seek(0)
        job_attach_file(job=job, filename=name, content=spool)
    return {"file": name, "lines": result["lines"], "total": str(result["total"])}
