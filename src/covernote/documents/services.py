"""Issue a document to a customer (PLT-7) through the channel their needs require (PLT-2)."""

from __future__ import annotations

from dataclasses import replace as dc_replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.documents.delivery import outbox_deliver
from covernote.documents.letterhead import letterhead as letterhead_for
from covernote.documents.models import Document, OutboxMessage
from covernote.documents.rendering import LARGE_PRINT_PT, render_html, render_pdf, sha256
from covernote.domain.correspondence import Channel, Delivery, DocumentFormat, choose_delivery
from covernote.domain.errors import DomainError, ErrorCode
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


# ---------------------------------------------------------------- copies, reprints, resends

_LARGE_PRINT_CSS = (
    "<style>body{font-size:%dpt!important;line-height:1.5}h1{font-size:24pt!important}"
    "h2{font-size:20pt!important}.from,.footer,small,.small{font-size:16pt!important}"
    "table{font-size:%dpt!important}</style>"
)


def large_print_available(document: Document) -> bool:
    """A large-print copy is offered for a standard-print letter (PLT-2): the stored HTML
    is rendered again with RNIB large print (18 pt). Audio and Braille are transcribed."""
    return document.document_format == DocumentFormat.STANDARD.value and bool(document.html)


def document_large_print_pdf(document: Document) -> bytes:
    """The same letter as stored, in large print (RNIB: at least 16 pt; we use 18 pt)."""
    css = _LARGE_PRINT_CSS % (LARGE_PRINT_PT, LARGE_PRINT_PT - 2)
    html = document.html
    html = html.replace("</head>", css + "</head>", 1) if "</head>" in html else css + html
    return render_pdf(html)


@transaction.atomic
def document_reprint(*, actor: Any, document: Document) -> OutboxMessage:
    """Staff reprint: the stored PDF, unchanged, queued for print and posted to the
    customer's address (PLT-7). Audited as ``document.reprint``."""
    customer = document.customer
    if not customer.has_address:
        raise DomainError(
            ErrorCode.INVALID, "the customer has no postal address to post a reprint to", "PLT-7"
        )
    delivery = dc_replace(delivery_for(customer), channel=Channel.LETTER)
    message = outbox_enqueue(document=document, delivery=delivery)
    audit_record(
        actor=actor,
        action="document.reprint",
        obj=document,
        firm_id=customer.firm_id,
        after={"customer": customer.reference, "title": document.title, "message": message.pk},
    )
    return message


@transaction.atomic
def document_resend(*, actor: Any, document: Document) -> OutboxMessage:
    """Staff resend: the stored document again, by the channel the customer's needs and
    preferences choose today (PLT-2, PLT-7). Audited as ``document.resend``."""
    customer = document.customer
    delivery = delivery_for(customer)
    message = outbox_enqueue(document=document, delivery=delivery)
    audit_record(
        actor=actor,
        action="document.resend",
        obj=document,
        firm_id=customer.firm_id,
        after={
            "customer": customer.reference,
            "title": document.title,
            "channel": delivery.channel.value,
            "message": message.pk,
        },
    )
    return message


__all__ = [
    "delivery_for",
    "document_issue",
    "document_large_print_pdf",
    "document_reprint",
    "document_resend",
    "large_print_available",
    "outbox_deliver",
    "outbox_enqueue",
]
