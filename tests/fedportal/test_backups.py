"""Backups: an archive restored into a fresh database gives back every row, audit event and file."""

import hashlib
import io
import json
import os
import tarfile
import time
from datetime import timedelta
from pathlib import Path

import pghistory
import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from pghistory.models import Events
from psycopg2 import sql

from cases.models import Person
from fedportal.backups import pgclient
from fedportal.backups.pgclient import ClientNotFound, Connection, find_program
from fedportal.backups.services import (
    BackupError,
    backup_create,
    backup_list,
    backup_prune,
    backup_read_manifest,
    backup_restore,
)
from fedportal.jobs.models import Job, JobStatus


def _admin_connection():
    conn = psycopg2.connect(**{**_params(settings.DATABASES["default"]), "dbname": "postgres"})
    conn.autocommit = True
    return conn


def _params(entry):
    return {
        "dbname": entry["NAME"],
        "user": entry["USER"] or None,
        "password": entry["PASSWORD"] or None,
        "host": entry["HOST"] or None,
        "port": entry["PORT"] or None,
    }


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped afterwards: where a restore drill goes."""
    name = f"{settings.DATABASES['default']['NAME']}_restore"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    target = Connection.from_settings({**settings.DATABASES["default"], "NAME": name})
    yield target
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def _fingerprints(conn) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, independent of their physical order."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_session' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            result[table] = cursor.fetchone()
    return result


@pytest.fixture
def county(transactional_db, programs):
    """A small county written the way the portal writes (seed, services, audit context) plus files of each kind."""
    call_command("seed_demo", persons=60, seed=7)
    admin = get_user_model().objects.get(username="admin")
    with pghistory.context(user=admin.pk, url="/test/backup/"):
        person = Person.objects.order_by("pk").first()
        Person.objects.filter(pk=person.pk).update(phone="13800000000")
    job = Job.objects.create(kind="system.selftest", created_by=admin, status=JobStatus.SUCCEEDED)
    job.result_file.save("结果.xlsx", ContentFile(b"PK\x03\x04 a workbook \xe4\xb8\xad"), save=True)
    report_bytes = bytes(range(256)) * 64
    job2 = Job.objects.create(kind="system.selftest", created_by=admin)
    job2.result_file.save("report.pdf", ContentFile(report_bytes), save=True)
    return {"person": person, "files": [Path(job.result_file.path), Path(job2.result_file.path)]}


def _media_hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_backup_restored_into_a_fresh_database_has_every_row_audit_event_and_file(
    county, fresh_database, tmp_path, capsys
):
    events = Events.objects.count()
    assert events > 100  # seed + the update above, all by triggers
    call_command("backup", dir=str(tmp_path / "backups"))
    out = capsys.readouterr().out
    archive = Path(out.split()[1])
    assert archive.parent == tmp_path / "backups" and archive.name.startswith("fedportal-")
    manifest = backup_read_manifest(archive)
    assert manifest["tables"]["public.cases_person"] == Person.objects.count()
    assert {entry["path"] for entry in manifest["media"]} >= {
        path.relative_to(settings.MEDIA_ROOT).as_posix() for path in county["files"]
    }

    media = tmp_path / "restored-media"
    auth = fresh_database.user + (f":{fresh_database.password}" if fresh_database.password else "")
    url = f"postgres://{auth}@{fresh_database.host or '127.0.0.1'}:{fresh_database.port or 5432}/{fresh_database.name}"
    call_command("restore", str(archive), database_url=url, media_root=str(media))
    assert f"files {len(manifest['media'])}" in capsys.readouterr().out

    source = psycopg2.connect(**_params(settings.DATABASES["default"]))
    restored = fresh_database.connect()
    try:
        before, after = _fingerprints(source), _fingerprints(restored)
        assert before.keys() == after.keys()
        assert {table: after[table] for table in before} == before
        with restored.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pghistory_context WHERE metadata->>'url' = '/test/backup/'")
            assert cursor.fetchone()[0] == 1
            cursor.execute(
                "SELECT count(*) FROM cases_personevent WHERE pgh_obj_id = %s AND pgh_label = 'update' "
                "AND phone = '13800000000'",
                [county["person"].pk],
            )
            assert cursor.fetchone()[0] == 1
    finally:
        source.close()
        restored.close()
    restored_files = _media_hashes(media)
    for path in county["files"]:
        relative = path.relative_to(settings.MEDIA_ROOT).as_posix()
        assert restored_files[relative] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(restored_files) == {entry["path"] for entry in manifest["media"]}


def test_restore_refuses_a_database_that_is_not_empty_without_force(county, fresh_database, tmp_path):
    archive = backup_create(directory=tmp_path)
    backup_restore(archive=archive, target=fresh_database, media_root=tmp_path / "media")
    with pytest.raises(BackupError, match="refusing to overwrite"):
        backup_restore(archive=archive, target=fresh_database, media_root=tmp_path / "media")
    with pytest.raises(CommandError, match="pass --force"):
        call_command("restore", str(archive))  # the portal's own, live database

    # --force: the database is replaced, files that were not in the backup are moved aside, never deleted.
    stray = tmp_path / "media" / "stray.txt"
    stray.write_text("not in the backup")
    result = backup_restore(archive=archive, target=fresh_database, media_root=tmp_path / "media", force=True)
    assert not stray.exists()
    assert (result.moved_aside / "stray.txt").read_text() == "not in the backup"
    conn = fresh_database.connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_person")
        assert cursor.fetchone()[0] == Person.objects.count()
    conn.close()


def test_a_damaged_archive_restores_nothing(county, fresh_database, tmp_path):
    archive = backup_create(directory=tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.startswith("media/") and data:
                data = b"X" + data[1:]
            out.addfile(member, None if data is None else io.BytesIO(data))
    media = tmp_path / "media"
    with pytest.raises(BackupError, match="damaged"):
        backup_restore(archive=damaged, target=fresh_database, media_root=media)
    conn = fresh_database.connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0
    conn.close()
    assert not media.exists() or not any(media.rglob("*"))
    with pytest.raises(BackupError, match="not a fedportal backup"):
        bogus = tmp_path / "bogus.tar"
        with tarfile.open(bogus, "w") as out:
            info = tarfile.TarInfo("hello.txt")
            out.addfile(info, io.BytesIO(b""))
        backup_restore(archive=bogus, target=fresh_database, media_root=media)


def test_retention_keeps_the_newest_by_count_and_age(tmp_path):
    now = time.time()
    names = [f"fedportal-202612{day:02d}-033000.tar" for day in range(1, 11)]
    for age_days, name in enumerate(reversed(names)):
        path = tmp_path / name
        path.write_bytes(b"x")
        stamp = now - age_days * 86400 + 3600  # an hour younger than whole days: no boundary case
        os.utime(path, (stamp, stamp))
    (tmp_path / "notes.txt").write_text("not a backup")

    deleted = backup_prune(directory=tmp_path, keep_count=7, keep_days=0)
    assert [p.name for p in deleted] == sorted(names)[:3][::-1]
    deleted = backup_prune(directory=tmp_path, keep_count=0, keep_days=3)
    assert len(deleted) == 3  # ages 4, 5 and 6 days
    assert [p.name for p in backup_list(directory=tmp_path)] == sorted(names, reverse=True)[:4]
    assert (tmp_path / "notes.txt").exists()

    # However old, the newest archive stays: a stopped schedule must not end with no backup at all.
    only = backup_list(directory=tmp_path)[0]
    old = now - 400 * 86400
    for path in backup_list(directory=tmp_path):
        os.utime(path, (old, old))
    backup_prune(directory=tmp_path, keep_count=1, keep_days=1, now=timezone.now() + timedelta(days=1))
    assert backup_list(directory=tmp_path) == [only]


def test_the_client_chosen_is_the_oldest_that_is_new_enough(tmp_path, settings):
    for version in (13, 15, 18):
        directory = tmp_path / f"pg{version}" / "bin"
        directory.mkdir(parents=True)
        program = directory / "pg_dump"
        program.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}.2'\n")
        program.chmod(0o755)
    dirs = [tmp_path / f"pg{v}" / "bin" for v in (18, 13, 15)]
    pgclient._program_version.cache_clear()
    original = pgclient._candidate_dirs
    pgclient._candidate_dirs = lambda: dirs
    try:
        assert find_program("pg_dump", at_least=14) == (dirs[2] / "pg_dump", 15)
        assert find_program("pg_dump", at_least=16) == (dirs[0] / "pg_dump", 18)
        with pytest.raises(ClientNotFound, match="PG_BIN_DIR"):
            find_program("pg_dump", at_least=19)
    finally:
        pgclient._candidate_dirs = original
        pgclient._program_version.cache_clear()


def test_the_real_server_has_a_fitting_client(db):
    server = pgclient.server_major_version(connection)
    path, version = find_program("pg_dump", at_least=server)
    assert version >= server and path.name == "pg_dump"
    restore, _ = find_program("pg_restore", at_least=server)
    assert restore.name == "pg_restore"


def test_the_nightly_backup_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["backups-nightly"]
    assert entry["task"] == "fedportal.backup"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}


@pytest.mark.worker
def test_the_scheduled_backup_runs_on_a_real_worker(celery_worker, county, tmp_path):
    from fedportal.backups.tasks import scheduled_backup

    before = set(backup_list())
    result = scheduled_backup.delay().get(timeout=120)
    archive = Path(result["archive"])
    assert archive not in before and archive.exists()
    manifest = backup_read_manifest(archive)
    assert manifest["tables"]["public.cases_person"] == Person.objects.count()
    assert json.loads(json.dumps(result))["bytes"] == archive.stat().st_size
    archive.unlink()
