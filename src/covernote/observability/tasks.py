"""The worker heartbeat: the scheduler enqueues it, a live worker runs it, ``/readyz`` reads it."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def worker_heartbeat() -> str:
    return timezone.now().isoformat()
