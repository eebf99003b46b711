"""Delivery adapters (PLT-7): email through Django mail, letters queued for print, SMS behind an interface."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from covernote.documents.models import OutboxMessage, SmsRecord


class SmsAdapter(Protocol):
    def send(self, to: str, body: str) -> None: ...


class RecordingSmsAdapter:
    """Keeps every message in the database; the adapter for dev and tests."""

    def send(self, to: str, body: str) -> None:
        SmsRecord.objects.create(to=to, body=body)


def sms_adapter() -> SmsAdapter:
    adapter: SmsAdapter = import_string(settings.COVERNOTE["SMS_ADAPTER"])()
    return adapter


def send_email(message: OutboxMessage) -> None:
    doc = message.document
    email = EmailMessage(
        subject=doc.title,
        body=(
            f"{message.customer.salutation},\n\n"
            f"Please find attached: {doc.title}.\n\n"
            f"{settings.COVERNOTE['FIRM_NAME']}\n"
        ),
        to=[message.address],
    )
    with doc.pdf.open("rb") as fh:
        email.attach(f"{doc.kind}-{doc.pk}.pdf", fh.read(), "application/pdf")
    email.send(fail_silently=False)
