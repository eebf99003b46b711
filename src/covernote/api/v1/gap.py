"""Combined GAP over REST (SPEC §1): quote, bind, policies, cancel, claims.

Every id is resolved through a tenant-scoped selector (PLT-4): another firm's id
is 404. Money is sent and returned as strings (never floats, G1). Every response
about a customer carries their reasonable adjustments (PLT-2) and each stored
calculation its Decision with rule-cited steps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from covernote.accounts.selectors import request_user
from covernote.complaints.fair_value_figures import gap_complaints_by_firm
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs import (
    AssessInput,
    BindInput,
    CancelInput,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
    PayInput,
    PaymentRefusalInput,
    PaymentRequestInput,
    QuoteInput,
    TransferInput,
)
from covernote.gap.models import (
    GapCancellation,
    GapClaim,
    GapPolicy,
    GapQuote,
    GapVehicleTransfer,
)
from covernote.parties.models import Customer
from covernote.parties.selectors import customer_get_for

router = Router(tags=["gap"])

Money = str | int


class Strict(Schema):
    model_config = {"extra": "forbid"}


class VehicleIn(Strict):
    registration: str = Field(min_length=1, max_length=12)
    make: str = Field(min_length=1)
    model: str = Field(min_length=1)
    valuation_code: str = Field(min_length=1, description="Glass's Guide code (GAP-ELIG-5)")
    first_registered_on: date
    uses: list[str] = ["social_domestic_pleasure"]
    gross_weight_kg: int = 1500
    is_commercial: bool = False
    is_kit_car: bool = False
    is_invalid_carriage: bool = False
    built_for: str = "uk"
    registered_in_uk: bool = True
    principally_used_in_uk: bool = True


class PurchaseLineIn(Strict):
    kind: str
    amount: Money
    description: str = ""


class FinanceIn(Strict):
    lender: str
    amount_advanced: Money
    agreement_number: str = ""


class MotorPolicyIn(Strict):
    insurer: str
    policy_number: str
    cover: str = "comprehensive"
    covers_whole_gap_period: bool


class QuoteIn(Strict):
    customer_id: int
    vehicle: VehicleIn
    purchase_lines: list[PurchaseLineIn]
    finance: FinanceIn | None = None
    motor_policy: MotorPolicyIn | None = None
    holder_relationship: str = "owner"
    ownership_date: date
    term_months: int
    limit_of_liability: Money
    start_on: date | None = None
    sold_with_vehicle: bool = False
    customer_initiated: bool = False
    prescribed_info_given_on: date | None = None


class BindIn(Strict):
    idempotency_key: str = Field(min_length=8, max_length=200)
    documents_received_on: date | None = None


class TransferIn(Strict):
    """GAP-CLAIM-3 exclusion 9: move cover to the new-for-old replacement vehicle."""

    vehicle: VehicleIn
    purchase_lines: list[PurchaseLineIn]
    idempotency_key: str = Field(min_length=8, max_length=200)
    transfer_on: date | None = None
    note: str = ""


class CancelIn(Strict):
    kind: Literal["customer", "insurer", "vehicle_sold"]
    notice_on: date
    reason: str | None = None
    disposed_on: date | None = None
    fraudulent_act_on: date | None = None
    idempotency_key: str | None = None


class ClaimIn(Strict):
    event_at: datetime
    notified_at: datetime | None = None
    total_loss_on: date | None = None
    written_notice_on: date | None = None
    territory: str = "england"
    motor_section: str = "accidental_damage"
    description: str = ""


class FiguresIn(Strict):
    settlement: Money
    motor_excess: Money
    accepted_settlement: Money | None = None
    market_value: Money | None = None
    contributory_percent: Money | None = None
    contributory_amount: Money | None = None
    vat_recovered: bool = False
    waive_market_value: bool = False
    premium_charged: Money | None = None
    premium_would_have_charged: Money | None = None


class FinanceLineIn(Strict):
    kind: str
    amount: Money


class AssessIn(Strict):
    figures: FiguresIn
    facts: dict[str, Any] = {}
    finance_lines: list[FinanceLineIn] = []


class DecideIn(Strict):
    approve: bool
    exclusion_ids: list[str] | None = None
    note: str = ""


class PayIn(Strict):
    idempotency_key: str = Field(min_length=8, max_length=200)
    paid_on: date | None = None


class PaymentRequestIn(Strict):
    note: str = Field(default="", max_length=2000)


class PaymentRefusalIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


def _m(v: Any) -> str | None:
    return None if v is None else f"{v:.2f}"


def _adj(c: Customer) -> list[dict[str, str]]:
    return [{"kind": a.kind, "note": a.note} for a in c.active_adjustments()]


def quote_out(q: GapQuote) -> dict[str, Any]:
    return {
        "id": q.pk,
        "reference": q.reference,
        "status": q.status,
        "customer_id": q.customer_id,
        "customer_adjustments": _adj(q.customer),
        "vehicle": {
            "registration": q.vehicle.registration,
            "valuation_code": q.vehicle.valuation_code,
        },
        "purchase_price": _m(q.purchase_price),
        "term_months": q.term_months,
        "limit_of_liability": _m(q.limit_of_liability),
        "start_on": q.start_on,
        "end_on": q.end_on,
        "failing_rules": q.failing_rules,
        "failures": [f.as_dict() for f in q.eligibility_record.failures],
        "net_premium": _m(q.net_premium),
        "ipt": _m(q.ipt),
        "gross_premium": _m(q.gross_premium),
        "expires_on": q.expires_on,
        "config_version": q.config.version,
        "purchase": q.purchase,
        "eligibility": q.eligibility,
        "pricing": q.pricing,
    }


def policy_out(p: GapPolicy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "status": p.status,
        "customer_id": p.customer_id,
        "customer_adjustments": _adj(p.customer),
        "quote_id": p.quote_id,
        "registration": p.vehicle.registration,
        "start_on": p.start_on,
        "end_on": p.end_on,
        "limit_of_liability": _m(p.limit_of_liability),
        "net_premium": _m(p.net_premium),
        "ipt": _m(p.ipt),
        "gross_premium": _m(p.gross_premium),
        "commission": _m(p.commission),
        "config_version": p.config.version,
        "terminated_on": p.terminated_on,
        "termination_reason": p.termination_reason or None,
        "version": p.version,
        "vehicle_transfers": [
            {
                "policy_version": t.policy_version,
                "transferred_on": t.transferred_on,
                "from_registration": t.from_vehicle.registration,
                "to_registration": t.to_vehicle.registration,
            }
            for t in p.transfers.select_related("from_vehicle", "to_vehicle")
        ],
    }


def cancellation_out(c: GapCancellation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "policy_id": c.policy_id,
        "kind": c.kind,
        "status": c.status,
        "notice_on": c.notice_on,
        "cancel_on": c.cancel_on,
        "refund": _m(c.refund),
        "decision": c.decision,
        "policy_status": GapPolicy.objects.get(pk=c.policy_id).status,
    }


def claim_out(c: GapClaim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reference": c.reference,
        "policy_id": c.policy_id,
        "status": c.status,
        "documents_requested": c.documents_requested,
        "customer_adjustments": _adj(c.customer),
        "loss_on": c.loss_on,
        "notice": c.notice,
        "validity": c.validity,
        "settlement": c.settlement,
        "payable": _m(c.payable),
        "decline_rules": c.decline_rules,
        "paid_amount": _m(c.paid_amount),
        "paid_on": c.paid_on,
        "version": c.version,
    }


@router.post("/quotes", response={201: dict[str, Any]})
def create_quote(request: HttpRequest, payload: QuoteIn) -> Status[dict[str, Any]]:
    actor = request_user(request)
    customer = customer_get_for(actor, payload.customer_id)
    data = QuoteInput.parse(payload.model_dump(exclude={"customer_id"}))
    quote = svc.gap_quote_create(actor=actor, customer=customer, data=data)
    return Status(201, quote_out(quote))


@router.get("/quotes/{quote_id}", response=dict[str, Any])
def get_quote(request: HttpRequest, quote_id: int) -> dict[str, Any]:
    return quote_out(sel.quote_get_for(request_user(request), quote_id))


@router.post("/quotes/{quote_id}/bind", response={201: dict[str, Any]})
def bind_quote(request: HttpRequest, quote_id: int, payload: BindIn) -> Status[dict[str, Any]]:
    actor = request_user(request)
    quote = sel.quote_get_for(actor, quote_id)
    policy = svc.gap_policy_bind(
        actor=actor,
        quote=quote,
        data=BindInput(payload.idempotency_key, payload.documents_received_on),
    )
    return Status(201, policy_out(policy))


@router.get("/policies", response=list[dict[str, Any]])
def list_policies(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [policy_out(p) for p in sel.policy_list_for(request_user(request), status=status)[:200]]


@router.get("/policies/{policy_id}", response=dict[str, Any])
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    return policy_out(sel.policy_get_for(request_user(request), policy_id))


@router.post("/policies/{policy_id}/cancel", response={201: dict[str, Any]})
def cancel_policy(
    request: HttpRequest, policy_id: int, payload: CancelIn
) -> Status[dict[str, Any]]:
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = CancelInput.parse(payload.model_dump())
    c = svc.gap_policy_cancel(actor=actor, policy=policy, data=data)
    return Status(201, cancellation_out(c))


def transfer_out(t: GapVehicleTransfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "policy": policy_out(t.policy),
        "policy_version": t.policy_version,
        "transferred_on": t.transferred_on,
        "from_registration": t.from_vehicle.registration,
        "to_registration": t.to_vehicle.registration,
        "previous_purchase_price": _m(t.previous_purchase_price),
        "purchase_price": _m(t.purchase_price),
        "purchase": t.purchase,
        "eligibility": t.eligibility,
    }


@router.post("/policies/{policy_id}/transfer-vehicle", response={201: dict[str, Any]})
def transfer_vehicle(
    request: HttpRequest, policy_id: int, payload: TransferIn
) -> Status[dict[str, Any]]:
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = TransferInput.parse(payload.model_dump())
    t = svc.gap_policy_transfer_vehicle(actor=actor, policy=policy, data=data)
    return Status(201, transfer_out(t))


@router.post("/policies/{policy_id}/claims", response={201: dict[str, Any]})
def register_claim(
    request: HttpRequest, policy_id: int, payload: ClaimIn
) -> Status[dict[str, Any]]:
    actor = request_user(request)
    policy = sel.policy_get_for(actor, policy_id)
    data = ClaimRegistration.parse(payload.model_dump())
    claim = svc.gap_claim_register(actor=actor, policy=policy, data=data)
    return Status(201, claim_out(claim))


@router.get("/claims/{claim_id}", response=dict[str, Any])
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    return claim_out(sel.claim_get_for(request_user(request), claim_id))


@router.post("/claims/{claim_id}/assess", response=dict[str, Any])
def assess_claim(request: HttpRequest, claim_id: int, payload: AssessIn) -> dict[str, Any]:
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = AssessInput.parse(
        figures=payload.figures.model_dump(),
        facts=payload.facts,
        finance_lines=[(x.kind, x.amount) for x in payload.finance_lines],
    )
    claim = svc.gap_claim_assess(actor=actor, claim=claim, data=data)
    return claim_out(claim)


@router.post("/claims/{claim_id}/decide", response=dict[str, Any])
def decide_claim(request: HttpRequest, claim_id: int, payload: DecideIn) -> dict[str, Any]:
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = DecideInput.parse(payload.model_dump())
    return claim_out(svc.gap_claim_decide(actor=actor, claim=claim, data=data))


@router.post("/claims/{claim_id}/pay", response=dict[str, Any])
def pay_claim(request: HttpRequest, claim_id: int, payload: PayIn) -> dict[str, Any]:
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = PayInput(payload.idempotency_key, payload.paid_on)
    return claim_out(svc.gap_claim_pay(actor=actor, claim=claim, data=data))


@router.post("/claims/{claim_id}/payment-request", response=dict[str, Any])
def request_claim_payment(
    request: HttpRequest, claim_id: int, payload: PaymentRequestIn
) -> dict[str, Any]:
    """Above the payer's authority: the payment waits for a second approver (ADR 0026)."""
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = PaymentRequestInput(note=payload.note)
    return claim_out(svc.gap_claim_payment_request(actor=actor, claim=claim, data=data))


@router.post("/claims/{claim_id}/payment-approve", response=dict[str, Any])
def approve_claim_payment(request: HttpRequest, claim_id: int, payload: PayIn) -> dict[str, Any]:
    """The second approver (not the requester) approves and the claim is paid (ADR 0026)."""
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = PayInput(payload.idempotency_key, payload.paid_on)
    return claim_out(svc.gap_claim_payment_approve(actor=actor, claim=claim, data=data))


@router.post("/claims/{claim_id}/payment-refuse", response=dict[str, Any])
def refuse_claim_payment(
    request: HttpRequest, claim_id: int, payload: PaymentRefusalIn
) -> dict[str, Any]:
    """The second approver sends the payment back with a reason (ADR 0026)."""
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = PaymentRefusalInput(reason=payload.reason)
    return claim_out(svc.gap_claim_payment_refuse(actor=actor, claim=claim, data=data))


def value_report_out(report: sel.FairValueReport) -> dict[str, Any]:
    return {
        "rule": "GAP-VALUE-1",
        "from": report.period_from.isoformat(),
        "to": report.period_to.isoformat(),
        "distributors": [{"firm_id": r.firm_id, **r.figures.as_dict()} for r in report.rows],
        "total": report.total.as_dict(),
    }


class DocumentsIn(Strict):
    documents: list[str]
    note: str = ""


@router.post("/claims/{claim_id}/documents", response=dict[str, Any])
def request_claim_documents(
    request: HttpRequest, claim_id: int, payload: DocumentsIn
) -> dict[str, Any]:
    """Documents outstanding: the customer is written to in their own channel."""
    actor = request_user(request)
    claim = sel.claim_get_for(actor, claim_id)
    data = DocumentsRequest.parse(payload.model_dump())
    return claim_out(svc.gap_claim_request_documents(actor=actor, claim=claim, data=data))


class ValueQuery(Schema):
    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")


@router.get("/value", response=dict[str, Any])
def value_report(request: HttpRequest, q: Query[ValueQuery]) -> dict[str, Any]:
    """GAP-VALUE-1 fair-value figures per distributor; staff only, a broker its own firm."""
    actor = request_user(request)
    period = {"period_from": q.period_from, "period_to": q.period_to}
    complaints = gap_complaints_by_firm(actor, **period)
    report = sel.fair_value_report(actor, **period, complaints=complaints)
    return value_report_out(report)
