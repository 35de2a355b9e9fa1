"""Benchmark: a monthly nursing-allowance run over 200,000 enrolled persons, and its 200,000-line payment sheet.

    .venv/bin/python bench/payments.py [--persons 200000] [--reset] [--cases run,ours,openpyxl,iex,return]

Uses DATABASE_URL / REDIS_URL (use a scratch database: the bench data stays for quick re-runs; --reset rebuilds it).
- Data (set-wise SQL, triggers off while loading): ten townships 发放基准1..10镇 with 20 villages, N persons with one
  certificate each (90% grade 1/2, 10% grade 3), every one enrolled in nursing since 2024-01, twelve approved runs
  2025-01..2025-12 (one year of history), and 0.5% deaths dated 2025-06-15 but recorded only now (recoveries).
- run: the 2026-01 draft is created through the real service and computed by real `celery -A fedportal worker`s
  started here on their own queue, once per --workers count (1,2: one worker in one statement chain, then two
  workers sharing two township chunks, PAYMENT_RUN_CHUNKS); time from create to draft ready, workers' peak RSS.
- ours / openpyxl / iex: the run is approved and exported to XLSX, each case in its own process (peak RSS per
  process): ours = subsidies.exports.write_payment_sheet (the portal's streaming writer, fedportal/core/xlsx_stream.py);
  openpyxl = the same cursor rows written as plain values by openpyxl write-only with lxml (the floor the sheet was
  held to while openpyxl wrote it); iex = django-import-export 4 (ModelResource over the same lines, the admin path).
- return: the bank's return (回盘) of that sheet, one row a line, 1% failed: `payment_run reconcile`'s service
  (read with the bounded reader, every row matched by 序号 + 身份证号 + 金额, results written with COPY) timed once on
  a clean run and once more recording the same file again (nothing new); peak RSS of the process.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")
QUEUE = f"bench-payments-{os.getpid()}"
os.environ.setdefault("CELERY_QUEUE", QUEUE)

TOWNSHIP_CODE = "369998001"  # the first of TOWNSHIPS bench townships (369998001..)
TOWNSHIPS = 10
PERIOD = date(2026, 1, 1)


def setup_django():
    import django

    django.setup()


def users():
    from fedportal.accounts.models import Role, User

    maker, _ = User.objects.get_or_create(username="bench_finance", defaults={"role": Role.FINANCE})
    checker, _ = User.objects.get_or_create(username="bench_finance2", defaults={"role": Role.FINANCE})
    return maker, checker


def build(persons: int, reset: bool) -> None:
    from django.db import connection, transaction

    from cases.models import Township, Village
    from subsidies.models import Program

    maker, checker = users()
    nursing = Program.objects.get(code="nursing")
    codes = [str(int(TOWNSHIP_CODE) + n) for n in range(TOWNSHIPS)]
    existing = list(Township.objects.filter(code__in=codes).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if len(existing) == TOWNSHIPS and not reset:
            cursor.execute("SELECT count(*) FROM cases_person WHERE township_id = ANY(%s)", [existing])
            if cursor.fetchone()[0] == persons:
                print(f"data: reusing {persons} persons of {TOWNSHIPS} townships")
                return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bulk load: no audit triggers, no FK checks
        # Earlier bench data (any layout): persons of the bench townships, or of the one township of old.
        cursor.execute("SELECT id FROM cases_township WHERE code LIKE %s", [TOWNSHIP_CODE[:6] + "%"])
        old = [row[0] for row in cursor.fetchall()]
        if old:
            persons_of_old = "SELECT id FROM cases_person WHERE township_id = ANY(%s)"
            cursor.execute("DELETE FROM subsidies_paymentline WHERE township_id = ANY(%s)", [old])
            cursor.execute("DELETE FROM subsidies_paymentstop WHERE township_id = ANY(%s)", [old])
            cursor.execute("DELETE FROM subsidies_paidmonth WHERE program_id = %s", [nursing.pk])
            cursor.execute(
                "DELETE FROM subsidies_paymentrunchunk WHERE run_id IN "
                "(SELECT id FROM subsidies_paymentrun WHERE program_id = %s)",
                [nursing.pk],
            )
            cursor.execute("DELETE FROM subsidies_paymentrun WHERE program_id = %s", [nursing.pk])
            cursor.execute(f"DELETE FROM subsidies_enrollment WHERE person_id IN ({persons_of_old})", [old])
            cursor.execute(f"DELETE FROM certificates_certificate WHERE person_id IN ({persons_of_old})", [old])
            cursor.execute("DELETE FROM cases_person WHERE township_id = ANY(%s)", [old])
        townships = [
            Township.objects.get_or_create(code=code, defaults={"name": f"发放基准{n + 1}镇"})[0]
            for n, code in enumerate(codes)
        ]
        villages = [
            Village.objects.get_or_create(
                code=f"{townships[i % TOWNSHIPS].code}{i:03d}",
                defaults={"township": townships[i % TOWNSHIPS], "name": f"发放基准{i}村"},
            )[0]
            for i in range(1, 21)
        ]
        village_ids = [v.pk for v in villages]
        village_townships = [v.township_id for v in villages]
        cursor.execute(
            """INSERT INTO cases_person (id_number, name, sex, birth_date, ethnicity, phone, address, relation_to_head,
                guardian_name, guardian_phone, guardian_relation, education_stage, social_security_card, bank_name,
                poverty_status, death_date, moved_out_date, version, created_at, updated_at, township_id, village_id)
            SELECT '9' || lpad(i::text, 17, '0'), '基准' || i, CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
                date '1940-01-01' + (i * 7 %% 25000)::int, '汉族', '139' || lpad(i::text, 8, '0'), '', 'head', '', '', '',
                'none', '6217' || lpad(i::text, 15, '0'), '农村商业银行', 'none',
                CASE WHEN i %% 200 = 1 THEN date '2025-06-15' END, NULL, 1, now(), now(),
                (%s::bigint[])[1 + i %% 20], (%s::bigint[])[1 + i %% 20]
            FROM generate_series(1, %s) i""",
            [village_townships, village_ids, persons],
        )
        cursor.execute(
            """INSERT INTO certificates_certificate (person_id, number, category, grade, generation, issue_date, expiry_date,
                status, ended_on, end_reason, created_at, updated_at)
            SELECT p.id, p.id_number || '4' || g.grade, 4, g.grade, 3, date '2020-01-01' + (p.id %% 365)::int,
                date '2030-01-01' + (p.id %% 365)::int - 1, 'active', NULL, '', now(), now()
            FROM cases_person p, LATERAL (SELECT CASE WHEN p.id %% 10 = 0 THEN 3 ELSE 1 + p.id %% 2 END AS grade) g
            WHERE p.township_id = ANY(%s)""",
            [village_townships],
        )
        cursor.execute(
            """INSERT INTO subsidies_enrollment (person_id, program_id, start_month, paid_through, status, status_reason,
                source, note, created_at, updated_at)
            SELECT p.id, %s, date '2024-01-01', NULL, 'active', '', 'demo', '', now(), now()
            FROM cases_person p WHERE p.township_id = ANY(%s)""",
            [nursing.pk, village_townships],
        )
        cursor.execute(
            """INSERT INTO subsidies_paymentrun (program_id, period, as_of, status, computed_at, lines_count, total,
                backpay_count, backpay_total, recovery_count, recovery_total, stops_count, created_by_id, created_at,
                approved_by_id, approved_at, note)
            SELECT %s, m::date, m::date, 'approved', now(), 0, 0, 0, 0, 0, 0, 0, %s, now(), %s, now(), 'bench'
            FROM generate_series(date '2025-01-01', date '2025-12-01', interval '1 month') m""",
            [nursing.pk, maker.pk, checker.pk],
        )
        cursor.execute(
            """INSERT INTO subsidies_paymentline (run_id, program_id, person_id, enrollment_id, township_id, month, kind,
                tier, amount, reasons)
            SELECT r.id, r.program_id, e.person_id, e.id, p.township_id, r.period, 'current',
                CASE c.grade WHEN 1 THEN 'grade1' ELSE 'grade2' END, CASE c.grade WHEN 1 THEN 100 ELSE 80 END, ''
            FROM subsidies_paymentrun r
            JOIN subsidies_enrollment e ON e.program_id = r.program_id
            JOIN cases_person p ON p.id = e.person_id AND p.township_id = ANY(%s)
            JOIN certificates_certificate c ON c.person_id = p.id
            WHERE r.program_id = %s AND r.status = 'approved' AND c.grade IN (1, 2)""",
            [village_townships, nursing.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO subsidies_paidmonth (program_id, person_id, month)
            SELECT l.program_id, l.person_id, l.month FROM subsidies_paymentline l
            JOIN subsidies_paymentrun r ON r.id = l.run_id AND r.status = 'approved' AND r.note = 'bench'
            ON CONFLICT DO NOTHING"""
        )
        for table in (
            "cases_person",
            "certificates_certificate",
            "subsidies_enrollment",
            "subsidies_paymentline",
            "subsidies_paidmonth",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would have: visibility map for index-only scans
    print(f"data: {persons} persons, enrollments and 12 approved runs built in {time.perf_counter() - started:.1f} s")


def start_worker(number: int = 0, chunks: int = 1):
    env = {**os.environ, "CELERY_QUEUE": QUEUE, "PAYMENT_RUN_CHUNKS": str(chunks)}
    log = open(BASE_DIR / ".data" / f"bench-payments-worker-{number}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fedportal",
            "worker",
            "--pool=solo",
            "-n",
            f"bench{number}@%h",
            "-Q",
            QUEUE,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from fedportal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0, destination=None) or []) > number:
            return process
    process.kill()
    raise SystemExit("the worker did not start; see .data/bench-payments-worker.log")


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def case_run(workers: int = 1) -> int:
    """The run computed by `workers` Celery workers, in as many chunks (one worker: one statement chain)."""
    from fedportal.jobs.models import Job
    from subsidies.models import PaymentRun, Program, RunStatus
    from subsidies.services import payment_run_create

    maker, _ = users()
    nursing = Program.objects.get(code="nursing")
    PaymentRun.objects.filter(program=nursing, period=PERIOD).exclude(status=RunStatus.DISCARDED).update(
        status=RunStatus.DISCARDED
    )
    # Runs of earlier bench invocations: discard the draft, undo an approval and its suspensions.
    from django.db import connection

    from subsidies.models import Enrollment

    with connection.cursor() as cursor:
        cursor.execute(
            """DELETE FROM subsidies_paidmonth pm USING subsidies_paymentrun r
            WHERE r.program_id = %s AND r.period = %s AND pm.program_id = r.program_id AND pm.month = r.period""",
            [nursing.pk, PERIOD],
        )
    Enrollment.objects.filter(program=nursing, person__township__code__startswith=TOWNSHIP_CODE[:6]).exclude(
        status="active"
    ).update(status="active", status_reason="")
    pool = [start_worker(n, chunks=workers) for n in range(workers)]
    try:
        started = time.perf_counter()
        run = payment_run_create(program=nursing, period=PERIOD, acting_user=maker)
        while True:
            job = Job.objects.get(pk=run.job_id)
            if job.is_finished:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        peak = max(vm_hwm_mb(worker.pid) for worker in pool)
    finally:
        for worker in pool:
            worker.terminate()
            worker.wait(10)
    if job.status != "succeeded":
        raise SystemExit(f"run failed: {job.error}")
    run.refresh_from_db()
    print(
        f"run ({workers} worker{'s' if workers > 1 else ''}, {workers} chunk{'s' if workers > 1 else ''}): nursing 2026-01 "
        f"over {run.lines_count + run.stops_count} enrolled: create -> draft {elapsed:.2f} s, "
        f"worker peak RSS {peak:.0f} MB; lines {run.lines_count} total {run.total}, stops {run.stops_count}, "
        f"recoveries {run.recovery_count} ({run.recovery_total})"
    )
    return run.pk


def approve(run_id: int) -> None:
    from subsidies.models import PaymentRun, RunStatus
    from subsidies.services import payment_run_approve

    run = PaymentRun.objects.get(pk=run_id)
    if run.status == RunStatus.DRAFT:
        started = time.perf_counter()
        payment_run_approve(run=run, acting_user=users()[1])
        # The approval job's body: freeze every line with its payee, claim 重发, record the paid months.
        print(f"approve: {run.lines_count} lines frozen in {time.perf_counter() - started:.2f} s (the approval job)")


def write_return_file(run, path: str) -> int:
    """The run's sheet as a bank returns it: the contract's columns plus 发放结果 and 失败原因; every 100th line failed."""
    from openpyxl import Workbook

    from subsidies.exports import DETAIL_HEADER, run_lines

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("发放明细")
    sheet.append([*DETAIL_HEADER, "发放结果", "失败原因"])
    rows = 0
    for _code, township, name_, id_number, card, bank, month, amount, kind, number in run_lines(run):
        rows += 1
        failed = number % 100 == 0
        sheet.append(
            [
                number,
                township,
                name_,
                id_number,
                card,
                bank,
                "护理补贴",
                f"{month:%Y-%m}",
                amount,
                "补发" if kind == "backpay" else "",
                "失败" if failed else "成功",
                "户名与账号不符" if failed else "",
            ]
        )
    sheet.append(["合计"])
    workbook.save(path)
    return rows


def return_case(run_id: int, path: str) -> dict:
    from django.db import connection

    from subsidies.models import PaymentRun
    from subsidies.services.bank_returns import bank_return_reconcile

    run = PaymentRun.objects.select_related("program").get(pk=run_id)
    rows = write_return_file(run, path)
    with connection.cursor() as cursor:  # a clean run: earlier invocations' results and returns go
        cursor.execute(
            "DELETE FROM subsidies_paymentresult WHERE bank_return_id IN "
            "(SELECT id FROM subsidies_bankreturn WHERE run_id = %s)",
            [run_id],
        )
        cursor.execute("DELETE FROM subsidies_bankreturn WHERE run_id = %s", [run_id])
    content = Path(path).read_bytes()
    timings = []
    for _attempt in range(2):
        started = time.perf_counter()
        _bank_return, check = bank_return_reconcile(
            run=run, content=content, file_name="bench-return.xlsx", acting_user=users()[1]
        )
        timings.append(time.perf_counter() - started)
        if check.error_count:
            raise SystemExit(f"return refused: {check.errors[:3]}")
    return {
        "case": "return",
        "seconds": timings[0],
        "again": timings[1],
        "rows": rows,
        "failed": check.failed_count,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": len(content),
    }


def xlsx_case(name: str, run_id: int, path: str) -> dict:
    from subsidies.models import PaymentRun

    run = PaymentRun.objects.select_related("program").get(pk=run_id)
    started = time.perf_counter()
    if name == "ours":
        from subsidies.exports import write_payment_sheet

        rows = write_payment_sheet(run, path)["lines"]
    elif name == "openpyxl":
        from openpyxl import Workbook

        from subsidies.exports import DETAIL_HEADER, run_lines

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("发放明细")
        sheet.append(DETAIL_HEADER)
        rows = 0
        for _code, township, name_, id_number, card, bank, month, amount, kind, _pid in run_lines(run):
            rows += 1  # noqa: SIM113
            sheet.append(
                [
                    rows,
                    township,
                    name_,
                    id_number,
                    card,
                    bank,
                    "护理补贴",
                    f"{month:%Y-%m}",
                    amount,
                    "补发" if kind == "backpay" else "",
                ]
            )
        workbook.save(path)
    else:
        rows = iex_export(run, path)
    return {
        "case": name,
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": os.path.getsize(path),
    }


def iex_export(run, path: str) -> int:
    from import_export import fields, resources

    from subsidies.models import PaymentLine

    class PaymentLineResource(resources.ModelResource):
        township = fields.Field(attribute="township__name", column_name="乡镇(街道)")
        name = fields.Field(attribute="person__name", column_name="姓名")
        id_number = fields.Field(attribute="person__id_number", column_name="身份证号")
        card = fields.Field(attribute="person__social_security_card", column_name="社保卡号")
        bank = fields.Field(attribute="person__bank_name", column_name="开户银行")
        program = fields.Field(attribute="program__name", column_name="项目")
        month = fields.Field(attribute="month", column_name="所属期")
        amount = fields.Field(attribute="amount", column_name="金额")
        kind = fields.Field(attribute="kind", column_name="备注")

        class Meta:
            model = PaymentLine
            fields = ("id", "township", "name", "id_number", "card", "bank", "program", "month", "amount", "kind")
            export_order = fields

    queryset = (
        PaymentLine.objects.filter(run=run)
        .exclude(kind="recovery")
        .select_related("township", "person", "program")
        .order_by("township__code", "person__name", "person_id", "month")
    )
    dataset = PaymentLineResource().export(queryset=queryset)
    Path(path).write_bytes(dataset.export("xlsx"))
    return len(dataset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--cases", default="run,ours,openpyxl,iex,return")
    parser.add_argument("--workers", default="1,2", help="worker counts to time the run with (each: as many chunks)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--run-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    (BASE_DIR / ".data").mkdir(exist_ok=True)
    setup_django()
    if args.case == "return":
        print(json.dumps(return_case(args.run_id, args.path)))
        return
    if args.case:
        print(json.dumps(xlsx_case(args.case, args.run_id, args.path)))
        return
    cases = args.cases.split(",")
    build(args.persons, args.reset)
    from subsidies.models import PaymentRun, RunStatus

    if "run" in cases:
        for workers in [int(n) for n in args.workers.split(",")]:
            run_id = case_run(workers)
    else:
        run = (
            PaymentRun.objects.filter(program__code="nursing", period=PERIOD)
            .exclude(status=RunStatus.DISCARDED)
            .first()
        )
        run_id = run.pk if run else case_run()
    if set(cases) & {"ours", "openpyxl", "iex", "return"}:
        approve(run_id)
    for name in [c for c in cases if c in ("ours", "openpyxl", "iex")]:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
            output = subprocess.run(
                [sys.executable, __file__, "--case", name, "--run-id", str(run_id), "--path", target.name],
                capture_output=True,
                text=True,
                check=False,
            )
            if output.returncode:
                print(f"xlsx {name}: failed\n{output.stderr[-2000:]}")
                continue
            figures = json.loads(output.stdout.strip().splitlines()[-1])
            print(
                f"xlsx {name:8}: {figures['rows']} lines in {figures['seconds']:.2f} s "
                f"({figures['rows'] / figures['seconds']:.0f} rows/s), peak RSS {figures['peak_mb']:.0f} MB, "
                f"{figures['bytes'] / 1e6:.1f} MB file"
            )
    if "return" in cases:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
            output = subprocess.run(
                [sys.executable, __file__, "--case", "return", "--run-id", str(run_id), "--path", target.name],
                capture_output=True,
                text=True,
                check=False,
            )
        if output.returncode:
            print(f"return: failed\n{output.stderr[-2000:]}{output.stdout[-500:]}")
        else:
            figures = json.loads(output.stdout.strip().splitlines()[-1])
            print(
                f"return: {figures['rows']} lines ({figures['failed']} failed, {figures['bytes'] / 1e6:.1f} MB) "
                f"recorded in {figures['seconds']:.2f} s, recorded again (nothing new) in {figures['again']:.2f} s, "
                f"peak RSS {figures['peak_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
