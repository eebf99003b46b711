"""Young Driver journey in a real browser: agent buys with Direct Debit, the customer fits the
Smartbox and uploads a photo on a phone, staff approve, the customer cancels and sees the refund."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from covernote.domain.money import gbp
from covernote.young_driver.inputs import BuyInput, QuoteInput
from covernote.young_driver.models import Device, InstallPhoto, YDPolicy
from tests.conftest import PASSWORD
from tests.integration.young_driver.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(backoffice|app|broker)/"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_yd_journey_buy_dd_upload_photo_approve_cancel(
    page, phone_page, users, customers, tmp_path
):
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")
    jamie = customers["own"]

    # Agent: find the customer, quote with RAC breakdown + legal expenses, buy by Direct Debit.
    sign_in(page, "agent@coplus.example")
    page.goto("/backoffice/young-driver/")
    page.get_by_placeholder("Customer name, reference or postcode").fill("Young")
    page.get_by_role("button", name="Find customer").click()
    page.get_by_role("link", name=re.compile("Quote Young Driver for Jamie")).click()
    page.get_by_label("Cover starts").fill(timezone.localdate().isoformat())
    page.get_by_label("Vehicle registration").fill("AB12 CDE")
    page.get_by_label("Vehicle group (1-50)").fill("8")
    page.get_by_label("Years with a full licence").fill("1")
    page.get_by_label("Declared annual mileage").fill("6000")
    page.get_by_label("No-claims years").fill("0")
    page.get_by_label(re.compile("RAC breakdown")).check()
    page.get_by_label(re.compile("Motor Legal Expenses")).check()
    page.get_by_role("button", name="Get quote").click()
    assert page.locator("table.steps").get_by_text("RAC Insurance Limited").first.is_visible()
    assert page.locator("span.rule", has_text="PLT-3").first.is_visible()
    page.get_by_label("Name on the account").fill("Jamie Young")
    page.get_by_label("Sort code").fill("20-00-00")
    page.get_by_label("Account number").fill("55779911")
    page.get_by_role("button", name="Buy policy").click()
    page.wait_for_url(re.compile(r"/backoffice/young-driver/policies/\d+/"))
    assert page.get_by_text("Close Brothers Premium Finance").first.is_visible()
    policy = YDPolicy.objects.get(customer=jamie)
    assert policy.plan.instalments.count() == 10
    assert page.get_by_text("Fit your Smartbox and upload a photo within 14 days").is_visible()

    # Customer, on a phone: sees the task and deadline, uploads a photo.
    sign_in(phone_page, "jamie@example.com")
    phone_page.goto("/app/young-driver/")
    phone_page.wait_for_url(re.compile(r"/app/young-driver/policies/\d+/"))
    task = phone_page.get_by_test_id("install-task")
    assert "Fit your Smartbox and upload a photo within 14 days" in task.inner_text()
    assert policy.install_tasks.get().deadline.strftime("%-d %B %Y") in task.inner_text()
    photo = tmp_path / "smartbox.png"
    photo.write_bytes(png_bytes())
    phone_page.get_by_label("Photo of the fitted Smartbox").set_input_files(str(photo))
    phone_page.get_by_role("button", name="Upload photo").click()
    assert phone_page.get_by_text("waiting for our check").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # Staff approve the photo: the device becomes verified.
    page.goto("/backoffice/young-driver/installs/")
    card = page.get_by_test_id(f"install-{policy.number}")
    assert card.get_by_role("img").is_visible()
    card.get_by_role("button", name="Approve").click()
    assert page.get_by_text("Smartbox verified").is_visible()
    assert Device.objects.get(policy=policy).state == "verified"
    assert InstallPhoto.objects.get(task__policy=policy).status == "approved"

    # Customer cancels and sees the refund with the steps.
    phone_page.reload()
    assert phone_page.get_by_test_id("device-state").inner_text() == "Verified"
    phone_page.get_by_role("link", name="Cancel my policy").click()
    refund = phone_page.get_by_test_id("refund").inner_text()
    assert "£" in refund
    # Customers see the working in words, never rule ids (YD-CANCEL-2 cooling off; issue 12).
    summary = phone_page.get_by_test_id("summary").inner_text()
    assert "Premium you have paid" in summary and "Your refund" in summary
    assert "YD-CANCEL" not in phone_page.content()
    assert phone_page.locator("span.rule").count() == 0
    phone_page.get_by_role("button", name="Cancel my policy").click()
    assert phone_page.get_by_test_id("policy-status").inner_text() == "Cancelled"
    policy.refresh_from_db()
    assert policy.status == "cancelled"
    shown = phone_page.get_by_test_id("cancellation").inner_text()
    assert f"Refund {gbp(policy.cancellation.refund)}" in shown


def test_yd_theft_1_staff_register_theft_see_last_position_and_close(page, users, customers):
    from datetime import UTC, datetime

    from covernote.products.services import product_configs_load
    from covernote.telematics.models import LastPosition
    from covernote.young_driver.services import yd_policy_buy, yd_quote_create
    from tests.integration.young_driver.conftest import RATING

    product_configs_load(actor="test")
    today = timezone.localdate()
    q = yd_quote_create(
        actor=users["agent"],
        customer=customers["own"],
        today=today,
        data=QuoteInput(start=today, vehicle_reg="TH3 FT1", rating=dict(RATING)),
    )
    policy = yd_policy_buy(
        actor=users["agent"],
        quote_obj=q,
        today=today,
        data=BuyInput(
            payment_method="card",
            card_token="tok_visa_theft",
            card_last4="4242",
            idempotency_key="browser-theft",
        ),
    )
    LastPosition.objects.create(
        device=policy.devices.get(),
        ts=datetime.now(UTC),
        lat=53.48081,
        lon=-2.24263,
        speed_kmh=52.0,
    )

    sign_in(page, "agent@coplus.example")
    page.goto(f"/backoffice/young-driver/policies/{policy.pk}/")
    page.get_by_test_id("theft-link").click()
    page.get_by_label("Police incident number").fill("n/a")
    page.get_by_label("Date of the theft").fill(today.isoformat())
    page.get_by_role("button", name="Register theft claim").click()
    # the refusal sits next to the incident number, not at the top of the page
    assert re.search(
        r"placeholder.*YD-THEFT-1", page.locator("#error_police_incident_number").inner_text()
    )
    assert page.get_by_label("Police incident number").get_attribute("aria-invalid") == "true"
    page.get_by_label("Police incident number").fill("CAD 4519/12MAR26")
    page.get_by_label("Date of the theft").fill(today.isoformat())
    page.get_by_role("button", name="Register theft claim").click()
    page.wait_for_url(re.compile(r"/backoffice/young-driver/theft/\d+/"))
    assert page.get_by_test_id("incident").inner_text().startswith("CAD 4519/12MAR26")
    assert "53.48081" in page.get_by_test_id("last-position").inner_text()
    assert page.get_by_test_id("driving-link").get_attribute("href") == (
        f"/backoffice/young-driver/policies/{policy.pk}/driving/"
    )
    page.get_by_label("Outcome").fill("Vehicle recovered by police")
    page.get_by_role("button", name="Close theft claim").click()
    assert page.get_by_test_id("claim-status").inner_text() == "Closed"
    assert page.get_by_test_id("last-position").count() == 0
    assert policy.theft_claims.get().acknowledgement is not None


def test_yd_fee_ren_customer_renews_on_a_phone(phone_page, users, customers):
    from datetime import timedelta

    from covernote.products.services import product_configs_load
    from covernote.young_driver.services import yd_renewal_invite
    from tests.integration.young_driver.conftest import buy

    product_configs_load(actor="test")
    policy = buy(users["agent"], customers["own"], method="card", key="browser-renew")
    renewal = yd_renewal_invite(actor=None, policy=policy, today=policy.end - timedelta(days=21))

    sign_in(phone_page, "jamie@example.com")
    phone_page.goto(f"/app/young-driver/policies/{policy.pk}/")
    offer = phone_page.get_by_test_id("renewal-offer")
    assert phone_page.get_by_test_id("renewal-premium").inner_text() == (
        gbp(renewal.renewal_premium)
    )
    assert phone_page.get_by_test_id("renewal-fee").inner_text() == "£50.00"
    assert phone_page.get_by_test_id("renewal-total").inner_text() == gbp(renewal.total)
    assert "no earlier than 14 days" in phone_page.get_by_test_id("renewal-notice").inner_text()
    offer.locator("summary").click()
    assert offer.locator("table.steps").first.is_visible()
    assert offer.locator("span.rule").count() == 0  # no rule ids for customers (issue 12)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.get_by_role("button", name="Renew my policy").click()
    phone_page.wait_for_url(re.compile(r"/app/young-driver/policies/\d+/"))
    renewal.refresh_from_db()
    new = renewal.new_policy
    assert new is not None and phone_page.url.endswith(f"/policies/{new.pk}/")
    assert phone_page.get_by_text(f"your policy is renewed: {new.number}").is_visible()
    assert phone_page.get_by_text(f"This policy renews {policy.number}").is_visible()
    phone_page.goto("/app/young-driver/")
    assert phone_page.get_by_text(new.number).first.is_visible()
    assert YDPolicy.objects.filter(renewed_from=policy).count() == 1
