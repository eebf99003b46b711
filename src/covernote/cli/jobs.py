"""Scheduled jobs run by ``covernote tick``. Each is idempotent for a given date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from covernote.documents.models import OutboxMessage, OutboxStatus


def retry_outbox(as_of: date) -> str:
    from covernote.documents.services import outbox_deliver

    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).values_list("id", flat=True)
    )
    sent = sum(1 for i in ids if outbox_deliver(i).status != OutboxStatus.QUEUED)
    return f"{sent} of {len(ids)} queued messages delivered"


def complaints_clock_check(as_of: date) -> str:
    from covernote.complaints.services import complaint_clock_check

    return f"{complaint_clock_check(as_of=as_of)} complaint clock tasks raised"


JOBS: list[tuple[str, Callable[[date], str]]] = [
    ("documents.retry_outbox", retry_outbox),
    ("complaints.clock_check", complaints_clock_check),
]
