"""GAP API bodies and answers, and the functions that build the answers (G1, PLT-2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from covernote.api.v1.pagination import Page
from covernote.domain.bounds import Day, Int, Moment, Money, Text
from covernote.gap import selectors as sel
from covernote.gap.inputs.fields import (
    GROSS_WEIGHT_KG,
    LEN,
    MONEY_CEILING,
    NOTE_LENGTH,
    TERM_MONTHS,
)
from covernote.gap.models import (
    GapCancellation,
    GapClaim,
    GapPolicy,
    GapQuote,
    GapVehicleTransfer,
)
from covernote.parties.models import Customer

# Bounded at the door (ADR 0023): the columns' lengths and digits, the product's ceilings.
Price = Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-DEF-PRICE")]
Percent = Annotated[Decimal, Money(ceiling="100", rule="GAP-EXCL-18")]
Note = Annotated[str, Text(NOTE_LENGTH, multiline=True)]
Key = Annotated[str, Text(200, min_length=8, rule="API-IDEMPOTENCY")]


class Strict(Schema):
    model_config = {"extra": "forbid"}


class VehicleIn(Strict):
    registration: Annotated[str, Text(LEN["registration"], min_length=1, rule="GAP-ELIG-7")]
    make: Annotated[str, Text(LEN["make"], min_length=1, rule="GAP-ELIG-5")]
    model: Annotated[str, Text(LEN["model"], min_length=1, rule="GAP-ELIG-5")]
    valuation_code: Annotated[str, Text(LEN["valuation_code"], min_length=1, rule="GAP-ELIG-5")] = (
        Field(description="Glass's Guide code (GAP-ELIG-5)")
    )
    first_registered_on: Annotated[date, Day(rule="GAP-ELIG-3")]
    uses: list[Annotated[str, Text(40)]] = Field(["social_domestic_pleasure"], max_length=20)
    gross_weight_kg: Annotated[
        int, Int(ge=GROSS_WEIGHT_KG[0], le=GROSS_WEIGHT_KG[1], rule="GAP-ELIG-7")
    ] = 1500
    is_commercial: bool = False
    is_kit_car: bool = False
    is_invalid_carriage: bool = False
    built_for: Annotated[str, Text(20)] = "uk"
    registered_in_uk: bool = True
    principally_used_in_uk: bool = True


class PurchaseLineIn(Strict):
    kind: Annotated[str, Text(30)]
    amount: Price
    description: Annotated[str, Text(LEN["line_description"])] = ""


class FinanceIn(Strict):
    lender: Annotated[str, Text(LEN["lender"], rule="GAP-DEF-OFB")]
    amount_advanced: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-EXCL-8")]
    agreement_number: Annotated[str, Text(LEN["agreement_number"])] = ""


class MotorPolicyIn(Strict):
    insurer: Annotated[str, Text(LEN["insurer"], rule="GAP-ELIG-1")]
    policy_number: Annotated[str, Text(LEN["policy_number"], rule="GAP-ELIG-1")]
    cover: Annotated[str, Text(30)] = "comprehensive"
    covers_whole_gap_period: bool


class QuoteIn(Strict):
    customer_id: int
    vehicle: VehicleIn
    purchase_lines: list[PurchaseLineIn] = Field(max_length=50)
    finance: FinanceIn | None = None
    motor_policy: MotorPolicyIn | None = None
    holder_relationship: Annotated[str, Text(30)] = "owner"
    ownership_date: Annotated[date, Day(rule="GAP-ELIG-6")]
    term_months: Annotated[int, Int(ge=TERM_MONTHS[0], le=TERM_MONTHS[1], rule="GAP-PRICE-1")]
    limit_of_liability: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-LIMIT")]
    start_on: Annotated[date, Day(rule="GAP-PRICE-1")] | None = None
    sold_with_vehicle: bool = False
    customer_initiated: bool = False
    prescribed_info_given_on: Annotated[date, Day(rule="GAP-SALE-1")] | None = None


class BindIn(Strict):
    idempotency_key: Key
    documents_received_on: Annotated[date, Day(rule="GAP-SALE-1")] | None = None


class TransferIn(Strict):
    """GAP-CLAIM-3 exclusion 9: move cover to the new-for-old replacement vehicle."""

    vehicle: VehicleIn
    purchase_lines: list[PurchaseLineIn] = Field(max_length=50)
    idempotency_key: Key
    transfer_on: Annotated[date, Day(rule="GAP-EXCL-9")] | None = None
    note: Note = ""


class CancelIn(Strict):
    kind: Literal["customer", "insurer", "vehicle_sold"]
    notice_on: Annotated[date, Day(rule="GAP-CANCEL")]
    reason: Annotated[str, Text(30)] | None = None
    disposed_on: Annotated[date, Day(rule="GAP-CANCEL")] | None = None
    fraudulent_act_on: Annotated[date, Day(rule="GAP-FRAUD-1")] | None = None
    idempotency_key: Key | None = None


class ClaimIn(Strict):
    event_at: Annotated[datetime, Moment()]
    notified_at: Annotated[datetime, Moment()] | None = None
    total_loss_on: Annotated[date, Day(rule="GAP-CLAIM-1")] | None = None
    written_notice_on: Annotated[date, Day(rule="GAP-CLAIM-1")] | None = None
    territory: Annotated[str, Text(30)] = "england"
    motor_section: Annotated[str, Text(30)] = "accidental_damage"
    description: Note = ""


class FiguresIn(Strict):
    settlement: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-DEF-SETTLE")]
    motor_excess: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-COVER-3")]
    accepted_settlement: (
        Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-BEST-1")] | None
    ) = None
    market_value: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-DEF-MV")] | None = None
    contributory_percent: Percent | None = None
    contributory_amount: (
        Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-EXCL-18")] | None
    ) = None
    vat_recovered: bool = False
    waive_market_value: bool = False
    premium_charged: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="PLT-10")] | None = None
    premium_would_have_charged: (
        Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="PLT-10")] | None
    ) = None


class FinanceLineIn(Strict):
    kind: Annotated[str, Text(40)]
    amount: Annotated[Decimal, Money(ceiling=MONEY_CEILING, rule="GAP-DEF-OFB")]


class AssessIn(Strict):
    figures: FiguresIn
    facts: dict[str, Any] = Field({}, max_length=50)
    finance_lines: list[FinanceLineIn] = Field([], max_length=50)


class DecideIn(Strict):
    approve: bool
    exclusion_ids: list[Annotated[str, Text(20)]] | None = Field(None, max_length=50)
    note: Note = ""


class PayIn(Strict):
    idempotency_key: Key
    paid_on: Annotated[date, Day(rule="GAP-CLAIM-4")] | None = None


# --------------------------------------------------------------------------- answers
# Money is a two-decimal string (G1); stored calculations are Decisions with rule-cited steps.


class AdjustmentBrief(Schema):
    kind: str
    note: str


class VehicleBrief(Schema):
    registration: str
    valuation_code: str


class QuoteOut(Schema):
    id: int
    reference: str
    status: str
    customer_id: int
    customer_adjustments: list[AdjustmentBrief] = Field(description="PLT-2")
    vehicle: VehicleBrief
    purchase_price: str | None
    term_months: int
    limit_of_liability: str | None
    start_on: date | None
    end_on: date | None
    failing_rules: list[str] = Field(description="The eligibility rules failed (GAP-ELIG-*)")
    failures: list[dict[str, Any]]
    net_premium: str | None
    ipt: str | None
    gross_premium: str | None
    expires_on: date | None
    config_version: str
    purchase: dict[str, Any] = Field(description="The purchase price worked out (GAP-DEF-PRICE)")
    eligibility: dict[str, Any] = Field(description="The eligibility Decision (GAP-ELIG)")
    pricing: dict[str, Any] = Field(description="The pricing Decision (GAP-PRICE)")


class TransferBrief(Schema):
    policy_version: int
    transferred_on: date
    from_registration: str
    to_registration: str


class PolicyOut(Schema):
    id: int
    number: str
    status: str
    customer_id: int
    customer_adjustments: list[AdjustmentBrief] = Field(description="PLT-2")
    quote_id: int | None
    registration: str
    start_on: date
    end_on: date
    limit_of_liability: str | None
    net_premium: str | None
    ipt: str | None
    gross_premium: str | None
    commission: str | None
    config_version: str
    terminated_on: date | None
    termination_reason: str | None
    version: int
    vehicle_transfers: list[TransferBrief] = Field(description="GAP-CLAIM-3 exclusion 9")


class PolicyPage(Page):
    items: list[PolicyOut]


class CancellationOut(Schema):
    id: int
    policy_id: int
    kind: str
    status: str
    notice_on: date
    cancel_on: date | None
    refund: str | None
    decision: dict[str, Any] = Field(description="The refund Decision (GAP-CANCEL-1..4)")
    policy_status: str


class ClaimOut(Schema):
    id: int
    reference: str
    policy_id: int
    status: str
    documents_requested: list[Any]
    customer_adjustments: list[AdjustmentBrief] = Field(description="PLT-2")
    loss_on: date | None
    notice: dict[str, Any] = Field(description="The notification Decision (GAP-CLAIM-1)")
    validity: dict[str, Any] = Field(description="The exclusions checked (GAP-CLAIM-3)")
    settlement: dict[str, Any] = Field(description="The benefit Decision (GAP-COVER)")
    payable: str | None
    decline_rules: list[str]
    paid_amount: str | None
    paid_on: date | None
    version: int


class TransferOut(Schema):
    id: int
    policy: PolicyOut
    policy_version: int
    transferred_on: date
    from_registration: str
    to_registration: str
    previous_purchase_price: str | None
    purchase_price: str | None
    purchase: dict[str, Any]
    eligibility: dict[str, Any]


class ValueReportOut(Schema):
    rule: str = Field(description="GAP-VALUE-1")
    period_from: str = Field(alias="from")
    period_to: str = Field(alias="to")
    distributors: list[dict[str, Any]] = Field(description="One row per distributor firm")
    total: dict[str, Any]


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


def value_report_out(report: sel.FairValueReport) -> dict[str, Any]:
    return {
        "rule": "GAP-VALUE-1",
        "from": report.period_from.isoformat(),
        "to": report.period_to.isoformat(),
        "distributors": [{"firm_id": r.firm_id, **r.figures.as_dict()} for r in report.rows],
        "total": report.total.as_dict(),
    }


class DocumentsIn(Strict):
    documents: list[Annotated[str, Text(200)]] = Field(max_length=50)
    note: Note = ""


class ValueQuery(Schema):
    period_from: Annotated[date, Day()] = Field(alias="from")
    period_to: Annotated[date, Day()] = Field(alias="to")
