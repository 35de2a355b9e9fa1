"""One clock: the county's date, whatever the server's own time zone."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fedportal.core.clock import local_date_of, local_now, local_today

BASE_DIR = Path(__file__).resolve().parents[2]


def test_local_today_is_the_date_in_shanghai():
    assert local_today() == datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert local_now().utcoffset().total_seconds() == 8 * 3600
    assert local_date_of(datetime(2026, 3, 1, 17, 30, tzinfo=ZoneInfo("UTC"))).isoformat() == "2026-03-02"


def test_a_utc_server_between_midnight_and_eight_sees_the_county_date():
    """The process's own clock is UTC (TZ=UTC); the helper still answers Beijing's date."""
    code = (
        "import django, datetime, zoneinfo;django.setup();"
        "from fedportal.core.clock import local_today;"
        "print(local_today() == datetime.datetime.now(zoneinfo.ZoneInfo('Asia/Shanghai')).date())"
    )
    env = {**os.environ, "TZ": "UTC", "DJANGO_SETTINGS_MODULE": "fedportal.settings_test"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "True", out.stderr


def test_ruff_forbids_the_servers_clock():
    config = (BASE_DIR / "ruff.toml").read_text()
    assert '"DTZ"' in config
    offenders = subprocess.run(
        [str(BASE_DIR / ".venv/bin/ruff"), "check", "--select", "DTZ", "--output-format", "concise", "."],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert offenders.returncode == 0, offenders.stdout
