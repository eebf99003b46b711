"""Complaints from people who are not customers, and from representatives (COMP-1, ADR 0026)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from covernote.complaints.inputs import ComplaintRegistration, FinalResponse
from covernote.complaints.models import Complaint
from covernote.complaints.services import complaint_register, complaint_respond_final
from covernote.documents.models import Document
from covernote.domain.errors import DomainError
from covernote.parties.models import Customer
from covernote.parties.services import complainant_contact_create
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 10)
THURSDAY = at(2026, 3, 5, 10)
EMPLOYMENT = {
    "received_at": MONDAY,
    "channel": "email",
    "procedure": "broker_platform",
    "product": "cmc_employment",
    "regulated_activity": "claims_management",
    "description": "The employment claim was handled slowly and nobody called back",
}


def test_comp1_a_non_customer_complaint_is_logged_with_contact_details_and_answered(users):
    contact = complainant_contact_create(
        actor=users["agent"],
        data={"first_name": "Priya", "last_name": "Shah", "email": "priya@example.com"},
    )
    assert contact.kind == "complainant" and contact.date_of_birth is None
    c = complaint_register(
        actor=users["agent"],
        customer=contact,
        now=MONDAY,
        data=ComplaintRegistration.parse({**EMPLOYMENT, "complainant_relationship": "other"}),
    )
    assert c.status == "stage1" and c.complainant_relationship == "other"
    ack = Document.objects.get(kind="complaint_acknowledgement", customer=contact)
    assert "Priya Shah" in ack.html and ack.messages.get().address == "priya@example.com"
    # COMP-3 applies the same way: the agent cannot answer it, the manager can
    reasons = FinalResponse.parse(
        outcome="upheld", reasons="We did not call you back when we said we would."
    )
    with pytest.raises(DomainError) as err:
        complaint_respond_final(actor=users["agent"], complaint=c, data=reasons, now=THURSDAY)
    assert err.value.rule == "COMP-3"
    c = complaint_respond_final(actor=users["manager"], complaint=c, data=reasons, now=THURSDAY)
    assert c.final_response_on is not None


def test_comp1_a_non_customer_needs_a_name_and_a_way_to_reach_them(users):
    with pytest.raises(DomainError) as err:
        complainant_contact_create(actor=users["agent"], data={"last_name": "Shah"})
    assert (err.value.field, err.value.rule) == ("contact", "COMP-1")
    with pytest.raises(DomainError) as err:
        complainant_contact_create(actor=users["agent"], data={"email": "a@example.com"})
    assert err.value.field == "last_name"
    with pytest.raises(DomainError):
        complainant_contact_create(
            actor=users["broker_north"], data={"last_name": "Shah", "email": "a@example.com"}
        )


def test_comp1_a_non_customer_cannot_be_logged_as_the_customer(users):
    contact = complainant_contact_create(
        actor=users["agent"], data={"last_name": "Shah", "email": "a@example.com"}
    )
    with pytest.raises(DomainError) as err:
        complaint_register(
            actor=users["agent"],
            customer=contact,
            now=MONDAY,
            data=ComplaintRegistration.parse(EMPLOYMENT),
        )
    assert err.value.field == "complainant_relationship"


def test_comp1_a_representative_or_cmc_is_recorded_with_contact_details(users, customers):
    with pytest.raises(DomainError) as err:
        ComplaintRegistration.parse(
            {**EMPLOYMENT, "complainant_relationship": "cmc", "representative_name": "Claimline"}
        )
    assert (err.value.field, err.value.rule) == ("representative_contact", "COMP-1")
    c = complaint_register(
        actor=users["agent"],
        customer=customers["harbour"],
        now=MONDAY,
        data=ComplaintRegistration.parse(
            {
                **EMPLOYMENT,
                "product": "motor_other",
                "complainant_relationship": "cmc",
                "representative_name": "Claimline Ltd",
                "representative_contact": "cases@claimline.example, 0161 496 0000",
            }
        ),
    )
    assert (c.customer, c.representative_name) == (customers["harbour"], "Claimline Ltd")


def test_comp1_the_agent_logs_a_non_customer_complaint_on_the_page(users):
    client = Client()
    client.force_login(users["agent"])
    form = {
        "customer_reference": "",
        "complainant_relationship": "other",
        "complainant_name": "Priya Shah",
        "complainant_email": "priya@example.com",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "email",
        "procedure": "broker_platform",
        "product": "cmc_employment",
        "subject": "claims_management",
        "main_cause": "general_admin",
        "complainant_type": "consumer",
        "description": "Nobody called me back about my employment claim",
    }
    r = client.post("/backoffice/complaints/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Complaint.objects.get()
    assert c.customer.kind == "complainant" and c.customer.full_name == "Priya Shah"
    page = client.get(r["Location"]).content.decode()
    assert "not a customer" in page and "priya@example.com" in page
    assert "Someone who is not a customer" in page
    # a policyholder must still be found by reference
    r = client.post("/backoffice/complaints/new/", {**form, "complainant_relationship": "customer"})
    assert "Enter the customer reference" in r.content.decode()
    assert Customer.objects.filter(kind="complainant").count() == 1
