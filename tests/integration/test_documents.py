"""PLT-7 correspondence: PDF documents, large print, channel chosen by needs (PLT-2)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from covernote.documents.models import OutboxStatus
from covernote.documents.services import document_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Issue a notice and run the on-commit delivery, as a committed request would."""

    def _issue(customer, actor, key=None):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(
                actor=actor,
                customer=customer,
                kind="notice",
                title="Your policy documents",
                template="documents/notice.html",
                context={
                    "paragraphs": ["Thank you for your business."],
                    "rows": [("Policy", "GAP0000001")],
                },
                idempotency_key=key,
            )

    return _issue


def test_plt7_document_is_a_real_pdf_with_the_text(customers, users, issue):
    doc = issue(customers["own"], users["agent"])
    data = doc.pdf.read()
    assert data.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Your policy documents" in text and "GAP0000001" in text


def test_plt2_letter_only_customer_gets_a_large_print_letter_never_a_phone_task(
    customers, users, issue
):
    # Margaret prefers phone, but her adjustments say: letter only, large print.
    doc = issue(customers["north"], users["agent"])
    message = doc.messages.get()
    assert message.channel == "letter"
    assert message.document_format == "large_print"
    assert message.status == OutboxStatus.QUEUED_FOR_PRINT
    assert "18pt" in doc.html
    assert any(r.get("rule") == "PLT-2" for r in message.reasons)
    assert len(mail.outbox) == 0


def test_plt7_email_customer_gets_the_pdf_attached(customers, users, issue):
    doc = issue(customers["own"], users["agent"])
    message = doc.messages.get()
    assert message.channel == "email" and message.status == OutboxStatus.SENT
    assert mail.outbox[0].to == ["jamie@example.com"]
    _name, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "11pt" in doc.html


def test_plt7_issue_is_idempotent_on_its_key(customers, users, issue):
    first = issue(customers["own"], users["agent"], key="schedule:1")
    second = issue(customers["own"], users["agent"], key="schedule:1")
    assert first.pk == second.pk
    assert customers["own"].documents.count() == 1


def test_plt7_sms_preference_gets_a_text_pointing_to_the_document(customers, users, issue):
    from covernote.documents.models import SmsRecord

    customer = customers["own"]
    customer.contact_channel = "sms"
    customer.phone = "07700 900456"
    customer.save()
    doc = issue(customer, users["agent"])
    assert doc.messages.get().channel == "email"  # the document itself is written
    sms = SmsRecord.objects.get()
    assert sms.to == "07700 900456" and "Your policy documents" in sms.body


def test_plt2_no_text_for_a_letter_only_customer(customers, users, issue):
    from covernote.documents.models import SmsRecord

    customer = customers["north"]  # contact by letter, not phone (forbids phone and SMS)
    customer.contact_channel = "sms"
    customer.save()
    issue(customer, users["agent"])
    assert not SmsRecord.objects.exists()
