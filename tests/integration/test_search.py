"""Issue 12, search and the one customer page: every kind, within the actor's scope (PLT-4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from covernote.accounts.models import TermsAcceptance
from covernote.audit.models import AuditRecord
from covernote.documents.models import Document
from covernote.web.search import search
from tests.integration.complaints.conftest import at
from tests.integration.gap.conftest import TODAY as GAP_TODAY
from tests.integration.gap.conftest import quote_data
from tests.integration.young_driver.conftest import START, buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(users, customers, django_capture_on_commit_callbacks):
    """A GAP policy for Northgate's customer, a Young Driver policy with a theft claim for
    the direct customer, and a complaint from Northgate's customer."""
    from covernote.complaints.inputs import ComplaintRegistration
    from covernote.complaints.services import complaint_register
    from covernote.gap.inputs.policy import BindInput
    from covernote.gap.inputs.quote import QuoteInput
    from covernote.gap.services import gap_policy_bind, gap_quote_create, gap_valuations_load
    from covernote.gap.valuation import read_valuation_csv
    from covernote.products.services import product_configs_load
    from covernote.young_driver.inputs import TheftClaimInput
    from covernote.young_driver.services import yd_theft_claim_register
    from tests.integration.gap.conftest import CSV

    product_configs_load(actor="test")
    gap_valuations_load(actor="test", rows=read_valuation_csv(CSV), source=str(CSV))
    broker = users["broker_north"]
    with django_capture_on_commit_callbacks(execute=True):
        quote = gap_quote_create(
            actor=broker,
            customer=customers["north"],
            data=QuoteInput.parse(quote_data()),
            today=GAP_TODAY,
        )
        gap_policy = gap_policy_bind(
            actor=broker, quote=quote, data=BindInput(idempotency_key="bind-s"), today=GAP_TODAY
        )
        yd_policy = buy(users["agent"], customers["own"], method="card", key="buy-s")
        theft = yd_theft_claim_register(
            actor=users["agent"],
            policy=yd_policy,
            data=TheftClaimInput(
                police_incident_number="CAD 4519/12MAR26",
                stolen_on=START + timedelta(days=5),
                idempotency_key="theft-s",
            ),
            today=START + timedelta(days=6),
        )
    complaint = complaint_register(
        actor=users["agent"],
        customer=customers["north"],
        data=ComplaintRegistration.parse(
            {
                "received_at": at(2026, 3, 2),
                "channel": "phone",
                "procedure": "broker_platform",
                "product": "motor_other",
                "main_cause": "general_admin",
                "description": "The renewal letter never arrived",
            }
        ),
        now=at(2026, 3, 2),
    )
    return {"gap": gap_policy, "yd": yd_policy, "theft": theft, "complaint": complaint}


def refs(groups, kind):
    return {h.reference for g in groups if g.kind == kind for h in g.hits}


def test_search_partial_postcode_finds_the_district_only(users, customers):
    found = refs(search(users["agent"], "LS6"), "customers")
    assert found == {customers["north"].reference}
    assert refs(search(users["agent"], "ls62ab"), "customers") == {customers["north"].reference}
    assert refs(search(users["agent"], "G1"), "customers") == {customers["harbour"].reference}


@pytest.mark.parametrize("typed", ["+44 113 496 0123", "01134960123", "(0113) 496-0123"])
def test_search_phone_in_any_format(users, customers, typed):
    assert refs(search(users["agent"], typed), "customers") == {customers["north"].reference}


def test_search_name_email_and_reference(users, customers):
    north = customers["north"]
    assert north.reference in refs(search(users["agent"], "margaret holloway"), "customers")
    assert north.reference in refs(search(users["agent"], "M.HOLLOWAY@example.com"), "customers")
    assert refs(search(users["agent"], north.reference), "customers") == {north.reference}


def test_search_finds_policies_claims_and_complaints(users, customers, book):
    agent = users["agent"]
    assert refs(search(agent, "yk23abc"), "policies") == {book["gap"].number}
    assert refs(search(agent, "AB12 CDE"), "policies") == {book["yd"].number}
    assert book["yd"].number in refs(search(agent, book["yd"].number), "policies")
    assert refs(search(agent, "ab12cde"), "claims") == {book["theft"].reference}
    assert refs(search(agent, book["theft"].reference), "claims") == {book["theft"].reference}
    assert book["complaint"].reference in refs(
        search(agent, book["complaint"].reference), "complaints"
    )
    holloway = search(agent, "Holloway")
    assert book["gap"].number in refs(holloway, "policies")
    assert book["complaint"].reference in refs(holloway, "complaints")


def test_plt4_a_broker_never_finds_another_firms_rows(users, customers, book):
    harbour = users["broker_harbour"]
    for term in ("Holloway", "LS6", "0113 496 0123", "YK23 ABC", book["gap"].number):
        assert all(g.count == 0 for g in search(harbour, term)), term
    assert all(g.count == 0 for g in search(harbour, book["complaint"].reference))
    north = users["broker_north"]
    assert refs(search(north, "YK23ABC"), "policies") == {book["gap"].number}
    assert refs(search(north, "AB12CDE"), "policies") == set()  # direct customer's policy
    assert refs(search(north, "Young"), "customers") == set()


def test_search_page_groups_results_and_exports_csv(client, users, customers, book, terms):
    TermsAcceptance.objects.create(user=users["broker_north"], terms=terms)
    client.force_login(users["broker_north"])
    page = client.get(reverse("search"), {"q": "LS6"})
    body = page.content.decode()
    assert 'data-testid="results-customers"' in body
    assert reverse("broker-customer-detail", args=[customers["north"].pk]) in body
    assert reverse("gap-broker-policy", args=[book["gap"].pk]) in body
    only = client.get(reverse("search"), {"q": "Holloway", "kind": "policies"}).content.decode()
    assert 'data-testid="results-customers"' not in only
    text = client.get(reverse("search-csv"), {"q": "Holloway"}).content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Kind,Reference,Name,Detail,Status,Date,Link"
    assert book["gap"].number in text and customers["north"].reference in text


def test_customers_have_no_search(client, users):
    client.force_login(users["customer"])
    assert client.get(reverse("search"), {"q": "LS6"}).status_code == 404
    assert search(users["customer"], "LS6") == []


def test_customer_page_shows_every_policy_claim_complaint_document_and_payment(
    client, users, customers, book
):
    client.force_login(users["agent"])
    own = client.get(reverse("customer-detail", args=[customers["own"].pk])).content.decode()
    assert book["yd"].number in own and "Young Driver" in own
    assert book["theft"].reference in own
    assert reverse("yd-bo-theft", args=[book["theft"].pk]) in own
    north = client.get(reverse("customer-detail", args=[customers["north"].pk])).content.decode()
    assert book["gap"].number in north and "2 March 2026" in north
    assert book["complaint"].reference in north
    doc = Document.objects.filter(customer=customers["north"]).first()
    assert doc is not None and reverse("document-pdf", args=[doc.pk]) in north
    assert 'data-testid="customer-payments"' in north
    assert "£" in north.split('data-testid="customer-payments"')[1]  # the premium posting


def test_document_opens_as_pdf_audited_and_never_for_another_firm(
    client, users, customers, book, terms
):
    doc = Document.objects.filter(customer=customers["north"]).first()
    client.force_login(users["agent"])
    response = client.get(reverse("document-pdf", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditRecord.objects.filter(action="document.view", object_id=str(doc.pk)).exists()
    TermsAcceptance.objects.create(user=users["broker_harbour"], terms=terms)
    client.force_login(users["broker_harbour"])
    assert client.get(reverse("document-pdf", args=[doc.pk])).status_code == 404
    assert AuditRecord.objects.filter(action="access.denied", object_id=str(doc.pk)).exists()


def test_customer_app_shows_both_products(client, users, customers, book):
    from covernote.gap.inputs.policy import BindInput
    from covernote.gap.inputs.quote import QuoteInput
    from covernote.gap.services import gap_policy_bind, gap_quote_create

    quote = gap_quote_create(
        actor=users["agent"],
        customer=customers["own"],
        data=QuoteInput.parse(quote_data()),
        today=GAP_TODAY,
    )
    gap_policy = gap_policy_bind(
        actor=users["agent"],
        quote=quote,
        data=BindInput(idempotency_key="bind-own"),
        today=GAP_TODAY,
    )
    client.force_login(users["customer"])
    body = client.get(reverse("customer-app")).content.decode()
    assert f"GAP policy {gap_policy.number}" in body
    assert f"Young Driver policy {book['yd'].number}" in body
    assert book["gap"].number not in body  # another customer's policy
