"""Test settings: the production settings with test-only relaxations, against real PostgreSQL and Redis."""

import os
import uuid

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .settings import *  # noqa: F403
from .settings import DATA_DIR, DATABASES

DEBUG = False
ALLOWED_HOSTS = ["*"]
# The live server of the browser tests speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing; never in production
# Each test session gets its own queue and cache prefix, so a shared Redis never mixes runs; each pytest-xdist
# process (`make test` runs two) is a session of its own, with its own test database (pytest-django names it
# after the process), queue, cache prefix and media. The Celery workers a test starts inherit the environment,
# so they land on the same names.
_RUN_ID = os.environ.get("FEDPORTAL_TEST_RUN_ID") or uuid.uuid4().hex[:8]
os.environ["FEDPORTAL_TEST_RUN_ID"] = _RUN_ID
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_SESSION = f"{_RUN_ID}-{TEST_PROCESS}"
CELERY_TASK_DEFAULT_QUEUE = f"fedportal-test-{TEST_SESSION}"
CACHES["default"]["KEY_PREFIX"] = f"fedportal-test-{TEST_SESSION}"  # noqa: F405
MEDIA_ROOT = DATA_DIR / f"test-media-{TEST_PROCESS}"
BACKUP_DIR = DATA_DIR / f"test-backups-{TEST_PROCESS}"
AXES_ENABLED = True
# Query-count tests count every query of a page: no cached list counts or replica reads unless a test turns
# them on (tests/fedportal/test_pagination.py, tests/fedportal/test_dbrouting.py).
LIST_COUNT_CACHE_SECONDS = 0
DATABASE_REPLICA_READS = False
# A second alias on the same database stands in for a read replica, so the router's choices are tested for real
# (tests/fedportal/test_dbrouting.py). Read-only like a replica: a write routed there fails the test.
_default = DATABASES["default"]
DATABASES["replica"] = {
    **_default,
    "OPTIONS": {
        **_default["OPTIONS"],
        "options": (_default["OPTIONS"].get("options", "") + " -c default_transaction_read_only=on").strip(),
    },
    "TEST": {"MIRROR": "default"},
}
