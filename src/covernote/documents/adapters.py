"""Delivery adapters (PLT-7): email through Django mail, letters queued for print, SMS behind an interface."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from covernote.documents.models import OutboxMessage, SmsRecord
from covernote.documents.rendering import render_text


class SmsAdapter(Protocol):
    def send(self, to: str, body: str) -> None: ...


class RecordingSmsAdapter:
    """Keeps every message in the database; the adapter for dev and tests."""

    def send(self, to: str, body: str) -> None:
        SmsRecord.objects.create(to=to, body=body)


def sms_adapter() -> SmsAdapter:
    adapter: SmsAdapter = import_string(settings.COVERNOTE["SMS_ADAPTER"])()
    return adapter


def email_body(message: OutboxMessage) -> str:
    """The letter itself as plain text (PLT-7): readable in any mail client and by a
    screen reader without opening the attachment; the tagged PDF is attached."""
    doc = message.document
    return (
        f"{render_text(doc.html)}\n"
        f"This letter is attached as a PDF ({doc.title}).\n"
        f"{settings.COVERNOTE['FIRM_NAME']}\n"
    )


def send_email(message: OutboxMessage) -> None:
    doc = message.document
    email = EmailMessage(subject=doc.title, body=email_body(message), to=[message.address])
    with doc.pdf.open("rb") as fh:
        email.attach(f"{doc.kind}-{doc.pk}.pdf", fh.read(), "application/pdf")
    email.send(fail_silently=False)
