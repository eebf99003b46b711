"""PLT-2 / PLT-7: audio and Braille go to the print house through the work queue, and
email carries the letter as plain text with the tagged PDF attached."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from covernote.documents.models import OutboxStatus
from covernote.documents.rendering import render_text
from covernote.documents.services import document_issue
from covernote.parties.models import AdjustmentKind
from covernote.parties.services import adjustment_record
from covernote.work.links import link_for
from covernote.work.models import WorkItem, WorkStatus
from covernote.work.services import work_item_close, work_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    def _issue(customer, actor, key):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(
                actor=actor,
                customer=customer,
                kind="yd_theft_ack",
                title="We have received your theft claim",
                template="documents/notice.html",
                context={
                    "paragraphs": ["We have registered your claim YDT0000007."],
                    "rows": [("Claim", "YDT0000007")],
                },
                idempotency_key=key,
            )

    return _issue


@pytest.fixture
def braille_customer(customers, users):
    north = customers["north"]
    large = north.active_adjustments().get(kind=AdjustmentKind.LARGE_PRINT)
    adjustment_record(
        actor=users["agent"],
        customer=north,
        kind=AdjustmentKind.BRAILLE,
        note="Registered blind: Braille letters only.",
        supersedes=large,
    )
    return north


def test_plt2_braille_adjustment_raises_a_print_house_task_not_a_silent_standard_letter(
    braille_customer, users, issue, client
):
    doc = issue(braille_customer, users["agent"], "theft-ack-braille")
    message = doc.messages.get()
    assert message.document_format == "braille"
    assert message.status == OutboxStatus.NEEDS_TRANSCRIPTION  # not queued for print as is
    assert len(mail.outbox) == 0

    work_sync()
    item = WorkItem.objects.get(source_kind="transcription", source_id=str(message.pk))
    assert item.team == "operations" and item.type == "transcription"
    assert item.status == WorkStatus.OPEN
    assert "Braille" in item.title and doc.title in item.title
    assert "14 Beacon Row" in item.detail

    # The link opens the plain text the print house works from.
    client.force_login(users["admin"])
    url = link_for(item)
    assert url == reverse("document-text", args=[doc.pk])
    text = client.get(url).content.decode()
    assert "We have registered your claim YDT0000007." in text and "<" not in text

    # The source stays open: only a person closes it, with what was sent.
    work_sync()
    assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.OPEN
    work_item_close(
        actor=users["admin"],
        item_id=item.pk,
        version=item.version,
        reason="Braille copy ordered from the print house and posted 2 May",
    )
    work_sync()
    assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.CLOSED


def test_plt4_document_text_is_no_such_page_for_another_firms_broker(
    braille_customer, users, issue, client, terms
):
    from covernote.accounts.models import TermsAcceptance

    doc = issue(braille_customer, users["agent"], "theft-ack-braille-2")
    TermsAcceptance.objects.create(user=users["broker_harbour"], terms=terms)
    client.force_login(users["broker_harbour"])
    assert client.get(reverse("document-text", args=[doc.pk])).status_code == 404


def test_plt7_email_body_is_the_letter_in_plain_text_with_the_tagged_pdf_attached(
    customers, users, issue
):
    doc = issue(customers["own"], users["agent"], "theft-ack-email")
    assert doc.messages.get().status == OutboxStatus.SENT
    sent = mail.outbox[0]
    assert sent.body.startswith(render_text(doc.html))
    assert "We have registered your claim YDT0000007." in sent.body
    assert "Claim: YDT0000007" in sent.body
    _name, content, mimetype = sent.attachments[0]
    reader = PdfReader(io.BytesIO(content))
    assert mimetype == "application/pdf"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
