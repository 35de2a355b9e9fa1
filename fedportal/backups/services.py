"""Backups: one dated archive holding the database (pg_dump, custom format) and the media files, and its restore.

An archive `fedportal-YYYYMMDD-HHMMSS.tar` holds, in this order:
    manifest.json    when, which server and client, every table's row count, every file's size and SHA-256
    database.dump    pg_dump --format=custom of the whole database (audit events included)
    media/...        every file under MEDIA_ROOT (roster uploads, job results, reports, application proofs)
It is written as `.partial` and renamed when complete, so a crashed backup never looks like a good one. The dump
and media are already compressed (custom-format dump, XLSX/PDF), so the tar itself is not.

A restore refuses a database that has any table, and a media directory that has any file, unless forced; then it
loads the dump in one transaction (nothing half-restored), puts the media files in place after checking each
file's SHA-256, and checks every table's row count against the manifest.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .pgclient import Connection, find_program, server_major_version

logger = logging.getLogger(__name__)

ARCHIVE_PREFIX = "fedportal-"
ARCHIVE_SUFFIX = ".tar"
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    moved_aside: Path | None = None
    details: dict = field(default_factory=dict)


# --------------------------------------------------------------------------
# helpers


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_counts(conn) -> dict[str, int]:
    """Exact row count of every ordinary table outside the system schemas, keyed `schema.table`."""
    with conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%%'
            ORDER BY 1, 2
            """
        )
        tables = cursor.fetchall()
        counts = {}
        for schema, table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _latest_migrations(conn) -> dict[str, str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _safe_member(name: str) -> PurePosixPath:
    """A media path from an archive, refused when it could land outside MEDIA_ROOT."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != MEDIA:
        raise BackupError(f"archive member outside media/: {name}")
    return path


@contextlib.contextmanager
def _exclusive(directory: Path):
    """One backup or restore at a time per backup directory (a beat run and a manual one must not interleave)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"another backup or restore is running in {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {message[-1] if message else f'exit code {result.returncode}'}")


def default_connection(alias: str = "default") -> Connection:
    return Connection.from_settings(connections[alias].settings_dict)


def backup_directory() -> Path:
    return Path(settings.BACKUP_DIR)


# --------------------------------------------------------------------------
# backup


def backup_create(
    *, directory: Path | None = None, source: Connection | None = None, media_root: Path | None = None
) -> Path:
    """Write one archive of the database and the media files into `directory`; return its path."""
    directory = Path(directory or backup_directory())
    source = source or default_connection()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with _exclusive(directory):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        final = directory / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
        if final.exists():  # two backups in one second: keep both
            final = directory / f"{ARCHIVE_PREFIX}{stamp}-{timezone.now():%f}{ARCHIVE_SUFFIX}"
        partial = final.with_name(final.name + ".partial")
        with tempfile.TemporaryDirectory(dir=directory, prefix=".work-") as work:
            dump = Path(work) / DUMP
            conn = source.connect()
            try:
                # pg_dump reads the snapshot this transaction exports, and the manifest's counts come from the
                # same transaction: a write while the backup runs cannot make the two disagree.
                conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
                server = server_major_version(conn)
                program, client = find_program("pg_dump", at_least=server)
                started = timezone.now()
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                _run(
                    [
                        str(program),
                        "--format=custom",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(dump),
                        *source.args(),
                    ],
                    env=source.env(),
                    what="pg_dump",
                )
                counts = _table_counts(conn)
                migrations = _latest_migrations(conn)
                with conn.cursor() as cursor:
                    cursor.execute("SELECT version()")
                    server_version = cursor.fetchone()[0].split(",")[0]
                conn.rollback()
            finally:
                conn.close()
            files = _media_files(media_root)
            manifest = {
                "format": FORMAT,
                "created_at": started.isoformat(),
                "database": source.name,
                "server_version": server_version,
                "server_major": server,
                "pg_dump": str(program),
                "pg_dump_major": client,
                "dump_bytes": dump.stat().st_size,
                "dump_sha256": _sha256(dump),
                "tables": counts,
                "migrations": migrations,
                "media": [
                    {
                        "path": path.relative_to(media_root).as_posix(),
                        "bytes": path.stat().st_size,
                        "sha256": _sha256(path),
                    }
                    for path in files
                ],
            }
            manifest_file = Path(work) / MANIFEST
            manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                archive.add(manifest_file, arcname=MANIFEST)
                archive.add(dump, arcname=DUMP)
                for path, entry in zip(files, manifest["media"], strict=True):
                    archive.add(path, arcname=f"{MEDIA}/{entry['path']}")
        partial.rename(final)
    logger.info(
        "backup written: %s (%s tables, %s rows, %s files)",
        final,
        len(counts),
        sum(counts.values()),
        len(files),
    )
    return final


def backup_read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST:
                raise BackupError(f"{archive} is not a fedportal backup (no {MANIFEST} first)")
            manifest = json.load(tar.extractfile(member))
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise BackupError(f"cannot read {archive}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has backup format {manifest.get('format')}, this portal reads {FORMAT}")
    return manifest


def backup_list(*, directory: Path | None = None) -> list[Path]:
    """Complete archives in the directory, newest first (the name carries the time)."""
    directory = Path(directory or backup_directory())
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"), key=lambda p: p.name, reverse=True)


def backup_prune(
    *, directory: Path | None = None, keep_count: int | None = None, keep_days: int | None = None, now=None
) -> list[Path]:
    """Delete archives past the retention: beyond the newest `keep_count`, or older than `keep_days` (0 turns a
    rule off). The newest archive is never deleted, so a long pause of the schedule cannot leave nothing."""
    keep_count = settings.BACKUP_KEEP_COUNT if keep_count is None else keep_count
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    archives = backup_list(directory=directory)
    deleted = []
    for index, path in enumerate(archives):
        if index == 0:
            continue
        too_many = keep_count and index >= keep_count
        age = now - datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
        too_old = keep_days and age > timedelta(days=keep_days)
        if too_many or too_old:
            path.unlink()
            deleted.append(path)
    # Leftovers of a crashed run are never a usable backup.
    for leftover in Path(directory or backup_directory()).glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}.partial"):
        if now - datetime.fromtimestamp(leftover.stat().st_mtime, tz=timezone.get_current_timezone()) > timedelta(
            days=1
        ):
            leftover.unlink()
            deleted.append(leftover)
    for path in deleted:
        logger.info("backup deleted by the retention policy: %s", path)
    return deleted


# --------------------------------------------------------------------------
# restore


def _database_tables(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%%'
            """
        )
        return cursor.fetchone()[0]


def _empty_database(conn) -> None:
    """Drop everything in the schemas the portal uses, so the restore yields exactly the backup."""
    with conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT nspname FROM pg_namespace
            WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_%%'
            """
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        cursor.execute("CREATE SCHEMA IF NOT EXISTS public")
    conn.commit()


def backup_restore(
    *, archive: Path, target: Connection | None = None, media_root: Path | None = None, force: bool = False
) -> RestoreResult:
    """Load `archive` into the target database and media directory; see the module's docstring."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"file not found: {archive}")
    manifest = backup_read_manifest(archive)
    target = target or default_connection()
    media_root = Path(media_root or settings.MEDIA_ROOT)

    conn = target.connect()
    try:
        server = server_major_version(conn)
        tables = _database_tables(conn)
        conn.rollback()
    except Exception:
        conn.close()
        raise
    existing_files = _media_files(media_root)
    if not force and (tables or existing_files):
        conn.close()
        what = []
        if tables:
            what.append(f"database {target.name} has {tables} tables")
        if existing_files:
            what.append(f"{media_root} has {len(existing_files)} files")
        raise BackupError(f"refusing to overwrite: {' and '.join(what)}; pass --force to replace them")
    program, _client = find_program("pg_restore", at_least=max(server, manifest["pg_dump_major"]))

    with _exclusive(backup_directory()), tempfile.TemporaryDirectory(prefix="fedportal-restore-") as work:
        work = Path(work)
        wanted = {f"{MEDIA}/{entry['path']}": entry for entry in manifest["media"]}
        staging = media_root.parent / f".{media_root.name}.restore-{timezone.now():%Y%m%d%H%M%S%f}"
        staging.mkdir(parents=True)
        try:
            with tarfile.open(archive, "r:") as tar:
                seen = set()
                for member in tar:
                    if member.name == MANIFEST:
                        continue
                    if member.name == DUMP:
                        tar.extract(member, work, filter="data")
                        continue
                    path = _safe_member(member.name)
                    if member.name not in wanted or not member.isfile():
                        raise BackupError(f"archive member not in the manifest: {member.name}")
                    destination = staging.joinpath(*path.parts[1:])
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as source, destination.open("wb") as out:
                        shutil.copyfileobj(source, out, 1024 * 1024)
                    if _sha256(destination) != wanted[member.name]["sha256"]:
                        raise BackupError(f"file damaged in the archive: {member.name}")
                    seen.add(member.name)
            dump = work / DUMP
            if not dump.is_file() or _sha256(dump) != manifest["dump_sha256"]:
                raise BackupError("the database dump is missing or damaged in the archive")
            missing = set(wanted) - seen
            if missing:
                raise BackupError(f"{len(missing)} files of the manifest are missing from the archive")

            if tables:
                _empty_database(conn)
            conn.close()
            _run(
                [
                    str(program),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--no-password",
                    *target.args(),
                    str(dump),
                ],
                env=target.env(),
                what="pg_restore",
            )

            moved_aside = None
            if existing_files:
                moved_aside = media_root.parent / f"{media_root.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}"
                moved_aside.mkdir(parents=True)
                for entry in list(media_root.iterdir()):
                    entry.rename(moved_aside / entry.name)
            media_root.mkdir(parents=True, exist_ok=True)
            for entry in list(staging.iterdir()):
                entry.rename(media_root / entry.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if not conn.closed:
                conn.close()

    check = target.connect()
    try:
        counts = _table_counts(check)
        database_apply_settings(check, name=target.name)
    finally:
        check.close()
    differ = {
        table: (rows, counts.get(table)) for table, rows in manifest["tables"].items() if counts.get(table) != rows
    }
    if differ:
        table, (expected, found) = next(iter(differ.items()))
        raise BackupError(
            f"restored row counts differ from the backup in {len(differ)} tables, e.g. {table}: "
            f"{found} instead of {expected}"
        )
    result = RestoreResult(
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(manifest["media"]),
        moved_aside=moved_aside,
        details={"created_at": manifest["created_at"], "server_version": manifest["server_version"]},
    )
    logger.info("backup restored: %s into %s (%s rows, %s files)", archive, target.name, result.rows, result.files)
    return result


def database_apply_settings(conn, *, name: str) -> None:
    """Database-level settings the portal relies on, stored with the database rather than sent at connect time
    (a pooler such as PgBouncer does not pass connection options on); see settings.DATABASES."""
    from psycopg2 import sql

    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("ALTER DATABASE {} SET pgtrigger.ignore = '{{}}'").format(sql.Identifier(name)))
        conn.commit()
    except Exception as exc:  # noqa: BLE001 - lacking the right to alter the database only costs speed
        conn.rollback()
        logger.warning("could not store pgtrigger.ignore on database %s: %s", name, exc)
