"""Tests: fast hashing, mail in memory, tasks run at once."""

import os

from covernote.settings.base import *  # noqa: F403
from covernote.settings.base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Suites send many requests from one address and one user: the rate limits are tested
# by tests that set their own (tests/api/test_api_doors.py).
COVERNOTE_API_THROTTLE_RATES = {"user": "100000/min", "anon": "100000/min"}
COVERNOTE_PASSWORD_RESET_RATES = {"email": "1000/h", "ip": "1000/h"}
COVERNOTE_TELEMATICS_DEVICE_RATE = "100000/min"
COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE = "100000/min"

# Request lines at INFO would only add noise to test output.
LOGGING["root"]["level"] = os.environ.get("COVERNOTE_LOG_LEVEL", "WARNING")  # noqa: F405
