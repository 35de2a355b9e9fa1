"""Settings behind PgBouncer in transaction mode, and the database-level setting that replaces connect options."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]

SHOW = (
    "import json; from django.conf import settings as s; d = s.DATABASES; "
    "print(json.dumps({a: {k: d[a].get(k) for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', "
    "'DISABLE_SERVER_SIDE_CURSORS', 'OPTIONS')} for a in d}))"
)


def portal_environment(**env) -> dict:
    """The environment of a `manage.py` subprocess on the production settings (DEBUG on, no replica), with `env`."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_REPLICA_URL")},
        "DJANGO_SETTINGS_MODULE": "fedportal.settings",
        "DEBUG": "true",
        **env,
    }


def _databases(**env) -> dict:
    environment = portal_environment(**env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_transaction_pooling_settings():
    databases = _databases(
        DATABASE_POOL_MODE="transaction", DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/fedportal"
    )
    for alias in ("default", "replica"):
        database = databases[alias]
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert database["CONN_MAX_AGE"] == 0 and database["CONN_HEALTH_CHECKS"] is True
        # No connect-time options: PgBouncer refuses (or drops) what it does not know.
        assert "options" not in database["OPTIONS"]


def test_direct_connection_settings():
    databases = _databases(DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/fedportal")
    assert databases["default"]["CONN_MAX_AGE"] == 60
    assert not databases["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    assert "pgtrigger.ignore" in databases["default"]["OPTIONS"]["options"]
    assert "default_transaction_read_only=on" in databases["replica"]["OPTIONS"]["options"]


def test_an_unknown_pool_mode_is_refused():
    with pytest.raises(subprocess.CalledProcessError) as error:
        _databases(DATABASE_POOL_MODE="statement")
    assert "DATABASE_POOL_MODE" in error.value.stderr


@pytest.mark.django_db
def test_migrate_stores_pgtrigger_ignore_on_the_database():
    """A connection without any options (as through PgBouncer) still gets the setting the audit triggers read."""
    entry = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=entry["NAME"],
        user=entry["USER"] or None,
        password=entry["PASSWORD"] or None,
        host=entry["HOST"] or None,
        port=entry["PORT"] or None,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
            assert cursor.fetchone()[0] == "{}"
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_the_audit_context_is_set_in_each_statement_not_per_session(users, village):
    """pghistory puts the context into the writing statement's own transaction (set_config(..., true)), so a
    pooler handing the next transaction another server connection cannot lose or mix it."""
    import pghistory
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pghistory.models import Events

    from cases.models import Person
    from tests.factories import PersonFactory

    person = PersonFactory(village=village, township=village.township)
    with pghistory.context(user=users["caseworker"].pk, url="/pool/"), CaptureQueriesContext(connection) as queries:
        Person.objects.filter(pk=person.pk).update(phone="13712345678")
    update = next(q["sql"] for q in queries.captured_queries if "UPDATE" in q["sql"])
    assert "set_config('pghistory.context_id'" in update and "true)" in update
    with connection.cursor() as cursor:  # nothing left on the session once the statement's transaction ended
        cursor.execute("SELECT coalesce(current_setting('pghistory.context_id', true), '')")
        assert cursor.fetchone()[0] == ""
    event = Events.objects.tracks(person).filter(pgh_label="update").get()
    assert event.pgh_context["url"] == "/pool/"
