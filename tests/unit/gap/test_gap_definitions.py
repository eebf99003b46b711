"""GAP-DEF-SETTLE and GAP-DEF-MV: the figures the benefit is built on (SPEC §1 definitions)."""

from __future__ import annotations

from covernote.calculators.gap_claim import run

BASE = {
    "purchase_price": "20000",
    "settlement": "12500",
    "motor_excess": "350",
    "limit_of_liability": "10000",
}


def test_gap_def_settle_is_the_valuation_before_the_motor_insurers_deductions():
    # The motor insurer valued the car at £12,500 and deducted 10% for condition, paying £11,250.
    # GAP uses the valuation before deductions (S = 12,500), then applies the same 10% to the
    # GAP benefit (GAP-EXCL-18): (20,000 − 12,500 + 350) × 0.9 = 7,065.00.
    out = run({**BASE, "accepted_settlement": "12500", "contributory_percent": "10"})
    assert out["payable"] == "7065.00"


def test_gap_def_mv_market_value_replaces_a_lower_accepted_settlement():
    # The customer accepted £11,000 but Glass's retail value at loss is £12,000 (GAP-DEF-MV):
    # GAP-BEST-1 bases the shortfall on max(S, MV) = 12,500 here, not on the £11,000 accepted.
    low = run({**BASE, "accepted_settlement": "11000", "market_value": "12000"})
    assert low["payable"] == "7850.00"
    # With a market value above the valuation, the market value is the base: 20,000 − 13,000 + 350.
    high = run({**BASE, "accepted_settlement": "11000", "market_value": "13000"})
    assert high["payable"] == "7350.00"
