"""Benchmark: a 20,000-row persons roster, validated and imported end to end on PostgreSQL.

    .venv/bin/python bench/roster.py [--rows 20000] [--cases fedportal,floor,iex_bulk,iex_default] [--keep-file PATH]

Side by side on the same file and database, each case in its own process (peak memory is per process):
- fedportal: the roster services (calamine read, set-wise validation, COPY + INSERT ... ON CONFLICT), as the jobs run
  them: validate, then validate again and write in one transaction.
- floor: python-calamine read + PostgreSQL COPY of the rows into a table (no validation, no upsert).
- iex_bulk / iex_default: django-import-export 4 with Resource classes written here (same validations as far as
  its widgets and hooks allow), with use_bulk (+ skip_diff, force_init_instance) and with default settings.
Every case runs inside a transaction that is rolled back at the end, so each starts from the same database.
Uses DATABASE_URL (default settings); creates a township 基准镇 with 20 villages once.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")

TOWNSHIP_CODE = "369999001"
TOWNSHIP_NAME = "基准镇"
AREA = "369999"
# tracemalloc slows allocation-heavy code 2-3x, so timings are taken without it unless --tracemalloc is given.
TRACE = "--tracemalloc" in sys.argv


def setup_django():
    import django

    django.setup()


def _id_number(n: int) -> str:
    from fedportal.idnumber import check_character

    birth = date(1940, 1, 1) + timedelta(days=n * 7 % 25000)
    first17 = f"{AREA}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + check_character(first17)


def ensure_divisions():
    from cases.models import Township, Village

    township, _ = Township.objects.get_or_create(code=TOWNSHIP_CODE, defaults={"name": TOWNSHIP_NAME})
    villages = []
    for i in range(1, 21):
        village, _ = Village.objects.get_or_create(
            code=f"{TOWNSHIP_CODE}{i:03d}", defaults={"township": township, "name": f"基准{i}村"}
        )
        villages.append(village)
    return township, villages


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic persons roster: unique ID numbers, matching card numbers, households of 1-3 members."""
    from openpyxl import Workbook

    from cases.rosters.schema import PERSON_COLUMNS
    from certificates.validation import expiry_for

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("残疾人花名册")
    sheet.append(PERSON_COLUMNS)
    used = set()
    n = 0
    household = 0
    members_left = 0
    while len(used) < rows:
        n += 1
        id_number = _id_number(n)
        if id_number in used:
            continue
        used.add(id_number)
        if members_left == 0:
            household += 1
            members_left = rng.choice([1, 1, 2, 3])
            village = rng.randint(1, 20)
            relation = "户主"
        else:
            relation = rng.choice(["配偶", "子女", "父母"])
        members_left -= 1
        category, grade = rng.randint(1, 7), rng.randint(1, 4)
        issue = date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
        status = rng.choice(["低保", "无", "无", "低保边缘", "特困供养"])
        sheet.append(
            [
                f"基准{n}",
                id_number,
                "汉族",
                f"139{n:08d}",
                TOWNSHIP_NAME,
                f"基准{village}村",
                f"{TOWNSHIP_CODE}{household:06d}",
                relation,
                f"{id_number}{category}{grade}",
                ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"][category - 1],
                ["一级", "二级", "三级", "四级"][grade - 1],
                rng.choice(["第二代", "第三代"]),
                issue.isoformat(),
                expiry_for(issue).isoformat(),
                status,
                "2020-01-01" if status != "无" else "",
                rng.choice(["无", "无", "义务教育", "高中"]),
                f"6217{n:014d}",
                "农商银行",
            ]
        )
    workbook.save(path)


# ---------------------------------------------------------------- cases (each in its own process)


def case_fedportal(path: Path) -> dict:
    from django.contrib.auth import get_user_model

    from cases.rosters.services import roster_apply, roster_check

    # An administrator to import as (a fresh scratch database has none).
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"role": "admin", "is_superuser": True, "is_staff": True}
    )
    content = path.read_bytes()
    # As the browser flow: the validation job, then the import job validates again and writes.
    first = roster_check(content=content, kind="persons", township=None, acting_user=user)
    assert first.is_valid, first.issues[:5]
    report = roster_check(content=content, kind="persons", township=None, acting_user=user)
    counts = roster_apply(report=report, acting_user=user, source="bench")
    return {"rows": report.rows, **counts}


def case_floor(path: Path) -> dict:
    import python_calamine
    from django.db import connection

    from cases.rosters.copy import copy_rows, temp_table

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    data = sheet.to_python()
    rows = data[1:]
    with connection.cursor() as cursor:
        temp_table(cursor, "_bench_floor", ", ".join(f"c{i} text" for i in range(len(data[0]))))
        copy_rows(cursor, "_bench_floor", [f"c{i}" for i in range(len(data[0]))], rows)
    return {"rows": len(rows)}


def _iex(path: Path, *, bulk: bool) -> dict:
    import tablib

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from roster_iex import PersonRosterResource

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    resource_ = PersonRosterResource(bulk=bulk)
    result = resource_.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors(), (
        [e.error for e in result.base_errors][:3],
        [(r.number, r.validation_error) for r in result.invalid_rows][:3],
    )
    return {"rows": len(dataset), **{k: v for k, v in result.totals.items() if v}}


CASES = {
    "fedportal": (case_fedportal, "fedportal (validate job + import job)"),
    "floor": (case_floor, "floor: calamine read + COPY"),
    "iex_bulk": (lambda p: _iex(p, bulk=True), "django-import-export use_bulk"),
    "iex_default": (lambda p: _iex(p, bulk=False), "django-import-export default"),
}


def run_case(name: str, path: Path) -> dict:
    from django.db import connection, transaction

    setup_django()
    ensure_divisions()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    import pghistory

    # As the job runner does: every audited write carries the acting context.
    with transaction.atomic(), pghistory.context(command=f"bench_roster_{name}"):
        result = CASES[name][0](path)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    traced_peak = tracemalloc.get_traced_memory()[1] if TRACE else 0
    connection.close()
    return {
        "case": name,
        "seconds": round(elapsed, 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "baseline_mb": round(baseline, 1),
        "python_peak_mb": round(traced_peak / 1048576, 1) if TRACE else None,
        "result": result,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--cases", default="fedportal,floor,iex_bulk,iex_default")
    parser.add_argument("--file", help="use (or keep) this workbook instead of a temporary one")
    parser.add_argument("--tracemalloc", action="store_true", help="also report Python's traced peak (slower)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()

    path = Path(args.file or Path(tempfile.gettempdir()) / f"fedportal-bench-roster-{args.rows}.xlsx")
    if args.case:
        print(json.dumps(run_case(args.case, path), ensure_ascii=False))
        return
    setup_django()
    ensure_divisions()
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {path} ({args.rows} rows, {path.stat().st_size / 1048576:.1f} MB) in {time.perf_counter() - t:.1f} s"
        )
    results = []
    for name in args.cases.split(","):
        proc = subprocess.run(
            [sys.executable, __file__, "--case", name, "--rows", str(args.rows), "--file", str(path)]
            + (["--tracemalloc"] if TRACE else []),
            capture_output=True,
            text=True,
            cwd=BASE_DIR,
        )
        if proc.returncode:
            print(f"{name} failed:\n{proc.stderr[-3000:]}")
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print()
    print(f"{'case':40} {'time s':>8} {'rows/s':>8} {'peak RSS MB':>12} {'(Django baseline)':>18} {'py peak MB':>11}")
    for r in results:
        rate = args.rows / r["seconds"] if r["seconds"] else 0
        traced = f"{r['python_peak_mb']:.1f}" if r["python_peak_mb"] is not None else "-"
        print(
            f"{CASES[r['case']][1]:40} {r['seconds']:>8.2f} {rate:>8.0f} {r['rss_mb']:>12.1f} "
            f"{r['baseline_mb']:>18.1f} {traced:>11}"
        )
    by = {r["case"]: r["seconds"] for r in results}
    if "fedportal" in by:
        for other in ("iex_default", "iex_bulk"):
            if other in by:
                print(f"fedportal is {by[other] / by['fedportal']:.1f}x faster than {CASES[other][1]}")
        if "floor" in by:
            print(f"fedportal takes {by['fedportal'] / by['floor']:.1f}x the floor's time")
    for r in results:
        print(r["case"], json.dumps(r["result"], ensure_ascii=False))


if __name__ == "__main__":
    main()
