"""The complaints journey in a real browser (COMP-1..7).

An agent logs a phone complaint about a GAP claim for the large-print,
letter-only customer, escalates it to the insurer after the 3rd working day
(GAP-COMPLAINT, DISP 1.7); the contact-centre manager issues the final response
with redress after a confirm step (COMP-3, ADR 0026), and downloads the complaints return.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from covernote.complaints.inputs import ComplaintRegistration, FosReferral
from covernote.complaints.models import Complaint
from covernote.documents.models import Document
from tests.web.test_platform_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def complaints_procedures(db):
    """The complaints procedures are a loaded product configuration (ADR 0005, 0009)."""
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


def test_comp_agent_logs_gap_claim_complaint_escalates_responds_and_downloads_return(
    page, users, customers
):
    north = customers["north"]
    received = timezone.localtime() - timedelta(days=10)  # well past the 3rd working day
    sign_in(page, "agent@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/complaints/new/?customer={north.pk}")
    assert "contact by written letter, not phone" in page.get_by_test_id("adjustments").inner_text()
    assert page.get_by_label("Customer reference").input_value() == north.reference
    page.get_by_label("Received (date and time, UK time)").fill(received.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("How it was received").select_option("phone")
    page.get_by_label("Procedure").select_option("gap_claim")
    page.get_by_label("Product").select_option("gap")
    page.get_by_label("Claim reference").fill("GAP-CLM-0042")
    page.get_by_label("Main cause (FCA taxonomy)").select_option("terms_disputes")
    page.get_by_label("What the complaint is about").fill(
        "The GAP claim settlement left out the finance early-settlement fee"
    )
    page.get_by_role("button", name="Log the complaint").click()
    page.wait_for_url(re.compile(r"/backoffice/complaints/\d+/$"))
    assert page.get_by_role("status").get_by_text("logged").is_visible()
    complaint = Complaint.objects.get()
    assert complaint.channel == "phone" and complaint.procedure == "gap_claim"

    clocks = page.get_by_test_id("clocks")
    src_row = clocks.locator("tr[data-clock=summary_resolution]")
    assert "breached" in src_row.inner_text()  # the 3-working-day window has lapsed
    assert clocks.locator("tr[data-clock=final_response]").is_visible()
    assert clocks.locator("tr[data-clock=fos_window]").is_visible()
    assert page.get_by_test_id("adjustments").is_visible()

    page.get_by_role("button", name=re.compile("Escalate: pass to Customer Relations")).click()
    assert page.get_by_role("status").get_by_text("Passed to the insurer").is_visible()
    assert "Your complaint has been passed on" in page.get_by_test_id("letters").inner_text()

    # COMP-3: the agent cannot send the final response; the contact-centre manager does.
    expect(page.get_by_role("button", name="Issue the final response")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "manager@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/complaints/{complaint.pk}/")
    page.get_by_label("Outcome").select_option("partly_upheld")
    page.get_by_label("Reasons (blank line between paragraphs)").fill(
        "The early-settlement fee should have been included."
    )
    page.get_by_label("Redress (£)").fill("120.50")
    page.get_by_label("Redress type").select_option("financial_loss")
    page.get_by_role("button", name="Issue the final response").click()
    check = page.get_by_test_id("confirm-step")  # ADR 0026: the figures, before it is sent
    assert "£120.50" in check.inner_text() and "Partly upheld" in check.inner_text()
    page.get_by_role("button", name="Send the final response").click()
    assert page.get_by_role("status").get_by_text("Final response sent").is_visible()
    letters = page.get_by_test_id("letters").inner_text()
    assert "Our final response to your complaint" in letters and "Large print" in letters
    final = Document.objects.get(kind="complaint_final_response")
    assert final.document_format == "large_print" and "£120.50" in final.html
    assert "Final response" in page.get_by_test_id("history").inner_text()

    today = timezone.localdate()
    page.goto("/backoffice/complaints/return/")
    page.get_by_label("From", exact=True).fill(str(today - timedelta(days=30)))
    page.get_by_label("To", exact=True).fill(str(today))
    page.get_by_label("Shape").select_option("consolidated_2027")
    page.get_by_role("button", name="Show the return").click()
    summary = page.get_by_test_id("return-summary").inner_text()
    assert "Opened: 1" in summary and "Closed: 1" in summary and "Upheld: 1" in summary
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    content = Path(info.value.path()).read_text(encoding="utf-8")
    total = list(csv.DictReader(io.StringIO(content)))[-1]
    assert total["opened"] == "1" and total["redress_paid_gbp"] == "120.50"
    assert total["opened_vulnerable"] == "1"


def test_comp_customer_complains_from_the_app(page, users, customers):
    sign_in(page, "jamie@example.com")
    page.goto("/app/complaints/new/")
    page.get_by_label("What is your complaint about?").select_option("broker_platform")
    page.get_by_label("Tell us what went wrong").fill("My documents never arrived")
    page.get_by_role("button", name="Send my complaint").click()
    assert page.get_by_role("heading", name="We have received your complaint").is_visible()
    c = Complaint.objects.get()
    assert c.customer == customers["own"] and c.channel == "web"


def test_yd_complaint_logged_from_customer_page_holding_response_fos_referral_and_closure(
    page, users, customers
):
    """YD-COMPLAINT, COMP-6, COMP-4: from the customer page an agent logs a Young Driver
    claims complaint received 54 days ago; the manager sends the holding response (the
    8-week clock is met), corrects the cause, records the FOS referral (flagged: before
    the window) and closes it on the FOS outcome."""
    harbour = customers["harbour"]
    received = timezone.localtime() - timedelta(days=54)
    sign_in(page, "agent@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/customers/{harbour.pk}/")
    assert "No complaints." in page.get_by_test_id("customer-complaints").inner_text()
    page.get_by_role("link", name="Log a complaint").click()
    page.wait_for_url(re.compile(rf"/backoffice/complaints/new/\?customer={harbour.pk}$"))
    assert page.get_by_label("Customer reference").input_value() == harbour.reference
    page.get_by_label("Received (date and time, UK time)").fill(received.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Procedure").select_option("young_driver")
    page.get_by_label("Young Driver: what it is about").select_option("claim")
    page.get_by_label("Product").select_option("young_driver_motor")
    page.get_by_label("What the complaint is about").fill("The claim for my stolen car is stuck")
    page.get_by_role("button", name="Log the complaint").click()
    page.wait_for_url(re.compile(r"/backoffice/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    assert complaint.route_subject == "claim"
    assert "Customer Relations (claims complaints)" in page.get_by_test_id("owner").inner_text()
    ack_row = page.get_by_test_id("clocks").locator("tr[data-clock=acknowledgement]")
    assert "5 working days" in ack_row.inner_text() and "YD-COMPLAINT" in ack_row.inner_text()
    # The 8-week letter is the stage owner's (manager or QA, docs/permissions.md), not the agent's.
    expect(page.get_by_text("Holding response (8 weeks, DISP 1.6.2R)")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "manager@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/complaints/{complaint.pk}/")

    page.get_by_text("Holding response (8 weeks, DISP 1.6.2R)").click()
    page.get_by_label("Why a final response cannot be given yet").fill(
        "the theft investigation is still open"
    )
    expected = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Final response expected by").fill(expected.isoformat())
    page.get_by_role("button", name="Send the holding response").click()
    expect(page.get_by_role("status").get_by_text("Holding response sent")).to_be_visible()
    final_row = page.get_by_test_id("clocks").locator("tr[data-clock=final_response]")
    assert "met" in final_row.inner_text() and "holding response" in final_row.inner_text()
    assert "An update on your complaint" in page.get_by_test_id("letters").inner_text()
    holding = Document.objects.get(kind="complaint_holding_response")
    assert "refer it to the Financial Ombudsman Service now" in holding.html

    page.get_by_text("Correct the classification").click()
    page.get_by_label("Main cause (FCA taxonomy)").select_option("terms_disputes")
    page.get_by_label("Why the classification is corrected").fill("It is about the claim terms")
    page.get_by_role("button", name="Save the classification").click()
    expect(page.get_by_role("status").get_by_text("Classification corrected")).to_be_visible()
    assert "Reclassified" in page.get_by_test_id("history").inner_text()

    page.get_by_text("Record a referral to the Financial Ombudsman").click()
    page.get_by_label("Date the complainant referred to the FOS").fill(
        (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    page.get_by_label("FOS reference").fill("PNX-7788")
    page.get_by_role("button", name="Record the FOS referral").click()
    expect(page.get_by_role("status").get_by_text("FOS referral recorded")).to_be_visible()
    fos = page.get_by_test_id("fos").inner_text()
    assert "PNX-7788" in fos and "before window" in fos
    assert "DISP 2.8.1R" in page.get_by_test_id("fos-flags").inner_text()

    page.get_by_label("FOS outcome").select_option("upheld")
    page.get_by_label("Redress the FOS awarded (£)").fill("400")
    page.get_by_label("FOS redress type").select_option("financial_loss")
    page.get_by_role("button", name="Close the complaint").click()
    expect(page.get_by_role("status").get_by_text("Closed after the FOS outcome")).to_be_visible()
    assert "Upheld by the FOS" in page.get_by_test_id("fos").inner_text()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.main_cause) == (
        "closed",
        "upheld",
        "terms_disputes",
    )

    page.goto(f"/backoffice/customers/{harbour.pk}/")
    listing = page.get_by_test_id("customer-complaints").inner_text()
    assert complaint.reference in listing and "Closed" in listing


def test_comp6_final_response_after_early_fos_referral_then_fos_outcome_and_return_by_firm(
    page, users, customers, firms
):
    """COMP-6, COMP-4, COMP-7: the complainant went to the FOS before our final
    response; the manager still sends it (the letter notes the referral), records the
    FOS outcome, and the Harbour Lane return by FRN counts our response."""
    from covernote.complaints.services import complaint_refer_fos, complaint_register

    firms["harbour"].fca_number = "200002"
    firms["harbour"].save()
    firms["north"].fca_number = "100001"
    firms["north"].save()
    received = timezone.localtime() - timedelta(days=20)
    complaint = complaint_register(
        actor=users["agent"],
        customer=customers["harbour"],
        now=received,
        data=ComplaintRegistration.parse(
            {
                "received_at": received,
                "channel": "phone",
                "procedure": "broker_platform",
                "product": "motor_other",
                "main_cause": "general_admin",
                "description": "My no-claims discount was not applied at renewal",
            }
        ),
    )
    complaint_refer_fos(
        actor=users["agent"],
        complaint=complaint,
        data=FosReferral.parse(
            referred_on=timezone.localdate() - timedelta(days=2), fos_reference="PNX-5150"
        ),
    )
    sign_in(page, "manager@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto(f"/backoffice/complaints/{complaint.pk}/")
    page.get_by_label("Outcome", exact=True).select_option("partly_upheld")
    page.get_by_label("Reasons (blank line between paragraphs)").fill(
        "The discount was applied late at renewal."
    )
    page.get_by_label("Redress (£)").fill("60")
    page.get_by_label("Redress type", exact=True).select_option("distress_inconvenience")
    page.get_by_role("button", name="Issue the final response").click()
    page.get_by_role("button", name="Send the final response").click()
    expect(page.get_by_role("status").get_by_text("Final response sent")).to_be_visible()
    assert "Our final response to your complaint" in page.get_by_test_id("letters").inner_text()
    final = Document.objects.get(kind="complaint_final_response")
    assert "PNX-5150" in final.html and "before we sent this response" in final.html
    expect(page.get_by_role("button", name="Issue the final response")).to_have_count(0)

    page.get_by_label("FOS outcome").select_option("not_upheld")
    page.get_by_role("button", name="Close the complaint").click()
    expect(page.get_by_role("status").get_by_text("Closed after the FOS outcome")).to_be_visible()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.fos_outcome) == (
        "closed",
        "partly_upheld",
        "not_upheld",
    )

    today = timezone.localdate()
    page.goto("/backoffice/complaints/return/")
    page.get_by_label("From", exact=True).fill(str(today - timedelta(days=60)))
    page.get_by_label("To", exact=True).fill(str(today))
    page.get_by_label("Firm (FCA reference number)").select_option("200002")
    page.get_by_role("button", name="Show the return").click()
    summary = page.get_by_test_id("return-summary").inner_text()
    assert "Firm: FRN 200002" in summary
    assert "Closed: 1" in summary and "Upheld: 1" in summary
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    assert "frn200002" in info.value.suggested_filename
    total = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8"))))[-1]
    assert (total["closed"], total["redress_paid_gbp"]) == ("1", "60.00")
    page.get_by_label("Firm (FCA reference number)").select_option("100001")
    page.get_by_role("button", name="Show the return").click()
    assert "Nil return" in page.get_by_test_id("return-summary").inner_text()
