"""Settings read from the environment (see .env.example for every variable).

Production is the default: DEBUG is off, SECRET_KEY is required, cookies are secure.
`make run` sets DEBUG=true; the test suite uses fedportal.settings_test.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fedportal.backups.schedule import beat_schedule as backups_beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default=None)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # collectstatic leaves out the fonts only WeasyPrint reads (fedportal/staticfiles.py).
    "fedportal.staticfiles.PortalStaticFilesConfig",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "fedportal.accounts",
    "fedportal.audit",
    "fedportal.jobs",
    "fedportal.core",
    "fedportal.backups",
    "cases",
    "certificates",
    "subsidies",
    "rehab",
    "community",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (no inline script or style), Permissions-Policy, Referrer-Policy.
    "fedportal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, refreshing the idle expiry once a minute rather than writing every request.
    "fedportal.accounts.sessions.IdleTimeoutSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the acting user and URL on every audited write made during a request.
    "pghistory.middleware.HistoryMiddleware",
    # Full numbers never travel in URLs: a search holding one goes through a session token, anything else is a 400.
    # Before the login redirect, which would put the number into `?next=`.
    "fedportal.core.search_tokens.FullNumberInUrlMiddleware",
    # Keeps the request's address for the account audit's signals (fedportal/audit/accounts.py).
    "fedportal.audit.accounts.AccountAuditMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Queue or cache unreachable: a clear 503 page instead of a server error.
    "fedportal.core.middleware.ServiceUnavailableMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fedportal.urls"
WSGI_APPLICATION = "fedportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fedportal.accounts.context_processors.navigation",
            ],
            # {% colon %}, {% lparen %}…: punctuation that follows the language, in every template.
            "builtins": ["fedportal.core.templatetags.punctuation"],
        },
    },
]

# PostgreSQL only. `make run` / `make test` start an embedded server when DATABASE_URL is unset.
# DATABASE_POOL_MODE says what sits between the portal and PostgreSQL:
#   direct       (default) the portal talks to PostgreSQL; connections are kept CONN_MAX_AGE seconds.
#   transaction  PgBouncer (or a managed pooler) in transaction mode: a server connection belongs to the portal
#                only for one transaction. So no server-side cursors (they live across transactions: iterator()
#                and the streaming exports use client-side ones instead), no settings sent at connect time
#                (`options` is not passed on; `migrate` stores pgtrigger.ignore on the database instead) and
#                nothing set per session: the audit context (django-pghistory) and pgtrigger's switches are
#                set with set_config(..., is_local => true) in the same statement, i.e. per transaction.
#   session      PgBouncer in session mode: like direct.
DATABASE_POOL_MODE = env("DATABASE_POOL_MODE", default="direct")
if DATABASE_POOL_MODE not in ("direct", "transaction", "session"):
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be direct, transaction or session (see .env.example).")


def _database(url: str) -> dict:
    database = env.db_url_config(url)
    # Behind a pooler the pooler keeps the server connections; keeping ours open too only holds pool slots.
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DATABASE_POOL_MODE == "transaction" else 60)
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    if DATABASE_POOL_MODE == "transaction":
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # The audit triggers (django-pgtrigger) read `pgtrigger.ignore` inside an EXCEPTION block; while it is
        # undefined every audited row opens and rolls back a subtransaction, which makes bulk writes many times
        # slower. An explicit empty list means the same ("ignore nothing") without the error. (Also stored on the
        # database by `migrate`, which is what counts behind a pooler.)
        options["options"] = (options.get("options", "") + " -c pgtrigger.ignore={}").strip()
    return database


DATABASES = {"default": _database(env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/fedportal"))}
# A read replica (streaming replication) for dashboards, reports and exports; see fedportal/dbrouting.py.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database(env("DATABASE_REPLICA_URL"))
    # Read-only sessions: a write routed there by mistake fails instead of going unnoticed.
    _replica_options = DATABASES["replica"]["OPTIONS"]
    if DATABASE_POOL_MODE != "transaction":
        _replica_options["options"] = (
            _replica_options.get("options", "") + " -c default_transaction_read_only=on"
        ).strip()
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["fedportal.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Short timeouts: with Redis down a page answers from the database (or fails) within a second or two, not 20.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=1.0)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="fedportal"),
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等保 2.0 level 3: 12+ characters with letters, digits and symbols.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fedportal.accounts.validators.CharacterClassesValidator"},
    # Patterns Django's English list misses: Password123!, Admin@123456, Qwerty123456!, 1qaz@WSX, zhangwei1988!
    {"NAME": "fedportal.accounts.validators.CommonPatternValidator"},
]

# Login lockout (fedportal/accounts/lockout.py): 5 failures for one account from one address lock that pair for
# 15 minutes; AXES_IP_FAILURE_LIMIT failures from one address across accounts lock the address. By account alone
# anyone could keep the administrator locked out; by address alone a township office behind one NAT would lock
# itself out.
AXES_HANDLER = "fedportal.accounts.lockout.UsernameAndAddressHandler"
AXES_FAILURE_LIMIT = 5
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind N trusted reverse proxies the client address is taken from X-Forwarded-For (AXES_PROXY_COUNT=N).
if env.int("AXES_PROXY_COUNT", default=0):
    AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT")
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Idle timeout: the session expires 30 minutes after the last request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# The expiry moves forward at most once a minute (fedportal/accounts/sessions.py), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
# Read from Redis, written through to PostgreSQL: no session query per request, and sessions survive a restart
# of Redis (and are in the backups); with Redis unreachable they are read from PostgreSQL (session_store.py).
SESSION_ENGINE = "fedportal.accounts.session_store"
# Seconds a list page's total count is reused (fedportal/core/pagination.py); 0 counts on every request.
LIST_COUNT_CACHE_SECONDS = env.int("LIST_COUNT_CACHE_SECONDS", default=60)
# A payment run's review figures (section counts, township summary, bank results) per scope and filter: they change
# only when the run is computed again, approved or a bank return is recorded, each of which is part of the key.
RUN_REVIEW_CACHE_SECONDS = env.int("RUN_REVIEW_CACHE_SECONDS", default=600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party front-end files come from the npm registry at set-up (bin/build_assets.py), never from git.
STATICFILES_DIRS = [BASE_DIR / "static", ("lib", BASE_DIR / ".assets" / "lib")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
PDF_FONT_DIR = BASE_DIR / ".assets" / "lib" / "fonts"

# Uploads: rosters are at most 20 MB; larger files are refused before they are read.
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
ROSTER_MAX_ROWS = env.int("ROSTER_MAX_ROWS", default=50_000)
ROSTER_MAX_COLUMNS = env.int("ROSTER_MAX_COLUMNS", default=64)
# The bank's return (回盘) of a payment sheet: one row a payment line, so as large as the county's biggest run.
BANK_RETURN_MAX_UPLOAD_BYTES = env.int("BANK_RETURN_MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)
BANK_RETURN_MAX_ROWS = env.int("BANK_RETURN_MAX_ROWS", default=500_000)
# A payment run split by township into this many chunks, computed by as many Celery workers as are free (the
# run's own job takes part, so one worker still finishes it); 1 computes it in one statement chain (README "Scale").
PAYMENT_RUN_CHUNKS = env.int("PAYMENT_RUN_CHUNKS", default=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis broker; ids in, progress on the Job row.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="fedportal")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
# Long jobs: acknowledge after the work is done so a killed worker's job is redelivered,
# and take one message at a time so a long payment run does not hold others hostage.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redelivery of an unacknowledged task after a lost worker waits this long; keep it above the longest job.
# A message redelivered after a lost worker is not run again (see fedportal/jobs/services.py): the stale-job task
# below fails such a job within JOB_STALE_SECONDS, whatever this timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Publishing from a request must fail fast when Redis is down (the user gets a clear message in ~1 s).
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
# Results live on the Job row; the result backend is never read, so a task call does not wait on it either.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0)
# Jobs: a running job writes a heartbeat every JOB_HEARTBEAT_SECONDS; one silent for JOB_STALE_SECONDS is failed
# by the beat task below (its worker died) and can be retried.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=10)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=90)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    # Certificates expire with the calendar, not only through services: keep 一户多残 flags true to today.
    "certificates-refresh-multi-disability-flags": {
        "task": "certificates.refresh_multi_flags",
        "schedule": crontab(minute=10, hour=1),
    },
    # Files of full-number exports are deleted after the retention below; the record of the export stays.
    "jobs-purge-sensitive-files": {"task": "fedportal.purge_sensitive_files", "schedule": crontab(minute=20, hour=2)},
    # The monthly subsidy statement of the month just ended, on the 1st at 06:30 (Asia/Shanghai, CELERY_TIMEZONE).
    "dashboards-monthly-subsidy-statement": {
        "task": "dashboards.monthly_subsidy_statement",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
    # The dashboard's figures of the county and every township, recomputed before they expire (20 minutes).
    "dashboards-warm-figures": {"task": "dashboards.warm_figures", "schedule": crontab(minute="*/10")},
    # A job whose worker died is failed (and retryable) within a minute or two, not after the visibility timeout.
    "jobs-fail-stale": {
        "task": "fedportal.fail_stale_jobs",
        "schedule": env.float("JOB_STALE_CHECK_SECONDS", default=30),
        "options": {"expires": 25},
    },
}
SENSITIVE_FILE_RETENTION_DAYS = env.int("SENSITIVE_FILE_RETENTION_DAYS", default=7)

# Backups (python manage.py backup / restore, and the nightly Celery beat task): one archive per run in BACKUP_DIR,
# keeping the newest BACKUP_KEEP_COUNT and nothing older than BACKUP_KEEP_DAYS (0 turns a rule off; the newest
# archive is always kept). Keep BACKUP_DIR on another disk, or copy it off the machine.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(DATA_DIR / "backups")))
BACKUP_KEEP_COUNT = env.int("BACKUP_KEEP_COUNT", default=14)
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=35)
# The bin directory of a PostgreSQL client at least as new as the server; found automatically when empty.
PG_BIN_DIR = env("PG_BIN_DIR", default="")
CELERY_BEAT_SCHEDULE.update(
    backups_beat_schedule(
        enabled=env.bool("BACKUP_SCHEDULE_ENABLED", default=True),
        hour=env.int("BACKUP_HOUR", default=3),
        minute=env.int("BACKUP_MINUTE", default=30),
    )
)

# Audit events and sensitive-access records are never deleted by the portal (等保 asks for at least 6 months);
# archiving old ones is an operations decision.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
