"""Helpers the GAP services share: role sets, chart of accounts, references,
idempotency keys, the vehicle record and the policy termination step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from covernote.accounts.models import FirmKind, Role
from covernote.billing.models import AccountKind
from covernote.billing.services import account_ensure
from covernote.documents.letterhead import letterhead
from covernote.documents.models import Document
from covernote.documents.services import document_issue
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import letters
from covernote.domain.gap import policy_lifecycle as lifecycle
from covernote.domain.gap.eligibility import Vehicle as DomainVehicle
from covernote.domain.gap.letters import Letter
from covernote.domain.gap.params import GapParams
from covernote.gap.inputs.quote import VehicleInput
from covernote.gap.models import (
    GapClaim,
    GapPolicy,
    Vehicle,
)
from covernote.gap.valuation import valuation_source
from covernote.parties.models import Customer
from covernote.products.selectors import params_of

PRODUCT = "gap"
#: Who may quote, sell, transfer and cancel GAP (PLT-4); checked by ``require_role``.
SELLERS = frozenset({Role.BROKER, Role.AGENT, Role.MANAGER, Role.UNDERWRITER})
#: Who may assess, decide and pay GAP claims.
CLAIMS_STAFF = frozenset({Role.CLAIMS_HANDLER, Role.MANAGER, Role.UNDERWRITER})
#: Who may register or withdraw a claim (the agents take the customer's call).
CLAIM_TAKERS = CLAIMS_STAFF | {Role.AGENT}

# Chart of accounts used by GAP (billing is generic).
ACCOUNTS = {
    "gap.premium_receivable": ("GAP premium receivable from brokers", AccountKind.ASSET),
    "gap.premium_income": ("GAP net written premium", AccountKind.INCOME),
    "gap.ipt_payable": ("Insurance Premium Tax payable (PLT-8)", AccountKind.LIABILITY),
    "gap.commission_expense": ("GAP broker commission (PLT-11)", AccountKind.EXPENSE),
    "gap.commission_payable": ("GAP commission payable to brokers", AccountKind.LIABILITY),
    "gap.premium_refunds": ("GAP premium refunds", AccountKind.EXPENSE),
    "gap.refunds_payable": ("GAP refunds payable to customers", AccountKind.LIABILITY),
    "gap.claims_paid": ("GAP claims paid", AccountKind.EXPENSE),
    "gap.claims_bank": ("GAP claims bank account", AccountKind.ASSET),
}


# --------------------------------------------------------------------------- helpers


def new_reference(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def ensure_accounts() -> None:
    for code, (name, kind) in ACCOUNTS.items():
        account_ensure(code=code, name=name, kind=kind)


@dataclass(frozen=True)
class VehicleRecord:
    domain: DomainVehicle
    fields: dict[str, Any]  # Vehicle model fields (without customer/firm)


def vehicle_record(v: VehicleInput, today: date) -> VehicleRecord:
    """The vehicle of a quote or a replacement, checked against the day (GAP-ELIG-3) and
    looked up in Glass's Guide (GAP-ELIG-5, GAP-DEF-MV)."""
    if v.first_registered_on > today:
        raise DomainError(
            ErrorCode.INVALID,
            "first registration is in the future",
            "GAP-ELIG-3",
            "vehicle.first_registered_on",
        )
    source = valuation_source()
    listed = source.is_listed(v.valuation_code)
    market_value = source.retail_value(v.valuation_code) if listed else None
    flags = {
        "is_commercial": v.is_commercial,
        "is_kit_car": v.is_kit_car,
        "is_invalid_carriage": v.is_invalid_carriage,
        "registered_in_uk": v.registered_in_uk,
        "principally_used_in_uk": v.principally_used_in_uk,
    }
    domain = DomainVehicle(
        first_registered_on=v.first_registered_on,
        listed_in_valuation_source=listed,
        uses=v.uses,
        gross_weight_kg=v.gross_weight_kg,
        built_for=v.built_for,
        **flags,
    )
    fields = {
        "registration": v.registration,
        "make": v.make,
        "model": v.model,
        "valuation_code": v.valuation_code,
        "first_registered_on": v.first_registered_on,
        "uses": sorted(u.value for u in v.uses),
        "gross_weight_kg": v.gross_weight_kg,
        "built_for": v.built_for.value,
        "listed_in_valuation_source": listed,
        "market_value_at_purchase": market_value,
        **flags,
    }
    return VehicleRecord(domain=domain, fields=fields)


# --------------------------------------------------------------------------- bind


def require_idempotency_key(idempotency_key: str) -> None:
    """Binds, transfers and payments are retried safely only with a key."""
    if not idempotency_key:
        raise DomainError(
            ErrorCode.REQUIRED,
            "an idempotency key is required",
            "API-IDEMPOTENCY",
            "idempotency_key",
        )


_R = TypeVar("_R")


def replayed(done: _R, same_target: bool, target: str) -> _R:
    """A retry with a used key returns the first result; the key on another object is refused."""
    if not same_target:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"idempotency key used for another {target}",
            "API-IDEMPOTENCY",
            "idempotency_key",
        )
    return done


def terminate_policy(policy: GapPolicy, decision: Decision) -> None:
    policy.status = lifecycle.check_transition(
        policy.status, lifecycle.PolicyStatus.TERMINATED
    ).value
    policy.terminated_on = decision.data["ends_on"]
    policy.termination_reason = decision.data["reason"]
    policy.termination = decision.as_dict()
    policy.version += 1
    policy.save()


# --------------------------------------------------------------------------- letters

LETTER_TEMPLATE = "gap/documents/letter.html"


def letter_issue(
    *, actor: Any, customer: Customer, kind: str, letter: Letter, related: Any, key: str
) -> Document:
    """Issue one GAP document or letter (PLT-7) in the customer's channel and format
    (PLT-2); the idempotency key names the event, so a retry never sends twice. The
    footer carries the sender, the selling broker and the disclosures of the product
    version the policy is pinned to (issue 13, YD-INFO)."""
    policy = related if isinstance(related, GapPolicy) else getattr(related, "policy", None)
    head = (
        letterhead(broker=policy.firm, disclosures=params_of(policy.config).disclosures)
        if isinstance(policy, GapPolicy)
        else None
    )
    return document_issue(
        actor=actor,
        customer=customer,
        kind=kind,
        title=letter.title,
        template=LETTER_TEMPLATE,
        context={"letter": letter},
        related=related,
        idempotency_key=key,
        letterhead=head,
    )


def vehicle_facts(v: Vehicle) -> letters.VehicleFacts:
    return letters.VehicleFacts(v.registration, v.make, v.model, v.first_registered_on)


def policy_facts(p: GapPolicy, *, vehicle: Vehicle | None = None) -> letters.PolicyFacts:
    """The policy as its documents describe it (the vehicle insured now by default)."""
    return letters.PolicyFacts(
        number=p.number,
        holder_name=p.customer.full_name,
        salutation=p.customer.salutation,
        vehicle=vehicle_facts(vehicle or p.vehicle),
        start_on=p.start_on,
        end_on=p.end_on,
        term_months=p.quote.term_months,
        limit_of_liability=p.limit_of_liability,
        net_premium=p.net_premium,
        ipt=p.ipt,
        gross_premium=p.gross_premium,
        config_version=p.config.version,
        version=p.version,
        purchase_price=p.quote.purchase_price,
        commission_rate=p.commission_rate,
        commission=p.commission,
    )


def schedule_terms(p: GapPolicy) -> letters.ScheduleTerms:
    """The wording's figures from the product version this policy was sold under (ADR
    0005): a later version never changes what an issued schedule says."""
    params: GapParams = params_of(p.config)
    broker = p.firm if p.firm is not None and p.firm.kind == FirmKind.BROKER.value else None
    return letters.ScheduleTerms(
        cooling_off_days=params.cancellation.cooling_off_days,
        excess_cap=params.cover.excess_benefit_cap,
        retention_fee=params.cancellation.retention_fee,
        insurer_notice_days=params.cancellation.insurer_notice_days,
        insurer=params.disclosures.insurer,
        broker=broker.name if broker is not None else "",
    )


def claim_facts(c: GapClaim) -> letters.ClaimFacts:
    return letters.ClaimFacts(
        reference=c.reference,
        policy_number=c.policy.number,
        registration=c.policy.vehicle.registration,
        holder_name=c.customer.full_name,
        salutation=c.customer.salutation,
    )
