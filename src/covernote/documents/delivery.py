"""Reliable delivery of the outbox (PLT-7, issue 11).

Three rules:

1. **No external send inside a transaction that can still roll back.** A message is
   *claimed* (status ``sending``, one attempt counted) in a short committed transaction;
   the adapter is called with no transaction open; the outcome is recorded in another.
2. **Once per message and channel.** :class:`OutboxSend` is the ledger: a channel already
   marked sent is never sent again, so a retry after the email went out cannot resend it,
   and the SMS nudge is its own send — its failure never touches the email's "sent".
3. **Retry with backoff, then give up loudly.** A failed attempt is retried after an
   exponential delay with jitter (capped); after ``MAX_ATTEMPTS`` the message is
   dead-lettered with its reason, a :class:`DeliveryTask` is raised for staff, and the
   dead letter is audited.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.documents.models import (
    DeliveryTask,
    OutboxMessage,
    OutboxSend,
    OutboxStatus,
    SendStatus,
)
from covernote.domain.correspondence import Channel, DocumentFormat
from covernote.observability import metrics

log = logging.getLogger("covernote.outbox")

# A claim older than this was interrupted (the worker died mid-send): retry it.
STALE_CLAIM = timedelta(minutes=15)


def backoff_seconds(attempt: int, *, base: int, cap: int, rng: random.Random | None = None) -> int:
    """Delay before attempt ``attempt + 1``: exponential (base·2^(n−1)) capped, with "equal
    jitter" — half fixed, half random — so retries spread out but never fire at once."""
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    half = ceiling / 2
    return int(half + (rng or random).uniform(0, half))


def _config() -> dict[str, int]:
    return dict(settings.COVERNOTE_OUTBOX)


def _send_once(message: OutboxMessage, channel: str, send: Callable[[], None]) -> bool:
    """Call ``send`` unless this message was already sent by ``channel`` (or is being sent
    by another process). Must run outside any transaction; True once the channel is sent."""
    with transaction.atomic():
        row, created = OutboxSend.objects.select_for_update(of=("self",)).get_or_create(
            message=message, channel=channel, defaults={"status": SendStatus.CLAIMED}
        )
        if row.status == SendStatus.SENT:
            return True
        busy = row.status == SendStatus.CLAIMED and timezone.now() - row.claimed_at < STALE_CLAIM
        if busy and not created:
            return False  # another process is sending it right now
        row.status, row.claimed_at, row.attempts = (
            SendStatus.CLAIMED,
            timezone.now(),
            row.attempts + 1,
        )
        row.save(update_fields=["status", "claimed_at", "attempts"])
    try:
        send()
    except Exception as exc:
        OutboxSend.objects.filter(pk=row.pk).update(
            status=SendStatus.FAILED, last_error=str(exc)[:2000]
        )
        metrics.OUTBOX_FAILURES.labels(channel=channel).inc()
        raise
    OutboxSend.objects.filter(pk=row.pk).update(status=SendStatus.SENT, sent_at=timezone.now())
    metrics.OUTBOX_SENT.labels(channel=channel).inc()
    return True


def _claim(message_id: int, *, force: bool) -> OutboxMessage | None:
    """Lock the message and decide: send now (status ``sending``), settle it without an
    external send (print, transcription, unsupported), or leave it (not due / not ours)."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("document", "customer")
            .get(pk=message_id)
        )
        stale = message.status == OutboxStatus.SENDING and (
            message.claimed_at is None or now - message.claimed_at > STALE_CLAIM
        )
        if message.status != OutboxStatus.QUEUED and not stale:
            return None
        if not force and message.next_attempt_at and message.next_attempt_at > now:
            return None
        fmt = DocumentFormat(message.document_format)
        if fmt in (DocumentFormat.AUDIO, DocumentFormat.BRAILLE):
            # The rendered text goes to the transcription service; nothing goes out in a
            # format the customer cannot use (PLT-2).
            message.status = OutboxStatus.NEEDS_TRANSCRIPTION
        elif message.channel == Channel.LETTER:
            message.status = OutboxStatus.QUEUED_FOR_PRINT
        elif message.channel != Channel.EMAIL:
            _dead_letter(message, f"cannot send a document by {message.channel}")
        else:
            message.status = OutboxStatus.SENDING
            message.attempts += 1
            message.claimed_at = now
        message.save()
    return message


def _dead_letter(message: OutboxMessage, reason: str) -> None:
    """Give up on a message: status dead, the reason, a staff task, an audit record."""
    message.status = OutboxStatus.DEAD
    message.dead_reason = reason[:2000]
    message.next_attempt_at = None
    DeliveryTask.objects.get_or_create(message=message, defaults={"reason": message.dead_reason})
    audit_record(
        actor=None,
        action="outbox.dead_letter",
        obj=message,
        firm_id=message.customer.firm_id,
        after={"channel": message.channel, "attempts": message.attempts, "reason": reason},
    )
    metrics.OUTBOX_DEAD_LETTERS.inc()
    log.warning(
        "outbox message dead-lettered",
        extra={"message_id": message.pk, "attempts": message.attempts, "reason": reason},
    )


def _record_failure(message_id: int, error: str) -> OutboxMessage:
    cfg = _config()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=message_id)
        )
        message.last_error = error[:2000]
        if message.attempts >= cfg["MAX_ATTEMPTS"]:
            _dead_letter(message, f"gave up after {message.attempts} attempts: {error}")
        else:
            delay = backoff_seconds(
                message.attempts, base=cfg["BACKOFF_BASE_SECONDS"], cap=cfg["BACKOFF_CAP_SECONDS"]
            )
            message.status = OutboxStatus.QUEUED
            message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            log.info(
                "outbox send failed; will retry",
                extra={"message_id": message.pk, "attempt": message.attempts, "delay_s": delay},
            )
        message.save()
    return message


def outbox_deliver(message_id: int, *, force: bool = False) -> OutboxMessage:
    """Deliver one message if it is due; safe to call any number of times, from the task,
    the retry job or by hand (``force`` ignores the backoff time, never the ledger)."""
    from covernote.documents.adapters import send_email

    message = _claim(message_id, force=force)
    if message is None:
        return OutboxMessage.objects.get(pk=message_id)
    if message.status == OutboxStatus.SENDING:
        claimed = message
        try:
            _send_once(claimed, Channel.EMAIL.value, lambda: send_email(claimed))
        except Exception as exc:
            return _record_failure(message_id, str(exc) or type(exc).__name__)
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
        )
        message.refresh_from_db()
    if message.status in (OutboxStatus.SENT, OutboxStatus.QUEUED_FOR_PRINT):
        sms_nudge(message)
    return message


def sms_nudge(message: OutboxMessage) -> None:
    """A customer who prefers SMS gets a text pointing to the document (never the document
    itself), unless an adjustment rules texts out (PLT-2, PLT-7). Sent at most once; a
    failure is logged and retried by the retry job, and never unsends the document."""
    from covernote.documents.adapters import sms_adapter

    customer = message.customer
    if customer.contact_channel != Channel.SMS or not customer.phone:
        return
    adjustments = [a.as_adjustment() for a in customer.active_adjustments()]
    if any(Channel.SMS in a.forbids_channels for a in adjustments):
        return
    how = "by email" if message.channel == Channel.EMAIL else "by post"
    body = (
        f"{settings.COVERNOTE['FIRM_NAME']}: we have sent you '{message.document.title}' {how}. "
        f"Questions? Call {settings.COVERNOTE['SUPPORT_PHONE']}."
    )
    try:
        _send_once(message, Channel.SMS.value, lambda: sms_adapter().send(customer.phone, body))
    except Exception:
        log.warning("SMS nudge failed; will retry", extra={"message_id": message.pk})


def outbox_retry_due() -> str:
    """The retry job: queued messages whose backoff has run out, interrupted sends, and
    SMS nudges that failed (each with the same attempt cap)."""
    at = timezone.now()
    due = Q(status=OutboxStatus.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at)
    )
    stale = Q(status=OutboxStatus.SENDING, claimed_at__lt=at - STALE_CLAIM)
    ids = list(OutboxMessage.objects.filter(due | stale).values_list("id", flat=True))
    outcomes = [outbox_deliver(i).status for i in ids]
    sent = sum(1 for s in outcomes if s in (OutboxStatus.SENT, OutboxStatus.QUEUED_FOR_PRINT))
    dead = sum(1 for s in outcomes if s == OutboxStatus.DEAD)
    nudges = OutboxSend.objects.filter(
        channel=Channel.SMS.value,
        status=SendStatus.FAILED,
        attempts__lt=_config()["MAX_ATTEMPTS"],
    ).select_related("message__customer", "message__document")
    resent = 0
    for send in nudges:
        sms_nudge(send.message)
        resent += 1
    return (
        f"{sent} of {len(ids)} due messages delivered, {dead} dead-lettered, {resent} SMS retried"
    )
