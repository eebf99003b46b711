"""Eligibility at sale (GAP-ELIG-1..7, seed 002 "What criteria apply?", exclusions 1a–1e).

A quote that fails any rule is refused with **every** failing rule id and a
plain-English reason, not just the first (SPEC §1). The valuation-source lookup
(GAP-ELIG-5, Glass's Guide) happens outside the domain through
:class:`covernote.domain.gap.valuation.ValuationSource`; this module takes its
answer as a boolean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from covernote.domain.calendar import add_months
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.money import gbp


class VehicleUse(StrEnum):
    """How the vehicle is used; the excluded uses are seed 002 exclusions 1a, 1b and 1d."""

    SOCIAL_DOMESTIC_PLEASURE = "social_domestic_pleasure"
    COMMUTING = "commuting"
    BUSINESS = "business"
    COMPETITION = "competition"
    RALLY = "rally"
    HIRE_OR_REWARD = "hire_or_reward"
    DRIVING_TUITION = "driving_tuition"
    TAXI = "taxi"
    RACING = "racing"
    PACE_MAKING = "pace_making"
    SPEED_TESTING = "speed_testing"
    RELIABILITY_TRIALS = "reliability_trials"
    DELIVERY_COURIER_ONLY = "delivery_courier_only"


EXCLUDED_USES = frozenset(
    {
        VehicleUse.COMPETITION,
        VehicleUse.RALLY,
        VehicleUse.HIRE_OR_REWARD,
        VehicleUse.DRIVING_TUITION,
        VehicleUse.TAXI,
        VehicleUse.RACING,
        VehicleUse.PACE_MAKING,
        VehicleUse.SPEED_TESTING,
        VehicleUse.RELIABILITY_TRIALS,
        VehicleUse.DELIVERY_COURIER_ONLY,
    }
)


class BuiltForMarket(StrEnum):
    """The market the vehicle was built for (exclusion 1d: American, Australian, Canadian)."""

    UK = "uk"
    EUROPE = "europe"
    JAPAN = "japan"
    USA = "usa"
    AUSTRALIA = "australia"
    CANADA = "canada"
    OTHER = "other"


EXCLUDED_MARKETS = frozenset({BuiltForMarket.USA, BuiltForMarket.AUSTRALIA, BuiltForMarket.CANADA})


class HolderRelationship(StrEnum):
    """GAP-ELIG-4: the policyholder's relationship to the vehicle."""

    OWNER = "owner"
    REGISTERED_KEEPER = "registered_keeper"
    FINANCES_FOR_OWNER = "finances_for_owner"  # finances it on behalf of the owner/keeper
    OTHER = "other"


class MotorCover(StrEnum):
    COMPREHENSIVE = "comprehensive"
    THIRD_PARTY_FIRE_THEFT = "third_party_fire_theft"
    THIRD_PARTY_ONLY = "third_party_only"


@dataclass(frozen=True)
class MotorPolicy:
    """GAP-ELIG-1: the motor policy recorded at sale."""

    insurer: str
    policy_number: str
    cover: MotorCover
    covers_whole_gap_period: bool


@dataclass(frozen=True)
class Vehicle:
    first_registered_on: date
    listed_in_valuation_source: bool  # GAP-ELIG-5 (Glass's Guide), answered by a ValuationSource
    uses: frozenset[VehicleUse]
    gross_weight_kg: int
    is_commercial: bool = False
    is_kit_car: bool = False
    is_invalid_carriage: bool = False
    built_for: BuiltForMarket = BuiltForMarket.UK
    registered_in_uk: bool = True
    principally_used_in_uk: bool = True


@dataclass(frozen=True)
class EligibilityInput:
    """Everything GAP-ELIG-1..7 look at. ``policy_purchase_date`` is the date GAP is bought."""

    vehicle: Vehicle
    holder_relationship: HolderRelationship
    motor_policy: MotorPolicy | None
    ownership_date: date
    policy_purchase_date: date
    purchase_price: Decimal  # GAP-DEF-PRICE, see purchase.purchase_price


def vehicle_age_limit_date(first_registered_on: date, params: GapParams) -> date:
    """The first day on which the vehicle is ``max_vehicle_age_years`` old (GAP-ELIG-3)."""
    return add_months(first_registered_on, 12 * params.eligibility.max_vehicle_age_years)


def check_eligibility(data: EligibilityInput, params: GapParams) -> Decision:
    """GAP-ELIG-1..7 and GAP-DEF-PRICE (a price above £0): outcome ``"eligible"`` or ``"refused"`` with every failing rule.

    ``decision.data["failures"]`` lists ``{"rule", "reason"}`` for each failure;
    each rule also writes a step with ``value`` ``"pass"`` or ``"fail"``.
    """
    p = params.eligibility
    decision = Decision(outcome="eligible")
    failures: list[dict[str, str]] = []

    def record(rule: str, ok: bool, passed: str, reasons: list[str]) -> None:
        if ok:
            decision.step(rule, passed, value="pass")
            return
        for reason in reasons:
            failures.append({"rule": rule, "reason": reason})
            decision.step(rule, reason, value="fail")

    # GAP-ELIG-1 comprehensive motor policy for the whole GAP period.
    mp = data.motor_policy
    reasons1: list[str] = []
    if mp is None:
        reasons1.append("No motor insurance policy is recorded for the vehicle.")
    else:
        if mp.cover is not MotorCover.COMPREHENSIVE:
            reasons1.append(
                f"The motor policy ({mp.insurer} {mp.policy_number}) is {mp.cover.value}, "
                "not comprehensive."
            )
        if not mp.covers_whole_gap_period:
            reasons1.append("The motor policy does not cover the whole GAP period.")
    record(
        "GAP-ELIG-1",
        not reasons1,
        "Comprehensive motor policy covers the whole GAP period.",
        reasons1,
    )

    # GAP-DEF-PRICE: GAP makes up the gap to the price paid; with no price there is nothing
    # to insure (a £0 price with a £10,000 limit would be a policy with no possible loss).
    record(
        "GAP-DEF-PRICE",
        data.purchase_price > 0,
        f"Purchase price {gbp(data.purchase_price)} is above £0.00.",
        [
            f"The purchase price is {gbp(data.purchase_price)}: GAP covers the price paid "
            "for the vehicle, so a vehicle with no purchase price cannot be insured."
        ],
    )

    # GAP-ELIG-2 purchase price cap.
    record(
        "GAP-ELIG-2",
        data.purchase_price <= p.max_purchase_price,
        f"Purchase price {gbp(data.purchase_price)} is within {gbp(p.max_purchase_price)}.",
        [
            f"The purchase price {gbp(data.purchase_price)} is over the "
            f"{gbp(p.max_purchase_price)} maximum."
        ],
    )

    # GAP-ELIG-3 less than N years old on the policy purchase date.
    limit_day = vehicle_age_limit_date(data.vehicle.first_registered_on, params)
    record(
        "GAP-ELIG-3",
        data.policy_purchase_date < limit_day,
        f"Vehicle is less than {p.max_vehicle_age_years} years old on "
        f"{data.policy_purchase_date.isoformat()}.",
        [
            f"The vehicle (first registered {data.vehicle.first_registered_on.isoformat()}) is "
            f"{p.max_vehicle_age_years} years old or more on the policy purchase date "
            f"{data.policy_purchase_date.isoformat()}."
        ],
    )

    # GAP-ELIG-4 owner, registered keeper or finances on their behalf.
    record(
        "GAP-ELIG-4",
        data.holder_relationship is not HolderRelationship.OTHER,
        f"Policyholder is the {data.holder_relationship.value.replace('_', ' ')}.",
        [
            "The policyholder is not the owner or registered keeper and does not finance "
            "the vehicle on their behalf."
        ],
    )

    # GAP-ELIG-5 listed in the valuation source (Glass's Guide).
    record(
        "GAP-ELIG-5",
        data.vehicle.listed_in_valuation_source,
        "Vehicle is listed in Glass's Guide.",
        ["The vehicle is not listed in Glass's Guide."],
    )

    # GAP-ELIG-6 bought within the ownership window.
    days_owned = (data.policy_purchase_date - data.ownership_date).days
    record(
        "GAP-ELIG-6",
        days_owned <= p.ownership_window_days,
        f"Cover bought {max(days_owned, 0)} days after taking ownership.",
        [
            f"Cover is bought {days_owned} days after taking ownership, more than "
            f"{p.ownership_window_days} days."
        ],
    )

    # GAP-ELIG-7 UK vehicle, permitted use and type (exclusions 1a, 1b, 1d).
    v = data.vehicle
    reasons7: list[str] = []
    if not v.registered_in_uk:
        reasons7.append("The vehicle is not registered in the UK.")
    if not v.principally_used_in_uk:
        reasons7.append("The vehicle is not principally used in the UK.")
    for use in sorted(v.uses & EXCLUDED_USES):
        reasons7.append(
            f"The vehicle is used for {use.value.replace('_', ' ')}, which is excluded."
        )
    if v.is_kit_car:
        reasons7.append("Kit cars are excluded.")
    if v.is_invalid_carriage:
        reasons7.append("Invalid carriages are excluded.")
    if v.is_commercial and v.gross_weight_kg > p.max_commercial_gross_weight_kg:
        reasons7.append(
            f"Commercial vehicles over {p.max_commercial_gross_weight_kg} kg gross weight are "
            f"excluded ({v.gross_weight_kg} kg)."
        )
    if v.built_for in EXCLUDED_MARKETS:
        reasons7.append(
            f"Vehicles built for the {v.built_for.value} market (not the UK market) are excluded."
        )
    record("GAP-ELIG-7", not reasons7, "UK vehicle of a permitted type and use.", reasons7)

    if failures:
        decision.outcome = "refused"
    decision.data["failures"] = failures
    return decision


def require_eligible(decision: Decision) -> None:
    """Raise ``not_eligible`` naming every failing rule id when the decision is a refusal."""
    failures: list[dict[str, str]] = decision.data.get("failures", [])
    if decision.outcome == "eligible" or not failures:
        return
    rules = sorted({f["rule"] for f in failures})
    message = " ".join(f"{f['rule']}: {f['reason']}" for f in failures)
    raise DomainError(ErrorCode.NOT_ELIGIBLE, message, ", ".join(rules), None)
