"""Settings shared by every environment. ``DATABASE_URL`` selects the database."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "covernote.api.limits.ApiDoorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "covernote.accounts.middleware.TermsOfServiceMiddleware",
    "axes.middleware.AxesMiddleware",
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
            "builtins": ["covernote.documents.templatetags.covernote_format"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'covernote.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
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
COVERNOTE_API_THROTTLE_RATES = {"user": "600/min", "anon": "1200/min"}
COVERNOTE_PASSWORD_RESET_RATES = {"email": "3/h", "ip": "20/h"}
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
