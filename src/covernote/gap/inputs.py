"""Typed inputs for the GAP writes, parsed once at the door (ARCHITECTURE §6, ADR 0008).

The API, the pages, the demo and the calculators build these from what they
received; the services take them and never re-parse. Each ``parse`` reads a
mapping (a request body, a form's values) and raises a ``DomainError`` that names
the field and the rule, with the words the services used before. Checks that need
the clock or the database (a date in the future, the valuation guide, the policy's
state) stay in the services.

No Django model is imported here, so the calculators and the API import it cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from covernote.domain.bounds import (
    BoundError,
    Fields,
    check_day,
    check_int,
    check_moment,
    check_money,
    check_text,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.cancellation import InsurerReason
from covernote.domain.gap.claims import Misrepresentation, MotorSection, Peril, Territory
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    HolderRelationship,
    MotorCover,
    MotorPolicy,
    VehicleUse,
)
from covernote.domain.gap.purchase import PriceLine, PriceLineKind

E = TypeVar("E", bound=StrEnum)

EXCLUSION_ID = re.compile(r"^GAP-(EXCL|CLAIM|FRAUD|TERM)-\d+$")

#: Bounds at the door (ADR 0023). Text lengths are the columns' (gap.models; a test keeps
#: them equal); money has the columns' 12 digits and a ceiling no real GAP figure reaches
#: (GAP-ELIG-2 refuses a price over £125,000 as a decision; the door refuses nonsense).
LEN = {
    "registration": 12,
    "make": 60,
    "model": 100,
    "valuation_code": 40,
    "line_description": 200,
    "lender": 120,
    "agreement_number": 60,
    "insurer": 120,
    "policy_number": 60,
    "idempotency_key": 200,
}
MONEY_DIGITS = 12
MONEY_CEILING = Decimal("1000000.00")
NOTE_LENGTH = 2000
TERM_MONTHS = (1, 120)
GROSS_WEIGHT_KG = (1, 50_000)


# --------------------------------------------------------------------------- field readers


def _refused(name: str, rule: str, exc: BoundError) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{label(name)}: {exc.problem}", rule, name)


def label(name: str) -> str:
    return Fields().label(name)


def money(value: Any, name: str, rule: str, ceiling: Decimal = MONEY_CEILING) -> Decimal:
    """Pounds and pence at most the ceiling; sub-penny, ``true`` and floats refused."""
    try:
        return check_money(value, max_digits=MONEY_DIGITS, ceiling=ceiling)
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def optional_money(value: Any, name: str, rule: str) -> Decimal | None:
    return None if value in (None, "") else money(value, name, rule)


def choice(enum: type[E], value: Any, name: str, rule: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise DomainError(
            ErrorCode.INVALID, f"{name} must be one of {allowed}", rule, name
        ) from None


def day(value: Any, name: str, rule: str) -> date:
    """A day from 1900 to 2100 (the services check it against the clock)."""
    try:
        return check_day(value)
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def text(value: Any, name: str, rule: str, max_length: int, *, multiline: bool = False) -> str:
    try:
        return check_text(
            "" if value is None else value, max_length=max_length, multiline=multiline
        )
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def whole(value: Any, name: str, rule: str, bounds: tuple[int, int]) -> int:
    try:
        return check_int(value, ge=bounds[0], le=bounds[1])
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def moment(value: Any, name: str) -> datetime:
    try:
        return check_moment(value)
    except BoundError as exc:
        raise _refused(name, "G2", exc) from None


def optional_day(value: Any, name: str, rule: str) -> date | None:
    return day(value, name, rule) if value else None


def yes_no(value: Any, name: str, rule: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, f"{name} must be true or false", rule, name)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


# --------------------------------------------------------------------------- quote


@dataclass(frozen=True)
class VehicleInput:
    """The vehicle of a quote or a new-for-old replacement (GAP-ELIG-3/5/7)."""

    registration: str
    make: str
    model: str
    valuation_code: str
    first_registered_on: date
    uses: frozenset[VehicleUse] = frozenset({VehicleUse.SOCIAL_DOMESTIC_PLEASURE})
    gross_weight_kg: int = 1500
    built_for: BuiltForMarket = BuiltForMarket.UK
    is_commercial: bool = False
    is_kit_car: bool = False
    is_invalid_carriage: bool = False
    registered_in_uk: bool = True
    principally_used_in_uk: bool = True

    @classmethod
    def parse(cls, v: Mapping[str, Any], prefix: str = "vehicle.") -> VehicleInput:
        f = Fields()
        for key in ("registration", "make", "model", "valuation_code", "first_registered_on"):
            if v.get(key) in (None, ""):
                f.errors.append(
                    DomainError(
                        ErrorCode.REQUIRED,
                        f"{prefix}{key} is required",
                        "GAP-ELIG",
                        f"{prefix}{key}",
                    )
                )

        def txt(key: str, rule: str) -> str:
            return f.call(lambda: text(v.get(key), f"{prefix}{key}", rule, LEN[key]))

        registration = txt("registration", "GAP-ELIG-7")
        make, model = txt("make", "GAP-ELIG-5"), txt("model", "GAP-ELIG-5")
        code = txt("valuation_code", "GAP-ELIG-5")
        first_reg = (
            f.call(
                lambda: day(v["first_registered_on"], f"{prefix}first_registered_on", "GAP-ELIG-3")
            )
            if v.get("first_registered_on")
            else None
        )
        uses = f.call(
            lambda: frozenset(
                choice(VehicleUse, u, f"{prefix}uses", "GAP-ELIG-7")
                for u in v.get("uses") or ["social_domestic_pleasure"]
            )
        )
        built_for = f.call(
            lambda: choice(
                BuiltForMarket, v.get("built_for", "uk"), f"{prefix}built_for", "GAP-ELIG-7"
            )
        )
        raw_weight = v.get("gross_weight_kg")
        weight = f.call(
            lambda: whole(
                1500 if raw_weight in (None, "") else raw_weight,
                f"{prefix}gross_weight_kg",
                "GAP-ELIG-7",
                GROSS_WEIGHT_KG,
            )
        )
        f.done()
        return cls(
            registration=registration.upper().replace(" ", ""),
            make=make,
            model=model,
            valuation_code=code.upper(),
            first_registered_on=first_reg,  # type: ignore[arg-type]  # required above
            uses=uses,
            gross_weight_kg=weight,
            built_for=built_for,
            is_commercial=bool(v.get("is_commercial")),
            is_kit_car=bool(v.get("is_kit_car")),
            is_invalid_carriage=bool(v.get("is_invalid_carriage")),
            registered_in_uk=bool(v.get("registered_in_uk", True)),
            principally_used_in_uk=bool(v.get("principally_used_in_uk", True)),
        )


def price_lines(raw: Iterable[Mapping[str, Any]]) -> tuple[PriceLine, ...]:
    """The vehicle invoice lines (GAP-DEF-PRICE); every bad line is reported."""
    f = Fields()
    lines = []
    for i, ln in enumerate(raw):
        where = f"purchase_lines[{i}]"
        kind = f.call(choice, PriceLineKind, ln.get("kind"), f"{where}.kind", "GAP-DEF-PRICE")
        amount = f.call(money, ln.get("amount"), f"{where}.amount", "GAP-DEF-PRICE")
        description = f.call(
            text,
            ln.get("description"),
            f"{where}.description",
            "GAP-DEF-PRICE",
            LEN["line_description"],
        )
        lines.append(PriceLine(kind=kind, amount=amount, description=description))
    f.done()
    return tuple(lines)


@dataclass(frozen=True)
class FinanceInput:
    lender: str
    amount_advanced: Decimal
    agreement_number: str = ""

    @classmethod
    def parse(cls, f: Mapping[str, Any]) -> FinanceInput:
        if not f.get("lender"):
            raise DomainError(
                ErrorCode.REQUIRED, "finance.lender is required", "GAP-DEF-OFB", "finance.lender"
            )
        got = Fields()
        lender = got.call(lambda: text(f["lender"], "finance.lender", "GAP-DEF-OFB", LEN["lender"]))
        advanced = got.call(
            lambda: money(f.get("amount_advanced"), "finance.amount_advanced", "GAP-EXCL-8")
        )
        agreement = got.call(
            lambda: text(
                f.get("agreement_number"),
                "finance.agreement_number",
                "GAP-DEF-OFB",
                LEN["agreement_number"],
            )
        )
        got.done()
        return cls(lender=lender, amount_advanced=advanced, agreement_number=agreement)


def motor_policy(mp: Mapping[str, Any]) -> MotorPolicy:
    """GAP-ELIG-1: the motor policy recorded at sale."""
    motor = MotorPolicy(
        insurer=text(mp.get("insurer"), "motor_policy.insurer", "GAP-ELIG-1", LEN["insurer"]),
        policy_number=text(
            mp.get("policy_number"),
            "motor_policy.policy_number",
            "GAP-ELIG-1",
            LEN["policy_number"],
        ),
        cover=choice(
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
    return motor


@dataclass(frozen=True)
class QuoteInput:
    """A GAP quote request (GAP-DEF-PRICE, GAP-ELIG-1..7, GAP-PRICE-1, GAP-SALE-1)."""

    vehicle: VehicleInput
    purchase_lines: tuple[PriceLine, ...]
    ownership_date: date
    term_months: int
    limit_of_liability: Decimal
    holder_relationship: HolderRelationship = HolderRelationship.OWNER
    finance: FinanceInput | None = None
    motor_policy: MotorPolicy | None = None
    start_on: date | None = None  # None: the quote date
    sold_with_vehicle: bool = False
    customer_initiated: bool = False
    prescribed_info_given_on: date | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> QuoteInput:
        """Every field is read; every refusal is reported at once (ADR 0023)."""
        f = Fields()
        vehicle = f.call(lambda: VehicleInput.parse(data.get("vehicle") or {}))
        lines = f.call(lambda: price_lines(data.get("purchase_lines") or []))
        finance = data.get("finance") or None
        mp = data.get("motor_policy") or None
        fin = f.call(lambda: FinanceInput.parse(finance)) if finance else None
        motor = f.call(lambda: motor_policy(mp)) if mp else None
        holder = f.call(
            lambda: choice(
                HolderRelationship,
                data.get("holder_relationship", "owner"),
                "holder_relationship",
                "GAP-ELIG-4",
            )
        )
        ownership = f.call(lambda: day(data.get("ownership_date"), "ownership_date", "GAP-ELIG-6"))
        start_on = f.call(lambda: optional_day(data.get("start_on"), "start_on", "GAP-PRICE-1"))
        term = f.call(
            lambda: whole(data.get("term_months"), "term_months", "GAP-PRICE-1", TERM_MONTHS)
        )
        limit = f.call(
            lambda: money(data.get("limit_of_liability"), "limit_of_liability", "GAP-LIMIT")
        )
        info_on = f.call(
            lambda: optional_day(
                data.get("prescribed_info_given_on"), "prescribed_info_given_on", "GAP-SALE-1"
            )
        )
        f.done()
        return cls(
            vehicle=vehicle,
            purchase_lines=lines,
            finance=fin,
            motor_policy=motor,
            holder_relationship=holder,
            ownership_date=ownership,
            start_on=start_on,
            term_months=term,
            limit_of_liability=limit,
            sold_with_vehicle=bool(data.get("sold_with_vehicle")),
            customer_initiated=bool(data.get("customer_initiated")),
            prescribed_info_given_on=info_on,
        )

    def as_json(self) -> dict[str, Any]:
        """What is stored with the quote as the inputs it was given."""
        out: dict[str, Any] = _jsonable(self)
        return out


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class BindInput:
    """Sell a quote; the key makes a retry safe (API-IDEMPOTENCY)."""

    idempotency_key: str
    documents_received_on: date | None = None


@dataclass(frozen=True)
class TransferInput:
    """GAP-CLAIM-3 exclusion 9: move cover to the new-for-old replacement vehicle."""

    vehicle: VehicleInput
    purchase_lines: tuple[PriceLine, ...]
    idempotency_key: str
    transfer_on: date | None = None  # None: today
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> TransferInput:
        f = Fields()
        vehicle = f.call(VehicleInput.parse, data.get("vehicle") or {})
        lines = f.call(price_lines, data.get("purchase_lines") or [])
        key = f.call(text, data.get("idempotency_key"), "idempotency_key", "API-IDEMPOTENCY", 200)
        transfer_on = f.call(optional_day, data.get("transfer_on"), "transfer_on", "GAP-EXCL-9")
        note = f.call(text, data.get("note"), "note", "GAP-EXCL-9", NOTE_LENGTH, multiline=True)
        f.done()
        return cls(
            vehicle=vehicle,
            purchase_lines=lines,
            idempotency_key=key,
            transfer_on=transfer_on,
            note=note,
        )

    def lines_json(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = _jsonable(self.purchase_lines)
        return out


class CancellationKind(StrEnum):
    """Who asked for the cancellation (GAP-CANCEL-1..4); the stored values."""

    CUSTOMER = "customer"
    INSURER = "insurer"
    VEHICLE_SOLD = "vehicle_sold"


@dataclass(frozen=True)
class CancelInput:
    """A cancellation request (GAP-CANCEL-1..4, GAP-FRAUD-1)."""

    kind: CancellationKind
    notice_on: date
    reason: InsurerReason | None = None  # the insurer's reason (GAP-CANCEL-4)
    disposed_on: date | None = None
    fraudulent_act_on: date | None = None
    idempotency_key: str | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CancelInput:
        f = Fields()
        kind = f.call(choice, CancellationKind, data.get("kind"), "kind", "GAP-CANCEL")
        reason = data.get("reason") or None
        insurer_reason = (
            f.call(choice, InsurerReason, reason, "reason", "GAP-CANCEL-4")
            if reason and kind is CancellationKind.INSURER
            else None
        )
        notice_on = f.call(day, data.get("notice_on"), "notice_on", "GAP-CANCEL")
        disposed_on = f.call(optional_day, data.get("disposed_on"), "disposed_on", "GAP-CANCEL")
        fraud_on = f.call(
            optional_day, data.get("fraudulent_act_on"), "fraudulent_act_on", "GAP-FRAUD-1"
        )
        key = f.call(text, data.get("idempotency_key"), "idempotency_key", "API-IDEMPOTENCY", 200)
        f.done()
        return cls(
            kind=kind,
            notice_on=notice_on,
            reason=insurer_reason,
            disposed_on=disposed_on,
            fraudulent_act_on=fraud_on,
            idempotency_key=key or None,
        )


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ClaimRegistration:
    """A total-loss claim notified (GAP-CLAIM-1, GAP-DEF-TERR)."""

    event_at: datetime
    notified_at: datetime | None = None  # None: now
    total_loss_on: date | None = None
    written_notice_on: date | None = None
    territory: Territory = Territory.ENGLAND
    motor_section: MotorSection = MotorSection.ACCIDENTAL_DAMAGE
    description: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> ClaimRegistration:
        if data.get("event_at") is None:
            raise DomainError(ErrorCode.REQUIRED, "event_at is required", "G2", "event_at")
        f = Fields()
        event_at = f.call(moment, data.get("event_at"), "event_at")
        notified = data.get("notified_at")
        notified_at = None if notified is None else f.call(moment, notified, "notified_at")
        loss_on = f.call(optional_day, data.get("total_loss_on"), "total_loss_on", "GAP-CLAIM-1")
        notice_on = f.call(
            optional_day, data.get("written_notice_on"), "written_notice_on", "GAP-CLAIM-1"
        )
        territory = f.call(
            choice, Territory, data.get("territory", "england"), "territory", "GAP-DEF-TERR"
        )
        section = f.call(
            choice,
            MotorSection,
            data.get("motor_section", "accidental_damage"),
            "motor_section",
            "GAP-CLAIM-2",
        )
        description = f.call(
            text, data.get("description"), "description", "GAP-CLAIM-1", NOTE_LENGTH, multiline=True
        )
        f.done()
        return cls(
            event_at=event_at,
            notified_at=notified_at,
            total_loss_on=loss_on,
            written_notice_on=notice_on,
            territory=territory,
            motor_section=section,
            description=description,
        )


@dataclass(frozen=True)
class ClaimFigures:
    """The motor insurer's figures for a GAP claim (GAP-COVER, GAP-BEST-1, GAP-EXCL-18).

    The ``gap-claim`` calculator reads the same figures from its payload.
    """

    settlement: Decimal
    motor_excess: Decimal
    accepted_settlement: Decimal | None = None
    market_value: Decimal | None = None
    contributory_percent: Decimal | None = None
    contributory_amount: Decimal | None = None
    vat_recovered: bool = False
    waive_market_value: bool = False
    premium_charged: Decimal | None = None
    premium_would_have_charged: Decimal | None = None

    @classmethod
    def parse(cls, f: Mapping[str, Any]) -> ClaimFigures:
        for key in ("settlement", "motor_excess"):
            if f.get(key) in (None, ""):
                raise DomainError(ErrorCode.REQUIRED, f"{key} is required", "GAP-COVER", key)

        got = Fields()

        def opt(key: str, rule: str) -> Decimal | None:
            return got.call(optional_money, f.get(key), key, rule)

        percent = f.get("contributory_percent")
        figures = cls(
            settlement=got.call(money, f["settlement"], "settlement", "GAP-DEF-SETTLE"),
            motor_excess=got.call(money, f["motor_excess"], "motor_excess", "GAP-COVER-3"),
            accepted_settlement=opt("accepted_settlement", "GAP-BEST-1"),
            market_value=opt("market_value", "GAP-DEF-MV"),
            contributory_percent=None
            if percent in (None, "")
            else got.call(
                money, percent, "contributory_percent", "GAP-EXCL-18", ceiling=Decimal(100)
            ),
            contributory_amount=opt("contributory_amount", "GAP-EXCL-18"),
            vat_recovered=got.call(yes_no, f.get("vat_recovered"), "vat_recovered", "GAP-EXCL-14"),
            waive_market_value=got.call(
                yes_no, f.get("waive_market_value"), "waive_market_value", "GAP-BEST-1"
            ),
            premium_charged=opt("premium_charged", "PLT-10"),
            premium_would_have_charged=opt("premium_would_have_charged", "PLT-10"),
        )
        got.done()
        return figures

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> ClaimFigures | None:
        """The figures stored with an assessed claim (None before assessment)."""
        if not stored or stored.get("settlement") in (None, ""):
            return None
        return cls.parse(stored)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = _jsonable(self)
        return out


#: Yes/no facts found on a claim (GAP-CLAIM-3 exclusions) and their defaults.
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


@dataclass(frozen=True)
class ClaimFactsInput:
    """What the claims handler found (GAP-CLAIM-2/3, PLT-10)."""

    flags: Mapping[str, bool] = field(
        default_factory=lambda: {k: FACT_DEFAULTS.get(k, False) for k in FACT_FLAGS}
    )
    motor_claim_settled: bool = True
    vehicle_surrendered_or_written_off: bool = True
    payment_made: bool = True
    days_in_europe_this_cover_year: int = 0
    perils: frozenset[Peril] = frozenset()
    misrepresentation: Misrepresentation = Misrepresentation.NONE
    uses_at_loss: frozenset[VehicleUse] = frozenset()

    @classmethod
    def parse(cls, facts: Mapping[str, Any]) -> ClaimFactsInput:
        return cls(
            flags={k: bool(facts.get(k, FACT_DEFAULTS.get(k, False))) for k in FACT_FLAGS},
            motor_claim_settled=bool(facts.get("motor_claim_settled", True)),
            vehicle_surrendered_or_written_off=bool(
                facts.get("vehicle_surrendered_or_written_off", True)
            ),
            payment_made=bool(facts.get("payment_made", True)),
            days_in_europe_this_cover_year=whole(
                facts.get("days_in_europe_this_cover_year") or 0,
                "days_in_europe_this_cover_year",
                "GAP-DEF-TERR",
                (0, 366),
            ),
            perils=frozenset(
                choice(Peril, x, "perils", "GAP-CLAIM-3") for x in facts.get("perils") or []
            ),
            misrepresentation=choice(
                Misrepresentation,
                facts.get("misrepresentation") or "none",
                "misrepresentation",
                "PLT-10",
            ),
            uses_at_loss=frozenset(
                choice(VehicleUse, x, "uses_at_loss", "GAP-EXCL-1")
                for x in facts.get("uses_at_loss") or []
            ),
        )

    def with_new_for_old(self) -> ClaimFactsInput:
        """GAP-EXCL-9: the loss is the event that led to a new-for-old replacement."""
        return replace(self, flags={**self.flags, "new_for_old_taken": True})

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in _jsonable(self).items() if k != "flags"}
        return {**dict(self.flags), **out}


@dataclass(frozen=True)
class AssessInput:
    """Assess a claim: the figures, the facts and any finance settlement lines."""

    figures: ClaimFigures
    facts: ClaimFactsInput = field(default_factory=ClaimFactsInput)
    finance_lines: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        figures: Mapping[str, Any],
        facts: Mapping[str, Any] | None = None,
        finance_lines: Iterable[tuple[str, Any]] = (),
    ) -> AssessInput:
        f = Fields()
        lines = tuple(
            (
                f.call(text, k, f"finance_lines[{i}].kind", "GAP-DEF-OFB", 40),
                f.call(money, a, f"finance_lines[{i}].amount", "GAP-DEF-OFB"),
            )
            for i, (k, a) in enumerate(finance_lines)
        )
        parsed = cls(
            figures=f.call(ClaimFigures.parse, figures),
            facts=f.call(ClaimFactsInput.parse, facts or {}),
            finance_lines=lines,
        )
        f.done()
        return parsed


@dataclass(frozen=True)
class DecideInput:
    """Approve, or decline with the exclusion ids (GAP-CLAIM-3)."""

    approve: bool
    exclusion_ids: tuple[str, ...] = ()  # empty: the declines found at assessment
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> DecideInput:
        ids = tuple(str(x) for x in data.get("exclusion_ids") or ())
        for x in ids:
            if not EXCLUSION_ID.match(x):
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{x!r} is not an exclusion id",
                    "GAP-CLAIM-3",
                    "exclusion_ids",
                )
        return cls(
            approve=bool(data.get("approve")),
            exclusion_ids=ids,
            note=text(data.get("note"), "note", "GAP-CLAIM-3", NOTE_LENGTH, multiline=True),
        )


@dataclass(frozen=True)
class DocumentsRequest:
    """Documents outstanding: what the customer must still send."""

    documents: tuple[str, ...]
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> DocumentsRequest:
        wanted = tuple(str(d).strip() for d in data.get("documents") or () if str(d).strip())
        if not wanted:
            raise DomainError(
                ErrorCode.REQUIRED, "name the documents still needed", "GAP-CLAIM-1", "documents"
            )
        f = Fields()
        for i, d in enumerate(wanted):
            f.call(text, d, f"documents[{i}]", "GAP-CLAIM-1", 200)
        note = f.call(text, data.get("note"), "note", "GAP-CLAIM-1", NOTE_LENGTH, multiline=True)
        f.done()
        return cls(documents=wanted, note=note)


@dataclass(frozen=True)
class PayInput:
    """Pay an approved claim; the key makes a retry safe (API-IDEMPOTENCY)."""

    idempotency_key: str
    paid_on: date | None = None  # None: today


@dataclass(frozen=True)
class PaymentRequestInput:
    """Ask a second approver to pay a claim above one's authority (ADR 0026)."""

    note: str = ""


@dataclass(frozen=True)
class PaymentRefusalInput:
    """The second approver sends the payment back: why, in a sentence (ADR 0026)."""

    reason: str

    def __post_init__(self) -> None:
        if len(self.reason.split()) < 3:
            raise DomainError(
                ErrorCode.REQUIRED,
                "say why the payment is sent back, in a sentence",
                "GAP-CLAIM-4",
                "reason",
            )
