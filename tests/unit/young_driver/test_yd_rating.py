"""Young Driver rating (YD rating, PLT-3, PLT-8, PLT-11, YD-SALE-1, YD-FEE-ARR)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver.rating import (
    FORBIDDEN_RATING_INPUTS,
    RatingInput,
    age_on,
    postcode_area,
    quote,
    rating_input_from_mapping,
)

BASE = {
    "age": 19,
    "licence_years": 1,
    "vehicle_group": 12,
    "postcode": "LS1 4AP",
    "annual_mileage": 7000,
    "no_claims_years": 0,
}


def test_yd_rate_every_factor_is_a_step(params):
    # Config: base £900; age 19 → 1.80; licence 1 → 1.15; group 12 → 1.20;
    # area LS → 1.20; 7,000 miles → 1.00; NCD 0 → 1.00.
    # 900 × 1.80 = 1620.00; × 1.15 = 1863.00; × 1.20 = 2235.60; × 1.20 = 2682.72.
    d = quote(rating_input_from_mapping(BASE), params)
    rate_steps = [s for s in d.steps if s.rule == "YD-RATE"]
    assert [s.amount for s in rate_steps[:7]] == [
        Decimal("900.00"),
        Decimal("1620.00"),
        Decimal("1863.00"),
        Decimal("2235.60"),
        Decimal("2682.72"),
        Decimal("2682.72"),
        Decimal("2682.72"),
    ]
    assert d.amounts["premium_net"] == Decimal("2682.72")


def test_plt_8_ipt_on_premium_not_on_fees(params):
    # IPT 12% of 2682.72 = 321.9264 → 321.93; gross 3004.65; the £100 arrangement
    # fee is added without IPT: total 3104.65.
    d = quote(rating_input_from_mapping(BASE), params)
    assert d.amounts["ipt"] == Decimal("321.93")
    assert d.amounts["premium_gross"] == Decimal("3004.65")
    assert d.amounts["arrangement_fee"] == Decimal("100.00")  # YD-FEE-ARR
    assert d.amounts["total"] == Decimal("3104.65")


def test_yd_sale_1_add_on_with_named_insurer(params):
    # RAC breakdown £45 net + IPT 5.40 = 50.40; total 3004.65 + 50.40 + 100 = 3155.05.
    d = quote(rating_input_from_mapping({**BASE, "add_ons": ["rac_breakdown"]}), params)
    assert d.amounts["add_ons_gross"] == Decimal("50.40")
    assert d.amounts["total"] == Decimal("3155.05")
    sale = [s for s in d.steps if s.rule == "YD-SALE-1"]
    assert sale[0].inputs["insurer"] == "RAC Insurance Limited"
    with pytest.raises(DomainError) as err:
        quote(rating_input_from_mapping({**BASE, "add_ons": ["gap"]}), params)
    assert err.value.rule == "YD-SALE-1"


def test_plt_11_commission_and_legal_expenses_fee_recorded(params):
    # Motor commission 15% × 2682.72 = 402.408 → 402.41; legal expenses 25% × £25
    # = 6.25 plus the £5 per-policy fee.
    d = quote(rating_input_from_mapping({**BASE, "add_ons": ["legal_expenses"]}), params)
    assert d.amounts["commission"] == Decimal("402.41")
    assert d.amounts["add_on_commission"] == Decimal("6.25")
    assert d.amounts["add_on_per_policy_fees"] == Decimal("5.00")
    assert any(s.rule == "PLT-11" and s.amount == Decimal("11.25") for s in d.steps)


def test_plt_3_rating_input_has_no_protected_characteristic_fields():
    names = {f.name for f in dataclasses.fields(RatingInput)}
    assert names.isdisjoint(FORBIDDEN_RATING_INPUTS)
    with pytest.raises(TypeError):
        RatingInput(**BASE, gender="female")  # type: ignore[call-arg]


@pytest.mark.parametrize("key", ["gender", "sex", "religion", "sexual_orientation", "disability"])
def test_plt_3_passing_a_protected_characteristic_is_refused(key):
    with pytest.raises(DomainError) as err:
        rating_input_from_mapping({**BASE, key: "any"})
    assert err.value.rule == "PLT-3"
    assert err.value.field == key


def test_unlisted_postcode_area_uses_default_and_outside_band_refused(params):
    assert postcode_area("sw1a 1aa") == "SW"
    # SW is not in the table → default 1.00: 2235.60 × 1.00 after the group step.
    d = quote(rating_input_from_mapping({**BASE, "postcode": "SW1A 1AA"}), params)
    assert d.amounts["premium_net"] == Decimal("2235.60")
    with pytest.raises(DomainError) as err:
        quote(rating_input_from_mapping({**BASE, "age": 31}), params)
    assert err.value.code is ErrorCode.NOT_ELIGIBLE
    assert err.value.field == "age"


def test_age_on_birthday_boundaries():
    assert age_on(date(2007, 3, 1), date(2026, 2, 28)) == 18
    assert age_on(date(2007, 3, 1), date(2026, 3, 1)) == 19
