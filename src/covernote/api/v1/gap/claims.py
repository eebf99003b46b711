"""GAP claims over REST: register, assess, decide, documents and payment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from covernote.accounts.selectors import request_user
from covernote.api.v1.gap.schemas import (
    AssessIn,
    ClaimIn,
    ClaimOut,
    DecideIn,
    DocumentsIn,
    PayIn,
    PaymentRefusalIn,
    PaymentRequestIn,
    claim_out,
)
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs.claims import (
    AssessInput,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
    PayInput,
    PaymentRefusalInput,
    PaymentRequestInput,
)
from covernote.gap.models import GapClaim

router = Router()


def _claim_action(
    request: HttpRequest,
    claim_id: int,
    service: Callable[..., GapClaim],
    read: Callable[[], object],
) -> dict[str, Any]:
    """Every write on a claim in one shape: the claim in the actor's scope first (another
    firm's is 404, PLT-4), then the body read into its typed input, then the service."""
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    return claim_out(service(actor=actor, claim=claim, data=read()))


@router.post(
    "/policies/{policy_id}/claims",
    response={201: ClaimOut},
    summary="Register a GAP claim",
    openapi_extra={"x-problems": [409]},
)
def register_claim(
    request: HttpRequest, policy_id: int, payload: ClaimIn
) -> Status[dict[str, Any]]:
    """Register a total loss on a policy: notification is checked against the time limits
    (GAP-CLAIM-1) and the documents needed are listed (GAP-CLAIM-2)."""
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = ClaimRegistration.parse(payload.model_dump())
    claim = svc.gap_claim_register(actor=actor, policy=policy, data=data)
    return Status(201, claim_out(claim))


@router.get("/claims/{claim_id}", response=ClaimOut, summary="Read a GAP claim")
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    """One claim with its notice (GAP-CLAIM-1), validity (GAP-CLAIM-3) and settlement
    (GAP-COVER) decisions and their steps. Another firm's claim is 404 (PLT-4)."""
    return claim_out(sel.claim_get_for(request_user(request), claim_id))


@router.post(
    "/claims/{claim_id}/assess",
    response=ClaimOut,
    summary="Assess a GAP claim",
    openapi_extra={"x-problems": [409]},
)
def assess_claim(request: HttpRequest, claim_id: int, payload: AssessIn) -> dict[str, Any]:
    """Work out the benefit from the motor insurer's figures (GAP-COVER-1..3, GAP-BEST-1,
    GAP-LIMIT) and check the exclusions against the facts found (GAP-CLAIM-3)."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_assess,
        lambda: AssessInput.parse(
            figures=payload.figures.model_dump(),
            facts=payload.facts,
            finance_lines=[(x.kind, x.amount) for x in payload.finance_lines],
        ),
    )


@router.post(
    "/claims/{claim_id}/decide",
    response=ClaimOut,
    summary="Approve or decline a GAP claim",
    openapi_extra={"x-problems": [409]},
)
def decide_claim(request: HttpRequest, claim_id: int, payload: DecideIn) -> dict[str, Any]:
    """Approve an assessed claim, or decline it citing the exclusions that apply
    (GAP-CLAIM-3, GAP-EXCL-*); the customer is written to in their own channel."""
    return _claim_action(
        request, claim_id, svc.gap_claim_decide, lambda: DecideInput.parse(payload.model_dump())
    )


@router.post(
    "/claims/{claim_id}/pay",
    response=ClaimOut,
    summary="Pay an approved GAP claim",
    openapi_extra={"x-problems": [409]},
)
def pay_claim(request: HttpRequest, claim_id: int, payload: PayIn) -> dict[str, Any]:
    """Record payment of the approved benefit (GAP-CLAIM-4); the same `idempotency_key`
    answers the same payment, never a second one."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_pay,
        lambda: PayInput(payload.idempotency_key, payload.paid_on),
    )


@router.post(
    "/claims/{claim_id}/payment-request",
    response=ClaimOut,
    summary="Ask a second approver to pay a GAP claim above your authority",
    openapi_extra={"x-problems": [409]},
)
def request_claim_payment(
    request: HttpRequest, claim_id: int, payload: PaymentRequestIn
) -> dict[str, Any]:
    """An approved benefit above the payer's payment authority (GAP-CLAIM-4, ADR 0026)
    waits in `payment_pending` for a different user whose authority covers it."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_payment_request,
        lambda: PaymentRequestInput(note=payload.note),
    )


@router.post(
    "/claims/{claim_id}/payment-approve",
    response=ClaimOut,
    summary="Approve and pay a GAP claim waiting for a second approver",
    openapi_extra={"x-problems": [409]},
)
def approve_claim_payment(request: HttpRequest, claim_id: int, payload: PayIn) -> dict[str, Any]:
    """The second approver -- never the requester, and with authority for the amount --
    approves and the benefit is paid (GAP-CLAIM-4, ADR 0026); the same `idempotency_key`
    answers the same payment."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_payment_approve,
        lambda: PayInput(payload.idempotency_key, payload.paid_on),
    )


@router.post(
    "/claims/{claim_id}/payment-refuse",
    response=ClaimOut,
    summary="Send a GAP claim payment back to its requester",
    openapi_extra={"x-problems": [409]},
)
def refuse_claim_payment(
    request: HttpRequest, claim_id: int, payload: PaymentRefusalIn
) -> dict[str, Any]:
    """The second approver refuses the payment with a reason the requester reads
    (GAP-CLAIM-4, ADR 0026); the claim goes back to approved, unpaid."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_payment_refuse,
        lambda: PaymentRefusalInput(reason=payload.reason),
    )


@router.post(
    "/claims/{claim_id}/documents",
    response=ClaimOut,
    summary="Ask for documents on a GAP claim",
    openapi_extra={"x-problems": [409]},
)
def request_claim_documents(
    request: HttpRequest, claim_id: int, payload: DocumentsIn
) -> dict[str, Any]:
    """Documents outstanding (GAP-CLAIM-2): the customer is written to in their own
    channel, with their reasonable adjustments (PLT-2)."""
    return _claim_action(
        request,
        claim_id,
        svc.gap_claim_request_documents,
        lambda: DocumentsRequest.parse(payload.model_dump()),
    )
