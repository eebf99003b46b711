"""Helpers the GAP services share: role sets, chart of accounts, references,
idempotency keys, input parsing and the policy termination step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from covernote.accounts.models import Role, User
from covernote.billing.models import AccountKind
from covernote.billing.services import account_ensure
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    VehicleUse,
)
from covernote.domain.gap.eligibility import Vehicle as DomainVehicle
from covernote.domain.gap.params import GapParams, parse_params
from covernote.domain.gap.purchase import PriceLine, PriceLineKind
from covernote.domain.money import non_negative_money
from covernote.gap.lifecycle import policy_transition
from covernote.gap.models import (
    GapPolicy,
    PolicyStatus,
)
from covernote.gap.valuation import valuation_source
from covernote.parties.models import Customer
from covernote.products.models import ProductConfiguration

PRODUCT = "gap"
SELLERS = frozenset({Role.BROKER, Role.AGENT, Role.MANAGER, Role.UNDERWRITER})
CLAIMS_STAFF = frozenset({Role.CLAIMS_HANDLER, Role.MANAGER, Role.UNDERWRITER})
CANCELLERS = frozenset({Role.BROKER, Role.AGENT, Role.MANAGER, Role.UNDERWRITER})

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


@lru_cache(maxsize=16)
def _params_cached(config_id: int, sha: str) -> GapParams:
    cfg = ProductConfiguration.objects.get(pk=config_id)
    return parse_params(cfg.content, cfg.source)


def params_for(config: ProductConfiguration) -> GapParams:
    return _params_cached(config.pk, config.sha256)


def require(actor: User, roles: frozenset[Role], what: str, rule: str = "PLT-4") -> None:
    if actor.role not in roles:
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"your role may not {what}", rule, None)


def require_customer_in_scope(actor: User, customer: Customer) -> None:
    if actor.role == Role.BROKER and customer.firm_id != actor.firm_id:
        raise DomainError(ErrorCode.NOT_FOUND, "no such customer", "PLT-4", "customer_id")


def new_reference(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def ensure_accounts() -> None:
    for code, (name, kind) in ACCOUNTS.items():
        account_ensure(code=code, name=name, kind=kind)


def parse_money(value: Any, field: str, rule: str) -> Decimal:
    return non_negative_money(value, field=field, rule=rule)


def parse_enum(enum: Any, value: Any, field: str, rule: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be one of {allowed}", rule, field
        ) from None


def parse_date(value: Any, field: str, rule: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DomainError(ErrorCode.INVALID, f"{field} must be a date (YYYY-MM-DD)", rule, field)


@dataclass(frozen=True)
class ParsedVehicle:
    domain: DomainVehicle
    fields: dict[str, Any]  # Vehicle model fields (without customer/firm)


def parse_vehicle(v: dict[str, Any], today: date) -> ParsedVehicle:
    """Validate the vehicle part of a quote or a replacement (GAP-ELIG-3/5/7) and look
    it up in Glass's Guide (GAP-ELIG-5, GAP-DEF-MV)."""
    for key in ("registration", "make", "model", "valuation_code", "first_registered_on"):
        if not v.get(key):
            raise DomainError(
                ErrorCode.REQUIRED, f"vehicle.{key} is required", "GAP-ELIG", f"vehicle.{key}"
            )
    first_reg = parse_date(v["first_registered_on"], "vehicle.first_registered_on", "GAP-ELIG-3")
    if first_reg > today:
        raise DomainError(
            ErrorCode.INVALID,
            "first registration is in the future",
            "GAP-ELIG-3",
            "vehicle.first_registered_on",
        )
    uses = frozenset(
        parse_enum(VehicleUse, u, "vehicle.uses", "GAP-ELIG-7")
        for u in v.get("uses") or ["social_domestic_pleasure"]
    )
    built_for = parse_enum(
        BuiltForMarket, v.get("built_for", "uk"), "vehicle.built_for", "GAP-ELIG-7"
    )
    try:
        weight = int(v.get("gross_weight_kg") or 1500)
    except (TypeError, ValueError):
        weight = 0
    if weight <= 0:
        raise DomainError(
            ErrorCode.INVALID,
            "gross weight must be positive",
            "GAP-ELIG-7",
            "vehicle.gross_weight_kg",
        )
    code = str(v["valuation_code"]).strip().upper()
    source = valuation_source()
    listed = source.is_listed(code)
    market_value = source.retail_value(code) if listed else None
    flags = {
        "is_commercial": bool(v.get("is_commercial")),
        "is_kit_car": bool(v.get("is_kit_car")),
        "is_invalid_carriage": bool(v.get("is_invalid_carriage")),
        "registered_in_uk": bool(v.get("registered_in_uk", True)),
        "principally_used_in_uk": bool(v.get("principally_used_in_uk", True)),
    }
    domain = DomainVehicle(
        first_registered_on=first_reg,
        listed_in_valuation_source=listed,
        uses=uses,
        gross_weight_kg=weight,
        built_for=built_for,
        **flags,
    )
    fields = {
        "registration": str(v["registration"]).upper().replace(" ", ""),
        "make": v["make"],
        "model": v["model"],
        "valuation_code": code,
        "first_registered_on": first_reg,
        "uses": sorted(u.value for u in uses),
        "gross_weight_kg": weight,
        "built_for": built_for.value,
        "listed_in_valuation_source": listed,
        "market_value_at_purchase": market_value,
        **flags,
    }
    return ParsedVehicle(domain=domain, fields=fields)


def parse_lines(raw_lines: list[dict[str, Any]]) -> list[PriceLine]:
    return [
        PriceLine(
            kind=parse_enum(
                PriceLineKind, ln.get("kind"), f"purchase_lines[{i}].kind", "GAP-DEF-PRICE"
            ),
            amount=parse_money(ln.get("amount"), f"purchase_lines[{i}].amount", "GAP-DEF-PRICE"),
            description=str(ln.get("description") or ""),
        )
        for i, ln in enumerate(raw_lines)
    ]


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    out: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return out


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
    policy.status = policy_transition(policy.status, PolicyStatus.TERMINATED)
    policy.terminated_on = decision.data["ends_on"]
    policy.termination_reason = decision.data["reason"]
    policy.termination = decision.as_dict()
    policy.version += 1
    policy.save()
