"""Mid-term adjustments and renewal (YD-FEE-MTA, YD-FEE-COV-KEEP, YD-FEE-COV-NEW, YD-FEE-REN)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.adjustments import (
    AdjustmentKind,
    mid_term_adjustment,
    renewal_charge,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)
D = Decimal


def adjust(kind, old, new, effective, params):
    return mid_term_adjustment(
        kind=kind,
        old_annual=D(old),
        new_annual=D(new),
        start=START,
        end=END,
        effective=effective,
        params=params,
    )


def test_yd_fee_mta_pro_rata_difference_plus_25(params):
    # 1 Jul → 31 Dec = 184 days; (1100 − 1000) × 184/365 = 50.4110 → 50.41; + £25 = 75.41.
    d = adjust(AdjustmentKind.MID_TERM_ADJUSTMENT, "1000", "1100", date(2026, 7, 1), params)
    assert d.amounts["premium_adjustment"] == D("50.41")
    assert d.amounts["fee"] == D("25")
    assert d.amounts["total"] == D("75.41")


def test_yd_fee_cov_keep_refund_still_pays_fee(params):
    # 1 Oct → 31 Dec = 92 days; (900 − 1000) × 92/365 = −25.2055 → −25.21; + £50 = 24.79.
    d = adjust(AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX, "1000", "900", date(2026, 10, 1), params)
    assert d.amounts["premium_adjustment"] == D("-25.21")
    assert d.amounts["total"] == D("24.79")
    assert "YD-BOX-VEHICLE" in d.rules


def test_yd_fee_cov_new_seventy_five(params):
    # Same premium: adjustment 0, fee £75.
    d = adjust(AdjustmentKind.VEHICLE_CHANGE_NEW_BOX, "1000", "1000", date(2026, 5, 1), params)
    assert d.amounts["total"] == D("75")
    assert d.rules[0] == "YD-FEE-COV-NEW"


def test_yd_fee_ren_renewal_premium_plus_fifty(params):
    d = renewal_charge(D("1100"), params)
    assert d.amounts["total"] == D("1150")


def test_effective_date_outside_term_refused(params):
    with pytest.raises(DomainError) as err:
        adjust(AdjustmentKind.MID_TERM_ADJUSTMENT, "1000", "1100", date(2027, 1, 1), params)
    assert err.value.field == "effective"
