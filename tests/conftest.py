"""Shared fixtures: one user per role, two townships, a real Celery worker and a real headless Chromium."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from fedportal.accounts.models import Role

from .factories import TownshipFactory, UserFactory, VillageFactory

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English (the language cookie) leaves English active in this thread; the next test's services
    would then answer in English. Every test starts in the portal's language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def township(db):
    return TownshipFactory(code="360121001", name="莲塘镇")


@pytest.fixture
def other_township(db):
    return TownshipFactory(code="360121002", name="向塘镇")


@pytest.fixture
def village(township):
    return VillageFactory(township=township, code="360121001001", name="莲塘村")


@pytest.fixture
def other_village(other_township):
    return VillageFactory(township=other_township, code="360121002001", name="向塘村")


@pytest.fixture
def programs(db):
    """The programs of the data migrations (the four, and the grants of 0008). Transactional tests (browser, worker) flush every table, data
    migrations' rows included, so create them again when missing."""
    from importlib import import_module

    from django.apps import apps

    from subsidies.models import Program

    import_module("subsidies.migrations.0002_programs").create(apps, None)
    import_module("subsidies.migrations.0008_grant_programs").create(apps, None)
    return {program.code: program for program in Program.objects.all()}


@pytest.fixture
def make_user(db):
    def make(role: str, username: str | None = None, **kwargs):
        return UserFactory(username=username or role, role=role, **kwargs)

    return make


@pytest.fixture
def users(make_user, township):
    """One user per role; the liaison is bound to `township`."""
    return {
        Role.CASEWORKER: make_user(Role.CASEWORKER),
        Role.REVIEWER: make_user(Role.REVIEWER),
        Role.LIAISON: make_user(Role.LIAISON, township=township),
        Role.LEADER: make_user(Role.LEADER),
        Role.FINANCE: make_user(Role.FINANCE),
        Role.ADMIN: make_user(Role.ADMIN, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def caseworker(users):
    return users[Role.CASEWORKER]


@pytest.fixture
def liaison(users):
    return users[Role.LIAISON]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_factory(django_db_setup, django_db_blocker):
    """Start real `celery -A fedportal worker` processes on the test database and this session's queue."""
    workers: list[subprocess.Popen] = []

    def start(
        *, concurrency: int = 1, memory_limit: int | None = None, extra_env: dict | None = None
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fedportal.settings_test",
            "DATABASE_URL": _database_url(),
            "FEDPORTAL_TEST_RUN_ID": os.environ["FEDPORTAL_TEST_RUN_ID"],
            **(extra_env or {}),
        }
        # A node name of its own: readiness is this worker's answer, never another test process's worker's.
        node = f"{settings.TEST_SESSION}-{len(workers)}@localhost"
        log = open(BASE_DIR / ".data" / f"test-worker-{settings.TEST_PROCESS}-{len(workers)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "fedportal",
                "worker",
                "--pool=solo",
                f"--concurrency={concurrency}",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "-n",
                node,
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_memory_limiter(memory_limit) if memory_limit else None,
        )
        workers.append(process)
        _wait_until_ready(process, node)
        return process

    (BASE_DIR / ".data").mkdir(exist_ok=True)
    yield start
    for process in workers:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _memory_limiter(limit: int):
    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _wait_until_ready(process, node: str, timeout: float = 60.0) -> None:
    from fedportal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited at start; see .data/test-worker-*.log")
        replies = app.control.ping(destination=[node], timeout=1.0)
        if replies:
            return
    raise RuntimeError("the Celery worker did not answer within a minute")


@pytest.fixture
def celery_worker(celery_worker_factory, transactional_db):
    """A running worker for one test; tests that use it see committed data only (transactional_db)."""
    process = celery_worker_factory()
    yield process
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: install the Debian package 'chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log in through the real login form."""
    from .factories import TEST_PASSWORD

    def do_login(user):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return do_login
