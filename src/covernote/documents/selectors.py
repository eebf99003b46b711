from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from covernote.documents.models import Document, OutboxMessage
from covernote.parties.models import Customer


def documents_for_customer(customer: Customer) -> QuerySet[Document]:
    return customer.documents.all()


def outbox_for_customer(customer: Customer) -> QuerySet[OutboxMessage]:
    return customer.messages.select_related("document")


def document_get(document_id: int) -> Document | None:
    return Document.objects.select_related("customer").filter(pk=document_id).first()


def documents_about(
    customer_id: int,
    links: Iterable[tuple[str, Iterable[object]]],
    *,
    document_ids: Iterable[int] = (),
) -> QuerySet[Document]:
    """The customer's documents attached to the given records (PLT-7): ``links`` pairs a
    model label (``young_driver.ydpolicy``) with primary keys; ``document_ids`` adds
    documents a record points at. Never a document of another customer or record, so a
    letter about policy A is never listed on policy B."""
    match = Q(pk__in=list(document_ids))
    for label, pks in links:
        keys = [str(pk) for pk in pks]
        if keys:
            match |= Q(related_type=label, related_id__in=keys)
    return (
        Document.objects.filter(customer_id=customer_id)
        .filter(match)
        .prefetch_related("messages")
        .order_by("-created_at", "-id")
    )
