"""Local development: the embedded SQLite database under var/, mail written to var/mail."""

from covernote.settings.base import *  # noqa: F403

DEBUG = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
