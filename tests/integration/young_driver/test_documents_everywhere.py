"""PLT-7 / PLT-4: every document opens as a PDF from the record it belongs to and never
from another's page; reprint and resend are staff work and audited (issue 12)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from covernote.audit.models import AuditRecord
from covernote.documents.services import document_issue
from covernote.young_driver.selectors import policy_documents
from tests.integration.young_driver.conftest import buy

pytestmark = pytest.mark.django_db


def _letter(actor, customer, related, title):
    return document_issue(
        actor=actor,
        customer=customer,
        kind="notice",
        title=title,
        template="documents/notice.html",
        context={"paragraphs": [title], "rows": []},
        related=related,
        send=False,
    )


@pytest.fixture
def two_policies(yd_config, users, customers):
    """Two Young Driver policies of one customer, each with a letter of its own."""
    a = buy(users["agent"], customers["own"], method="card", key="buy-a")
    b = buy(users["agent"], customers["own"], method="card", key="buy-b")
    doc_a = _letter(users["agent"], customers["own"], a, "Letter only about policy A")
    doc_b = _letter(users["agent"], customers["own"], b, "Letter only about policy B")
    return a, b, doc_a, doc_b


def test_plt7_a_document_of_policy_a_never_appears_on_policy_b(client, users, two_policies):
    a, b, doc_a, doc_b = two_policies
    client.force_login(users["agent"])
    page_b = client.get(reverse("yd-bo-policy", args=[b.pk])).content.decode()
    assert doc_b.title in page_b and reverse("document-pdf", args=[doc_b.pk]) in page_b
    assert doc_a.title not in page_b and reverse("document-pdf", args=[doc_a.pk]) not in page_b
    page_a = client.get(reverse("yd-bo-policy", args=[a.pk])).content.decode()
    assert doc_a.title in page_a and doc_b.title not in page_a


def test_plt7_customer_app_shows_only_that_policys_documents_as_pdf_links(
    client, users, two_policies
):
    _, b, doc_a, doc_b = two_policies
    client.force_login(users["customer"])
    app_b = client.get(reverse("yd-app-policy", args=[b.pk])).content.decode()
    assert reverse("document-pdf", args=[doc_b.pk]) in app_b
    assert doc_a.title not in app_b
    pdf = client.get(reverse("document-pdf", args=[doc_b.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_plt7_letters_of_another_product_are_not_on_a_young_driver_policy(
    users, customers, two_policies
):
    a, _, doc_a, _ = two_policies
    # A letter about a complaint (or any other record) of the same customer.
    other = _letter(users["agent"], customers["own"], customers["own"], "Customer-level letter")
    docs = list(policy_documents(a))
    assert doc_a in docs and other not in docs


def test_plt4_another_firms_broker_gets_404_for_the_pdf(client, users, customers, yd_config):
    doc = _letter(users["agent"], customers["north"], None, "Northgate customer letter")
    url = reverse("document-pdf", args=[doc.pk])
    client.force_login(users["broker_harbour"])
    assert client.get(url).status_code == 404
    assert client.get(url + "?print=large").status_code == 404
    assert AuditRecord.objects.filter(action="access.denied").exists()
    client.force_login(users["broker_north"])
    assert client.get(url).status_code == 200


def test_plt2_large_print_copy_of_a_standard_letter_is_a_pdf_in_18pt(client, users, customers):
    doc = _letter(users["agent"], customers["own"], None, "Your annual statement")
    assert doc.document_format == "standard"
    client.force_login(users["customer"])
    response = client.get(reverse("document-pdf", args=[doc.pk]) + "?print=large")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Your annual statement" in text
    record = AuditRecord.objects.filter(action="document.view").latest("id")
    assert record.after["print"] == "large"


def test_plt7_reprint_and_resend_are_staff_only_and_audited(
    client, users, customers, django_capture_on_commit_callbacks
):
    doc = _letter(users["agent"], customers["north"], None, "Your policy schedule")
    for who in ("broker_north", "customer"):
        client.force_login(users[who])
        assert client.post(reverse("document-reprint", args=[doc.pk])).status_code == 404
        assert client.post(reverse("document-resend", args=[doc.pk])).status_code == 404
    assert not AuditRecord.objects.filter(action__in=["document.reprint", "document.resend"])
    client.force_login(users["agent"])
    back = reverse("customer-detail", args=[customers["north"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document-reprint", args=[doc.pk]), {"next": back})
    assert response.status_code == 302 and response.url == back
    reprint = AuditRecord.objects.get(action="document.reprint")
    assert reprint.object_id == str(doc.pk) and reprint.actor_id == users["agent"].pk
    assert doc.messages.filter(channel="letter").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document-resend", args=[doc.pk]), {"next": "https://evil.example/"})
    resend = AuditRecord.objects.get(action="document.resend")
    assert resend.firm_id == customers["north"].firm_id
    assert doc.messages.count() == 2
