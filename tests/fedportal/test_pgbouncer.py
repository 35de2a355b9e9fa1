"""The portal behind a real PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction).

Four client connections share ONE server connection (default_pool_size = 1), so consecutive transactions of one
client run on a server connection another client used a moment before: anything set per session would leak from
one to the other. Each writer's audit events must still carry its own context (django-pghistory sets it inside each
statement's transaction), autocommit writes included, and reads that would use a server-side cursor
(`iterator()`) must work (they are client-side in this mode).

PgBouncer is the Debian package `pgbouncer` (.ci/run installs it). Without it the test is skipped, unless
FEDPORTAL_REQUIRE_PGBOUNCER=1 (set by .ci/run), where it fails.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from cases.models import Township

from .test_pooling import portal_environment

BASE_DIR = Path(__file__).resolve().parents[2]
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"

WRITERS = """
import json, threading
import pghistory
from django.db import connection, transaction
from cases.models import Township

failures = []

def write(writer):
    try:
        for step in range(8):
            with pghistory.context(writer=writer, step=step):
                with transaction.atomic():
                    township = Township.objects.create(code=f"99{writer}{step:03d}", name=f"池{writer}-{step}")
                # Autocommit: the update is a transaction of its own, on whichever server connection is free.
                Township.objects.filter(pk=township.pk).update(name=f"池{writer}-{step}-改")
        names = [t.name for t in Township.objects.filter(code__startswith=f"99{writer}").iterator(chunk_size=3)]
        assert len(names) == 8, names
    except Exception as exc:  # reported to the test below
        failures.append(f"writer {writer}: {exc!r}")
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(writer,)) for writer in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"failures": failures}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer(tmp_path_factory):
    if not os.path.exists(PGBOUNCER):
        message = "PgBouncer not installed: install the Debian package 'pgbouncer'"
        if os.environ.get("FEDPORTAL_REQUIRE_PGBOUNCER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    database = settings.DATABASES["default"]
    directory = tmp_path_factory.mktemp("pgbouncer")
    directory.chmod(0o755)  # run as root, PgBouncer drops to `nobody`, which must read its files
    port = _free_port()
    (directory / "users.txt").write_text(f'"{database["USER"]}" ""\n')
    (directory / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={database["HOST"] or "127.0.0.1"} port={database["PORT"] or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "users.txt"}
pool_mode = transaction
default_pool_size = 1
max_client_conn = 20
ignore_startup_parameters = extra_float_digits,options
"""
    )
    for name in ("users.txt", "pgbouncer.ini"):
        (directory / name).chmod(0o644)
    command = [PGBOUNCER, str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "nobody"]  # PgBouncer refuses to run as root
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"PgBouncer exited at start: {process.stdout.read()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("PgBouncer did not listen within 15 s")
    yield f"postgres://{database['USER']}@127.0.0.1:{port}/{database['NAME']}"
    process.terminate()
    process.wait(10)


def _context_of_writes(database: dict) -> dict[str, list[tuple[str, dict]]]:
    """{township name: [(event label, context metadata)]} for the townships the writers made, read directly."""
    connection = psycopg2.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT t.name, e.pgh_label, c.metadata FROM cases_townshipevent e
                JOIN cases_township t ON t.id = e.pgh_obj_id
                LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id
                WHERE t.code LIKE '99%%' ORDER BY e.pgh_id"""
            )
            events: dict[str, list[tuple[str, dict]]] = {}
            for name, label, metadata in cursor.fetchall():
                events.setdefault(name, []).append((label, metadata or {}))
            return events
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_through_pgbouncer_keep_their_own_audit_context(pgbouncer):
    environment = portal_environment(DATABASE_URL=pgbouncer, DATABASE_POOL_MODE="transaction")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", WRITERS],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"failures": []}

    assert Township.objects.filter(code__startswith="99").count() == 32
    events = _context_of_writes(settings.DATABASES["default"])
    assert len(events) == 32
    for writer in range(4):
        for step in range(8):
            name = f"池{writer}-{step}-改"
            labels = [label for label, _context in events[name]]
            assert labels == ["insert", "update"], (name, labels)
            for label, context in events[name]:
                assert (context.get("writer"), context.get("step")) == (writer, step), (name, label, context)
