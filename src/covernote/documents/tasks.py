"""Background delivery through Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_message(message_id: int) -> str:
    from covernote.documents.services import outbox_deliver
    from covernote.observability import context

    with context.bound(who="worker", rid=f"outbox-{message_id}"):
        return str(outbox_deliver(message_id).status)
