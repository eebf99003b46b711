"""REST endpoints for Young Driver (tenant-scoped through the selectors; other party → 404)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from covernote.accounts.selectors import request_user
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
    device: dict[str, Any] | None
    install_task: dict[str, Any] | None
    instalments: list[InstalmentOut]
    cancellation: dict[str, Any] | None


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
        device={"id": device.pk, "serial": device.serial, "state": device.state}
        if device
        else None,
        install_task={
            "id": task.pk,
            "deadline": task.deadline.isoformat(),
            "status": task.status,
        }
        if task
        else None,
        instalments=[
            InstalmentOut(number=i.number, due=i.due, amount=i.amount, status=i.status)
            for i in plan.instalments.all()
        ]
        if plan
        else [],
        cancellation={
            "cancel_on": c.cancel_on.isoformat(),
            "refund": str(c.refund),
            "outstanding_netted": str(c.outstanding_netted),
            "balance_to_collect": str(c.balance_to_collect),
            "refund_due_by": c.refund_due_by.isoformat(),
            "box_credit": str(c.box_credit),
            "box_refund": None if c.box_refund is None else str(c.box_refund),
            "decision": c.decision,
        }
        if c
        else None,
    )


@router.post("/quotes", response={201: QuoteOut})
def create_quote(request: HttpRequest, payload: QuoteIn) -> Status[QuoteOut]:
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


@router.get("/quotes/{quote_id}", response=QuoteOut)
def get_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    return quote_out(sel.quote_get_for(request_user(request), quote_id))


@router.post("/quotes/{quote_id}/buy", response={201: PolicyOut})
def buy(request: HttpRequest, quote_id: int, payload: BuyIn) -> Status[PolicyOut]:
    actor = request_user(request)
    q = sel.quote_get_for(actor, quote_id)
    p = svc.yd_policy_buy(actor=actor, quote_obj=q, data=BuyInput(**payload.model_dump()))
    return Status(201, policy_out(p))


@router.get("/policies", response=list[PolicyOut])
def list_policies(request: HttpRequest) -> list[PolicyOut]:
    return [policy_out(p) for p in sel.policy_scope(request_user(request))[:200]]


@router.get("/policies/{policy_id}", response=PolicyOut)
def get_policy(request: HttpRequest, policy_id: int) -> PolicyOut:
    return policy_out(sel.policy_get_for(request_user(request), policy_id))


@router.post("/policies/{policy_id}/mta", response=PolicyOut)
def mta(request: HttpRequest, policy_id: int, payload: MtaIn) -> PolicyOut:
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    return policy_out(
        svc.yd_policy_adjust(actor=actor, policy=p, data=AdjustInput(**payload.model_dump()))
    )


@router.post("/policies/{policy_id}/vehicle-change", response=PolicyOut)
def vehicle_change(request: HttpRequest, policy_id: int, payload: VehicleIn) -> PolicyOut:
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    return policy_out(
        svc.yd_policy_vehicle_change(
            actor=actor, policy=p, data=VehicleChangeInput(**payload.model_dump())
        )
    )


@router.get("/policies/{policy_id}/cancellation-preview")
def cancellation_preview(request: HttpRequest, policy_id: int, cancel_on: date) -> dict[str, Any]:
    p = sel.policy_get_for(request_user(request), policy_id)
    return svc.yd_cancellation_preview(
        policy=p, cancel_on=cancel_on, notice_date=date.today()
    ).decision.as_dict()


@router.post("/policies/{policy_id}/cancel", response=PolicyOut)
def cancel(request: HttpRequest, policy_id: int, payload: CancelIn) -> PolicyOut:
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    svc.yd_policy_cancel(actor=actor, policy=p, data=CancelInput(**payload.model_dump()))
    return policy_out(sel.policy_get_for(actor, policy_id))


@router.post("/policies/{policy_id}/smartbox-return", response=PolicyOut)
def smartbox_return(request: HttpRequest, policy_id: int, payload: BoxReturnIn) -> PolicyOut:
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    svc.yd_smartbox_return_record(
        actor=actor, policy=p, data=SmartboxReturnInput(returned_on=payload.returned_on)
    )
    return policy_out(sel.policy_get_for(actor, policy_id))


@router.post("/install-tasks/{task_id}/photos", response={201: dict[str, Any]})
def upload_photo(request: HttpRequest, task_id: int, payload: PhotoIn) -> Status[dict[str, Any]]:
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


@router.post("/photos/{photo_id}/review", response=dict[str, Any])
def review_photo(request: HttpRequest, photo_id: int, payload: ApproveIn) -> dict[str, Any]:
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


@router.post("/policies/{policy_id}/theft-claims", response={201: TheftOut})
def register_theft(request: HttpRequest, policy_id: int, payload: TheftIn) -> Status[TheftOut]:
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    claim = svc.yd_theft_claim_register(
        actor=actor, policy=p, data=TheftClaimInput(**payload.model_dump())
    )
    return Status(201, theft_out(claim))


@router.get("/theft-claims/{claim_id}", response=TheftOut)
def get_theft(request: HttpRequest, claim_id: int) -> TheftOut:
    """Staff also get the Smartbox's last known position while the case is open."""
    actor = request_user(request)
    claim = sel.theft_claim_get_for(actor, claim_id)
    tracking = theft_tracking(actor, claim) if actor.is_intermediary_staff else None
    return theft_out(claim, tracking)


@router.post("/theft-claims/{claim_id}/close", response=TheftOut)
def close_theft(request: HttpRequest, claim_id: int, payload: TheftCloseIn) -> TheftOut:
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


@router.post("/policies/{policy_id}/renew", response={201: PolicyOut})
def renew(request: HttpRequest, policy_id: int, payload: RenewIn) -> Status[PolicyOut]:
    """YD-FEE-REN: accept the renewal invitation; the new term is a new linked policy."""
    actor = request_user(request)
    p = sel.policy_get_for(actor, policy_id)
    new = svc.yd_policy_renew(actor=actor, policy=p, idempotency_key=payload.idempotency_key)
    return Status(201, policy_out(new))
