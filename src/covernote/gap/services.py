"""GAP writes (SPEC §1): quote, bind, cancel, claim register/assess/decide/pay, expiry.

Each service: keyword-only, ``transaction.atomic``, ``select_for_update`` on the row
it changes, calls the pure domain for every rule, stores the Decision JSON and ends
with ``audit_record``. Money moves only through ``billing.services.ledger_post``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.billing.models import AccountKind
from covernote.billing.services import LedgerLine, account_ensure, ledger_post
from covernote.documents.services import document_issue
from covernote.domain.calendar import add_months, london_date
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap.cancellation import (
    CancellationRequest,
    CancelledBy,
    ClaimState,
    InsurerReason,
    cancellation_refund,
    fraud_cancellation_date,
    insurer_cancellation_date,
    termination,
)
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    EligibilityInput,
    HolderRelationship,
    MotorCover,
    VehicleUse,
    check_eligibility,
    require_eligible,
)
from covernote.domain.gap.eligibility import MotorPolicy as DomainMotorPolicy
from covernote.domain.gap.eligibility import Vehicle as DomainVehicle
from covernote.domain.gap.finance import outstanding_finance_balance
from covernote.domain.gap.params import GapParams, parse_params
from covernote.domain.gap.pricing import is_quote_valid, price_quote
from covernote.domain.gap.purchase import PriceLine, PriceLineKind, purchase_price
from covernote.domain.gap.sale import check_conclusion
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.domain.gap.transfer import check_replacement_vehicle
from covernote.domain.money import gbp, non_negative_money, round_money
from covernote.gap.fraud_databases import fraud_database_client
from covernote.gap.lifecycle import policy_transition
from covernote.gap.models import (
    CancellationKind,
    CancellationStatus,
    FinanceAgreement,
    FinanceBalanceLine,
    FraudDatabaseSubmission,
    GapCancellation,
    GapClaim,
    GapPolicy,
    GapQuote,
    GapVehicleTransfer,
    MotorPolicy,
    PolicyStatus,
    PurchaseLine,
    QuoteStatus,
    ValuationEntry,
    Vehicle,
)
from covernote.gap.valuation import valuation_source
from covernote.parties.models import Customer
from covernote.products.models import ProductConfiguration
from covernote.products.selectors import product_config_in_force

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


def _require(actor: User, roles: frozenset[Role], what: str, rule: str = "PLT-4") -> None:
    if actor.role not in roles:
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"your role may not {what}", rule, None)


def _require_customer_in_scope(actor: User, customer: Customer) -> None:
    if actor.role == Role.BROKER and customer.firm_id != actor.firm_id:
        raise DomainError(ErrorCode.NOT_FOUND, "no such customer", "PLT-4", "customer_id")


def _ref(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def _ensure_accounts() -> None:
    for code, (name, kind) in ACCOUNTS.items():
        account_ensure(code=code, name=name, kind=kind)


def _submit(
    *,
    database: str,
    event: str,
    payload: dict[str, Any],
    policy: GapPolicy | None = None,
    claim: GapClaim | None = None,
) -> FraudDatabaseSubmission:
    """PLT-9: send to MID/CUE through the configured adapter and record both sides."""
    client = fraud_database_client()
    try:
        result = client.submit(database, event, payload)
        status = str(result.get("status", "accepted"))
    except Exception as exc:  # recorded for retry; never blocks the sale or claim
        result, status = {"error": str(exc)[:500]}, "failed"
    return FraudDatabaseSubmission.objects.create(
        database=database,
        event=event,
        policy=policy,
        claim=claim,
        adapter=client.name,
        payload=payload,
        result=result,
        status=status,
    )


FRAUD_DB_MAX_ATTEMPTS = 10


def gap_fraud_db_retry(*, actor: Any = "job:gap.retry_fraud_db") -> int:
    """PLT-9: resend failed MID/CUE submissions; idempotent (only ``failed`` rows are
    picked, each row locked while it is resent, so two runs never send one twice).
    Returns how many were accepted this run; rows stop after FRAUD_DB_MAX_ATTEMPTS."""
    accepted = 0
    ids = list(
        FraudDatabaseSubmission.objects.filter(
            status="failed", attempts__lt=FRAUD_DB_MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    client = fraud_database_client()
    for pk in ids:
        with transaction.atomic():
            sub = FraudDatabaseSubmission.objects.select_for_update().get(pk=pk)
            if sub.status != "failed":
                continue
            try:
                result = client.submit(sub.database, sub.event, sub.payload)
                status = str(result.get("status", "accepted"))
            except Exception as exc:  # stays failed for the next run
                result, status = {"error": str(exc)[:500]}, "failed"
            before = sub.status
            sub.result, sub.status, sub.adapter = result, status, client.name
            sub.attempts += 1
            sub.last_attempt_at = timezone.now()
            sub.save()
            accepted += status != "failed"
            audit_record(
                actor=actor,
                action="gap.fraud_db.retry",
                obj=sub,
                before={"status": before},
                after={"status": status, "attempts": sub.attempts, "rule": "PLT-9"},
            )
    return accepted


def _money(value: Any, field: str, rule: str) -> Decimal:
    return non_negative_money(value, field=field, rule=rule)


def _enum(enum: Any, value: Any, field: str, rule: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be one of {allowed}", rule, field
        ) from None


def _date(value: Any, field: str, rule: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DomainError(ErrorCode.INVALID, f"{field} must be a date (YYYY-MM-DD)", rule, field)


# --------------------------------------------------------------------------- quote


@dataclass(frozen=True)
class _ParsedVehicle:
    domain: DomainVehicle
    fields: dict[str, Any]  # Vehicle model fields (without customer/firm)


def _parse_vehicle(v: dict[str, Any], today: date) -> _ParsedVehicle:
    """Validate the vehicle part of a quote or a replacement (GAP-ELIG-3/5/7) and look
    it up in Glass's Guide (GAP-ELIG-5, GAP-DEF-MV)."""
    for key in ("registration", "make", "model", "valuation_code", "first_registered_on"):
        if not v.get(key):
            raise DomainError(
                ErrorCode.REQUIRED, f"vehicle.{key} is required", "GAP-ELIG", f"vehicle.{key}"
            )
    first_reg = _date(v["first_registered_on"], "vehicle.first_registered_on", "GAP-ELIG-3")
    if first_reg > today:
        raise DomainError(
            ErrorCode.INVALID,
            "first registration is in the future",
            "GAP-ELIG-3",
            "vehicle.first_registered_on",
        )
    uses = frozenset(
        _enum(VehicleUse, u, "vehicle.uses", "GAP-ELIG-7")
        for u in v.get("uses") or ["social_domestic_pleasure"]
    )
    built_for = _enum(BuiltForMarket, v.get("built_for", "uk"), "vehicle.built_for", "GAP-ELIG-7")
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
    return _ParsedVehicle(domain=domain, fields=fields)


def _parse_lines(raw_lines: list[dict[str, Any]]) -> list[PriceLine]:
    return [
        PriceLine(
            kind=_enum(PriceLineKind, ln.get("kind"), f"purchase_lines[{i}].kind", "GAP-DEF-PRICE"),
            amount=_money(ln.get("amount"), f"purchase_lines[{i}].amount", "GAP-DEF-PRICE"),
            description=str(ln.get("description") or ""),
        )
        for i, ln in enumerate(raw_lines)
    ]


@dataclass(frozen=True)
class QuoteResult:
    quote: GapQuote
    eligible: bool


@transaction.atomic
def gap_quote_create(
    *, actor: User, customer: Customer, data: dict[str, Any], today: date | None = None
) -> GapQuote:
    """GAP-DEF-PRICE → GAP-ELIG-1..7 → GAP-PRICE-1/PLT-8. A refusal is stored with every
    failing rule id and reason; only an eligible quote is priced."""
    _require(actor, SELLERS, "quote GAP")
    _require_customer_in_scope(actor, customer)
    today = today or timezone.localdate()
    config = product_config_in_force(PRODUCT, today)
    params = params_for(config)

    pv = _parse_vehicle(data.get("vehicle") or {}, today)

    lines = _parse_lines(data.get("purchase_lines") or [])
    price_decision = purchase_price(lines)
    price = price_decision.amounts["purchase_price"]

    finance = data.get("finance") or None
    if finance:
        if not finance.get("lender"):
            raise DomainError(
                ErrorCode.REQUIRED, "finance.lender is required", "GAP-DEF-OFB", "finance.lender"
            )
        advanced = _money(finance.get("amount_advanced"), "finance.amount_advanced", "GAP-EXCL-8")
    mp = data.get("motor_policy") or None
    motor = None
    if mp:
        motor = DomainMotorPolicy(
            insurer=str(mp.get("insurer") or ""),
            policy_number=str(mp.get("policy_number") or ""),
            cover=_enum(
                MotorCover, mp.get("cover", "comprehensive"), "motor_policy.cover", "GAP-ELIG-1"
            ),
            covers_whole_gap_period=bool(mp.get("covers_whole_gap_period")),
        )
        if not motor.insurer or not motor.policy_number:
            raise DomainError(
                ErrorCode.REQUIRED,
                "the motor insurer and policy number are required",
                "GAP-ELIG-1",
                "motor_policy.policy_number",
            )

    holder = _enum(
        HolderRelationship,
        data.get("holder_relationship", "owner"),
        "holder_relationship",
        "GAP-ELIG-4",
    )
    ownership = _date(data.get("ownership_date"), "ownership_date", "GAP-ELIG-6")
    if ownership > today:
        raise DomainError(
            ErrorCode.INVALID, "ownership date is in the future", "GAP-ELIG-6", "ownership_date"
        )
    start_on = _date(data.get("start_on") or today, "start_on", "GAP-PRICE-1")
    if start_on < today:
        raise DomainError(
            ErrorCode.INVALID, "cover cannot start before the quote date", "GAP-PRICE-1", "start_on"
        )
    try:
        term = int(data.get("term_months") or 0)
    except (TypeError, ValueError):
        term = 0
    if term <= 0:
        raise DomainError(
            ErrorCode.INVALID,
            "term_months must be a positive whole number",
            "GAP-PRICE-1",
            "term_months",
        )
    end_on = add_months(start_on, term) - timedelta(days=1)
    limit = _money(data.get("limit_of_liability"), "limit_of_liability", "GAP-LIMIT")
    info_on = data.get("prescribed_info_given_on")

    elig = check_eligibility(
        EligibilityInput(
            vehicle=pv.domain,
            holder_relationship=holder,
            motor_policy=motor,
            ownership_date=ownership,
            policy_purchase_date=today,
            purchase_price=price,
        ),
        params,
    )
    eligible = elig.outcome == "eligible"
    pricing: Decision | None = None
    if eligible:
        pricing = price_quote(
            term_months=term,
            limit_of_liability=limit,
            purchase_price=price,
            quote_date=today,
            params=params,
        )

    vehicle = Vehicle.objects.create(customer=customer, firm_id=customer.firm_id, **pv.fields)
    quote = GapQuote.objects.create(
        reference=_ref("GQ"),
        customer=customer,
        firm_id=customer.firm_id,
        vehicle=vehicle,
        config=config,
        created_by=actor,
        quote_date=today,
        start_on=start_on,
        end_on=end_on,
        term_months=term,
        limit_of_liability=limit,
        purchase_price=price,
        holder_relationship=holder.value,
        ownership_date=ownership,
        sold_with_vehicle=bool(data.get("sold_with_vehicle")),
        customer_initiated=bool(data.get("customer_initiated")),
        prescribed_info_given_on=_date(info_on, "prescribed_info_given_on", "GAP-SALE-1")
        if info_on
        else None,
        inputs=_jsonable_inputs(data),
        purchase=price_decision.as_dict(),
        eligibility=elig.as_dict(),
        failing_rules=sorted({f["rule"] for f in elig.data["failures"]}),
        pricing=pricing.as_dict() if pricing else {},
        net_premium=pricing.amounts["net_premium"] if pricing else None,
        ipt=pricing.amounts["ipt"] if pricing else None,
        gross_premium=pricing.amounts["gross_premium"] if pricing else None,
        expires_on=pricing.data["expires_on"] if pricing else None,
        status=QuoteStatus.QUOTED if eligible else QuoteStatus.REFUSED,
    )
    PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                quote=quote, kind=ln.kind.value, amount=ln.amount, description=ln.description
            )
            for ln in lines
        ]
    )
    if finance:
        FinanceAgreement.objects.create(
            quote=quote,
            lender=finance["lender"],
            agreement_number=str(finance.get("agreement_number") or ""),
            amount_advanced=advanced,
        )
    if motor:
        MotorPolicy.objects.create(
            quote=quote,
            insurer=motor.insurer,
            policy_number=motor.policy_number,
            cover=motor.cover.value,
            covers_whole_gap_period=motor.covers_whole_gap_period,
        )
    audit_record(
        actor=actor,
        action="gap.quote.create",
        obj=quote,
        after={
            "reference": quote.reference,
            "status": quote.status,
            "failing_rules": quote.failing_rules,
            "gross_premium": quote.gross_premium,
            "config_version": config.version,
        },
    )
    return quote


def _jsonable_inputs(data: dict[str, Any]) -> dict[str, Any]:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    out: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return out


# --------------------------------------------------------------------------- bind


def _require_key(idempotency_key: str) -> None:
    """Binds, transfers and payments are retried safely only with a key."""
    if not idempotency_key:
        raise DomainError(
            ErrorCode.REQUIRED,
            "an idempotency key is required",
            "API-IDEMPOTENCY",
            "idempotency_key",
        )


_R = TypeVar("_R")


def _replayed(done: _R, same_target: bool, target: str) -> _R:
    """A retry with a used key returns the first result; the key on another object is refused."""
    if not same_target:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"idempotency key used for another {target}",
            "API-IDEMPOTENCY",
            "idempotency_key",
        )
    return done


@transaction.atomic
def gap_policy_bind(
    *,
    actor: User,
    quote: GapQuote,
    idempotency_key: str,
    today: date | None = None,
    documents_received_on: date | None = None,
) -> GapPolicy:
    """Sell the quoted policy: GAP-PRICE-1 validity, GAP-SALE-1 deferral, PLT-8/PLT-11
    figures, ledger posting, schedule and statement of insurance (PLT-7), MID (PLT-9)."""
    _require(actor, SELLERS, "sell GAP")
    _require_key(idempotency_key)
    existing = GapPolicy.objects.filter(bind_idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, existing.quote_id == quote.pk, "quote")
    today = today or timezone.localdate()
    q = (
        GapQuote.objects.select_for_update()
        .select_related("customer", "vehicle", "config")
        .get(pk=quote.pk)
    )
    _require_customer_in_scope(actor, q.customer)
    existing = GapPolicy.objects.filter(bind_idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if q.status == QuoteStatus.BOUND:
        raise DomainError(
            ErrorCode.CONFLICT, "this quote has already been sold", "GAP-PRICE-1", "quote_id"
        )
    if q.status == QuoteStatus.REFUSED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            "the quote was refused: "
            + "; ".join(f"{f['rule']}: {f['reason']}" for f in q.eligibility.get("failures", [])),
            ", ".join(q.failing_rules),
            None,
        )
    params = params_for(q.config)
    if not is_quote_valid(q.quote_date, today, params):
        raise DomainError(
            ErrorCode.EXPIRED,
            f"the quote expired on {q.expires_on}; quote again",
            "GAP-PRICE-1",
            "quote_id",
        )
    sale = check_conclusion(
        prescribed_info_given_on=q.prescribed_info_given_on,
        sold_with_vehicle=q.sold_with_vehicle,
        customer_initiated=q.customer_initiated,
        conclude_on=today,
        params=params,
    )
    start_on = max(q.start_on, today)
    end_on = add_months(start_on, q.term_months) - timedelta(days=1)
    assert q.gross_premium is not None and q.net_premium is not None and q.ipt is not None
    rate = params.sale.commission_rate
    commission = round_money(q.gross_premium * rate)
    policy = GapPolicy.objects.create(
        number=_ref("GAP"),
        customer=q.customer,
        firm_id=q.firm_id,
        quote=q,
        vehicle=q.vehicle,
        config=q.config,
        bind_idempotency_key=idempotency_key,
        purchased_on=today,
        documents_received_on=documents_received_on,
        start_on=start_on,
        end_on=end_on,
        limit_of_liability=q.limit_of_liability,
        net_premium=q.net_premium,
        ipt=q.ipt,
        gross_premium=q.gross_premium,
        commission_rate=rate,
        commission=commission,
        sale=sale.as_dict(),
        created_by=actor,
    )
    q.status = QuoteStatus.BOUND
    q.save(update_fields=["status"])

    _ensure_accounts()
    lines = [
        LedgerLine("gap.premium_receivable", debit=q.gross_premium),
        LedgerLine("gap.premium_income", credit=q.net_premium),
    ]
    if q.ipt > 0:
        lines.append(LedgerLine("gap.ipt_payable", credit=q.ipt))
    if commission > 0:
        lines += [
            LedgerLine("gap.commission_expense", debit=commission),
            LedgerLine("gap.commission_payable", credit=commission),
        ]
    ledger_post(
        actor=actor,
        reference=policy.number,
        idempotency_key=f"gap-bind:{policy.number}",
        lines=lines,
        description=f"GAP premium {policy.number}",
    )
    context = {"policy": policy, "quote": q, "vehicle": q.vehicle}
    document_issue(
        actor=actor,
        customer=q.customer,
        kind="gap_schedule",
        title=f"Combined GAP policy schedule {policy.number}",
        template="documents/gap_schedule.html",
        context=context,
        related=policy,
        idempotency_key=f"gap-schedule:{policy.number}",
    )
    document_issue(
        actor=actor,
        customer=q.customer,
        kind="gap_statement",
        title=f"Combined GAP statement of insurance {policy.number}",
        template="documents/gap_statement.html",
        context=context,
        related=policy,
        idempotency_key=f"gap-statement:{policy.number}",
    )
    _submit(
        database="MID",
        event="policy_on_cover",
        policy=policy,
        payload={
            "policy": policy.number,
            "registration": q.vehicle.registration,
            "start": start_on.isoformat(),
            "end": end_on.isoformat(),
        },
    )
    audit_record(
        actor=actor,
        action="gap.policy.bind",
        obj=policy,
        after={
            "number": policy.number,
            "quote": q.reference,
            "gross_premium": policy.gross_premium,
            "commission": commission,
            "config_version": q.config.version,
            "start": start_on,
            "end": end_on,
        },
    )
    return policy


# --------------------------------------------------------------------------- new-for-old


def insured_vehicle_at(policy: GapPolicy, on: date) -> tuple[Vehicle, Decimal, bool]:
    """The vehicle insured on ``on``, its purchase price (GAP-DEF-PRICE) and whether it was
    later replaced new-for-old (the loss is then the new-for-old event: GAP-EXCL-9)."""
    vehicle, price = policy.quote.vehicle, policy.quote.purchase_price
    transfers = list(policy.transfers.select_related("to_vehicle").order_by("transferred_on", "id"))
    for t in transfers:
        if t.transferred_on <= on:
            vehicle, price = t.to_vehicle, t.purchase_price
    replaced = bool(transfers) and on < transfers[-1].transferred_on
    return vehicle, price, replaced


@transaction.atomic
def gap_policy_transfer_vehicle(
    *,
    actor: User,
    policy: GapPolicy,
    vehicle: dict[str, Any],
    purchase_lines: list[dict[str, Any]],
    idempotency_key: str,
    transfer_on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> GapVehicleTransfer:
    """GAP-CLAIM-3 exclusion 9: on request, move the live policy to the new-for-old
    replacement. GAP-ELIG-2/3/5/7 are checked again (every failing rule refused, nothing
    changes); number, period, limit and premium stay; a new policy version, a history row,
    a new schedule (PLT-7), a MID update (PLT-9) and an audit record (before/after)."""
    _require(actor, SELLERS, "transfer GAP cover")
    _require_key(idempotency_key)

    def replay() -> GapVehicleTransfer | None:
        done = GapVehicleTransfer.objects.filter(idempotency_key=idempotency_key).first()
        return None if done is None else _replayed(done, done.policy_id == policy.pk, "policy")

    if (done := replay()) is not None:
        return done
    today = today or timezone.localdate()
    p = (
        GapPolicy.objects.select_for_update()
        .select_related("customer", "vehicle", "quote__vehicle", "config")
        .get(pk=policy.pk)
    )
    _require_customer_in_scope(actor, p.customer)
    if (done := replay()) is not None:
        return done
    if p.status != PolicyStatus.ACTIVE:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"only a live policy can move to a replacement vehicle (this one is {p.status})",
            "GAP-TERM-1",
            None,
        )
    transfer_on = transfer_on or today
    if transfer_on > today:
        raise DomainError(
            ErrorCode.INVALID, "the transfer date is in the future", "GAP-EXCL-9", "transfer_on"
        )
    if not p.start_on <= transfer_on <= p.cover_ends_on:
        raise DomainError(
            ErrorCode.INVALID,
            f"the transfer date must lie in the period {p.start_on} to {p.cover_ends_on}",
            "GAP-EXCL-9",
            "transfer_on",
        )
    last = p.transfers.order_by("-transferred_on", "-id").first()
    if last is not None and transfer_on < last.transferred_on:
        raise DomainError(
            ErrorCode.INVALID,
            f"cover already moved to {last.to_vehicle.registration} on {last.transferred_on}",
            "GAP-EXCL-9",
            "transfer_on",
        )
    pv = _parse_vehicle(vehicle, today)
    if pv.fields["registration"] == p.vehicle.registration:
        raise DomainError(
            ErrorCode.INVALID,
            "the replacement has the insured vehicle's registration",
            "GAP-EXCL-9",
            "vehicle.registration",
        )
    lines = _parse_lines(purchase_lines)
    price_decision = purchase_price(lines)
    price = price_decision.amounts["purchase_price"]
    previous_price = last.purchase_price if last is not None else p.quote.purchase_price
    check = check_replacement_vehicle(
        vehicle=pv.domain,
        purchase_price=price,
        original_purchase_price=previous_price,
        transfer_on=transfer_on,
        params=params_for(p.config),
    )
    require_eligible(check)  # not_eligible naming every failing rule; nothing is written

    old = p.vehicle
    new = Vehicle.objects.create(customer=p.customer, firm_id=p.firm_id, **pv.fields)
    before = {
        "version": p.version,
        "vehicle": str(old),
        "registration": old.registration,
        "purchase_price": previous_price,
    }
    p.vehicle = new
    p.version += 1
    p.save(update_fields=["vehicle", "version"])
    t = GapVehicleTransfer.objects.create(
        policy=p,
        policy_version=p.version,
        from_vehicle=old,
        to_vehicle=new,
        transferred_on=transfer_on,
        previous_purchase_price=previous_price,
        purchase_price=price,
        purchase=price_decision.as_dict(),
        eligibility=check.as_dict(),
        purchase_lines=_jsonable_inputs({"lines": purchase_lines})["lines"],
        note=note,
        idempotency_key=idempotency_key,
        requested_by=actor,
    )
    document_issue(
        actor=actor,
        customer=p.customer,
        kind="gap_schedule",
        title=f"Combined GAP policy schedule {p.number} (replacement vehicle {new.registration})",
        template="gap/schedule_replacement.html",
        context={"policy": p, "quote": p.quote, "vehicle": new, "old": old, "transfer": t},
        related=p,
        idempotency_key=f"gap-schedule:{p.number}:v{p.version}",
    )
    _submit(
        database="MID",
        event="vehicle_changed",
        policy=p,
        payload={
            "policy": p.number,
            "old_registration": old.registration,
            "registration": new.registration,
            "from": transfer_on.isoformat(),
            "end": p.cover_ends_on.isoformat(),
        },
    )
    audit_record(
        actor=actor,
        action="gap.policy.transfer_vehicle",
        obj=p,
        before=before,
        after={
            "version": p.version,
            "vehicle": str(new),
            "registration": new.registration,
            "purchase_price": price,
            "transferred_on": transfer_on,
            "limit_of_liability": p.limit_of_liability,
            "gross_premium": p.gross_premium,
        },
    )
    return t


# --------------------------------------------------------------------------- cancellation


def _claim_state(policy: GapPolicy) -> ClaimState:
    statuses = set(policy.claims.values_list("status", flat=True))
    if dclaims.ClaimStatus.PAID in statuses or any(
        c.paid_amount is not None for c in policy.claims.filter(status=dclaims.ClaimStatus.CLOSED)
    ):
        return ClaimState.PAID
    if statuses & {s.value for s in dclaims.PENDING_STATUSES}:
        return ClaimState.PENDING
    if statuses:
        return ClaimState.DECLINED
    return ClaimState.NONE


def _cancellation_request(c: GapCancellation, claim: ClaimState) -> CancellationRequest:
    p = c.policy
    return CancellationRequest(
        premium=p.gross_premium,
        start=p.start_on,
        end=p.end_on,
        purchased=p.purchased_on,
        cancel_on=c.cancel_on,
        claim=claim,
        by=CancelledBy(c.by),
        reason=InsurerReason(c.reason) if c.reason else None,
        documents_received=p.documents_received_on,
        notice_on=c.notice_on,
    )


def _terminate(policy: GapPolicy, decision: Decision) -> None:
    policy.status = policy_transition(policy.status, PolicyStatus.TERMINATED)
    policy.terminated_on = decision.data["ends_on"]
    policy.termination_reason = decision.data["reason"]
    policy.termination = decision.as_dict()
    policy.version += 1
    policy.save()


def _process_cancellation(actor: Any, c: GapCancellation, decision: Decision) -> None:
    policy = c.policy
    refund = decision.amounts["refund"]
    c.status = CancellationStatus.PROCESSED
    c.decision = decision.as_dict()
    c.refund = refund
    c.processed_at = timezone.now()
    c.save()
    if c.kind == CancellationKind.VEHICLE_SOLD:
        term = termination(end=policy.end_on, vehicle_disposed_on=c.cancel_on)
    else:
        term = termination(end=policy.end_on, cancelled_on=c.cancel_on)
    _terminate(policy, term)
    if refund > 0:
        _ensure_accounts()
        ledger_post(
            actor=actor,
            reference=policy.number,
            idempotency_key=f"gap-refund:{c.pk}",
            lines=[
                LedgerLine("gap.premium_refunds", debit=refund),
                LedgerLine("gap.refunds_payable", credit=refund),
            ],
            description=f"GAP cancellation refund {policy.number}",
        )
    document_issue(
        actor=actor,
        customer=policy.customer,
        kind="gap_cancellation",
        title=f"Your Combined GAP policy {policy.number} is cancelled",
        template="documents/gap_cancellation.html",
        context={"policy": policy, "cancellation": c, "decision": c.decision},
        related=c,
        idempotency_key=f"gap-cancellation-letter:{c.pk}",
    )
    _submit(
        database="MID",
        event="policy_off_cover",
        policy=policy,
        payload={
            "policy": policy.number,
            "off_cover_from": (c.cancel_on + timedelta(days=1)).isoformat(),
        },
    )


@transaction.atomic
def gap_policy_cancel(
    *,
    actor: User,
    policy: GapPolicy,
    kind: str,
    notice_on: date,
    reason: str | None = None,
    disposed_on: date | None = None,
    fraudulent_act_on: date | None = None,
    idempotency_key: str | None = None,
) -> GapCancellation:
    """GAP-CANCEL-1..4, GAP-FRAUD-1, GAP-TERM-1. A customer request while a claim is
    pending is held as "cancellation pending claim" (GAP-CANCEL-3)."""
    _require(actor, CANCELLERS, "cancel GAP policies")
    kind = _enum(CancellationKind, kind, "kind", "GAP-CANCEL").value
    if kind == CancellationKind.INSURER and actor.role == Role.BROKER:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "only the insurer's staff cancel for the insurer",
            "GAP-CANCEL-4",
            "kind",
        )
    if idempotency_key:
        done = GapCancellation.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    p = GapPolicy.objects.select_for_update().select_related("customer").get(pk=policy.pk)
    if p.status != PolicyStatus.ACTIVE:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"the policy is {p.get_status_display().lower()}; it cannot be cancelled again",
            "GAP-TERM-1",
            "status",
        )
    insurer_reason: InsurerReason | None = None
    if kind == CancellationKind.INSURER:
        if not reason:
            raise DomainError(
                ErrorCode.REQUIRED, "the insurer must give a valid reason", "GAP-CANCEL-4", "reason"
            )
        insurer_reason = _enum(InsurerReason, reason, "reason", "GAP-CANCEL-4")
        if insurer_reason is InsurerReason.FRAUD and fraudulent_act_on:
            cancel_on = fraud_cancellation_date(fraudulent_act_on)
        elif insurer_reason is InsurerReason.FRAUD:
            cancel_on = notice_on
        else:
            cancel_on = min(insurer_cancellation_date(notice_on, params_for(p.config)), p.end_on)
        by = CancelledBy.INSURER
    elif kind == CancellationKind.VEHICLE_SOLD:
        cancel_on = disposed_on or notice_on
        by = CancelledBy.CUSTOMER
    else:
        cancel_on = notice_on
        by = CancelledBy.CUSTOMER
    c = GapCancellation(
        policy=p,
        kind=kind,
        by=by.value,
        reason=insurer_reason.value if insurer_reason else "",
        notice_on=notice_on,
        cancel_on=cancel_on,
        idempotency_key=idempotency_key or None,
        requested_by=actor,
        status=CancellationStatus.PROCESSED,
    )
    params = params_for(p.config)
    claim = _claim_state(p)
    try:
        decision = cancellation_refund(_cancellation_request(c, claim), params)
    except DomainError as exc:
        if exc.code != ErrorCode.CLAIM_PENDING or by is CancelledBy.INSURER:
            raise
        c.status = CancellationStatus.HELD
        c.decision = {
            "outcome": "held",
            "rule": "GAP-CANCEL-3",
            "message": exc.message,
            "steps": [
                {
                    "rule": "GAP-CANCEL-3",
                    "description": "A claim is pending: the request is held until the claim is decided, then processed as at its notice date",
                    "value": notice_on.isoformat(),
                }
            ],
            "warnings": [],
        }
        c.save()
        p.status = policy_transition(p.status, PolicyStatus.CANCELLATION_PENDING_CLAIM)
        p.version += 1
        p.save(update_fields=["status", "version"])
        audit_record(
            actor=actor,
            action="gap.cancellation.hold",
            obj=c,
            firm_id=p.firm_id,
            after={"policy": p.number, "notice_on": notice_on, "rule": "GAP-CANCEL-3"},
        )
        return c
    c.save()
    _process_cancellation(actor, c, decision)
    audit_record(
        actor=actor,
        action="gap.policy.cancel",
        obj=c,
        firm_id=p.firm_id,
        before={"status": PolicyStatus.ACTIVE},
        after={
            "policy": p.number,
            "kind": kind,
            "cancel_on": cancel_on,
            "refund": c.refund,
            "basis": decision.data.get("basis"),
        },
    )
    return c


def _release_held(actor: Any, policy: GapPolicy, claim: ClaimState) -> None:
    """GAP-CANCEL-3: after a claim decision, process (declined/withdrawn) or close (paid)
    the held request as at its original notice date."""
    for c in GapCancellation.objects.select_for_update().filter(
        policy=policy, status=CancellationStatus.HELD
    ):
        c.policy = policy
        decision = cancellation_refund(_cancellation_request(c, claim), params_for(policy.config))
        if claim is ClaimState.PAID:
            c.status = CancellationStatus.CLOSED
            c.decision = decision.as_dict()
            c.refund = decision.amounts["refund"]
            c.processed_at = timezone.now()
            c.save()
            action = "gap.cancellation.close"
        else:
            _process_cancellation(actor, c, decision)
            action = "gap.cancellation.release"
        audit_record(
            actor=actor,
            action=action,
            obj=c,
            firm_id=policy.firm_id,
            after={"policy": policy.number, "refund": c.refund, "rule": "GAP-CANCEL-3"},
        )


# --------------------------------------------------------------------------- claims

CLAIM_UPDATE_TEMPLATE = "gap/claim_update_letter.html"


def _claim_update_letter(
    actor: Any, c: GapClaim, *, stage: str, title: str, key: str, **context: Any
) -> None:
    """Issue a claim status letter in the customer's own channel and format (PLT-2).

    The idempotency key names the transition, so a retried call never sends twice.
    """
    document_issue(
        actor=actor,
        customer=c.customer,
        kind=f"gap_claim_{stage}",
        title=title,
        template=CLAIM_UPDATE_TEMPLATE,
        context={"claim": c, "policy": c.policy, "stage": stage, **context},
        related=c,
        idempotency_key=key,
    )


@transaction.atomic
def gap_claim_register(
    *,
    actor: User,
    policy: GapPolicy,
    event_at: datetime,
    notified_at: datetime | None = None,
    total_loss_on: date | None = None,
    written_notice_on: date | None = None,
    territory: str = "england",
    motor_section: str = "accidental_damage",
    description: str = "",
) -> GapClaim:
    """Register a total-loss claim; GAP-CLAIM-1 late notice is flagged, never refused."""
    _require(actor, CLAIMS_STAFF | {Role.AGENT}, "register claims")
    p = GapPolicy.objects.select_for_update().get(pk=policy.pk)
    now = timezone.now()
    notified_at = notified_at or now
    if timezone.is_naive(event_at) or timezone.is_naive(notified_at):
        raise DomainError(ErrorCode.INVALID, "timestamps need a time zone", "G2", "event_at")
    if event_at > now:
        raise DomainError(
            ErrorCode.INVALID, "the loss cannot be in the future", "GAP-CLAIM-1", "event_at"
        )
    if p.termination_reason == "claim_paid":
        raise DomainError(
            ErrorCode.CONFLICT,
            "a claim has been paid: the policy has terminated",
            "GAP-CLAIM-4",
            "policy_id",
        )
    if p.claims.filter(status__in=[s.value for s in dclaims.PENDING_STATUSES]).exists():
        raise DomainError(
            ErrorCode.CONFLICT, "a claim is already open on this policy", "GAP-CLAIM", "policy_id"
        )
    terr = _enum(dclaims.Territory, territory, "territory", "GAP-DEF-TERR")
    section = _enum(dclaims.MotorSection, motor_section, "motor_section", "GAP-CLAIM-2")
    params = params_for(p.config)
    notice = dclaims.notice_check(
        dclaims.ClaimNotice(
            event_at=event_at,
            notified_at=notified_at,
            total_loss_on=total_loss_on,
            written_notice_on=written_notice_on,
        ),
        params,
        today=london_date(now),
    )
    claim = GapClaim.objects.create(
        reference=_ref("GC"),
        policy=p,
        customer_id=p.customer_id,
        firm_id=p.firm_id,
        event_at=event_at,
        loss_on=london_date(event_at),
        notified_at=notified_at,
        total_loss_on=total_loss_on,
        written_notice_on=written_notice_on,
        territory=terr.value,
        motor_section=section.value,
        description=description,
        notice=notice.as_dict(),
        created_by=actor,
    )
    _submit(
        database="CUE",
        event="claim_notified",
        claim=claim,
        policy=p,
        payload={
            "claim": claim.reference,
            "policy": p.number,
            "loss_on": claim.loss_on.isoformat(),
        },
    )
    _claim_update_letter(
        actor,
        claim,
        stage="registered",
        title=f"We have received your Combined GAP claim {claim.reference}",
        key=f"gap-claim-ack:{claim.pk}",
        late=notice.outcome == "late",
    )
    audit_record(
        actor=actor,
        action="gap.claim.register",
        obj=claim,
        after={
            "reference": claim.reference,
            "policy": p.number,
            "loss_on": claim.loss_on,
            "notice": notice.outcome,
        },
    )
    return claim


FACT_FLAGS = (
    "driver_covered_by_motor_policy",
    "driver_intoxicated",
    "driving_illegally",
    "motor_policy_whole_period",
    "unattended_without_security",
    "new_for_old_taken",
    "premium_received",
    "application_received",
    "fraudulent",
    "consequential_loss_claimed",
)
FACT_DEFAULTS = {
    "driver_covered_by_motor_policy": True,
    "motor_policy_whole_period": True,
    "premium_received": True,
    "application_received": True,
}


@transaction.atomic
def gap_claim_assess(
    *,
    actor: User,
    claim: GapClaim,
    figures: dict[str, Any],
    facts: dict[str, Any] | None = None,
    finance_lines: list[tuple[str, Any]] | None = None,
) -> GapClaim:
    """Enter the motor insurer's figures → validity (GAP-CLAIM-2/3) and the 8-step
    settlement (GAP-COVER) Decisions."""
    _require(actor, CLAIMS_STAFF, "assess claims")
    c = (
        GapClaim.objects.select_for_update()
        .select_related("policy__quote__vehicle", "policy__config")
        .get(pk=claim.pk)
    )
    p = c.policy
    q = p.quote
    params = params_for(p.config)
    facts = dict(facts or {})
    finance = FinanceAgreement.objects.filter(quote=q).first()
    lines = [
        (str(k), _money(a, f"finance_lines[{i}].amount", "GAP-DEF-OFB"))
        for i, (k, a) in enumerate(finance_lines or [])
    ]
    ofb_decision = None
    if lines:
        if finance is None:
            raise DomainError(
                ErrorCode.INVALID,
                "a finance balance was given but the policy has no finance agreement",
                "GAP-DEF-OFB",
                "finance_lines",
            )
        ofb_decision = outstanding_finance_balance(lines)

    def opt(key: str, rule: str) -> Decimal | None:
        val = figures.get(key)
        return None if val in (None, "") else _money(val, key, rule)

    for key in ("settlement", "motor_excess"):
        if figures.get(key) in (None, ""):
            raise DomainError(ErrorCode.REQUIRED, f"{key} is required", "GAP-COVER", key)
    # The vehicle insured at the loss (a new-for-old transfer moves cover; GAP-EXCL-9).
    insured, price, replaced = insured_vehicle_at(p, c.loss_on)
    if replaced:
        facts["new_for_old_taken"] = True
    market_value = opt("market_value", "GAP-DEF-MV")
    if market_value is None:
        market_value = valuation_source().retail_value(insured.valuation_code)
    mvp = insured.market_value_at_purchase
    claim_input = ClaimInput(
        purchase_price=price,
        settlement=_money(figures["settlement"], "settlement", "GAP-DEF-SETTLE"),
        motor_excess=_money(figures["motor_excess"], "motor_excess", "GAP-COVER-3"),
        limit_of_liability=p.limit_of_liability,
        accepted_settlement=opt("accepted_settlement", "GAP-BEST-1"),
        market_value=market_value,
        outstanding_finance=ofb_decision.amounts["outstanding_finance"] if ofb_decision else None,
        amount_advanced=finance.amount_advanced
        if (finance and ofb_decision and mvp is not None)
        else None,
        market_value_at_purchase=mvp if (finance and ofb_decision and mvp is not None) else None,
        contributory_percent=opt("contributory_percent", "GAP-EXCL-18"),
        contributory_amount=opt("contributory_amount", "GAP-EXCL-18"),
        vat_recovered=bool(figures.get("vat_recovered")),
        waive_market_value=bool(figures.get("waive_market_value")),
        premium_charged=opt("premium_charged", "PLT-10"),
        premium_would_have_charged=opt("premium_would_have_charged", "PLT-10"),
    )
    settlement = gap_benefit(claim_input, params)
    settlement_json = settlement.as_dict()
    if ofb_decision is not None:
        settlement_json["steps"] = [s.as_dict() for s in ofb_decision.steps] + settlement_json[
            "steps"
        ]

    validity = dclaims.claim_validity(
        dclaims.ClaimFacts(
            policy_start=p.start_on,
            policy_end=p.cover_ends_on,
            loss_on=c.loss_on,
            first_registered_on=insured.first_registered_on,
            total_loss=dclaims.TotalLoss(
                motor_claim_settled=bool(facts.get("motor_claim_settled", True)),
                vehicle_surrendered_or_written_off=bool(
                    facts.get("vehicle_surrendered_or_written_off", True)
                ),
                payment_made=bool(facts.get("payment_made", True)),
                section=dclaims.MotorSection(c.motor_section),
            ),
            territory=dclaims.Territory(c.territory),
            days_in_europe_this_cover_year=int(facts.get("days_in_europe_this_cover_year") or 0),
            perils=frozenset(
                _enum(dclaims.Peril, x, "perils", "GAP-CLAIM-3") for x in facts.get("perils") or []
            ),
            misrepresentation=_enum(
                dclaims.Misrepresentation,
                facts.get("misrepresentation") or "none",
                "misrepresentation",
                "PLT-10",
            ),
            uses_at_loss=frozenset(
                _enum(VehicleUse, x, "uses_at_loss", "GAP-EXCL-1")
                for x in facts.get("uses_at_loss") or []
            ),
            **{k: bool(facts.get(k, FACT_DEFAULTS.get(k, False))) for k in FACT_FLAGS},
        ),
        params,
    )
    before = c.status
    if c.status != dclaims.ClaimStatus.ASSESSED:
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.ASSESSED
        ).value
    c.figures = _jsonable_inputs(figures)
    c.facts = _jsonable_inputs(facts)
    c.settlement = settlement_json
    c.validity = validity.as_dict()
    c.payable = settlement.amounts["payable"]
    c.version += 1
    c.save()
    c.finance_lines.all().delete()
    FinanceBalanceLine.objects.bulk_create(
        [FinanceBalanceLine(claim=c, kind=k, amount=a) for k, a in lines]
    )
    audit_record(
        actor=actor,
        action="gap.claim.assess",
        obj=c,
        before={"status": before},
        after={
            "status": c.status,
            "payable": c.payable,
            "validity": validity.outcome,
            "declines": [d["rule"] for d in validity.data["declines"]],
        },
    )
    return c


EXCLUSION_ID = re.compile(r"^GAP-(EXCL|CLAIM|FRAUD|TERM)-\d+$")


@transaction.atomic
def gap_claim_decide(
    *,
    actor: User,
    claim: GapClaim,
    approve: bool,
    exclusion_ids: list[str] | None = None,
    note: str = "",
) -> GapClaim:
    """Approve (only a valid claim) or decline with the exclusion ids (GAP-CLAIM-3)."""
    _require(actor, CLAIMS_STAFF, "decide claims")
    c = GapClaim.objects.select_for_update().select_related("policy", "customer").get(pk=claim.pk)
    declines = (c.validity or {}).get("declines", [])
    if approve:
        if c.status == dclaims.ClaimStatus.ASSESSED and declines:
            raise DomainError(
                ErrorCode.NOT_ELIGIBLE,
                "the claim cannot be approved: "
                + "; ".join(f"{d['rule']}: {d['reason']}" for d in declines),
                ", ".join(sorted({d["rule"] for d in declines})),
                "approve",
            )
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.APPROVED
        ).value
    else:
        ids = exclusion_ids or sorted({d["rule"] for d in declines})
        if not ids:
            raise DomainError(
                ErrorCode.REQUIRED,
                "name the exclusion ids that decline the claim",
                "GAP-CLAIM-3",
                "exclusion_ids",
            )
        for x in ids:
            if not EXCLUSION_ID.match(x):
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{x!r} is not an exclusion id",
                    "GAP-CLAIM-3",
                    "exclusion_ids",
                )
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.DECLINED
        ).value
        c.decline_rules = ids
    c.decision_note = note
    c.decided_by = actor
    c.decided_at = timezone.now()
    c.version += 1
    c.save()
    if approve:
        _claim_update_letter(
            actor,
            c,
            stage="approved",
            title=f"Your Combined GAP claim {c.reference} has been approved",
            key=f"gap-claim-approved:{c.pk}",
        )
    else:
        policy = GapPolicy.objects.select_for_update().get(pk=c.policy_id)
        _release_held(actor, policy, ClaimState.DECLINED)
        document_issue(
            actor=actor,
            customer=c.customer,
            kind="gap_claim_decision",
            title=f"Your Combined GAP claim {c.reference}",
            template="documents/gap_claim_letter.html",
            context={"claim": c, "policy": c.policy, "declined": True},
            related=c,
            idempotency_key=f"gap-claim-decline:{c.pk}",
        )
    audit_record(
        actor=actor,
        action="gap.claim.decide",
        obj=c,
        after={"status": c.status, "decline_rules": c.decline_rules, "note": note},
    )
    return c


@transaction.atomic
def gap_claim_request_documents(
    *, actor: User, claim: GapClaim, documents: list[str], note: str = ""
) -> GapClaim:
    """Documents outstanding: tell the customer exactly what is still needed.

    Idempotent: asking again for the same list changes nothing and sends nothing; a
    changed list while documents are already outstanding sends one updated letter.
    """
    _require(actor, CLAIMS_STAFF, "request claim documents")
    wanted = [str(d).strip() for d in documents if str(d).strip()]
    if not wanted:
        raise DomainError(
            ErrorCode.REQUIRED, "name the documents still needed", "GAP-CLAIM-1", "documents"
        )
    c = GapClaim.objects.select_for_update().select_related("policy", "customer").get(pk=claim.pk)
    outstanding = dclaims.ClaimStatus.DOCUMENTS_OUTSTANDING
    if c.status == outstanding and c.documents_requested == wanted:
        return c
    before = c.status
    if c.status != outstanding:
        c.status = dclaims.transition(dclaims.ClaimStatus(c.status), outstanding).value
    c.documents_requested = wanted
    c.version += 1
    c.save()
    _claim_update_letter(
        actor,
        c,
        stage="documents",
        title=f"Your Combined GAP claim {c.reference}: what we still need",
        key=f"gap-claim-docs:{c.pk}:v{c.version}",
        documents=wanted,
        note=note,
    )
    audit_record(
        actor=actor,
        action="gap.claim.request_documents",
        obj=c,
        before={"status": before},
        after={"status": c.status, "documents": wanted},
    )
    return c


@transaction.atomic
def gap_claim_withdraw(*, actor: User, claim: GapClaim) -> GapClaim:
    _require(actor, CLAIMS_STAFF | {Role.AGENT}, "withdraw claims")
    c = GapClaim.objects.select_for_update().get(pk=claim.pk)
    c.status = dclaims.transition(
        dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.WITHDRAWN
    ).value
    c.version += 1
    c.save()
    policy = GapPolicy.objects.select_for_update().get(pk=c.policy_id)
    _release_held(actor, policy, ClaimState.DECLINED)
    audit_record(actor=actor, action="gap.claim.withdraw", obj=c, after={"status": c.status})
    return c


@transaction.atomic
def gap_claim_pay(
    *, actor: User, claim: GapClaim, idempotency_key: str, paid_on: date | None = None
) -> GapClaim:
    """Pay an approved claim: ledger posting, GAP-CLAIM-4 termination, letter, CUE."""
    _require(actor, CLAIMS_STAFF, "pay claims")
    _require_key(idempotency_key)
    done = GapClaim.objects.filter(payment_idempotency_key=idempotency_key).first()
    if done is not None:
        return _replayed(done, done.pk == claim.pk, "claim")
    c = GapClaim.objects.select_for_update().select_related("customer").get(pk=claim.pk)
    if c.payment_idempotency_key == idempotency_key:
        return c
    c.status = dclaims.transition(dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.PAID).value
    paid_on = paid_on or timezone.localdate()
    amount = c.payable or Decimal("0.00")
    txn = None
    if amount > 0:
        _ensure_accounts()
        txn = ledger_post(
            actor=actor,
            reference=c.reference,
            idempotency_key=f"gap-claim-pay:{idempotency_key}",
            lines=[
                LedgerLine("gap.claims_paid", debit=amount),
                LedgerLine("gap.claims_bank", credit=amount),
            ],
            description=f"GAP claim {c.reference} settlement",
        )
    c.paid_amount = amount
    c.paid_on = paid_on
    c.payment_idempotency_key = idempotency_key
    c.payment_transaction = txn
    c.version += 1
    c.save()
    policy = GapPolicy.objects.select_for_update().get(pk=c.policy_id)
    before = policy.status
    if (
        dclaims.terminates_policy(dclaims.ClaimStatus(c.status))
        and policy.status != PolicyStatus.TERMINATED
    ):
        _terminate(policy, termination(end=policy.end_on, claim_paid_on=paid_on))
    _release_held(actor, policy, ClaimState.PAID)
    document_issue(
        actor=actor,
        customer=c.customer,
        kind="gap_claim_payment",
        title=f"Your Combined GAP claim {c.reference} has been paid",
        template="documents/gap_claim_letter.html",
        context={"claim": c, "policy": policy, "declined": False},
        related=c,
        idempotency_key=f"gap-claim-paid:{c.pk}",
    )
    _submit(
        database="CUE",
        event="claim_settled",
        claim=c,
        policy=policy,
        payload={"claim": c.reference, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    audit_record(
        actor=actor,
        action="gap.claim.pay",
        obj=c,
        after={
            "paid": amount,
            "paid_on": paid_on,
            "policy_status": policy.status,
            "policy_status_before": before,
            "rule": "GAP-CLAIM-4",
        },
    )
    return c


# --------------------------------------------------------------------------- expiry


def gap_policies_expire(*, as_of: date, actor: Any = "job:gap.expire_policies") -> int:
    """GAP-TERM-1 natural expiry: an active policy whose last day is before ``as_of``."""
    count = 0
    ids = list(
        GapPolicy.objects.filter(status=PolicyStatus.ACTIVE, end_on__lt=as_of).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            p = GapPolicy.objects.select_for_update().get(pk=pk)
            if p.status != PolicyStatus.ACTIVE or p.end_on >= as_of:
                continue
            _terminate(p, termination(end=p.end_on))
            audit_record(
                actor=actor,
                action="gap.policy.expire",
                obj=p,
                after={"terminated_on": p.terminated_on, "reason": p.termination_reason},
            )
            count += 1
    return count


# --------------------------------------------------------------------------- valuations


@transaction.atomic
def valuations_load(*, actor: Any, rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Load Glass's Guide rows (GAP-ELIG-5); returns (created, updated)."""
    created = updated = 0
    for row in rows:
        _, made = ValuationEntry.objects.update_or_create(
            code=row["code"],
            defaults={
                "make": row["make"],
                "model": row["model"],
                "retail_value": row["retail_value"],
                "source": source,
                "loaded_at": timezone.now(),
            },
        )
        created += made
        updated += not made
    audit_record(
        actor=actor,
        action="gap.valuations.load",
        object_type="gap.valuationentry",
        object_id=source[:60],
        after={"created": created, "updated": updated, "source": source},
    )
    return created, updated


__all__ = [
    "QuoteResult",
    "gap_claim_assess",
    "gap_claim_decide",
    "gap_claim_pay",
    "gap_claim_register",
    "gap_claim_withdraw",
    "gap_policies_expire",
    "gap_policy_bind",
    "gap_policy_cancel",
    "gap_quote_create",
    "gbp",
    "valuations_load",
]
