"""Claim status updates through the customer's own channel (issue 3 deliver 5, PLT-2,
GAP-CLAIM-1): a letter on every claim state change, each sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils.html import escape

from covernote.documents.models import Document, OutboxMessage
from covernote.domain.correspondence import customer_wording
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.gap.inputs.claims import (
    AssessInput,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
    PayInput,
)
from covernote.gap.services import (
    gap_claim_assess,
    gap_claim_decide,
    gap_claim_pay,
    gap_claim_register,
    gap_claim_request_documents,
)
from tests.integration.gap.conftest import TODAY

pytestmark = pytest.mark.django_db

FIGURES = {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def letters(claim):
    return Document.objects.filter(related_type="gap.gapclaim", related_id=str(claim.pk))


def register(users, policy, loss_day, notified_day):
    with mock.patch("django.utils.timezone.now", return_value=at(notified_day, 18)):
        return gap_claim_register(
            actor=users["claims"],
            policy=policy,
            data=ClaimRegistration.parse({"event_at": at(loss_day)}),
        )


def test_gap_claim_status_letters_reach_north_in_large_print_by_letter_only(
    sold_policy, users, django_capture_on_commit_callbacks
):
    day = TODAY + timedelta(days=40)
    with django_capture_on_commit_callbacks(execute=True):
        claim = register(users, sold_policy, day, day)
        gap_claim_request_documents(
            actor=users["claims"],
            claim=claim,
            data=DocumentsRequest.parse(
                {"documents": ["Motor insurer's settlement letter", "Finance settlement statement"]}
            ),
        )
        gap_claim_assess(
            actor=users["claims"], claim=claim, data=AssessInput.parse(figures=FIGURES)
        )
        gap_claim_decide(
            actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": True})
        )
        gap_claim_pay(
            actor=users["claims"], claim=claim, data=PayInput(idempotency_key="pay-letters")
        )
    kinds = list(letters(claim).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "gap_claim_registered",
        "gap_claim_documents",
        "gap_claim_approved",
        "gap_claim_payment",
    ]
    assert set(letters(claim).values_list("document_format", flat=True)) == {"large_print"}
    messages = OutboxMessage.objects.filter(document__in=letters(claim))
    assert messages.count() == 4
    assert set(messages.values_list("channel", flat=True)) == {"letter"}
    assert not OutboxMessage.objects.filter(customer=sold_policy.customer, channel="email").exists()

    docs = letters(claim).get(kind="gap_claim_documents").html
    assert "Finance settlement statement" in docs and claim.reference in docs
    approved = letters(claim).get(kind="gap_claim_approved").html
    claim.refresh_from_db()
    assert gbp(claim.payable) in approved  # £7,850.00 (issue 13)
    for step in claim.settlement["steps"]:  # the working in words; rule ids stay with staff
        assert escape(customer_wording(step["description"])) in approved
        assert step["rule"] not in approved
    assert "GAP-DEF-SETTLE" not in approved


def test_gap_claim_1_acknowledgement_explains_late_notice(sold_policy, users):
    loss = TODAY + timedelta(days=40)
    claim = register(users, sold_policy, loss, loss + timedelta(days=45))
    assert claim.notice["outcome"] == "late"
    ack = letters(claim).get(kind="gap_claim_registered").html
    assert "later than that" in ack and "GAP-CLAIM-1" not in ack  # plain English (PLT-7)


def test_gap_claim_1_on_time_acknowledgement_has_no_late_note(sold_policy, users):
    day = TODAY + timedelta(days=40)
    claim = register(users, sold_policy, day, day)
    ack = letters(claim).get(kind="gap_claim_registered").html
    assert claim.reference in ack and "later than that" not in ack


def test_gap_claim_documents_request_is_idempotent_and_resends_only_on_change(sold_policy, users):
    day = TODAY + timedelta(days=40)
    claim = register(users, sold_policy, day, day)
    wanted = ["V5C registration document"]
    first = gap_claim_request_documents(
        actor=users["claims"], claim=claim, data=DocumentsRequest.parse({"documents": wanted})
    )
    again = gap_claim_request_documents(
        actor=users["claims"], claim=claim, data=DocumentsRequest.parse({"documents": wanted})
    )
    assert first.status == again.status == "documents_outstanding"
    assert letters(claim).filter(kind="gap_claim_documents").count() == 1
    gap_claim_request_documents(
        actor=users["claims"],
        claim=claim,
        data=DocumentsRequest.parse({"documents": [*wanted, "Keys to the vehicle"]}),
    )
    assert letters(claim).filter(kind="gap_claim_documents").count() == 2
    with pytest.raises(DomainError) as err:
        gap_claim_request_documents(
            actor=users["claims"], claim=claim, data=DocumentsRequest.parse({"documents": [" "]})
        )
    assert err.value.field == "documents"


def test_gap_claim_approval_letter_is_sent_once_even_if_the_letter_is_retried(sold_policy, users):
    from covernote.gap.services.claims import claim_approved_letter_issue

    day = TODAY + timedelta(days=40)
    claim = register(users, sold_policy, day, day)
    gap_claim_assess(actor=users["claims"], claim=claim, data=AssessInput.parse(figures=FIGURES))
    claim = gap_claim_decide(
        actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": True})
    )
    claim_approved_letter_issue(actor=users["claims"], claim=claim)  # a retried delivery
    assert letters(claim).filter(kind="gap_claim_approved").count() == 1


def test_gap_claim_documents_requested_through_the_api(sold_policy, users):
    import json

    from django.test import Client

    from covernote.accounts.services import api_token_create

    day = TODAY + timedelta(days=40)
    claim = register(users, sold_policy, day, day)
    _, raw = api_token_create(user=users["claims"], name="t", actor=users["admin"])
    r = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/gap/claims/{claim.pk}/documents",
        data=json.dumps({"documents": ["V5C registration document"]}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "documents_outstanding"
    assert r.json()["documents_requested"] == ["V5C registration document"]
    assert letters(claim).filter(kind="gap_claim_documents").count() == 1
