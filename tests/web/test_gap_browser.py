"""What a person clicks for Combined GAP: a broker quotes, sells and downloads the
schedule (GAP-ELIG, GAP-PRICE-1, PLT-7); a claims handler settles a total loss
(GAP-COVER, GAP-CLAIM-4)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import GapClaim, GapPolicy, PolicyStatus
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = Path(settings.BASE_DIR) / "config" / "valuations" / "glass_sample.csv"


@pytest.fixture
def gap_loaded(customers, users):
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


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sell_policy(page, customers):
    today = timezone.localdate()
    page.goto("/broker/gap/")
    page.get_by_role("button", name="Start a GAP quote").click()
    page.get_by_label("Registration").fill("YK23 ABC")
    page.get_by_label("Glass's Guide code").fill("GOLF-LIFE-23")
    page.get_by_label("Make").fill("Volkswagen")
    page.get_by_label("Model", exact=True).fill("Golf Life")
    page.get_by_label("First registered").fill((today - timedelta(days=700)).isoformat())
    page.get_by_label("Line 1 amount").fill("20000.00")
    page.get_by_label("Line 2 kind").select_option("warranty")
    page.get_by_label("Line 2 amount").fill("450")
    page.get_by_label("Lender").fill("Northern Motor Finance")
    page.get_by_label("Amount advanced £").fill("18000")
    page.get_by_label("Motor insurer").fill("Acme Motor")
    page.get_by_label("Motor policy number").fill("AM-1")
    page.get_by_label("Comprehensive cover for the whole GAP period").check()
    page.get_by_label("Date of taking ownership").fill((today - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Check eligibility and price").click()
    page.wait_for_url(re.compile(r"/broker/gap/quotes/\d+/$"))
    assert "£20,000.00" in page.content()  # warranty left out of the purchase price
    page.get_by_role("button", name="Sell this policy").click()
    # ADR 0026: the sale is confirmed on a page that shows the premium first
    assert page.get_by_test_id("confirm-step").is_visible()
    page.get_by_role("button", name=re.compile("Sell the policy for £")).click()
    page.wait_for_url(re.compile(r"/broker/gap/policies/\d+/$"))


def test_gap_broker_sells_a_policy_and_downloads_the_schedule(page, gap_loaded):
    sign_in(page, "broker@north.example")
    sell_policy(page, gap_loaded)
    assert page.get_by_test_id("policy-status").inner_text() == "Active"
    assert page.get_by_test_id("adjustments").is_visible()  # PLT-2 on a customer's page
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download Combined GAP policy schedule")).click()
    path = info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    page.goto("/broker/gap/")
    policy = GapPolicy.objects.get()
    assert page.get_by_role("link", name=policy.number).is_visible()


def test_gap_broker_sees_every_failing_rule_on_a_refused_quote(page, gap_loaded):
    sign_in(page, "broker@north.example")
    today = timezone.localdate()
    page.goto(f"/broker/gap/quotes/new/?customer={gap_loaded['north'].pk}")
    page.get_by_label("Registration").fill("KIT 1")
    page.get_by_label("Glass's Guide code").fill("NOT-LISTED")
    page.get_by_label("Make").fill("Caterham")
    page.get_by_label("Model", exact=True).fill("Seven")
    page.get_by_label("First registered").fill((today - timedelta(days=3650)).isoformat())
    page.get_by_label("Kit car").check()
    page.get_by_label("Line 1 amount").fill("30000")
    page.get_by_label("Date of taking ownership").fill((today - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Check eligibility and price").click()
    refusal = page.get_by_test_id("refusal").inner_text()
    for rule in ("GAP-ELIG-1", "GAP-ELIG-3", "GAP-ELIG-5", "GAP-ELIG-7"):
        assert rule in refusal


def test_gap_claims_handler_settles_a_total_loss(page, gap_loaded, users):
    from covernote.gap.services import gap_policy_bind, gap_quote_create
    from tests.integration.gap.conftest import quote_data

    today = timezone.localdate()
    quote = gap_quote_create(
        actor=users["broker_north"],
        customer=gap_loaded["north"],
        today=today - timedelta(days=0),
        data=QuoteInput.parse(
            quote_data(
                ownership_date=(today - timedelta(days=5)).isoformat(),
                start_on=(today - timedelta(days=0)).isoformat(),
                purchase_lines=[{"kind": "vehicle", "amount": "20000.00"}],
                finance=None,
            )
        ),
    )
    policy = gap_policy_bind(
        actor=users["broker_north"], quote=quote, data=BindInput(idempotency_key="b1")
    )
    sign_in(page, "claims@coplus.example")
    page.goto(f"/backoffice/gap/policies/{policy.pk}/")
    page.get_by_role("link", name="Register a claim").click()
    page.get_by_label("Date and time of the total loss").fill(
        f"{today.isoformat()}T00:00"
    )  # never in the future, whenever the test runs
    page.get_by_role("button", name="Register claim").click()
    page.wait_for_url(re.compile(r"/backoffice/gap/claims/\d+/$"))
    page.get_by_label("Motor insurer's valuation before deductions").fill("12500")
    page.get_by_label("Glass's retail value at loss").fill("12500")
    page.get_by_label("Motor excess £").fill("350")
    page.get_by_role("button", name="Calculate settlement").click()
    assert page.get_by_test_id("payable").inner_text() == "£7,850.00"
    steps = page.locator("table.steps").last.inner_text()
    assert "GAP-COVER-1" in steps and "GAP-LIMIT" in steps
    page.get_by_role("button", name="Approve claim").click()
    page.get_by_role("button", name=re.compile("Record payment")).click()
    page.get_by_role("button", name="Pay £7,850.00").click()  # the confirm step (ADR 0026)
    assert page.get_by_test_id("claim-status").inner_text() == "Paid"
    claim = GapClaim.objects.get()
    claim.policy.refresh_from_db()
    assert claim.policy.status == PolicyStatus.TERMINATED
    assert claim.policy.termination_reason == "claim_paid"


def _bound_policy(users, customer, **kw):
    from covernote.gap.services import gap_policy_bind, gap_quote_create
    from tests.integration.gap.conftest import quote_data

    today = timezone.localdate()
    quote = gap_quote_create(
        actor=users["broker_north"] if customer.firm_id else users["agent"],
        customer=customer,
        today=today,
        data=QuoteInput.parse(
            quote_data(
                ownership_date=(today - timedelta(days=5)).isoformat(),
                start_on=today.isoformat(),
                purchase_lines=[{"kind": "vehicle", "amount": "20000.00"}],
                finance=None,
                **kw,
            )
        ),
    )
    return gap_policy_bind(
        actor=users["agent"], quote=quote, data=BindInput(idempotency_key=f"b-{quote.pk}")
    )


def test_gap_excl_9_broker_moves_cover_to_the_new_for_old_replacement(page, gap_loaded, users):
    policy = _bound_policy(users, gap_loaded["north"])
    today = timezone.localdate()
    sign_in(page, "broker@north.example")
    page.goto(f"/broker/gap/policies/{policy.pk}/")
    page.get_by_role("link", name="Move to a replacement vehicle").click()
    assert page.get_by_test_id("adjustments").is_visible()  # PLT-2
    # An ineligible replacement first: every failing vehicle rule is shown, nothing moves.
    page.get_by_label("Registration").fill("YK26 NEW")
    page.get_by_label("Glass's Guide code").fill("NOT-LISTED")
    page.get_by_label("Make").fill("Volkswagen")
    page.get_by_label("Model", exact=True).fill("Golf Life")
    page.get_by_label("First registered").fill(today.isoformat())
    page.get_by_label("Kit car").check()
    page.get_by_label("Vehicle price £").fill("22400")
    page.get_by_role("button", name="Move cover to the replacement").click()
    refused = page.get_by_test_id("transfer-refused").inner_text()
    assert "GAP-ELIG-5" in refused and "GAP-ELIG-7" in refused
    policy.refresh_from_db()
    assert policy.version == 1
    # Corrected: cover moves, same number and premium, a new schedule is listed.
    page.get_by_label("Glass's Guide code").fill("GOLF-LIFE-23")
    page.get_by_label("Kit car").uncheck()
    page.get_by_role("button", name="Move cover to the replacement").click()
    page.wait_for_url(re.compile(rf"/broker/gap/policies/{policy.pk}/$"))
    history = page.get_by_test_id("vehicle-history").inner_text()
    assert "YK23ABC" in history and "YK26NEW" in history and "£22,400.00" in history
    assert page.get_by_role(
        "link",
        name=re.compile(r"Download Combined GAP policy schedule .*\(replacement vehicle YK26NEW\)"),
    ).is_visible()
    before_premium = policy.gross_premium
    policy.refresh_from_db()
    assert policy.version == 2 and policy.vehicle.registration == "YK26NEW"
    assert policy.gross_premium == before_premium


def test_gap_value_1_underwriter_opens_the_fair_value_report_and_downloads_csv(
    page, gap_loaded, users
):
    _bound_policy(users, gap_loaded["north"])
    _bound_policy(users, gap_loaded["own"])  # direct business, no broker
    sign_in(page, "admin@coplus.example")  # underwriter
    page.goto("/backoffice/gap/value/")
    table = page.locator("#value-table")
    rows = table.locator("tbody tr")
    names = [rows.nth(i).locator("th").inner_text() for i in range(rows.count())]
    assert "Northgate" in names and "Direct (no broker)" in names
    assert "All distributors" in table.locator("tfoot").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Distributor,From,To")
    assert any(line.startswith("Northgate,") for line in lines)
    assert any(line.startswith("Direct (no broker),") for line in lines)


def test_plt2_large_print_customers_claim_letters_appear_on_the_customer_page(
    page, gap_loaded, users
):
    customer = gap_loaded["north"]  # letter-only, large print adjustment
    policy = _bound_policy(users, customer)
    today = timezone.localdate()
    sign_in(page, "claims@coplus.example")
    page.goto(f"/backoffice/gap/policies/{policy.pk}/")
    page.get_by_role("link", name="Register a claim").click()
    page.get_by_label("Date and time of the total loss").fill(
        f"{today.isoformat()}T00:00"
    )  # never in the future, whenever the test runs
    page.get_by_role("button", name="Register claim").click()
    page.wait_for_url(re.compile(r"/backoffice/gap/claims/\d+/$"))
    page.get_by_label("Motor insurer's valuation before deductions").fill("12500")
    page.get_by_label("Glass's retail value at loss").fill("12500")
    page.get_by_label("Motor excess £").fill("350")
    page.get_by_role("button", name="Calculate settlement").click()
    page.get_by_role("button", name="Approve claim").click()
    claim = GapClaim.objects.get()
    page.goto(f"/backoffice/customers/{customer.pk}/")
    assert page.get_by_test_id("adjustments").is_visible()
    docs = page.locator("li", has_text=f"Combined GAP claim {claim.reference}")
    texts = [docs.nth(i).inner_text() for i in range(docs.count())]
    assert any("We have received" in t for t in texts)  # acknowledgement
    assert any("has been approved" in t for t in texts)
    letters = [t for t in texts if "·" in t]  # the documents list, not the outbox
    assert letters and all("Large print" in t for t in letters)
