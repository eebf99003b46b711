"""REST endpoints for Young Driver (tenant-scoped through the selectors; other party → 404)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from covernote.accounts.selectors import request_user
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.selectors import customer_get_for
from covernote.telematics.positions import theft_tracking
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    AdjustInput,
    BuyInput,
    CancelInput,
    PhotoReviewInput,
    PhotoUploadInput,
    QuoteInput,
    SmartboxReturnInput,
    TheftClaimInput,
    TheftCloseInput,
    VehicleChangeInput,
)
from covernote.young_driver.models import YDPolicy, YDQuote, YDTheftClaim

router = Router(tags=["young_driver"])


class QuoteIn(Schema):
    model_config = {"extra": "forbid"}

    customer_id: int
    start: date
    vehicle_reg: str
    vehicle_description: str = ""
    rating: dict[str, Any]
    add_ons: list[str] = []


class QuoteOut(Schema):
    id: int
    reference: str
    customer_id: int
    start: date
    premium_net: Decimal
    ipt: Decimal
    premium_gross: Decimal
    add_ons_gross: Decimal
    arrangement_fee: Decimal
    total: Decimal
    expires_on: date
    config_version: str
    decision: dict[str, Any]


class BuyIn(Schema):
    model_config = {"extra": "forbid"}

    payment_method: Literal["card", "direct_debit"]
    idempotency_key: str
    card_token: str = ""
    card_last4: str = ""
    sort_code: str = ""
    account_number: str = ""
    account_name: str = ""


class InstalmentOut(Schema):
    number: int
    due: date
    amount: Decimal
    status: str


class DeviceOut(Schema):
    id: int
    serial: str
    state: str


class InstallTaskOut(Schema):
    id: int
    deadline: str = Field(description="ISO timestamp (YD-BOX-INSTALL)")
    status: str


class CancellationBrief(Schema):
    cancel_on: str
    refund: str
    outstanding_netted: str = Field(
        description="Notified collections cancelled and set against the refund (YD-PAY-2)"
    )
    balance_to_collect: str = Field(
        description="What the customer still owes when the netted amounts exceed the refund"
    )
    refund_due_by: str
    box_credit: str = Field(description="Paid back if the Smartbox comes back (YD-CANCEL-4)")
    box_refund: str | None
    decision: dict[str, Any] = Field(description="The refund Decision with steps")


class PolicyOut(Schema):
    id: int
    number: str
    customer_id: int
    status: str
    start: date
    end: date
    vehicle_reg: str
    annual_premium: Decimal
    premium_paid: Decimal  # collected (YD-PAY-2)
    premium_scheduled: Decimal  # notified, not yet collected (+) or refunded (−)
    premium_charged: Decimal  # the premium for the term: paid + scheduled
    payment_method: str
    version: int
    device: DeviceOut | None
    install_task: InstallTaskOut | None
    instalments: list[InstalmentOut]
    cancellation: CancellationBrief | None


class MtaIn(Schema):
    model_config = {"extra": "forbid"}

    changes: dict[str, Any]
    effective: date
    idempotency_key: str


class VehicleIn(Schema):
    model_config = {"extra": "forbid"}

    vehicle_reg: str
    vehicle_group: int
    new_box: bool
    effective: date
    idempotency_key: str
    vehicle_description: str = ""


class CancelIn(Schema):
    model_config = {"extra": "forbid"}

    cancel_on: date
    by: Literal["customer", "us"] = "customer"
    void_for_fraud: bool = False
    reason: str = ""


class BoxReturnIn(Schema):
    model_config = {"extra": "forbid"}

    returned_on: date


class PhotoIn(Schema):
    model_config = {"extra": "forbid"}

    filename: str
    content_base64: str


class ApproveIn(Schema):
    model_config = {"extra": "forbid"}

    approve: bool = True
    note: str = ""
    reason: str = ""


class PolicyPage(Page):
    items: list[PolicyOut]


class PhotoOut(Schema):
    id: int
    status: str
    sha256: str


class PhotoReviewOut(Schema):
    task: int
    status: str
    device_state: str


class StepOut(Schema):
    rule: str
    description: str
    amount: str | None = None
    value: Any = None
    inputs: dict[str, Any] | None = None


class DecisionOut(Schema):
    """A calculation with its rule-cited steps; its named amounts (``refund``, …) are
    two-decimal strings beside ``outcome``."""

    model_config = {"extra": "allow"}

    outcome: str
    steps: list[StepOut]
    warnings: list[str]


def quote_out(q: YDQuote) -> QuoteOut:
    return QuoteOut(
        id=q.pk,
        reference=q.reference,
        customer_id=q.customer_id,
        start=q.start,
        premium_net=q.premium_net,
        ipt=q.ipt,
        premium_gross=q.premium_gross,
        add_ons_gross=q.add_ons_gross,
        arrangement_fee=q.arrangement_fee,
        total=q.total,
        expires_on=q.expires_on,
        config_version=q.config.version,
        decision=q.decision,
    )


def policy_out(p: YDPolicy) -> PolicyOut:
    device = svc.current_device(p)
    task = sel.open_task(p)
    plan = getattr(p, "plan", None) if p.payment_method == "direct_debit" else None
    c = getattr(p, "cancellation", None)
    position = sel.premium_position(p)
    return PolicyOut(
        id=p.pk,
        number=p.number,
        customer_id=p.customer_id,
        status=p.status,
        start=p.start,
        end=p.end,
        vehicle_reg=p.vehicle_reg,
        annual_premium=p.annual_premium,
        premium_paid=position.collected,
        premium_scheduled=position.scheduled,
        premium_charged=position.charged,
        payment_method=p.payment_method,
        version=p.version,
        device=DeviceOut(id=device.pk, serial=device.serial, state=device.state)
        if device
        else None,
        install_task=InstallTaskOut(
            id=task.pk, deadline=task.deadline.isoformat(), status=task.status
        )
        if task
        else None,
        instalments=[
            InstalmentOut(number=i.number, due=i.due, amount=i.amount, status=i.status)
            for i in plan.instalments.all()
        ]
        if plan
        else [],
        cancellation=CancellationBrief(
            cancel_on=c.cancel_on.isoformat(),
            refund=str(c.refund),
            outstanding_netted=str(c.outstanding_netted),
            balance_to_collect=str(c.balance_to_collect),
            refund_due_by=c.refund_due_by.isoformat(),
            box_credit=str(c.box_credit),
            box_refund=None if c.box_refund is None else str(c.box_refund),
            decision=c.decision,
        )
        if c
        else None,
    )


@router.post("/quotes", response={201: QuoteOut}, summary="Quote Young Driver cover")
def create_quote(request: HttpRequest, payload: QuoteIn) -> Status[QuoteOut]:
    """Rate a young driver from the declared facts (YD-RATE; refused inputs PLT-3) and price
    the add-ons; the quote keeps its rating Decision with steps (YD-SALE-1). Another firm's
    customer is 404 (PLT-4)."""
    actor = request_user(request)
    customer = customer_get_for(actor, payload.customer_id)
    q = svc.yd_quote_create(
        actor=actor,
        customer=customer,
        data=QuoteInput(
            start=payload.start,
            vehicle_reg=payload.vehicle_reg,
            vehicle_description=payload.vehicle_description,
            rating=payload.rating,
            add_ons=tuple(payload.add_ons),
        ),
    )
    return Status(201, quote_out(q))


@router.get("/quotes/{quote_id}", response=QuoteOut, summary="Read a Young Driver quote")
def get_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    """One quote with its premium, IPT, fees and rating Decision (YD-RATE). Another firm's
    quote is 404 (PLT-4)."""
    return quote_out(sel.quote_get_for(request_user(request), quote_id))


@router.post(
    "/quotes/{quote_id}/buy",
    response={201: PolicyOut},
    summary="Buy a Young Driver quote",
    openapi_extra={"x-problems": [409, 410]},
)
def buy(request: HttpRequest, quote_id: int, payload: BuyIn) -> Status[PolicyOut]:
    """Buy by card or premium-finance Direct Debit (YD-SALE-2, YD-FEE): the Smartbox
    install task starts its clock (YD-BOX-INSTALL). The same `idempotency_key` answers the
    same policy; an expired quote is 410."""
    actor = request_user(request)
    q = sel.quote_get_for(actor, quote_id)
    p = svc.yd_policy_buy(actor=actor, quote_obj=q, data=BuyInput(**payload.model_dump()))
    return Status(201, policy_out(p))


@router.get("/policies", response=PolicyPage, summary="List Young Driver policies")
def list_policies(request: HttpRequest, response: HttpResponse, page: PageQuery) -> dict[str, Any]:
    """The Young Driver policies you may see, a page at a time: a broker its own firm's, a
    customer their own (PLT-4). `count` is the whole list's size."""
    return paginate(request, response, sel.policy_scope(request_user(request)), page, policy_out)


@router.get("/policies/{policy_id}", response=PolicyOut, summary="Read a Young Driver policy")
def get_policy(request: HttpRequest, policy_id: int) -> PolicyOut:
    """One policy with its Smartbox, install task (YD-BOX-INSTALL), instalments and any
    cancellation (YD-CANCEL-1..5). Another firm's policy is 404 (PLT-4)."""
    return policy_out(sel.policy_get_for(request_user(request), policy_id))


@router.post(
    "/policies/{policy_id}/mta",
    response=PolicyOut,
    summary="Change a Young Driver policy mid-term",
    openapi_extra={"x-problems": [409]},
)
def mta(request: HttpRequest, policy_id: int, payload: MtaIn) -> PolicyOut:
    """A mid-term adjustment of the rating facts (YD-FEE-MTA): re-rated pro rata from
    `effective`, with the MTA fee. `version` conflicts are 409."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    return policy_out(
        svc.yd_policy_adjust(actor=actor, policy=p, data=AdjustInput(**payload.model_dump()))
    )


@router.post(
    "/policies/{policy_id}/vehicle-change",
    response=PolicyOut,
    summary="Change the insured vehicle",
    openapi_extra={"x-problems": [409]},
)
def vehicle_change(request: HttpRequest, policy_id: int, payload: VehicleIn) -> PolicyOut:
    """Move cover to another vehicle (YD-BOX-VEHICLE): re-rated for its group, with a new
    Smartbox when asked for (YD-FEE)."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    return policy_out(
        svc.yd_policy_vehicle_change(
            actor=actor, policy=p, data=VehicleChangeInput(**payload.model_dump())
        )
    )


@router.get(
    "/policies/{policy_id}/cancellation-preview",
    response=DecisionOut,
    summary="Preview a Young Driver cancellation",
)
def cancellation_preview(request: HttpRequest, policy_id: int, cancel_on: date) -> dict[str, Any]:
    """The refund if the policy were cancelled on `cancel_on`, with its steps (YD-CANCEL-1..5,
    YD-CANCEL-4 Smartbox credit). Nothing is changed."""
    p = sel.policy_get_for(request_user(request), policy_id)
    return svc.yd_cancellation_preview(
        policy=p, cancel_on=cancel_on, notice_date=timezone.localdate()
    ).decision.as_dict()


@router.post(
    "/policies/{policy_id}/cancel",
    response=PolicyOut,
    summary="Cancel or void a Young Driver policy",
    openapi_extra={"x-problems": [409]},
)
def cancel(request: HttpRequest, policy_id: int, payload: CancelIn) -> PolicyOut:
    """Cancel by the customer or by us (YD-CANCEL-1..5), or void for fraud (YD-VOID-1); the
    refund is worked out with its steps and the Smartbox is due back (YD-CANCEL-4)."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    svc.yd_policy_cancel(actor=actor, policy=p, data=CancelInput(**payload.model_dump()))
    return policy_out(sel.policy_get_for(actor, policy_id))


@router.post(
    "/policies/{policy_id}/smartbox-return",
    response=PolicyOut,
    summary="Record the Smartbox's return",
    openapi_extra={"x-problems": [409]},
)
def smartbox_return(request: HttpRequest, policy_id: int, payload: BoxReturnIn) -> PolicyOut:
    """The Smartbox came back after cancellation: the return credit is refunded if it came
    back in time (YD-CANCEL-4)."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    svc.yd_smartbox_return_record(
        actor=actor, policy=p, data=SmartboxReturnInput(returned_on=payload.returned_on)
    )
    return policy_out(sel.policy_get_for(actor, policy_id))


@router.post(
    "/install-tasks/{task_id}/photos",
    response={201: PhotoOut},
    summary="Upload a Smartbox installation photo",
    openapi_extra={"x-problems": [409]},
)
def upload_photo(request: HttpRequest, task_id: int, payload: PhotoIn) -> Status[dict[str, Any]]:
    """A photo of the fitted Smartbox, base64 in JSON (JPEG or PNG), for review
    (YD-BOX-INSTALL)."""
    actor = request_user(request)
    task = sel.task_get_for(actor, task_id)
    try:
        raw = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            ErrorCode.INVALID, "content_base64 is not base64", "YD-BOX-INSTALL", "photo"
        ) from None
    photo = svc.yd_install_photo_upload(
        actor=actor, task=task, data=PhotoUploadInput(filename=payload.filename, content=raw)
    )
    return Status(201, {"id": photo.pk, "status": photo.status, "sha256": photo.sha256})


@router.post(
    "/photos/{photo_id}/review",
    response=PhotoReviewOut,
    summary="Approve or reject an installation photo",
    openapi_extra={"x-problems": [409]},
)
def review_photo(request: HttpRequest, photo_id: int, payload: ApproveIn) -> dict[str, Any]:
    """Staff approve the installation (the Smartbox goes live) or reject the photo
    (YD-BOX-INSTALL)."""
    actor = request_user(request)
    photo = sel.photo_get_for(actor, photo_id)
    task = svc.yd_install_photo_review(
        actor=actor, photo=photo, data=PhotoReviewInput(**payload.model_dump())
    )
    return {"task": task.pk, "status": task.status, "device_state": task.device.state}


# --------------------------------------------------------------------------- theft (YD-THEFT-1)


class TheftIn(Schema):
    model_config = {"extra": "forbid"}

    police_incident_number: str
    stolen_on: date
    idempotency_key: str
    description: str = ""


class TheftCloseIn(Schema):
    model_config = {"extra": "forbid"}

    outcome: str


class PositionOut(Schema):
    ts: datetime
    lat: float
    lon: float
    speed_kmh: float


class TheftOut(Schema):
    id: int
    reference: str
    policy_id: int
    policy_number: str
    police_incident_number: str
    stolen_on: date
    reported_on: date
    status: str
    outcome: str
    device_serial: str | None
    last_position: PositionOut | None = None


def theft_out(claim: YDTheftClaim, tracking: dict[str, Any] | None = None) -> TheftOut:
    pos = (tracking or {}).get("last_position")
    return TheftOut(
        id=claim.pk,
        reference=claim.reference,
        policy_id=claim.policy_id,
        policy_number=claim.policy.number,
        police_incident_number=claim.police_incident_number,
        stolen_on=claim.stolen_on,
        reported_on=claim.reported_on,
        status=claim.status,
        outcome=claim.outcome,
        device_serial=claim.device.serial if claim.device else None,
        last_position=PositionOut(ts=pos.ts, lat=pos.lat, lon=pos.lon, speed_kmh=pos.speed_kmh)
        if pos is not None
        else None,
    )


@router.post(
    "/policies/{policy_id}/theft-claims",
    response={201: TheftOut},
    summary="Report a stolen vehicle",
    openapi_extra={"x-problems": [409]},
)
def register_theft(request: HttpRequest, policy_id: int, payload: TheftIn) -> Status[TheftOut]:
    """Register a theft with the police incident number (YD-THEFT-1): the Smartbox is
    tracked for the case. The same `idempotency_key` answers the same claim."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    claim = svc.yd_theft_claim_register(
        actor=actor, policy=p, data=TheftClaimInput(**payload.model_dump())
    )
    return Status(201, theft_out(claim))


@router.get("/theft-claims/{claim_id}", response=TheftOut, summary="Read a theft claim")
def get_theft(request: HttpRequest, claim_id: int) -> TheftOut:
    """One theft claim (YD-THEFT-1); staff also get the Smartbox's last known position while
    the case is open. Another firm's claim is 404 (PLT-4)."""
    actor = request_user(request)
    claim = sel.theft_claim_get_for(actor, claim_id)
    tracking = theft_tracking(actor, claim) if actor.is_intermediary_staff else None
    return theft_out(claim, tracking)


@router.post(
    "/theft-claims/{claim_id}/close",
    response=TheftOut,
    summary="Close a theft claim",
    openapi_extra={"x-problems": [409]},
)
def close_theft(request: HttpRequest, claim_id: int, payload: TheftCloseIn) -> TheftOut:
    """Close the case with its outcome (YD-THEFT-1); tracking stops."""
    actor = request_user(request)
    claim = sel.theft_claim_get_for(actor, claim_id)
    return theft_out(
        svc.yd_theft_claim_close(
            actor=actor, claim=claim, data=TheftCloseInput(outcome=payload.outcome)
        )
    )


class RenewIn(Schema):
    model_config = {"extra": "forbid"}

    idempotency_key: str


@router.post(
    "/policies/{policy_id}/renew",
    response={201: PolicyOut},
    summary="Renew a Young Driver policy",
    openapi_extra={"x-problems": [409]},
)
def renew(request: HttpRequest, policy_id: int, payload: RenewIn) -> Status[PolicyOut]:
    """YD-FEE-REN: accept the renewal invitation; the new term is a new linked policy."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    new = svc.yd_policy_renew(actor=actor, policy=p, idempotency_key=payload.idempotency_key)
    return Status(201, policy_out(new))
