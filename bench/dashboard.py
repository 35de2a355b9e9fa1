"""Benchmark: the leaders' dashboard and the yearly work report on a 200,000-person demo county.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/dashboard.py [--persons 200000] [--warm 15] [--cold 5]

Seeds the database with `seed_demo --persons N` when it is empty; when it has no approved payment runs of the last
12 months, generates them set-wise (living and nursing allowances for every month, one INSERT ... SELECT per run,
with enrollments and budgets), as the subsidies demo would. Then measures, through Django's test client (the full
request: middleware, session, view, template), the dashboard's server time cold (figures computed: cache entry
deleted) and warm (figures from Redis), median of each, and the yearly work report job (XLSX + PDF) end to end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")


def local_today():
    """The portal's one clock, imported once Django's path and settings are in place."""
    from fedportal.core.clock import local_today as today

    return today()


def setup_django():
    import django

    django.setup()


def ensure_demo(persons: int) -> None:
    from django.core.management import call_command

    from cases.models import Person

    existing = Person.objects.count()
    if existing == 0:
        print(f"seeding the demo county with {persons:,} persons (seed_demo) ...", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", persons=persons, seed=1)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"database has {existing:,} persons", flush=True)


def ensure_runs(months: int = 12) -> None:
    """12 months of approved living and nursing runs (and enrollments, budgets) when the demo has none."""
    from decimal import Decimal

    import pghistory
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.utils import timezone

    from fedportal.accounts.models import Role
    from fedportal.core.dates import last_months
    from subsidies.models import Budget, Enrollment, PaymentLine, PaymentRun, Program, RunStatus

    today = local_today()
    period_list = last_months(today, months)
    if PaymentRun.objects.filter(status=RunStatus.APPROVED, period__gte=period_list[0]).exists():
        print("approved runs of the last 12 months exist: using them", flush=True)
        return
    print("generating 12 months of approved living and nursing runs set-wise ...", flush=True)
    started = time.perf_counter()
    users = get_user_model().objects.filter(role__in=[Role.FINANCE, Role.ADMIN]).order_by("pk")
    maker, checker = users[0], users[1]
    # Who each program pays (the demo rule in short): 低保 holders of a valid card; grade 1-2 holders.
    eligible = {
        "living": "p.poverty_status = 'dibao'",
        "nursing": "c.grade IN (1, 2)",
    }
    amount = {"living": "80", "nursing": "CASE c.grade WHEN 1 THEN 100 ELSE 80 END"}
    base = """FROM cases_person p JOIN certificates_certificate c ON c.person_id = p.id AND c.status = 'active'
              WHERE p.death_date IS NULL AND c.expiry_date >= %(day)s AND c.issue_date <= %(day)s AND {cond}"""
    with transaction.atomic(), pghistory.context(command="bench_dashboard"), connection.cursor() as cursor:
        for code in ("living", "nursing"):
            program = Program.objects.get(code=code)
            if not Enrollment.objects.filter(program=program).exists():
                cursor.execute(
                    "INSERT INTO subsidies_enrollment (person_id, program_id, start_month, status, status_reason, source,"
                    " note, created_at, updated_at) SELECT DISTINCT p.id, %(program)s, %(start)s, 'active', '', 'demo', '',"
                    " now(), now() " + base.format(cond=eligible[code]),
                    {"program": program.pk, "start": period_list[0], "day": today},
                )
            for period in period_list:
                run = PaymentRun.objects.create(
                    program=program,
                    period=period,
                    as_of=period,
                    status=RunStatus.APPROVED,
                    created_by=maker,
                    approved_by=checker,
                    approved_at=timezone.now(),
                    computed_at=timezone.now(),
                    note="bench",
                )
                cursor.execute(
                    "INSERT INTO subsidies_paymentline (run_id, program_id, person_id, township_id, month, kind, tier,"
                    " amount, reasons) SELECT %(run)s, %(program)s, p.id, p.township_id, %(period)s, 'current', 'default', "
                    + amount[code]
                    + ", '' "
                    + base.format(cond=eligible[code]),
                    {"run": run.pk, "program": program.pk, "period": period, "day": period},
                )
                totals = PaymentLine.objects.filter(run=run).aggregate(n=Sum(1), total=Sum("amount"))
                PaymentRun.objects.filter(pk=run.pk).update(lines_count=totals["n"] or 0, total=totals["total"] or 0)
            paid = PaymentLine.objects.filter(program=program, run__period__year=today.year).aggregate(s=Sum("amount"))[
                "s"
            ]
            Budget.objects.update_or_create(
                program=program,
                year=today.year,
                defaults={
                    "amount": ((paid or Decimal(0)) * 12 / max(today.month, 1) * Decimal("1.05")).quantize(Decimal("1"))
                },
            )
    lines = PaymentLine.objects.filter(run__note="bench").count()
    print(f"  {len(period_list) * 2} runs, {lines:,} lines in {time.perf_counter() - started:.1f} s", flush=True)


def measure(warm_runs: int, cold_runs: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.models import Township
    from dashboards.selectors import dashboard_cache_clear
    from fedportal.accounts.models import User

    setup_test_environment()  # the test client's template hooks; the database is the real one
    settings.ALLOWED_HOSTS = ["*"]
    leader = User.objects.filter(role="leader").order_by("pk").first()
    client = Client()
    client.force_login(leader)

    def get(path="/dashboards/") -> float:
        started = time.perf_counter()
        response = client.get(path, secure=True)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed

    # ANALYZE first so the planner knows the freshly seeded tables (what autovacuum does in production).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from dashboards import selectors

    # Empty cache: nothing known yet, not even the figures of the (immutable) approved runs.
    empty = []
    for _ in range(cold_runs):
        selectors.CACHE_VERSION = uuid.uuid4().hex
        empty.append(get())
    # Cold: the dashboard's figures expired (approved runs' figures stay cached: those runs never change).
    cold = []
    for _ in range(cold_runs):
        dashboard_cache_clear(township_id=None)
        cold.append(get())
    warm = [get() for _ in range(warm_runs)]
    township = Township.objects.order_by("code").first()
    township_cold = []
    for _ in range(max(1, cold_runs // 2)):
        dashboard_cache_clear(township_id=township.pk)
        township_cold.append(get(f"/dashboards/?township={township.pk}"))
    gaps = []
    for _ in range(max(1, cold_runs // 2)):
        dashboard_cache_clear(township_id=None)
        gaps.append(get("/dashboards/gaps/"))
    return {"empty": empty, "cold": cold, "warm": warm, "township_cold": township_cold, "gaps": gaps}


def figure_breakdown() -> dict:

    from dashboards import statistics as stats
    from fedportal.core.dates import last_months

    today = local_today()
    months = last_months(today, 12)
    parts = {
        "certified": lambda: stats.certified_persons(on=today),
        "events": lambda: stats.certificate_events(months=months),
        "subsidies": lambda: stats.subsidy_payments(months=months),
        "budget": lambda: stats.budget_execution(years=[today.year - 1, today.year]),
        "rehab": lambda: stats.rehab_figures(year=today.year),
        "expiring": lambda: stats.certificates_expiring(today=today),
        "gaps": lambda: stats.enrollment_gaps(on=today),
    }
    out = {}
    for name, compute in parts.items():
        started = time.perf_counter()
        compute()
        out[name] = time.perf_counter() - started
    return out


def yearly_report() -> tuple[float, dict]:

    from dashboards.models import ReportKind
    from dashboards.services import report_request
    from fedportal.accounts.models import User
    from fedportal.jobs.services import job_execute

    leader = User.objects.filter(role="leader").order_by("pk").first()
    # The job is run here, in this process, as the worker would run it (the enqueued copy finds it done).
    report = report_request(kind=ReportKind.WORK_YEAR, params={"year": local_today().year}, acting_user=leader)
    started = time.perf_counter()
    job = job_execute(report.job_id)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return elapsed, job.result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--warm", type=int, default=15)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--no-report", action="store_true", help="skip the yearly report")
    args = parser.parse_args()
    setup_django()
    ensure_demo(args.persons)
    ensure_runs()
    times = measure(args.warm, args.cold)
    ms = lambda values: f"{statistics.median(values) * 1000:.0f} ms"  # noqa: E731
    print()
    print(
        f"dashboard (leader, county)  empty-cache median {ms(times['empty'])}  (runs: {', '.join(f'{t * 1000:.0f}' for t in times['empty'])} ms)"
    )
    print(
        f"dashboard (leader, county)  cold median {ms(times['cold'])}  (runs: {', '.join(f'{t * 1000:.0f}' for t in times['cold'])} ms)"
    )
    print(
        f"dashboard (leader, county)  warm median {ms(times['warm'])}  (min {min(times['warm']) * 1000:.0f} ms, max {max(times['warm']) * 1000:.0f} ms)"
    )
    print(f"dashboard (one township)    cold median {ms(times['township_cold'])}")
    print(f"动态管理 fragment (county, loaded after the page) cold median {ms(times['gaps'])}")
    print(
        "figures, county, computed once each:",
        ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in figure_breakdown().items()),
    )
    if not args.no_report:
        elapsed, result = yearly_report()
        print(
            f"yearly work report (XLSX {result['xlsx_bytes'] // 1024} KB + PDF {result['pdf_bytes'] // 1024} KB): {elapsed:.1f} s"
        )


if __name__ == "__main__":
    main()
