"""Load benchmark: gunicorn under wrk on loopback, a working day's pages at 10, 50 and 100 concurrent users.

    # once: a county in the database of DATABASE_URL (bench/run.py does this as `--only load`)
    DEBUG=true python manage.py seed_demo --persons 200000
    python bench/load.py [--users 10,50,100] [--duration 10] [--workers 4] [--kinds list,person,...]

Each page kind is measured on its own at each concurrency (wrk: 2 threads, one connection per user, every
request a fresh pick from that kind's URL list), so a slow kind cannot hide behind a fast one; then the whole mix
once at the highest concurrency. A request counts as bad when its status is not 200 (a redirect to the login page
is bad too); socket errors and timeouts are counted by wrk. Everything stays on 127.0.0.1 and every run ends after
--duration seconds. gunicorn runs the production settings (DEBUG off) with sync workers.

Page kinds: person list (county staff, first pages and filtered), person page, search (ID number, certificate
number, full name, one-character surname), dashboard (a leader), payment review (a run's review page with its
lines, as finance). Roster upload is not load-tested: each upload starts a validation job on the workers, which
measures the workers rather than the web tier (bench/roster.py measures that path).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")
# The sessions made here must be readable by the gunicorn workers: one key for both.
os.environ.setdefault("SECRET_KEY", "load-benchmark-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.models import Person  # noqa: E402
from fedportal.accounts.models import User  # noqa: E402

LUA = r"""
local paths = {%(paths)s}
local cookie = "%(cookie)s"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, "bad": %%d, "errors": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, b, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username: str) -> str:
    """A logged-in session for a demo user, made the way django.contrib.auth.login stores one."""
    from importlib import import_module

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def payment_run_for_review() -> int:
    """The newest computed run; computes a monthly nursing run (inline, no worker needed) when there is none."""
    from django.utils import timezone

    from fedportal.jobs.services import job_execute
    from subsidies.models import PaymentRun, Program
    from subsidies.services import payment_run_create

    run = PaymentRun.objects.exclude(computed_at=None).order_by("-pk").first()
    if run is None:
        finance = User.objects.get(username="finance")
        today = timezone.localdate()
        period = today.replace(day=1)
        print(f"computing a nursing run for {period:%Y-%m} to review (once)...", flush=True)
        run = payment_run_create(
            program=Program.objects.get(code="nursing"), period=period, as_of=None, acting_user=finance
        )
        job_execute(run.job_id)
        from fedportal.celery import app

        app.control.purge()  # the message enqueued for a worker: the job already ran here
        run.refresh_from_db()
    return run.pk


def page_kinds(sample: int) -> dict[str, tuple[str, list[str]]]:
    """kind -> (user, URL paths)."""
    rng = random.Random(7)
    max_pk = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    pks = sorted({rng.randint(1, max_pk) for _ in range(sample * 3)})
    persons = list(Person.objects.filter(pk__in=pks).values_list("pk", "id_number", "name")[:sample])
    if not persons:
        raise SystemExit("no persons in the database: seed it first (see the docstring)")
    person_list = reverse("cases:person_list")
    surnames = sorted({name[0] for _pk, _id, name in persons})[:12]
    searches = (
        [f"{person_list}?q={id_number}" for _pk, id_number, _name in persons[:20]]
        + [f"{person_list}?q={name}" for _pk, _id, name in persons[:20]]
        + [f"{person_list}?q={surname}" for surname in surnames]
    )
    run_id = payment_run_for_review()
    run_url = reverse("subsidies:payment_run_detail", args=[run_id])
    return {
        "person list": (
            "caseworker",
            [person_list, f"{person_list}?page=2", f"{person_list}?page=50", f"{person_list}?category=4"],
        ),
        "person page": ("caseworker", [reverse("cases:person_detail", args=[pk]) for pk, _id, _name in persons]),
        "search": ("caseworker", [quote_path(url) for url in searches]),
        "1-char search": ("caseworker", [quote_path(f"{person_list}?q={surname}") for surname in surnames]),
        "dashboard": ("leader", [reverse("dashboards:dashboard")]),
        "payment review": ("finance", [run_url, f"{run_url}?page=2", f"{run_url}?page=20"]),
    }


def quote_path(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="/?=&")


def start_gunicorn(port: int, workers: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fedportal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--backlog",
            "2048",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited at start; see its log")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start within a minute")


def first_status(port: int, path: str, cookie: str) -> int:
    """The status of one request, followed through the search token's redirect (a search lands on `?s=…`)."""
    import http.client

    status = 0
    for _ in range(3):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        status, location = response.status, response.getheader("Location") or ""
        if status != 302 or "/accounts/login" in location:
            break
        path = location
    return status


def drain(port: int, limit: float = 180.0) -> float:
    """Wait until the server answers a light page quickly again: requests wrk abandoned at the end of a cell stay
    queued in gunicorn's backlog and would otherwise be served during the next cell. Returns the seconds waited."""
    import http.client

    started = time.monotonic()
    while time.monotonic() - started < limit:
        begin = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
            connection.request("GET", reverse("accounts:login"))
            connection.getresponse().read()
            connection.close()
        except OSError:
            time.sleep(1)
            continue
        if time.monotonic() - begin < 0.5:
            break
    return time.monotonic() - started


def run_wrk(port: int, paths: list[str], cookie: str, users: int, duration: int, workdir: Path) -> dict:
    script = workdir / "load.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "cookie": cookie})
    threads = min(2, users)
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{users}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=duration + 90,
            check=False,
        )
    finally:
        drain(port)
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            data = json.loads(line[7:])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--kinds", default="", help="comma-separated subset of the page kinds")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per kind before measuring")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    levels = [int(n) for n in args.users.split(",")]
    kinds = page_kinds(sample=200)
    if args.kinds:
        kinds = {name: kinds[name] for name in args.kinds.split(",")}
    cookies = {user: session_cookie(user) for user in {user for user, _paths in kinds.values()}}
    persons = Person.objects.count()
    port = free_port()
    print(
        f"persons {persons}; gunicorn {args.workers} sync workers; wrk {args.duration} s per cell; "
        f"cores {os.cpu_count()}; load average before {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, open(BASE_DIR / ".data" / "bench-gunicorn.log", "w") as log:
        workdir = Path(work)
        # The production settings serve hashed static files from the manifest collectstatic writes: without it every
        # page is a 500, which wrk would time as fast bad requests.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env={**os.environ, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY},
            check=True,
        )
        server = start_gunicorn(port, args.workers, log)
        rows = []
        try:
            for name, (user, paths) in kinds.items():
                status = first_status(port, paths[0], cookies[user])
                if status != 200:
                    raise SystemExit(f"{name}: {paths[0]} answers {status}, not 200 (see .data/bench-gunicorn.log)")
            for name, (user, paths) in kinds.items():
                if args.warmup:
                    run_wrk(port, paths, cookies[user], min(levels), args.warmup, workdir)
                for users in levels:
                    data = run_wrk(port, paths, cookies[user], users, args.duration, workdir)
                    rows.append((name, users, data))
                    print(_row(name, users, data), flush=True)
            # The mix: every kind's URLs together, as county staff (a leader's dashboard URL works for them too).
            mixed = [path for _user, paths in kinds.values() for path in paths[:20]]
            mix_user = "admin" if User.objects.filter(username="admin").exists() else "caseworker"
            cookie = session_cookie(mix_user)
            for users in levels:
                data = run_wrk(port, mixed, cookie, users, args.duration, workdir)
                rows.append(("mix", users, data))
                print(_row("mix", users, data), flush=True)
        finally:
            server.terminate()
            server.wait(30)
    print("\n| page | users | req/s | p50 ms | p95 ms | p99 ms | bad / errors |")
    print("|---|---|---|---|---|---|---|")
    for name, users, data in rows:
        print(
            f"| {name} | {users} | {data['rps']:.1f} | {data['p50'] / 1000:.0f} | {data['p95'] / 1000:.0f} | "
            f"{data['p99'] / 1000:.0f} | {data['bad']} / {data['errors']} |"
        )
    print(f"\nload average after: {os.getloadavg()[0]:.2f} (the machine is shared: read the figures with it)")
    return 0


def _row(name: str, users: int, data: dict) -> str:
    return (
        f"{name:15} users {users:4}  {data['rps']:7.1f} req/s  p50 {data['p50'] / 1000:7.0f} ms  "
        f"p95 {data['p95'] / 1000:7.0f} ms  p99 {data['p99'] / 1000:7.0f} ms  bad {data['bad']} errors {data['errors']}"
    )


if __name__ == "__main__":
    sys.exit(main())
