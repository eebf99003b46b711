"""A declined GAP claim tells the customer why, in plain English (GAP-CLAIM-3, ADR 0026)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from covernote.domain.gap.claims import DECLINE_REASONS
from covernote.gap.inputs.claims import AssessInput
from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.services import gap_claim_assess, gap_policy_bind, gap_quote_create
from tests.integration.gap.conftest import TODAY, quote_data
from tests.integration.gap.test_gap_flows import claim_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed_own_claim(gap_ready, users, django_capture_on_commit_callbacks):
    """A direct customer with the app (Jamie) and an assessed claim."""
    with django_capture_on_commit_callbacks(execute=True):
        quote = gap_quote_create(
            actor=users["agent"],
            customer=gap_ready["own"],
            today=TODAY,
            data=QuoteInput.parse(quote_data()),
        )
        policy = gap_policy_bind(
            actor=users["agent"], quote=quote, today=TODAY, data=BindInput(idempotency_key="o1")
        )
    claim = claim_on(policy, users, TODAY + timedelta(days=40))
    figures = {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}
    return gap_claim_assess(
        actor=users["claims"], claim=claim, data=AssessInput.parse(figures=figures)
    )


def test_gap_claim_3_a_decline_needs_an_explanation_and_the_customer_reads_the_reasons(
    assessed_own_claim, users
):
    claim = assessed_own_claim
    staff = Client()
    staff.force_login(users["claims"])
    url = f"/backoffice/gap/claims/{claim.pk}/"
    page = staff.get(url).content.decode()
    assert DECLINE_REASONS["GAP-EXCL-3"].replace("'", "&#x27;") in page
    r = staff.post(url, {"action": "decline", "exclusion_ids": ["GAP-EXCL-3"]}, follow=True)
    assert "explain the decline to the customer" in r.content.decode()
    claim.refresh_from_db()
    assert claim.status == "assessed"
    staff.post(
        url,
        {
            "action": "decline",
            "exclusion_ids": ["GAP-EXCL-3"],
            "note": "The police report shows the driver was over the limit.",
        },
    )
    claim.refresh_from_db()
    assert claim.status == "declined" and claim.decline_rules == ["GAP-EXCL-3"]
    customer = Client()
    customer.force_login(users["customer"])
    html = customer.get("/app/").content.decode()
    reasons = html.split('data-testid="decline-reasons"')[1].split("</ul>")[0]
    assert DECLINE_REASONS["GAP-EXCL-3"] in reasons
    assert "The police report shows the driver was over the limit." in reasons
    assert "GAP-EXCL" not in reasons  # no rule ids on customer screens
