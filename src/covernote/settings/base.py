"""Settings shared by every environment. ``DATABASE_URL`` selects the database."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root
SRC_DIR = BASE_DIR / "src" / "covernote"
VAR_DIR = Path(os.environ.get("COVERNOTE_VAR", BASE_DIR / "var"))
CONFIG_DIR = BASE_DIR / "config"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "csp",
    "axes",
    "ninja",  # serves Swagger UI and ReDoc from its own static files: the docs work offline
    "django_tasks",
    "django_tasks_db",
    "covernote.accounts",
    "covernote.audit",
    "covernote.parties",
    "covernote.products",
    "covernote.documents",
    "covernote.billing",
    "covernote.gap",
    "covernote.complaints",
    "covernote.young_driver",
    "covernote.telematics",
    "covernote.work",
    "covernote.web",
    "covernote.cli",
    "covernote.observability",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "covernote.api.limits.ApiDoorMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "covernote.observability.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "covernote.accounts.middleware.TermsOfServiceMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "covernote.urls"
WSGI_APPLICATION = "covernote.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "covernote.web.context.platform",
            ],
            # One money and date format everywhere: {{ x|money }}, {{ d|ukdate }}.
            # Plain words for customers, labels for codes: {{ s|plain }}, {{ c|label }}.
            "builtins": [
                "covernote.documents.templatetags.covernote_format",
                "covernote.web.templatetags.covernote_words",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'covernote.sqlite3'}",
        conn_max_age=60,
    )
}
# django-prometheus wraps the backend to count queries, errors and connections (ADR 0012).
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # PLT-5: failed-login throttling/lockout
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # PLT-5: reset links expire after one hour, single use

# PLT-5 throttling: 5 failures for one account from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form field that holds the email

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = "covernote <no-reply@covernote.example>"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Smartbox uploads are read whole (YD-DATA-1); the API refuses bodies over 16 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
# The API door (issue 10): body sizes (413), JSON depth, request rates (429).
COVERNOTE_API_MAX_BODY_BYTES = 1 * 1024 * 1024
COVERNOTE_UPLOAD_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE  # telematics uploads
COVERNOTE_API_MAX_JSON_DEPTH = 32
# Lists are pages (limit/offset, a total, next/previous links): the default page size, and
# the largest a client may ask for (a bigger limit is refused with 422, never cut short).
COVERNOTE_API_PAGE_SIZE = 25
COVERNOTE_API_MAX_PAGE_SIZE = 100
COVERNOTE_API_THROTTLE_RATES = {"user": "600/min", "anon": "1200/min"}
COVERNOTE_PASSWORD_RESET_RATES = {"email": "3/h", "ip": "20/h"}
# Telematics uploads per Smartbox (ADR 0025): a box flushing a backlog after a coverage gap
# fits; a box stuck in a retry loop gets 429 + Retry-After.
COVERNOTE_TELEMATICS_DEVICE_RATE = "20/min"
COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE = "120/min"  # per Smartbox over MQTT; over it: quarantined
# Install photos are decoded in full only up to this many pixels (ADR 0025).
COVERNOTE_PHOTO_MAX_PIXELS = 50_000_000
COVERNOTE_TELEMATICS_ROOT = os.environ.get("COVERNOTE_TELEMATICS_ROOT", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"

COVERNOTE = {
    "PLATFORM_NAME": "covernote",
    "FIRM_NAME": "Coplus Insurance Services",
    "SUPPORT_PHONE": "0191 000 0000",
    "SMS_ADAPTER": "covernote.documents.adapters.RecordingSmsAdapter",
}

# GAP claim payment authority in pounds (GAP-CLAIM-4, ADR 0026): per role, and per user
# (email) where one person's differs. A payment above the payer's authority is requested
# and waits for a different user whose authority covers it. A role not listed has none.
COVERNOTE_CLAIM_PAYMENT_AUTHORITY: dict[str, str] = {
    "claims_handler": "10000.00",
    "manager": "25000.00",
    "underwriter": "100000.00",
}
COVERNOTE_CLAIM_PAYMENT_AUTHORITY_USERS: dict[str, str] = {}
# Card payments through a hosted payment page (YD-PAY-2, ADR 0028): "recording" serves a
# fake provider page at /dev/payment-page/ (development, tests); "http" is the provider's
# API (ENDPOINT, API_KEY, SIGNING_SECRET); or a dotted path to an adapter class.
COVERNOTE_PAYMENT_PAGE = {
    "ADAPTER": os.environ.get("COVERNOTE_PAYMENT_PAGE_ADAPTER", "recording"),
    "ENDPOINT": os.environ.get("COVERNOTE_PAYMENT_PAGE_ENDPOINT", ""),
    "API_KEY": os.environ.get("COVERNOTE_PAYMENT_PAGE_API_KEY", ""),
    "SIGNING_SECRET": os.environ.get("COVERNOTE_PAYMENT_PAGE_SIGNING_SECRET", ""),
}

# Logs (ADR 0012): one line per event on stderr, stamped with the request id, user and
# tenant. COVERNOTE_LOG_FORMAT=json (production default) or text; COVERNOTE_LOG_LEVEL.
LOG_FORMAT = os.environ.get("COVERNOTE_LOG_FORMAT", "text")
LOG_LEVEL = os.environ.get("COVERNOTE_LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "covernote.observability.logging.ContextFilter"}},
    "formatters": {
        "json": {"()": "covernote.observability.logging.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s/%(tenant)s] "
            "%(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own access line duplicates ours (covernote.request).
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "WARNING"},
        # Chatty third parties: their progress lines are not events.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# The web server behind `covernote serve` (gunicorn, ADR 0010). WEB_CONCURRENCY is the
# worker-process count most platforms set; the rest are COVERNOTE_WEB_*.
COVERNOTE_WEB = {
    "BIND": os.environ.get("COVERNOTE_WEB_BIND", "127.0.0.1:8000"),
    "WORKERS": _env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1),
    "THREADS": _env_int("COVERNOTE_WEB_THREADS", 1),
    "TIMEOUT": _env_int("COVERNOTE_WEB_TIMEOUT", 30),
    "GRACEFUL_TIMEOUT": _env_int("COVERNOTE_WEB_GRACEFUL_TIMEOUT", 30),
    "KEEPALIVE": _env_int("COVERNOTE_WEB_KEEPALIVE", 5),
    "MAX_REQUESTS": _env_int("COVERNOTE_WEB_MAX_REQUESTS", 2000),
    "MAX_REQUESTS_JITTER": _env_int("COVERNOTE_WEB_MAX_REQUESTS_JITTER", 200),
    "PRELOAD": os.environ.get("COVERNOTE_WEB_PRELOAD", "1") == "1",
}

# /readyz: the worker must have run the scheduler's heartbeat task this recently.
COVERNOTE_WORKER_HEARTBEAT_MAX_AGE = _env_int("COVERNOTE_WORKER_HEARTBEAT_MAX_AGE", 15 * 60)
# /metrics: loopback only unless a bearer token is set.
COVERNOTE_METRICS_TOKEN = os.environ.get("COVERNOTE_METRICS_TOKEN", "")

# Outbox delivery (PLT-7): exponential backoff with full jitter, then a dead letter.
COVERNOTE_OUTBOX = {
    "MAX_ATTEMPTS": _env_int("COVERNOTE_OUTBOX_MAX_ATTEMPTS", 8),
    "BACKOFF_BASE_SECONDS": _env_int("COVERNOTE_OUTBOX_BACKOFF_BASE_SECONDS", 60),
    "BACKOFF_CAP_SECONDS": _env_int("COVERNOTE_OUTBOX_BACKOFF_CAP_SECONDS", 6 * 60 * 60),
}


def parse_audit_keys(raw: str) -> dict[str, str]:
    """``COVERNOTE_AUDIT_KEYS="k2:secret2,k1:secret1"`` → {"k2": "secret2", "k1": "secret1"}."""
    keys: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key_id, sep, secret = item.partition(":")
        if not sep or not key_id or not secret:
            raise ValueError("COVERNOTE_AUDIT_KEYS items are KEY_ID:SECRET, comma-separated")
        keys[key_id] = secret
    return keys


# The audit chain's HMAC keys (PLT-6, ADR 0011), held outside the database. New records are
# signed with COVERNOTE_AUDIT_KEY_ID (default: the first key listed); older keys stay listed
# so older records still verify. The development key below is public: production refuses it.
DEV_AUDIT_KEYS = "dev:covernote-development-audit-key-not-secret"
COVERNOTE_AUDIT_KEYS = parse_audit_keys(os.environ.get("COVERNOTE_AUDIT_KEYS", DEV_AUDIT_KEYS))
COVERNOTE_AUDIT_KEY_ID = os.environ.get(
    "COVERNOTE_AUDIT_KEY_ID", next(iter(COVERNOTE_AUDIT_KEYS), "")
)
# Where `covernote audit checkpoint` appends signed head checkpoints: put it outside the
# database host's reach in production (ADR 0011).
COVERNOTE_AUDIT_CHECKPOINTS = os.environ.get(
    "COVERNOTE_AUDIT_CHECKPOINTS", str(VAR_DIR / "audit-checkpoints.jsonl")
)
