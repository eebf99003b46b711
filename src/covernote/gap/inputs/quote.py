"""Typed inputs for a GAP quote: the vehicle, its finance, the motor policy (ADR 0008)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from covernote.domain.bounds import Fields
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    HolderRelationship,
    MotorCover,
    MotorPolicy,
    VehicleUse,
)
from covernote.domain.gap.purchase import PriceLine, PriceLineKind
from covernote.gap.inputs.fields import (
    GROSS_WEIGHT_KG,
    LEN,
    TERM_MONTHS,
    choice,
    day,
    jsonable,
    money,
    optional_day,
    text,
    whole,
)


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
        out: dict[str, Any] = jsonable(self)
        return out
