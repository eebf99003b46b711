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

# Request lines at INFO would only add noise to test output.
LOGGING["root"]["level"] = os.environ.get("COVERNOTE_LOG_LEVEL", "WARNING")  # noqa: F405
