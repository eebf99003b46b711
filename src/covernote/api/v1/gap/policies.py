"""GAP quotes, policies, cancellations and vehicle transfers over REST."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from covernote.accounts.selectors import request_user
from covernote.api.v1.gap.schemas import (
    BindIn,
    CancelIn,
    CancellationOut,
    PolicyOut,
    PolicyPage,
    QuoteIn,
    QuoteOut,
    TransferIn,
    TransferOut,
    cancellation_out,
    policy_out,
    quote_out,
    transfer_out,
)
from covernote.api.v1.pagination import PageQuery, paginate
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs.policy import BindInput, CancelInput, TransferInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.parties.selectors import customer_get_for

router = Router()


@router.post("/quotes", response={201: QuoteOut}, summary="Quote GAP cover")
def create_quote(request: HttpRequest, payload: QuoteIn) -> Status[dict[str, Any]]:
    """Check eligibility and price GAP cover for a customer's vehicle purchase.

    The quote records every eligibility rule failed (GAP-ELIG-1..7, `failing_rules`) and
    the premium with IPT (GAP-PRICE); the purchase price comes from the invoice lines
    (GAP-DEF-PRICE) and is capped by the limit of liability (GAP-LIMIT). Another firm's
    customer is 404 (PLT-4)."""
    actor = request_user(request)
    customer = customer_get_for(actor, payload.customer_id)
    data = QuoteInput.parse(payload.model_dump(exclude={"customer_id"}))
    quote = svc.gap_quote_create(actor=actor, customer=customer, data=data)
    return Status(201, quote_out(quote))


@router.get("/quotes/{quote_id}", response=QuoteOut, summary="Read a GAP quote")
def get_quote(request: HttpRequest, quote_id: int) -> dict[str, Any]:
    """One quote with its eligibility (GAP-ELIG) and pricing (GAP-PRICE) decisions and
    their steps. Another firm's quote is 404 (PLT-4)."""
    return quote_out(sel.quote_get_for(request_user(request), quote_id))


@router.post(
    "/quotes/{quote_id}/bind",
    response={201: PolicyOut},
    summary="Buy a GAP quote",
    openapi_extra={"x-problems": [409, 410]},
)
def bind_quote(request: HttpRequest, quote_id: int, payload: BindIn) -> Status[dict[str, Any]]:
    """Turn an eligible, unexpired quote into a policy (GAP-SALE-1). Retrying with the same
    `idempotency_key` answers the same policy; an expired quote is 410, a quote already
    bought or not eligible (GAP-ELIG) is 409."""
    actor = request_user(request)
    quote = sel.quote_get_for(actor, quote_id)
    policy = svc.gap_policy_bind(
        actor=actor,
        quote=quote,
        data=BindInput(payload.idempotency_key, payload.documents_received_on),
    )
    return Status(201, policy_out(policy))


@router.get("/policies", response=PolicyPage, summary="List GAP policies")
def list_policies(
    request: HttpRequest, response: HttpResponse, page: PageQuery, status: str = ""
) -> dict[str, Any]:
    """The GAP policies you may see, a page at a time: a broker its own firm's only
    (PLT-4), optionally one `status`. `count` is the whole list's size."""
    qs = sel.policy_list_for(request_user(request), status=status)
    return paginate(request, response, qs, page, policy_out)


@router.get("/policies/{policy_id}", response=PolicyOut, summary="Read a GAP policy")
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    """One policy with its premium, commission and vehicle transfers (GAP-CLAIM-3
    exclusion 9), and the customer's reasonable adjustments (PLT-2). Another firm's
    policy is 404 (PLT-4)."""
    return policy_out(sel.policy_get_for(request_user(request), policy_id))


@router.post(
    "/policies/{policy_id}/cancel",
    response={201: CancellationOut},
    summary="Cancel a GAP policy",
    openapi_extra={"x-problems": [409]},
)
def cancel_policy(
    request: HttpRequest, policy_id: int, payload: CancelIn
) -> Status[dict[str, Any]]:
    """Cancel by the customer, the insurer or on the vehicle's sale, with the refund
    worked out (GAP-CANCEL-1 cooling-off, GAP-CANCEL-2 pro rata, GAP-CANCEL-4 insurer's
    reasons). A customer cancellation while a claim is pending is 409 (GAP-CANCEL-3)."""
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = CancelInput.parse(payload.model_dump())
    c = svc.gap_policy_cancel(actor=actor, policy=policy, data=data)
    return Status(201, cancellation_out(c))


@router.post(
    "/policies/{policy_id}/transfer-vehicle",
    response={201: TransferOut},
    summary="Move GAP cover to a replacement vehicle",
    openapi_extra={"x-problems": [409]},
)
def transfer_vehicle(
    request: HttpRequest, policy_id: int, payload: TransferIn
) -> Status[dict[str, Any]]:
    """Transfer cover to the new-for-old replacement vehicle (GAP-CLAIM-3 exclusion 9):
    the new vehicle is checked for eligibility (GAP-ELIG) and the policy's version moves
    on. The same `idempotency_key` answers the same transfer."""
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = TransferInput.parse(payload.model_dump())
    t = svc.gap_policy_transfer_vehicle(actor=actor, policy=policy, data=data)
    return Status(201, transfer_out(t))
