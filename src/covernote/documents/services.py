"""Issue a document to a customer (PLT-7) through the channel their needs require (PLT-2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.documents.models import Document, OutboxMessage, OutboxStatus
from covernote.documents.rendering import render_html, render_pdf, sha256
from covernote.domain.correspondence import Channel, Delivery, DocumentFormat, choose_delivery
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
) -> Document:
    """Render, store and (optionally) send one document; idempotent on ``idempotency_key``."""
    if idempotency_key:
        existing = Document.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    delivery = delivery_for(customer)
    fmt = delivery.document_format
    html = render_html(
        template,
        {**context, "customer": customer, "title": title, "today": timezone.localdate()},
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
    address = (
        customer.email
        if channel is Channel.EMAIL
        else "\n".join([customer.full_name, *customer.address_lines])
    )
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


def outbox_deliver(message_id: int) -> OutboxMessage:
    """Send one queued message through its adapter; safe to retry."""
    from covernote.documents.adapters import send_email

    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .select_related("document", "customer")
            .get(pk=message_id)
        )
        if message.status != OutboxStatus.QUEUED:
            return message
        message.attempts += 1
        try:
            fmt = DocumentFormat(message.document_format)
            if fmt in (DocumentFormat.AUDIO, DocumentFormat.BRAILLE):
                # The rendered text goes to the transcription service; nothing goes out
                # in a format the customer cannot use (PLT-2).
                message.status = OutboxStatus.NEEDS_TRANSCRIPTION
            elif message.channel == Channel.EMAIL:
                send_email(message)
                message.status = OutboxStatus.SENT
                message.sent_at = timezone.now()
            elif message.channel == Channel.LETTER:
                message.status = OutboxStatus.QUEUED_FOR_PRINT
            else:
                message.status = OutboxStatus.FAILED
                message.last_error = f"cannot send a document by {message.channel}"
        except Exception as exc:
            message.last_error = str(exc)[:2000]
            message.status = OutboxStatus.QUEUED
        message.save()
        if message.status in (OutboxStatus.SENT, OutboxStatus.QUEUED_FOR_PRINT):
            _sms_nudge(message)
    return message


def _sms_nudge(message: OutboxMessage) -> None:
    """A customer who prefers SMS gets a text pointing to the document (never the document
    itself), unless an adjustment rules texts out (PLT-2, PLT-7)."""
    from covernote.documents.adapters import sms_adapter

    customer = message.customer
    if customer.contact_channel != Channel.SMS or not customer.phone:
        return
    adjustments = [a.as_adjustment() for a in customer.active_adjustments()]
    if any(Channel.SMS in a.forbids_channels for a in adjustments):
        return
    how = "by email" if message.channel == Channel.EMAIL else "by post"
    sms_adapter().send(
        customer.phone,
        f"{settings.COVERNOTE['FIRM_NAME']}: we have sent you '{message.document.title}' {how}. "
        f"Questions? Call {settings.COVERNOTE['SUPPORT_PHONE']}.",
    )
