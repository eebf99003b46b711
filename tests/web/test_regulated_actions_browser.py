"""Regulated actions in the right hands, in a real browser (COMP-1, COMP-3, GAP-CLAIM-4; ADR 0026).

1. An agent logs a complaint from someone who is not a customer; the agent cannot answer
   it; the contact-centre manager answers it through the confirm step.
2. The claims handler pays a claim within their authority (confirm step) and requests
   approval for one above it; a manager, the second approver, approves and pays.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from covernote.complaints.models import Complaint
from covernote.gap.models import GapClaim
from tests.web.test_gap_browser import CSV, _bound_policy, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(customers, users):
    """Products, valuations and accepted terms (as the GAP browser tests)."""
    from covernote.accounts.models import TermsAcceptance, TermsOfService
    from covernote.gap.services import gap_valuations_load
    from covernote.gap.valuation import read_valuation_csv
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")
    gap_valuations_load(actor="test", rows=read_valuation_csv(CSV), source=str(CSV))
    terms = TermsOfService.objects.create(version="1.0", body="Use the platform properly.")
    for u in users.values():
        TermsAcceptance.objects.create(user=u, terms=terms)
    return customers


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_comp3_agent_logs_a_non_customer_complaint_and_the_manager_answers_it(page, loaded, users):
    received = timezone.localtime() - timedelta(days=1)
    sign_in(page, "agent@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto("/backoffice/complaints/new/")
    page.get_by_label("Who is complaining").select_option("other")
    page.get_by_label("Complainant's full name").fill("Priya Shah")
    page.get_by_label("Complainant's email").fill("priya@example.com")
    page.get_by_label("Received (date and time, UK time)").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How it was received").select_option("email")
    page.get_by_label("Procedure").select_option("broker_platform")
    page.get_by_label("Product", exact=True).select_option("cmc_employment")
    page.get_by_label("Regulated activity").select_option("claims_management")
    page.get_by_label("What the complaint is about").fill(
        "Nobody called me back about my employment claim"
    )
    page.get_by_role("button", name="Log the complaint").click()
    page.wait_for_url(re.compile(r"/backoffice/complaints/\d+/$"))
    assert "not a customer" in page.get_by_test_id("complainant").inner_text()
    assert "Someone who is not a customer" in page.get_by_test_id("relationship").inner_text()
    complaint = Complaint.objects.get()
    assert complaint.customer.kind == "complainant" and complaint.product == "cmc_employment"
    # COMP-3: stage 1 belongs to the contact-centre manager, not the agent
    expect(page.get_by_role("button", name="Issue the final response")).to_have_count(0)
    sign_out(page)

    sign_in(page, "manager@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/complaints/{complaint.pk}/")
    page.get_by_label("Outcome", exact=True).select_option("upheld")
    page.get_by_label("Reasons (blank line between paragraphs)").fill("test")
    page.get_by_role("button", name="Issue the final response").click()
    expect(page.get_by_role("status")).to_contain_text("is not a reason")  # "test" refused
    page.get_by_label("Outcome", exact=True).select_option("upheld")
    page.get_by_label("Reasons (blank line between paragraphs)").fill(
        "We did not call you back when we said we would, and we are sorry."
    )
    page.get_by_label("Redress (£)").fill("50")
    page.get_by_label("Redress type", exact=True).select_option("distress_inconvenience")
    page.get_by_role("button", name="Issue the final response").click()
    check = page.get_by_test_id("confirm-step")
    expect(check).to_contain_text("£50.00")
    expect(check).to_contain_text("Priya Shah")
    complaint.refresh_from_db()
    assert complaint.final_response_on is None  # nothing sent before the confirm
    page.get_by_role("button", name="Send the final response").click()
    expect(page.get_by_role("status").get_by_text("Final response sent")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.final_response_on is not None and complaint.outcome == "upheld"


def _approved_claim(users, policy):
    from covernote.gap.inputs.claims import AssessInput, ClaimRegistration, DecideInput
    from covernote.gap.services import gap_claim_assess, gap_claim_decide, gap_claim_register

    claim = gap_claim_register(
        actor=users["claims"],
        policy=policy,
        # the policy starts today (UK time): a loss "two hours ago" falls before it between
        # midnight and 2 am (GAP-EXCL-15), so the loss is now
        data=ClaimRegistration.parse({"event_at": timezone.now()}),
    )
    figures = {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}
    gap_claim_assess(actor=users["claims"], claim=claim, data=AssessInput.parse(figures=figures))
    return gap_claim_decide(
        actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": True})
    )


def test_gap_claim_4_handler_pays_within_authority_and_a_second_approver_pays_above_it(
    page, loaded, users, settings
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "10000", "manager": "25000"}
    within = _approved_claim(users, _bound_policy(users, loaded["north"]))
    above = _approved_claim(users, _bound_policy(users, loaded["own"]))
    assert within.payable == above.payable

    sign_in(page, "claims@coplus.example")
    page.goto(f"/backoffice/gap/claims/{within.pk}/")
    page.get_by_role("button", name=re.compile("Record payment of £7,850.00")).click()
    check = page.get_by_test_id("confirm-step")
    expect(check).to_contain_text("£7,850.00")
    expect(check).to_contain_text("terminates on payment")
    page.get_by_role("button", name="Pay £7,850.00").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Paid")

    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "5000", "manager": "25000"}
    page.goto(f"/backoffice/gap/claims/{above.pk}/")
    expect(page.get_by_test_id("above-authority")).to_contain_text("£5,000.00")
    expect(page.get_by_role("button", name=re.compile("Record payment"))).to_have_count(0)
    page.get_by_label("Note for the approver").fill("Above my authority: please approve")
    page.get_by_role("button", name="Request approval of the payment").click()
    expect(page.get_by_test_id("payment-pending")).to_contain_text("Claims")
    expect(page.get_by_role("button", name=re.compile("Approve and pay"))).to_have_count(0)
    sign_out(page)

    sign_in(page, "manager@coplus.example")
    page.goto(f"/backoffice/gap/claims/{above.pk}/")
    page.get_by_role("button", name="Approve and pay £7,850.00").click()
    expect(page.get_by_test_id("confirm-step")).to_contain_text("Requested by")
    page.get_by_role("button", name="Approve and pay £7,850.00").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Paid")
    above = GapClaim.objects.get(pk=above.pk)
    assert above.payment_requested_by == users["claims"]
    assert above.payment_approved_by == users["manager"]
