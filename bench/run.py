"""`make bench`: every benchmark of the issues, each on a scratch database of the server in DATABASE_URL.

    .venv/bin/python bench/run.py [--only county,roster,payments,million,comparison,load] [--quick]

- county   : seed_demo --persons 200000 once, then bench/dashboard.py (dashboard warm/cold, yearly report) and
             bench/registry.py (search, person page, list query counts) on that county;
- roster   : bench/roster.py, a 20,000-row persons roster against django-import-export and the calamine+COPY floor;
- payments : bench/payments.py, a monthly nursing run over 200,000 enrolled persons and its 200,000-line sheet;
- million  : bench/payments.py --cases run at 1,000,000 enrolled persons (ten townships, a year of approved runs):
             the monthly run with one worker and with two workers sharing two chunks (--quick: 100,000);
- comparison: bench/comparison.py, a 20,000-row poverty roll against 200,000 persons, 2,000 findings applied;
- load     : bench/load.py, gunicorn under wrk (loopback, bounded) at 10, 50 and 100 users on the county above
             (needs `wrk`: apt-get install -y wrk; skipped with a note when it is missing).
--quick uses 20,000 persons, 5,000 roster rows and skips django-import-export's slow default mode: a smoke run.
The figures are printed by each script; nothing here asserts a time.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def scratch_url(base_url: str, name: str, *, fresh: bool) -> str:
    """Create (or re-create) database `name` next to the one in base_url and return its URL."""
    parts = urlsplit(base_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and fresh:
            cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(title: str, command: list[str], database_url: str) -> None:
    print(f"\n==== {title} ====", flush=True)
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    started = time.monotonic()
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)
    print(f"({title}: {time.monotonic() - started:.0f} s wall)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="county,roster,payments,million,comparison,load")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        print("DATABASE_URL is not set: run `make bench` (it starts the embedded services)", file=sys.stderr)
        return 2
    persons = "20000" if args.quick else "200000"
    only = set(args.only.split(","))

    if only & {"county", "load"}:
        url = scratch_url(base_url, f"bench_county_{persons}", fresh=False)
        run("migrate", [PYTHON, "manage.py", "migrate", "-v0"], url)
        seeded = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", "from cases.models import Person; print(Person.objects.count())"],
            cwd=BASE_DIR,
            env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
            capture_output=True,
            text=True,
        ).stdout.strip()
        # The last line: Django's shell first says how many objects it imported.
        seeded = seeded.splitlines()[-1] if seeded else ""
        if seeded in ("", "0"):
            run(f"seed_demo --persons {persons}", [PYTHON, "manage.py", "seed_demo", "--persons", persons], url)
    if "county" in only:
        run("dashboard", [PYTHON, "bench/dashboard.py", "--persons", persons], url)
        run("registry", [PYTHON, "bench/registry.py", "--samples", "20"], url)
    if "load" in only:
        if shutil.which("wrk"):
            duration = "5" if args.quick else "10"
            run("load", [PYTHON, "bench/load.py", "--duration", duration], url)
        else:
            print("\n==== load ====\nwrk is not installed (apt-get install -y wrk): load benchmark skipped", flush=True)

    if "roster" in only:
        url = scratch_url(base_url, "bench_roster", fresh=True)
        run("migrate", [PYTHON, "manage.py", "migrate", "-v0"], url)
        cases = "fedportal,floor,iex_bulk" if args.quick else "fedportal,floor,iex_bulk,iex_default"
        rows = "5000" if args.quick else "20000"
        run("roster", [PYTHON, "bench/roster.py", "--rows", rows, "--cases", cases], url)

    if "payments" in only:
        url = scratch_url(base_url, f"bench_payments_{persons}", fresh=False)
        run("migrate", [PYTHON, "manage.py", "migrate", "-v0"], url)
        run("payments", [PYTHON, "bench/payments.py", "--persons", persons], url)

    if "million" in only:
        million = "100000" if args.quick else "1000000"
        url = scratch_url(base_url, f"bench_payments_{million}", fresh=False)
        run("migrate", [PYTHON, "manage.py", "migrate", "-v0"], url)
        run("million", [PYTHON, "bench/payments.py", "--persons", million, "--cases", "run", "--workers", "1,2"], url)

    if "comparison" in only:
        url = scratch_url(base_url, "bench_comparison", fresh=True)
        roll = "2000" if args.quick else "20000"
        run("comparison", [PYTHON, "bench/comparison.py", "--persons", persons, "--roll", roll], url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
