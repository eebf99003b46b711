"""Eligibility at sale (GAP-ELIG-1..7) and the purchase price (GAP-DEF-PRICE)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    EligibilityInput,
    HolderRelationship,
    MotorCover,
    MotorPolicy,
    Vehicle,
    VehicleUse,
    check_eligibility,
    require_eligible,
)
from covernote.domain.gap.purchase import PriceLine, PriceLineKind, purchase_price
from covernote.domain.gap.valuation import TableValuationSource

PARAMS = load_gap_params()
D = Decimal

VEHICLE = Vehicle(
    first_registered_on=date(2022, 5, 1),
    listed_in_valuation_source=True,
    uses=frozenset({VehicleUse.SOCIAL_DOMESTIC_PLEASURE, VehicleUse.COMMUTING}),
    gross_weight_kg=1850,
)
MOTOR = MotorPolicy("Acme Motor", "AM-123", MotorCover.COMPREHENSIVE, covers_whole_gap_period=True)
GOOD = EligibilityInput(
    vehicle=VEHICLE,
    holder_relationship=HolderRelationship.OWNER,
    motor_policy=MOTOR,
    ownership_date=date(2026, 2, 20),
    policy_purchase_date=date(2026, 3, 1),
    purchase_price=D("20300.00"),
)


def failing_rules(data: EligibilityInput) -> list[str]:
    decision = check_eligibility(data, PARAMS)
    return [f["rule"] for f in decision.data["failures"]]


def test_eligible_quote_passes_every_rule():
    decision = check_eligibility(GOOD, PARAMS)
    assert decision.outcome == "eligible"
    assert [s.rule for s in decision.steps] == [
        "GAP-ELIG-1",
        "GAP-DEF-PRICE",
        *(f"GAP-ELIG-{n}" for n in range(2, 8)),
    ]
    require_eligible(decision)  # does not raise


def test_gap_elig_1_needs_comprehensive_motor_policy_for_whole_period():
    assert failing_rules(replace(GOOD, motor_policy=None)) == ["GAP-ELIG-1"]
    tpft = replace(MOTOR, cover=MotorCover.THIRD_PARTY_FIRE_THEFT)
    assert failing_rules(replace(GOOD, motor_policy=tpft)) == ["GAP-ELIG-1"]
    short = replace(MOTOR, covers_whole_gap_period=False)
    assert failing_rules(replace(GOOD, motor_policy=short)) == ["GAP-ELIG-1"]


def test_gap_elig_2_purchase_price_at_most_125000():
    assert failing_rules(replace(GOOD, purchase_price=D("125000.00"))) == []
    assert failing_rules(replace(GOOD, purchase_price=D("125000.01"))) == ["GAP-ELIG-2"]


def test_gap_elig_3_vehicle_less_than_8_years_old_on_purchase_date():
    # first registered 1 Mar 2018: 8 years old on 1 Mar 2026 → refused; on 28 Feb still 7
    old = replace(VEHICLE, first_registered_on=date(2018, 3, 1))
    assert failing_rules(replace(GOOD, vehicle=old)) == ["GAP-ELIG-3"]
    day_before = replace(GOOD, vehicle=old, policy_purchase_date=date(2026, 2, 28))
    assert failing_rules(day_before) == []


def test_gap_elig_4_holder_must_own_keep_or_finance():
    for ok in (HolderRelationship.REGISTERED_KEEPER, HolderRelationship.FINANCES_FOR_OWNER):
        assert failing_rules(replace(GOOD, holder_relationship=ok)) == []
    assert failing_rules(replace(GOOD, holder_relationship=HolderRelationship.OTHER)) == [
        "GAP-ELIG-4"
    ]


def test_gap_elig_5_vehicle_listed_in_glass_guide():
    source = TableValuationSource({"FORD-FOCUS-2022": D("14500")})
    assert source.is_listed("FORD-FOCUS-2022") and not source.is_listed("KIT-001")
    unlisted = replace(VEHICLE, listed_in_valuation_source=source.is_listed("KIT-001"))
    assert failing_rules(replace(GOOD, vehicle=unlisted)) == ["GAP-ELIG-5"]


def test_gap_elig_6_bought_within_365_days_of_ownership():
    # 1 Mar 2025 → 1 Mar 2026 is 365 days: allowed; 366 days is not
    assert failing_rules(replace(GOOD, ownership_date=date(2025, 3, 1))) == []
    assert failing_rules(replace(GOOD, ownership_date=date(2025, 2, 28))) == ["GAP-ELIG-6"]


@pytest.mark.parametrize(
    "change",
    [
        {"registered_in_uk": False},
        {"principally_used_in_uk": False},
        {"uses": frozenset({VehicleUse.TAXI})},
        {"uses": frozenset({VehicleUse.RALLY})},
        {"uses": frozenset({VehicleUse.DELIVERY_COURIER_ONLY})},
        {"is_kit_car": True},
        {"is_invalid_carriage": True},
        {"is_commercial": True, "gross_weight_kg": 3501},
        {"built_for": BuiltForMarket.USA},
        {"built_for": BuiltForMarket.CANADA},
    ],
)
def test_gap_elig_7_uk_vehicle_of_permitted_type_and_use(change):
    assert failing_rules(replace(GOOD, vehicle=replace(VEHICLE, **change))) == ["GAP-ELIG-7"]


def test_gap_elig_7_commercial_at_3500kg_and_eu_built_are_fine():
    ok = replace(VEHICLE, is_commercial=True, gross_weight_kg=3500, built_for=BuiltForMarket.EUROPE)
    assert failing_rules(replace(GOOD, vehicle=ok)) == []


def test_refusal_lists_every_failing_rule_with_a_reason():
    bad = replace(
        GOOD,
        motor_policy=None,
        purchase_price=D("130000"),
        holder_relationship=HolderRelationship.OTHER,
        vehicle=replace(VEHICLE, listed_in_valuation_source=False, is_kit_car=True),
    )
    decision = check_eligibility(bad, PARAMS)
    assert decision.outcome == "refused"
    assert failing_rules(bad) == [
        "GAP-ELIG-1",
        "GAP-ELIG-2",
        "GAP-ELIG-4",
        "GAP-ELIG-5",
        "GAP-ELIG-7",
    ]
    assert all(f["reason"] for f in decision.data["failures"])
    with pytest.raises(DomainError) as err:
        require_eligible(decision)
    assert err.value.code is ErrorCode.NOT_ELIGIBLE
    assert "GAP-ELIG-1" in err.value.rule and "GAP-ELIG-7" in err.value.rule


def test_gap_def_price_derives_price_from_invoice_lines():
    lines = [
        PriceLine(PriceLineKind.VEHICLE, D("21000.00"), "Ford Focus ST-Line"),
        PriceLine(PriceLineKind.ACCESSORY, D("800.00"), "Dealer-fitted tow bar (Ford approved)"),
        PriceLine(PriceLineKind.DISCOUNT, D("1500.00"), "Dealer discount"),
        PriceLine(PriceLineKind.WARRANTY, D("499.00")),
        PriceLine(PriceLineKind.REGISTRATION_FEE, D("55.00")),
        PriceLine(PriceLineKind.INSURANCE_PREMIUM, D("300.00")),
        PriceLine(PriceLineKind.ROAD_FUND_LICENCE, D("190.00")),
        PriceLine(PriceLineKind.FUEL, D("60.00")),
        PriceLine(PriceLineKind.PAINT_FABRIC_PROTECTION, D("299.00")),
        PriceLine(PriceLineKind.ARREARS, D("250.00")),
        PriceLine(PriceLineKind.NEGATIVE_EQUITY, D("2000.00")),
        PriceLine(PriceLineKind.ACCESSORY_NOT_ENDORSED, D("350.00"), "Aftermarket alloys"),
    ]
    # 21,000 + 800 - 1,500 = 20,300.00; all other lines left out
    decision = purchase_price(lines)
    assert decision.amounts["purchase_price"] == D("20300.00")
    assert all(s.rule == "GAP-DEF-PRICE" for s in decision.steps)
    assert sum("Excluded" in s.description for s in decision.steps) == 9


def test_gap_def_price_needs_a_vehicle_line_and_positive_amounts():
    with pytest.raises(DomainError) as err:
        purchase_price([PriceLine(PriceLineKind.ACCESSORY, D("100"))])
    assert err.value.field == "lines"
    with pytest.raises(DomainError) as err:
        purchase_price([PriceLine(PriceLineKind.VEHICLE, D("-1"))])
    assert err.value.field == "lines[0].amount"
