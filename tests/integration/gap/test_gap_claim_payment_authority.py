"""Claim payment authority and the second approver (GAP-CLAIM-4, ADR 0026)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from covernote.audit.models import AuditRecord
from covernote.domain.errors import DomainError
from covernote.gap.inputs.claims import PayInput, PaymentRefusalInput, PaymentRequestInput
from covernote.gap.models import GapPolicy, PolicyStatus
from covernote.gap.services import (
    gap_claim_pay,
    gap_claim_payment_approve,
    gap_claim_payment_refuse,
    gap_claim_payment_request,
    payment_authority,
)
from tests.conftest import make_user
from tests.integration.gap.conftest import TODAY
from tests.integration.gap.test_gap_flows import assess_and_approve, claim_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_claim(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=40))
    claim = assess_and_approve(claim, users)
    assert claim.status == "approved" and claim.payable > Decimal("1000")
    return claim


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        call(**kwargs)
    return err.value


def test_gap_claim_4_within_authority_the_handler_pays_alone(approved_claim, users, settings):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": str(approved_claim.payable)}
    paid = gap_claim_pay(
        actor=users["claims"], claim=approved_claim, data=PayInput(idempotency_key="k1")
    )
    assert paid.status == "paid" and paid.paid_amount == approved_claim.payable
    assert paid.payment_approved_by is None
    audit = AuditRecord.objects.get(action="gap.claim.pay")
    assert Decimal(str(audit.after["authority"])) == approved_claim.payable


def test_gap_claim_4_above_authority_needs_a_different_approver(
    approved_claim, users, settings, firms
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {
        "claims_handler": "1000.00",
        "manager": "50000.00",
    }
    claims, manager = users["claims"], users["manager"]
    assert payment_authority(claims) == Decimal("1000.00")
    err = refused(
        gap_claim_pay, actor=claims, claim=approved_claim, data=PayInput(idempotency_key="k2")
    )
    assert (err.code, err.rule, err.field) == ("permission_denied", "GAP-CLAIM-4", "amount")
    assert "£1,000.00" in err.message
    approved_claim.refresh_from_db()
    assert approved_claim.status == "approved" and approved_claim.paid_amount is None

    pending = gap_claim_payment_request(
        actor=claims, claim=approved_claim, data=PaymentRequestInput(note="Over my limit")
    )
    assert pending.status == "payment_pending" and pending.payment_requested_by == claims
    assert AuditRecord.objects.filter(action="gap.claim.payment_request").count() == 1
    # the handler cannot approve (no approve permission); nor pay it alone meanwhile
    err = refused(
        gap_claim_payment_approve, actor=claims, claim=pending, data=PayInput(idempotency_key="a")
    )
    assert err.code == "permission_denied"
    assert refused(
        gap_claim_pay, actor=manager, claim=pending, data=PayInput(idempotency_key="b")
    ).code == ("illegal_transition")

    paid = gap_claim_payment_approve(
        actor=manager, claim=pending, data=PayInput(idempotency_key="k3")
    )
    assert paid.status == "paid" and paid.payment_approved_by == manager
    assert paid.paid_amount == approved_claim.payable
    audit = AuditRecord.objects.get(action="gap.claim.pay")
    assert audit.after["requested_by"] == claims.pk and audit.after["approved_by"] == manager.pk
    assert GapPolicy.objects.get(pk=paid.policy_id).status == PolicyStatus.TERMINATED


def test_gap_claim_4_the_requester_cannot_approve_their_own_payment(
    approved_claim, users, settings, firms
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"manager": "1000.00", "underwriter": "500.00"}
    manager = users["manager"]
    pending = gap_claim_payment_request(
        actor=manager, claim=approved_claim, data=PaymentRequestInput()
    )
    err = refused(
        gap_claim_payment_approve, actor=manager, claim=pending, data=PayInput(idempotency_key="x")
    )
    assert (err.code, err.rule) == ("permission_denied", "GAP-CLAIM-4")
    assert "different person" in err.message
    # a second approver whose own authority is below the amount cannot approve either
    err = refused(
        gap_claim_payment_approve,
        actor=users["admin"],
        claim=pending,
        data=PayInput(idempotency_key="y"),
    )
    assert (err.code, err.field) == ("permission_denied", "amount")
    # a per-user authority lifts one person's limit (ADR 0026)
    senior = make_user("senior@coplus.example", users["manager"].role_enum, firms["coplus"])
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY_USERS = {senior.email: "90000"}
    paid = gap_claim_payment_approve(
        actor=senior, claim=pending, data=PayInput(idempotency_key="z")
    )
    assert paid.status == "paid" and paid.payment_approved_by == senior


def test_gap_claim_4_the_approver_can_send_a_payment_back_with_a_reason(
    approved_claim, users, settings
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "1000.00"}
    pending = gap_claim_payment_request(
        actor=users["claims"], claim=approved_claim, data=PaymentRequestInput()
    )
    with pytest.raises(DomainError):
        PaymentRefusalInput(reason="no")
    back = gap_claim_payment_refuse(
        actor=users["manager"],
        claim=pending,
        data=PaymentRefusalInput(reason="The lender's settlement figure is out of date."),
    )
    assert back.status == "approved" and back.paid_amount is None
    assert AuditRecord.objects.filter(action="gap.claim.payment_refuse").exists()


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_gap_claim_4_a_payment_post_without_confirm_shows_the_figures_and_pays_nothing(
    approved_claim, users, settings
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "99999", "manager": "99999"}
    client = _client(users["claims"])
    url = f"/backoffice/gap/claims/{approved_claim.pk}/"
    from covernote.domain.money import gbp

    html = client.get(url).content.decode()
    assert f"Record payment of {gbp(approved_claim.payable)}" in html
    r = client.post(url, {"action": "pay", "idempotency_key": "page-1"})
    page = r.content.decode()
    assert r.status_code == 200 and 'data-testid="confirm-step"' in page
    assert gbp(approved_claim.payable) in page and "terminates on payment" in page
    approved_claim.refresh_from_db()
    assert approved_claim.status == "approved" and approved_claim.paid_amount is None
    client.post(url, {"action": "pay", "idempotency_key": "page-1", "confirm": "yes"})
    approved_claim.refresh_from_db()
    assert approved_claim.status == "paid"


def test_gap_claim_4_the_page_offers_a_request_above_authority_and_approval_to_another(
    approved_claim, users, settings
):
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "100", "manager": "99999"}
    url = f"/backoffice/gap/claims/{approved_claim.pk}/"
    handler = _client(users["claims"])
    html = handler.get(url).content.decode()
    assert 'data-testid="above-authority"' in html and "Record payment of" not in html
    handler.post(url, {"action": "request_payment", "note": "Above my authority"})
    approved_claim.refresh_from_db()
    assert approved_claim.status == "payment_pending"
    assert "Approve and pay" not in handler.get(url).content.decode()
    manager = _client(users["manager"])
    assert "Approve and pay" in manager.get(url).content.decode()
    manager.post(url, {"action": "approve_payment", "idempotency_key": "ap-1", "confirm": "yes"})
    approved_claim.refresh_from_db()
    assert (
        approved_claim.status == "paid" and approved_claim.payment_approved_by == users["manager"]
    )


def test_gap_cancel_1_a_cancel_post_without_confirm_shows_the_refund_and_cancels_nothing(
    sold_policy, users
):
    from covernote.gap.models import GapCancellation

    client = _client(users["broker_north"])
    url = f"/broker/gap/policies/{sold_policy.pk}/cancel/"
    post = {"kind": "customer", "notice_on": (TODAY + timedelta(days=3)).isoformat()}
    r = client.post(url, post)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="confirm-step"' in html
    assert "Last day of cover" in html and "Refund" in html
    from covernote.domain.money import gbp

    assert gbp(sold_policy.gross_premium) in html  # cooling off: the full premium back
    assert not GapCancellation.objects.exists()
    sold_policy.refresh_from_db()
    assert sold_policy.status == "active"
    client.post(url, {**post, "confirm": "yes"})
    assert GapCancellation.objects.filter(policy=sold_policy).count() == 1
