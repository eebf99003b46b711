"""PLT-7: documents stored against the customer, and the outbox that sends them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from covernote.parties.models import CHANNEL_CHOICES, FORMAT_CHOICES, Customer


class Document(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=200)
    document_format = models.CharField(max_length=20, choices=FORMAT_CHOICES)
    html = models.TextField()
    pdf = models.FileField(upload_to="documents/%Y/%m/")
    pdf_sha256 = models.CharField(max_length=64)
    related_type = models.CharField(max_length=100, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} for {self.customer.reference}"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    QUEUED_FOR_PRINT = "queued_for_print", "Queued for print"
    NEEDS_TRANSCRIPTION = "needs_transcription", "Needs transcription (audio/Braille)"
    FAILED = "failed", "Failed"
    SENDING = "sending", "Sending"
    DEAD = "dead", "Dead letter (staff task raised)"


class OutboxMessage(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="messages")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="messages")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    document_format = models.CharField(max_length=20, choices=FORMAT_CHOICES)
    address = models.TextField(help_text="Where it went: email address, or the postal address.")
    status = models.CharField(
        max_length=30, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    reasons = models.JSONField(default=list, help_text="Why this channel and format (rule ids).")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Backoff: not retried before this."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    dead_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document.title} by {self.channel}: {self.status}"


class SendStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed (sending)"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxSend(models.Model):
    """One external send per message and channel (the idempotency ledger, issue 11).

    A row is claimed in a committed transaction before the adapter is called and marked
    sent afterwards, so a retry never sends the same message twice by the same channel."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.PROTECT, related_name="sends")
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=SendStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["message", "channel"], name="one_send_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel} send of message {self.message_id}: {self.status}"


class DeliveryTask(models.Model):
    """A staff task raised when a message is dead-lettered (PLT-7): send it another way."""

    message = models.OneToOneField(
        OutboxMessage, on_delete=models.PROTECT, related_name="delivery_task"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, default="open")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Delivery task for message {self.message_id}: {self.status}"


class SmsRecord(models.Model):
    """What the recording SMS adapter 'sent' (dev and tests)."""

    to = models.CharField(max_length=30)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"SMS to {self.to} at {self.sent_at:%Y-%m-%d %H:%M}"
