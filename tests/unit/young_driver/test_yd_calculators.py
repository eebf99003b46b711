"""The ``yd-cancellation`` and ``yd-review`` calculator contracts."""

from __future__ import annotations

import pytest

from covernote.calculators import yd_cancellation, yd_review
from covernote.domain.errors import DomainError

BASE = {
    "premium": "1200.00",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "cancel_on": "2026-03-01",
    "fees_paid": {"arrangement": "100"},
    "void_for_fraud": False,
    "by": "customer",
}


def test_yd_cancellation_contract_after_cooling_off_with_box_return():
    # 60 days: 1200 × 60/365 = 197.26; 1200 − 197.26 − 50 = 952.74; box back by 15 Mar → 25.
    # Fees retained: 100 arrangement + 50 fee − 25 = 125.
    out = yd_cancellation.run({**BASE, "smartbox_returned_on": "2026-03-10"})
    assert set(out) == {"refund", "smartbox_return_refund", "fees_retained", "steps", "warnings"}
    assert out["refund"] == "952.74"
    assert out["smartbox_return_refund"] == "25.00"
    assert out["fees_retained"] == "125.00"
    assert all("rule" in s and "description" in s for s in out["steps"])


def test_yd_cancellation_contract_cooling_off():
    # Docs 5 Jan; cancel 10 Jan (10 days): 1200 × 10/365 = 32.877 → 32.88; refund 1167.12.
    # Arrangement £100: 50% back on box return → 50; retained 50.
    out = yd_cancellation.run(
        {
            **BASE,
            "cancel_on": "2026-01-10",
            "documents_received": "2026-01-05",
            "smartbox_returned_on": "2026-01-20",
        }
    )
    assert out["refund"] == "1167.12"
    assert out["smartbox_return_refund"] == "50.00"
    assert out["fees_retained"] == "50.00"


def test_yd_cancellation_void_and_by_us():
    out = yd_cancellation.run({**BASE, "void_for_fraud": True})
    assert (out["refund"], out["smartbox_return_refund"], out["fees_retained"]) == (
        "0.00",
        "0.00",
        "100.00",
    )
    us = yd_cancellation.run({**BASE, "by": "us"})
    assert us["refund"] == "952.74"
    assert any("YD-CANCEL-5" in w for w in us["warnings"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cancel_on": "2025-12-31"}, "cancel_on"),
        ({"premium": 1200.0}, "premium"),
        ({"extra": 1}, "extra"),
        ({"by": "broker"}, "by"),
        ({"fees_paid": {"mta": "25"}}, "fees_paid.mta"),
        ({"start": "01/01/2026"}, "start"),
    ],
)
def test_yd_cancellation_refuses_bad_input_naming_the_field(change, field):
    with pytest.raises(DomainError) as err:
        yd_cancellation.run({**BASE, **change})
    assert err.value.field == field


REVIEW = {
    "renewal_premium": "1000.00",
    "current_premium": "1400.00",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "review_date": "2026-06-30",
}


def test_yd_review_contract_capped():
    # Cap 1500; (1500 − 1400) × 185/365 = 50.68.
    out = yd_review.run({**REVIEW, "proposed_premium": "1600.00"})
    assert set(out) == {"new_premium", "adjustment", "capped", "steps"}
    assert out == {**out, "new_premium": "1500.00", "adjustment": "50.68", "capped": True}


def test_yd_review_contract_band_table():
    # 60 → 40 (−20): band from −100 → +20%: 1400 → 1680 → capped at 1500.
    out = yd_review.run({**REVIEW, "previous_score": "60", "period_score": "40"})
    assert out["capped"] is True
    assert out["new_premium"] == "1500.00"


def test_yd_review_requires_a_proposal():
    with pytest.raises(DomainError) as err:
        yd_review.run(REVIEW)
    assert err.value.field == "proposed_premium"
