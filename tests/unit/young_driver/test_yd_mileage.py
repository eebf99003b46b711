"""Declared mileage and top-ups (YD-MILES-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from covernote.domain.young_driver.mileage import mileage_check

START, END = date(2026, 1, 1), date(2026, 12, 31)


def check(params, tracked, **kw):
    return mileage_check(
        declared_annual=10000,
        tracked_miles=tracked,
        start=START,
        end=END,
        on=date(2026, 7, 2),
        params=params,
        **kw,
    )


def test_yd_miles_1_within_pro_rata_allowance(params):
    # 1 Jan – 2 Jul = 183 days: 10,000 × 183/365 = 5013.7 miles allowed.
    assert check(params, 5000).outcome == "within"
    assert check(params, 5013).outcome == "within"


def test_yd_miles_1_exceeded_top_up_rounded_up_to_thousands(params):
    # 6,200 − 5,013.7 = 1,186.3 over → 2 × 1,000 miles × £60 = £120 net,
    # IPT 12% = £14.40, gross £134.40.
    d = check(params, 6200)
    assert d.outcome == "top_up_required"
    assert d.data["top_up_miles"] == 2000
    assert d.amounts["top_up_net"] == Decimal("120.00")
    assert d.amounts["top_up_gross"] == Decimal("134.40")


def test_yd_miles_1_declined_top_up_leads_to_notice(params):
    # Declined 3 Jul → notice of cancellation, cover to 10 Jul at the earliest (YD-CANCEL-5).
    d = check(params, 6200, top_up_declined_on=date(2026, 7, 3))
    assert d.outcome == "cancellation_notice"
    assert d.data["earliest_last_day_of_cover"] == date(2026, 7, 10)
