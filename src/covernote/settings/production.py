"""Production: secrets and hosts from the environment, HTTPS only, SMTP mail, PostgreSQL.

Fails closed: a missing secret key, database URL, host list or audit key stops the
process at start-up with one line naming the variable, instead of a raw ``KeyError``
or a silent fall-back to SQLite (issue 11).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from covernote.settings.base import *  # noqa: F403
from covernote.settings.base import DEV_AUDIT_KEYS, LOGGING, MIDDLEWARE, parse_audit_keys


def _required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set: {why}")
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY", "production needs a secret key of its own")
if len(SECRET_KEY) < 32 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak: use 50 random characters")

_db_url = _required("DATABASE_URL", "production runs on PostgreSQL (postgres://user@host/db)")
if not _db_url.startswith(("postgres://", "postgresql://", "pgsql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production")
DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)}
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"

ALLOWED_HOSTS = [
    h.strip()
    for h in _required("DJANGO_ALLOWED_HOSTS", "comma-separated host names to serve").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

_audit_keys = _required("COVERNOTE_AUDIT_KEYS", "the audit chain's HMAC key(s), KEY_ID:SECRET")
if _audit_keys == DEV_AUDIT_KEYS:
    raise ImproperlyConfigured("COVERNOTE_AUDIT_KEYS is the public development key")
COVERNOTE_AUDIT_KEYS = parse_audit_keys(_audit_keys)
COVERNOTE_AUDIT_KEY_ID = os.environ.get("COVERNOTE_AUDIT_KEY_ID", next(iter(COVERNOTE_AUDIT_KEYS)))
if COVERNOTE_AUDIT_KEY_ID not in COVERNOTE_AUDIT_KEYS:
    raise ImproperlyConfigured("COVERNOTE_AUDIT_KEY_ID names a key not in COVERNOTE_AUDIT_KEYS")

SECURE_SSL_REDIRECT = os.environ.get("COVERNOTE_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes on plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Static files served by WhiteNoise straight after the security middleware; the manifest is
# built by `covernote collectstatic` (run by `covernote serve`; a system check catches it).
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security + 1 :],
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOG_FORMAT = os.environ.get("COVERNOTE_LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "covernote <no-reply@covernote.example>")

# Card payments (ADR 0028): the provider's hosted page; the fake development page
# (/dev/payment-page/) is never served unless the recording adapter is chosen.
COVERNOTE_PAYMENT_PAGE = {
    "ADAPTER": os.environ.get("COVERNOTE_PAYMENT_PAGE_ADAPTER", "http"),
    "ENDPOINT": os.environ.get("COVERNOTE_PAYMENT_PAGE_ENDPOINT", ""),
    "API_KEY": os.environ.get("COVERNOTE_PAYMENT_PAGE_API_KEY", ""),
    "SIGNING_SECRET": os.environ.get("COVERNOTE_PAYMENT_PAGE_SIGNING_SECRET", ""),
}
