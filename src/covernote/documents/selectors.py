from __future__ import annotations

from django.db.models import QuerySet

from covernote.documents.models import Document, OutboxMessage
from covernote.parties.models import Customer


def documents_for_customer(customer: Customer) -> QuerySet[Document]:
    return customer.documents.all()


def outbox_for_customer(customer: Customer) -> QuerySet[OutboxMessage]:
    return customer.messages.select_related("document")


def document_get(document_id: int) -> Document | None:
    return Document.objects.select_related("customer").filter(pk=document_id).first()
