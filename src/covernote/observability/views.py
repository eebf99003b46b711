"""``/healthz`` (the process answers), ``/readyz`` (it can serve), ``/metrics`` (Prometheus)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

HEARTBEAT_TASK = "covernote.observability.tasks.worker_heartbeat"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process is up and answering. Touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> str | None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return None


_MIGRATIONS_OK_UNTIL = [0.0]
MIGRATIONS_RECHECK_SECONDS = 60.0


def _migrations() -> str | None:
    """Loading the migration graph costs ~0.1–0.5 s: once all are applied, a process
    trusts that for a minute (migrations change with a deploy, not between probes)."""
    if time.monotonic() < _MIGRATIONS_OK_UNTIL[0]:
        return None
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migration(s) not applied"
    _MIGRATIONS_OK_UNTIL[0] = time.monotonic() + MIGRATIONS_RECHECK_SECONDS
    return None


def _worker() -> str | None:
    """The worker is alive if it ran the scheduler's heartbeat task recently."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "django_tasks_db" not in backend:
        return None  # tasks run in-process (development, tests): nothing to wait for
    from django_tasks_db.models import DBTaskResult

    max_age = timedelta(seconds=settings.COVERNOTE_WORKER_HEARTBEAT_MAX_AGE)
    last = (
        DBTaskResult.objects.filter(task_path=HEARTBEAT_TASK, status="SUCCESSFUL")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return "no worker heartbeat yet (is `covernote db_worker` running, and the scheduler?)"
    age = timezone.now() - last
    if age > max_age:
        return f"last worker heartbeat {int(age.total_seconds())} s ago (limit {int(max_age.total_seconds())} s)"
    return None


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database reachable, migrations applied, a worker alive. 503 otherwise."""
    checks: dict[str, Any] = {}
    ok = True
    for name, probe in (("database", _database), ("migrations", _migrations), ("worker", _worker)):
        try:
            problem = probe()
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
        checks[name] = problem or "ok"
        ok = ok and problem is None
        if name == "database" and problem:
            break
    return JsonResponse({"ready": ok, "checks": checks}, status=200 if ok else 503)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.COVERNOTE_METRICS_TOKEN
    if token:
        return constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}")
    return request.META.get("REMOTE_ADDR", "") in ("127.0.0.1", "::1")


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition: django-prometheus (requests, DB), our counters, the backlogs.

    Loopback only, unless ``COVERNOTE_METRICS_TOKEN`` is set: then a bearer token."""
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        REGISTRY,
        CollectorRegistry,
        generate_latest,
        multiprocess,
    )

    from covernote.observability.collectors import BacklogCollector

    if not _may_scrape(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    backlog = CollectorRegistry()
    backlog.register(BacklogCollector())
    body = generate_latest(registry) + generate_latest(backlog)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
