"""gunicorn configuration read from the Django settings (``COVERNOTE_WEB``, ADR 0010).

``covernote serve`` starts ``gunicorn -c python:covernote.cli.gunicorn_conf``; the values
come from the environment through the settings, so one place documents them.
Graceful reload: ``kill -HUP <master pid>`` (systemd ``ExecReload``) starts new workers with
new code and lets the old ones finish their requests within ``GRACEFUL_TIMEOUT``.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

_web: dict[str, Any] = settings.COVERNOTE_WEB

wsgi_app = "covernote.wsgi:application"
bind = [b for b in str(_web["BIND"]).split(",") if b]
workers = int(_web["WORKERS"])
threads = int(_web["THREADS"])
timeout = int(_web["TIMEOUT"])
graceful_timeout = int(_web["GRACEFUL_TIMEOUT"])
keepalive = int(_web["KEEPALIVE"])
max_requests = int(_web["MAX_REQUESTS"])
max_requests_jitter = int(_web["MAX_REQUESTS_JITTER"])
# The reverse proxy in front sets X-Forwarded-*; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = None  # covernote.request logs every request, with its id, user and tenant
errorlog = "-"
loglevel = os.environ.get("COVERNOTE_LOG_LEVEL", "info").lower()
proc_name = "covernote-web"
# Load Django and the whole URL conf (the API imports Polars/PyArrow) once in the master,
# then fork: workers start warm and share the pages copy-on-write. Without it each worker's
# first request imported everything and, on a busy 2-core machine, ran past the 30 s
# timeout and was killed over and over (bench/load.py). With preload, HUP restarts the
# workers with the same code; deploy new code with a restart (or USR2 + WINCH).
preload_app = bool(_web.get("PRELOAD", True))


def on_starting(server: Any) -> None:
    """Runs in the master after the preloaded app: import every URL module now."""
    if not preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the import is the point)
    connections.close_all()  # never share a database connection across fork


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges from the shared Prometheus files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
