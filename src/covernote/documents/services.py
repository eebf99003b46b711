"""Issue a document to a customer (PLT-7) through the channel their needs require (PLT-2)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.documents.delivery import outbox_deliver
from covernote.documents.letterhead import letterhead as letterhead_for
from covernote.documents.models import Document, OutboxMessage
from covernote.documents.rendering import render_html, render_pdf, sha256
from covernote.domain.correspondence import Channel, Delivery, DocumentFormat, choose_delivery
from covernote.domain.letterhead import Letterhead
from covernote.parties.models import Customer


def delivery_for(customer: Customer) -> Delivery:
    return choose_delivery(
        preferred_channel=Channel(customer.contact_channel),
        preferred_format=DocumentFormat(customer.document_format),
        adjustments=[a.as_adjustment() for a in customer.active_adjustments()],
        has_email=bool(customer.email),
        has_address=customer.has_address,
        has_mobile=bool(customer.phone),
    )


@transaction.atomic
def document_issue(
    *,
    actor: Any,
    customer: Customer,
    kind: str,
    title: str,
    template: str,
    context: dict[str, Any],
    related: Any = None,
    idempotency_key: str | None = None,
    send: bool = True,
    letterhead: Letterhead | None = None,
) -> Document:
    """Render, store and (optionally) send one document; idempotent on ``idempotency_key``.

    ``letterhead`` names the sender, selling broker and the pinned product's disclosures
    (issue 13); without it the sender and the customer's broker firm are used."""
    if idempotency_key:
        existing = Document.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    delivery = delivery_for(customer)
    fmt = delivery.document_format
    head = letterhead or letterhead_for(broker=customer.firm)
    html = render_html(
        template,
        {
            **context,
            "customer": customer,
            "title": title,
            "today": timezone.localdate(),
            "letterhead": head,
            "sender": head.sender,
            "footer": head.footer(),
            "address": customer.postal_address,
            "salutation": customer.salutation,
        },
        fmt,
    )
    pdf = render_pdf(html)
    doc = Document(
        customer=customer,
        kind=kind,
        title=title,
        template=template,
        document_format=fmt.value,
        html=html,
        pdf_sha256=sha256(pdf),
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        created_by=actor if getattr(actor, "pk", None) else None,
        idempotency_key=idempotency_key,
    )
    doc.pdf.save(f"{kind}-{customer.reference}.pdf", ContentFile(pdf), save=False)
    doc.save()
    audit_record(
        actor=actor,
        action="document.issue",
        obj=doc,
        firm_id=customer.firm_id,
        after={
            "kind": kind,
            "format": fmt.value,
            "customer": customer.reference,
            "sha256": doc.pdf_sha256,
        },
    )
    if send:
        outbox_enqueue(document=doc, delivery=delivery)
    return doc


def outbox_enqueue(*, document: Document, delivery: Delivery) -> OutboxMessage:
    customer = document.customer
    channel = delivery.channel
    address = customer.email if channel is Channel.EMAIL else "\n".join(customer.postal_address)
    message = OutboxMessage.objects.create(
        document=document,
        customer=customer,
        channel=channel.value,
        document_format=delivery.document_format.value,
        address=address,
        reasons=[s.as_dict() for s in delivery.decision.steps]
        + [{"warning": w} for w in delivery.decision.warnings],
    )
    from covernote.documents.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


__all__ = ["delivery_for", "document_issue", "outbox_deliver", "outbox_enqueue"]
