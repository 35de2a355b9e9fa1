"""Approved runs as frozen records, and 重发 lines (DOMAIN.md: 'Payment runs', 'Paying through the bank').

- Approval writes each line's payee (name, ID number, 社保卡号/account, bank) and its 序号 on the payment sheet into the
  line; the sheets read only the lines, so an approved run exports the same sheet whatever changes in the registry.
- A line the bank returned as failed is held (待更正账户) until the payee's account number differs from the one it
  failed on; the next run of the same program computed after that (and of a later period) pays it again: a 重发
  line with the original 所属期, tier and amount. Approval claims the failed line (PaymentResult.resent_line, unique),
  so a failed payment is paid again once, and never while the account is unchanged.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# One statement: payee details from the registry and the sheet order (township, name, person, month, kind).
_FREEZE = """
UPDATE subsidies_paymentline l
SET sheet_number = n.number, payee_name = n.name, id_number = n.id_number, account = n.account, bank_name = n.bank
FROM (
    -- A contribution subsidy is paid to the insurer (Program.payee_*): its name, account and bank on every line.
    SELECT l2.id, CASE WHEN prog.payee_name <> '' THEN prog.payee_name ELSE p.name END AS name, p.id_number,
           CASE WHEN prog.payee_name <> '' THEN prog.payee_account ELSE p.social_security_card END AS account,
           CASE WHEN prog.payee_name <> '' THEN prog.payee_bank ELSE p.bank_name END AS bank,
           CASE WHEN l2.kind <> 'recovery' THEN row_number() OVER (
               PARTITION BY l2.kind = 'recovery' ORDER BY t.code, p.name, l2.person_id, l2.month, l2.kind
           ) END AS number
    FROM subsidies_paymentline l2
    JOIN cases_person p ON p.id = l2.person_id
    JOIN cases_township t ON t.id = l2.township_id
    JOIN subsidies_program prog ON prog.id = l2.program_id
    WHERE l2.run_id = %s
) n
WHERE l.id = n.id
"""

# Failed, not yet paid again, of the same program, in a run of an earlier period, and the account has changed since.
_HELD_CHANGED = """
SELECT DISTINCT ON (o.person_id, o.month) o.id, o.person_id, o.enrollment_id, p.township_id, o.month, o.tier, o.amount
FROM subsidies_paymentresult r
JOIN subsidies_paymentline o ON o.id = r.line_id
JOIN subsidies_paymentrun orun ON orun.id = o.run_id
JOIN cases_person p ON p.id = o.person_id
JOIN subsidies_program prog ON prog.id = o.program_id
CROSS JOIN LATERAL (SELECT CASE WHEN prog.payee_name <> '' THEN prog.payee_account
                                ELSE p.social_security_card END AS account) now
WHERE r.status = 'failed' AND r.resent_line_id IS NULL AND o.program_id = %(program_id)s
  AND orun.status = 'approved' AND orun.period < %(period)s
  AND now.account <> '' AND now.account <> o.account
ORDER BY o.person_id, o.month, o.id DESC
"""


def freeze_run_lines(cursor, run) -> None:
    cursor.execute(_FREEZE, [run.pk])


def insert_resend_lines(cursor, run) -> int:
    """Add the run's 重发 lines (inside the compute transaction, after the current and back-pay lines)."""
    cursor.execute(
        f"""INSERT INTO subsidies_paymentline
            (run_id, program_id, person_id, enrollment_id, township_id, month, kind, tier, amount, reasons, resend_of_id)
        SELECT %(run_id)s, %(program_id)s, h.person_id, h.enrollment_id, h.township_id, h.month, 'resend', h.tier,
               h.amount, '', h.id
        FROM ({_HELD_CHANGED}) h""",
        {"run_id": run.pk, "program_id": run.program_id, "period": run.period},
    )
    return cursor.rowcount


def resends_claim(cursor, run) -> None:
    """At approval, after freezing: each 重发 line claims its failed line. Refused when another approved run paid it
    again already, or when the account it goes to is the one that failed (changed back since the computation)."""
    cursor.execute(
        """SELECT count(*) FILTER (WHERE r.line_id IS NULL OR r.resent_line_id IS NOT NULL OR r.status <> 'failed'),
                  count(*) FILTER (WHERE n.account = o.account OR n.account = '')
        FROM subsidies_paymentline n
        JOIN subsidies_paymentline o ON o.id = n.resend_of_id
        LEFT JOIN subsidies_paymentresult r ON r.line_id = o.id
        WHERE n.run_id = %s AND n.kind = 'resend'""",
        [run.pk],
    )
    claimed, unchanged = cursor.fetchone()
    if claimed:
        raise ValidationError(
            _("本批次有 %(n)s 笔重发已由其他批次重发过，不能再次重发。请重新计算本批次后再审批。") % {"n": claimed}
        )
    if unchanged:
        raise ValidationError(
            _("本批次有 %(n)s 笔重发的收款账户与失败时相同（账户在计算后被改回）。请重新计算本批次后再审批。")
            % {"n": unchanged}
        )
    cursor.execute(
        """UPDATE subsidies_paymentresult r SET resent_line_id = n.id
        FROM subsidies_paymentline n
        WHERE n.run_id = %s AND n.kind = 'resend' AND r.line_id = n.resend_of_id AND r.resent_line_id IS NULL""",
        [run.pk],
    )
