"""The GAP claim and policy pages tell the truth: the handler's choices survive a
recalculation (GAP-BEST-1), excluded lines show their amount as excluded (GAP-DEF-OFB,
GAP-DEF-PRICE), a declined claim shows nothing payable (GAP-CLAIM-3) and an ended policy
offers no cancellation (GAP-TERM-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from covernote.gap.inputs.claims import AssessInput, DecideInput
from covernote.gap.inputs.policy import CancelInput
from covernote.gap.services import gap_claim_assess, gap_claim_decide, gap_policy_cancel
from tests.integration.gap.conftest import TODAY
from tests.integration.gap.test_gap_claim_letters import register

pytestmark = pytest.mark.django_db


def _claim(users, policy):
    day = TODAY + timedelta(days=40)
    return register(users, policy, day, day)


def test_gap_best_1_waiver_and_handler_choices_survive_a_recalculation(client, sold_policy, users):
    claim = _claim(users, sold_policy)
    client.force_login(users["claims"])
    url = reverse("gap-claim", args=[claim.pk])
    client.post(
        url,
        {
            "action": "assess",
            "settlement": "11000",
            "accepted_settlement": "11000",
            "market_value": "12500",
            "motor_excess": "350",
            "waive_market_value": "on",
            "vat_recovered": "on",
            "driver_covered_by_motor_policy": "on",
            "motor_policy_whole_period": "on",
            "premium_received": "on",
            "application_received": "on",
            "ofb_vehicle_balance": "15000",
        },
    )
    claim.refresh_from_db()
    assert claim.figures["waive_market_value"] is True
    page = client.get(url).content.decode()
    assert 'name="waive_market_value" data-testid="waive" checked' in page
    assert 'name="vat_recovered" checked' in page
    assert 'name="fraudulent" >' in page  # an unticked fact stays unticked


def test_gap_def_ofb_excluded_lines_show_their_amount_as_excluded(client, sold_policy, users):
    claim = _claim(users, sold_policy)
    gap_claim_assess(
        actor=users["claims"],
        claim=claim,
        data=AssessInput.parse(
            figures={"settlement": "12500", "motor_excess": "350", "market_value": "12500"},
            finance_lines=[("vehicle_balance", "15000"), ("arrears", "420")],
        ),
    )
    client.force_login(users["claims"])
    page = client.get(reverse("gap-claim", args=[claim.pk])).content.decode()
    assert '<s data-testid="excluded-amount">£420.00</s> <span class="tag">excluded</span>' in page
    assert "Excluded (arrears)</td><td>£0.00" not in page


def test_gap_claim_3_a_declined_claim_shows_nothing_payable(client, sold_policy, users):
    claim = _claim(users, sold_policy)
    gap_claim_assess(
        actor=users["claims"],
        claim=claim,
        data=AssessInput.parse(
            figures={"settlement": "12000", "motor_excess": "350", "market_value": "12000"}
        ),
    )
    claim.refresh_from_db()
    assert claim.payable is not None and claim.payable > 0
    gap_claim_decide(
        actor=users["claims"],
        claim=claim,
        data=DecideInput.parse({"approve": False, "exclusion_ids": ["GAP-EXCL-3"], "note": "x"}),
    )
    client.force_login(users["claims"])
    page = client.get(reverse("gap-claim", args=[claim.pk])).content.decode()
    assert 'data-testid="payable"' not in page
    assert "Nothing: the claim is declined" in page


def test_gap_term_1_an_ended_policy_offers_no_cancellation(client, sold_policy, users):
    gap_policy_cancel(
        actor=users["agent"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=10)}),
    )
    client.force_login(users["agent"])
    page = client.get(reverse("gap-backoffice-policy", args=[sold_policy.pk])).content.decode()
    assert "Cancel this policy" not in page
    form = client.get(reverse("gap-backoffice-cancel", args=[sold_policy.pk])).content.decode()
    assert "Cancel and calculate the refund" not in form
    assert 'data-testid="not-cancellable"' in form


def test_gap_sale_1_the_quote_page_shows_the_earliest_start_and_why(client, gap_ready, users):
    from django.utils import timezone

    from covernote.gap.inputs.quote import QuoteInput
    from covernote.gap.services import gap_quote_create
    from tests.integration.gap.conftest import quote_data

    today = timezone.localdate()
    quote = gap_quote_create(
        actor=users["broker_north"],
        customer=gap_ready["north"],
        data=QuoteInput.parse(
            quote_data(
                sold_with_vehicle=True,
                prescribed_info_given_on=today.isoformat(),
                start_on=None,
                ownership_date=(today - timedelta(days=10)).isoformat(),
            )
        ),
    )
    assert quote.start_on == today + timedelta(days=3)
    client.force_login(users["broker_north"])
    page = client.get(reverse("gap-broker-quote", args=[quote.pk])).content.decode()
    earliest = f"{(today + timedelta(days=3)).day} {(today + timedelta(days=3)):%B %Y}"
    assert f"Cover can start from <strong>{earliest}</strong>" in page
    assert "clear days later" in page
    assert 'data-testid="sell-from"' in page  # no live "Sell" button before the deferral ends
    assert '<button type="submit" class="primary">Sell this policy</button>' not in page
