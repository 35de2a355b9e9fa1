"""Benchmark: a 20,000-row poverty roll (民政) compared against a 200,000-person registry, and its 2,000 findings
applied (数据比对).

    .venv/bin/python bench/comparison.py [--persons 200000] [--roll 20000]

Uses DATABASE_URL / REDIS_URL (a scratch database: the data is rebuilt on every run).
- Data (COPY + set-wise SQL, triggers off while loading): N persons with valid ID numbers and a valid certificate;
  10% on 低保 since 2020 and enrolled in the living allowance, paid by approved runs for the three months before this.
- The roll (an .xlsx written by openpyxl): of the 低保 holders 92.5% carried unchanged, 2.5% carried as 特困供养
  (poverty_change); 2.5% of the roll are persons newly on 低保 (poverty_start); 2.5% are ID numbers not in the
  registry (unmatched). Holders the roll does not carry (5%) have ended (poverty_end). With the defaults: 20,000 rows,
  500 changes, 500 starts, 500 unmatched, 1,000 ends = 2,000 findings.
- compare: upload + the compare job's work (read, match, money effects through the subsidies rules with the what-if
  savepoint, findings and the result workbook stored), in this process; apply: the apply job's work by a second user
  (compare again, then 2,000 findings through the registry services in one transaction, result workbook rewritten).
Peak RSS of the process is printed too.
"""

import argparse
import io
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")

TOWNSHIP_CODE = "369997001"


def local_today():
    """The portal's one clock, imported once Django's path and settings are in place."""
    from fedportal.core.clock import local_today as today

    return today()


def id_number(area: str, i: int) -> str:
    from fedportal.idnumber import check_character

    birth = date(1940, 1, 1) + timedelta(days=i * 7 % 25000)
    first17 = f"{area}{birth:%Y%m%d}{i // 25000 % 1000:03d}"
    return first17 + check_character(first17)


def build(persons: int) -> dict:
    from django.db import connection, transaction

    from cases.models import Township, Village
    from fedportal.accounts.models import Role, User
    from fedportal.core.dates import add_months
    from subsidies.models import Program

    uploader, _ = User.objects.get_or_create(username="bench_caseworker", defaults={"role": Role.CASEWORKER})
    applier, _ = User.objects.get_or_create(username="bench_reviewer", defaults={"role": Role.REVIEWER})
    finance, _ = User.objects.get_or_create(username="bench_finance", defaults={"role": Role.FINANCE})
    finance2, _ = User.objects.get_or_create(username="bench_finance2", defaults={"role": Role.FINANCE})
    living = Program.objects.get(code="living")
    current = local_today().replace(day=1)
    months = [add_months(current, -k) for k in (3, 2, 1)]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bulk load: no audit triggers
        township, _ = Township.objects.get_or_create(code=TOWNSHIP_CODE, defaults={"name": "比对基准镇"})
        villages = [
            Village.objects.get_or_create(
                code=f"{TOWNSHIP_CODE}{i:03d}", defaults={"township": township, "name": f"比对基准{i}村"}
            )[0].pk
            for i in range(1, 21)
        ]
        cursor.execute("CREATE TEMP TABLE bench_ids (i int, id_number text) ON COMMIT DROP")
        buffer = io.StringIO("".join(f"{i}\t{id_number('360121', i)}\n" for i in range(1, persons + 1)))
        cursor.copy_expert("COPY bench_ids FROM STDIN", buffer)
        cursor.execute(
            """INSERT INTO cases_person (id_number, name, sex, birth_date, ethnicity, phone, address, relation_to_head,
                guardian_name, guardian_phone, guardian_relation, education_stage, social_security_card, bank_name,
                poverty_status, death_date, moved_out_date, version, created_at, updated_at, township_id, village_id)
            SELECT b.id_number, '比对' || b.i, CASE WHEN substr(b.id_number, 17, 1)::int %% 2 = 1 THEN 'M' ELSE 'F' END,
                to_date(substr(b.id_number, 7, 8), 'YYYYMMDD'), '汉族', '', '', 'head', '', '', '', 'none',
                '6217' || lpad(b.i::text, 15, '0'), '农村商业银行',
                CASE WHEN b.i %% 10 = 0 THEN 'dibao' ELSE 'none' END, NULL, NULL, 1, now(), now(), %s,
                (%s::bigint[])[1 + b.i %% 20]
            FROM bench_ids b""",
            [township.pk, villages],
        )
        cursor.execute(
            """INSERT INTO certificates_certificate (person_id, number, category, grade, generation, issue_date,
                expiry_date, status, ended_on, end_reason, created_at, updated_at)
            SELECT p.id, p.id_number || '4' || (1 + p.id %% 4), 4, 1 + p.id %% 4, 3, date '2020-01-01',
                date '2029-12-31', 'active', NULL, '', now(), now()
            FROM cases_person p WHERE p.township_id = %s""",
            [township.pk],
        )
        cursor.execute(
            """INSERT INTO cases_povertyrecord (person_id, status, start_date, end_date, source, created_at)
            SELECT id, 'dibao', date '2020-01-01', NULL, 'bench', now() FROM cases_person
            WHERE township_id = %s AND poverty_status = 'dibao'""",
            [township.pk],
        )
        cursor.execute(
            """INSERT INTO subsidies_enrollment (person_id, program_id, start_month, paid_through, status,
                status_reason, source, note, created_at, updated_at)
            SELECT id, %s, %s, NULL, 'active', '', 'demo', '', now(), now() FROM cases_person
            WHERE township_id = %s AND poverty_status = 'dibao'""",
            [living.pk, months[0], township.pk],
        )
        cursor.execute(
            """INSERT INTO subsidies_paymentrun (program_id, period, as_of, status, computed_at, lines_count, total,
                backpay_count, backpay_total, recovery_count, recovery_total, stops_count, created_by_id, created_at,
                approved_by_id, approved_at, note)
            SELECT %s, m, m, 'approved', now(), 0, 0, 0, 0, 0, 0, 0, %s, now(), %s, now(), 'bench'
            FROM unnest(%s::date[]) m""",
            [living.pk, finance.pk, finance2.pk, months],
        )
        cursor.execute(
            """INSERT INTO subsidies_paymentline (run_id, program_id, person_id, enrollment_id, township_id, month,
                kind, tier, amount, reasons)
            SELECT r.id, r.program_id, e.person_id, e.id, %s, r.period, 'current', 'default', 80, ''
            FROM subsidies_paymentrun r JOIN subsidies_enrollment e ON e.program_id = r.program_id
            WHERE r.program_id = %s AND r.note = 'bench'""",
            [township.pk, living.pk],
        )
        cursor.execute(
            """INSERT INTO subsidies_paidmonth (program_id, person_id, month)
            SELECT program_id, person_id, month FROM subsidies_paymentline WHERE program_id = %s
            ON CONFLICT DO NOTHING""",
            [living.pk],
        )
    with connection.cursor() as cursor:
        for table in (
            "cases_person",
            "certificates_certificate",
            "cases_povertyrecord",
            "subsidies_enrollment",
            "subsidies_paymentline",
            "subsidies_paidmonth",
        ):
            cursor.execute(f"ANALYZE {table}")
    print(
        f"data: {persons} persons ({persons // 10} on 低保, enrolled, 3 paid months) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return {"uploader": uploader, "applier": applier}


def roll_file(persons: int, rows: int) -> tuple[bytes, int]:
    """The roll: (xlsx bytes, expected findings)."""
    from openpyxl import Workbook

    holders = [i for i in range(10, persons + 1, 10)]
    share = rows // 40  # 2.5%
    changed, carried = holders[:share], holders[share : rows - 2 * share]
    newcomers = [i for i in range(1, persons + 1) if i % 10 == 1][:share]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("低保名册")
    sheet.append(["身份证号", "姓名", "救助类型", "起始日期", "终止日期"])
    for i in carried:
        sheet.append([id_number("360121", i), f"比对{i}", "低保", "2020-01-01", ""])
    for i in changed:
        sheet.append([id_number("360121", i), f"比对{i}", "特困供养", "2026-01-01", ""])
    for i in newcomers:
        sheet.append([id_number("360121", i), f"比对{i}", "低保", "2026-01-01", ""])
    for k in range(share):
        sheet.append([id_number("360122", k + 1), f"外人{k}", "低保", "2024-01-01", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    ended = len(holders) - len(changed) - len(carried)
    return buffer.getvalue(), len(changed) + len(newcomers) + ended


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--roll", type=int, default=20_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from cases.comparison.services import comparison_apply, comparison_compare, comparison_upload
    from cases.models import Comparison

    call_command("migrate", verbosity=0)
    who = build(args.persons)
    content, expected = roll_file(args.persons, args.roll)
    print(f"roll: {args.roll} rows, {len(content) / 1048576:.1f} MB, {expected} findings expected", flush=True)

    started = time.perf_counter()
    comparison = comparison_upload(
        kind="poverty",
        source="县民政局低保名册（基准）",
        as_of=local_today(),
        filename="roll.xlsx",
        content=content,
        acting_user=who["uploader"],
        origin="command",
    )
    report = comparison_compare(comparison=comparison)
    compare_s = time.perf_counter() - started
    comparison = Comparison.objects.get(pk=comparison.pk)
    with_effect = comparison.findings.exclude(effects=[]).count()
    print(
        f"compare: {compare_s:.2f} s  rows {report.rows} matched {report.matched} unmatched {len(report.unmatched)} "
        f"findings {len(report.findings)} (with a money effect {with_effect})  peak RSS {peak_mb():.0f} MB",
        flush=True,
    )
    started = time.perf_counter()
    result = comparison_apply(comparison=comparison, acting_user=who["applier"])
    apply_s = time.perf_counter() - started
    print(f"apply: {apply_s:.2f} s  applied {result['applied']}  peak RSS {peak_mb():.0f} MB", flush=True)
    verdict = "within" if compare_s <= 10 and apply_s <= 10 else "OVER"
    print(f"target 10 s each: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
