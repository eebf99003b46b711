"""Issue 11 / PLT-7: the outbox retries with backoff to a cap, dead-letters with a staff
task, sends once per message and channel, and never sends inside a transaction."""

from __future__ import annotations

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from covernote.audit.models import AuditRecord
from covernote.documents.delivery import backoff_seconds, outbox_deliver, outbox_retry_due
from covernote.documents.models import (
    DeliveryTask,
    OutboxMessage,
    OutboxSend,
    OutboxStatus,
    SmsRecord,
)
from covernote.documents.services import document_issue

pytestmark = pytest.mark.django_db

SMS_FAILS = {"on": True}


class FlakySms:
    def send(self, to: str, body: str) -> None:
        if SMS_FAILS["on"]:
            raise ConnectionError("SMS gateway down")
        SmsRecord.objects.create(to=to, body=body)


def _issue(customer, actor, capture):
    with capture(execute=False):  # the test decides when delivery runs
        doc = document_issue(
            actor=actor,
            customer=customer,
            kind="notice",
            title="Your policy documents",
            template="documents/notice.html",
            context={"paragraphs": ["Thanks."], "rows": []},
        )
    return doc.messages.get()


@pytest.fixture
def message(customers, users, django_capture_on_commit_callbacks):
    return _issue(customers["own"], users["agent"], django_capture_on_commit_callbacks)


def _smtp_down():
    return mock.patch(
        "covernote.documents.adapters.EmailMessage.send", side_effect=OSError("SMTP refused")
    )


def test_backoff_grows_exponentially_with_jitter_to_a_cap():
    rng = random.Random(7)
    delays = [backoff_seconds(n, base=60, cap=3600, rng=rng) for n in range(1, 10)]
    for n, delay in enumerate(delays, 1):
        ceiling = min(3600, 60 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 3600


def test_a_failed_send_is_queued_again_after_a_backoff(message):
    with _smtp_down():
        outbox_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert "SMTP refused" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=29)
    # not due yet: the retry job leaves it alone
    with _smtp_down() as send:
        outbox_retry_due()
    assert send.call_count == 0


@override_settings(
    COVERNOTE_OUTBOX={"MAX_ATTEMPTS": 3, "BACKOFF_BASE_SECONDS": 60, "BACKOFF_CAP_SECONDS": 600}
)
def test_after_the_attempt_cap_the_message_is_dead_lettered_with_a_staff_task(message):
    with _smtp_down():
        for _ in range(3):
            outbox_deliver(message.pk, force=True)
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD and message.attempts == 3
    assert "gave up after 3 attempts" in message.dead_reason
    task = DeliveryTask.objects.get(message=message)
    assert "SMTP refused" in task.reason
    assert AuditRecord.objects.filter(action="outbox.dead_letter", object_id=str(message.pk))
    with _smtp_down() as send:
        outbox_deliver(message.pk, force=True)
    assert send.call_count == 0  # a dead letter is never retried by itself


def test_an_email_is_sent_once_even_if_the_message_is_queued_again(message):
    outbox_deliver(message.pk)
    assert len(mail.outbox) == 1
    # a crash after the send, before "sent" was recorded, leaves the message queued
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.QUEUED)
    outbox_deliver(message.pk, force=True)
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT


@override_settings(
    COVERNOTE={
        "PLATFORM_NAME": "covernote",
        "FIRM_NAME": "Coplus",
        "SUPPORT_PHONE": "0191 000 0000",
        "SMS_ADAPTER": "tests.integration.ops.test_outbox_delivery.FlakySms",
    }
)
def test_an_sms_failure_never_unsends_the_email_and_the_sms_is_retried_alone(
    customers, users, django_capture_on_commit_callbacks
):
    customer = customers["own"]
    customer.contact_channel = "sms"
    customer.phone = "07700 900456"
    customer.save()
    message = _issue(customer, users["agent"], django_capture_on_commit_callbacks)
    SMS_FAILS["on"] = True
    try:
        outbox_deliver(message.pk)
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1
        assert OutboxSend.objects.get(message=message, channel="sms").status == "failed"
        SMS_FAILS["on"] = False
        outbox_retry_due()
    finally:
        SMS_FAILS["on"] = True
    assert len(mail.outbox) == 1  # the email did not go out again
    assert SmsRecord.objects.get().to == "07700 900456"
    assert OutboxSend.objects.get(message=message, channel="sms").status == "sent"


@pytest.mark.django_db(transaction=True)
def test_no_external_send_happens_inside_a_transaction(customers, users):
    with mock.patch("covernote.documents.services.transaction.on_commit"):
        doc = document_issue(
            actor=users["agent"],
            customer=customers["own"],
            kind="notice",
            title="Your policy documents",
            template="documents/notice.html",
            context={"paragraphs": ["Thanks."], "rows": []},
        )
    seen = []
    with mock.patch(
        "covernote.documents.adapters.EmailMessage.send",
        side_effect=lambda **_: seen.append(connection.in_atomic_block),
    ):
        outbox_deliver(doc.messages.get().pk)
    assert seen == [False]
