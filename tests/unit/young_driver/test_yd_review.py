"""90-day premium review (YD-REVIEW-1..4; REGULATION §3.2)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.review import premium_review, review_dates

START, END = date(2026, 1, 1), date(2026, 12, 31)
D = Decimal


def review(params, review_date, current="1000", renewal="1000", **kw):
    return premium_review(
        renewal_premium=D(renewal),
        current_premium=D(current),
        start=START,
        end=END,
        review_date=review_date,
        params=params,
        **kw,
    )


def test_yd_review_1_dates_are_start_plus_90_180_270(params):
    # 1 Jan + 90 = 1 Apr; + 180 = 30 Jun; + 270 = 28 Sep.
    assert review_dates(START, END, params) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2026, 9, 28),
    )
    with pytest.raises(DomainError) as err:
        review(params, date(2026, 4, 2), proposed_premium=D("1000"))
    assert err.value.field == "review_date"


def test_yd_review_1_first_period_uses_assumed_score(params):
    # Assumed 70, period 58: change −12 → band from −15 → +10%: 1000 → 1100.
    # Remaining from 1 Apr = 275 days: 100 × 275/365 = 75.342 → 75.34.
    out = review(params, date(2026, 4, 1), period_score=D("58"))
    assert out.new_premium == D("1100.00")
    assert out.adjustment == D("75.34")


def test_yd_review_2_improvement_discount_pro_rata_refund(params):
    # 70 → 80 (+10): band from 5 → −5%: 1000 → 950.
    # (950 − 1000) × 275/365 = −37.671 → −37.67.
    out = review(params, date(2026, 4, 1), previous_score=D("70"), period_score=D("80"))
    assert out.new_premium == D("950.00")
    assert out.adjustment == D("-37.67")
    assert not out.capped


def test_yd_review_3_cap_at_150_percent_of_renewal(params):
    # Cap 1.5 × 1000 = 1500; proposed 1600 → 1500. Review 2 (30 Jun): remaining
    # (31 Dec − 30 Jun) + 1 = 185 days; (1500 − 1400) × 185/365 = 50.685 → 50.68.
    out = review(params, date(2026, 6, 30), current="1400", proposed_premium=D("1600"))
    assert out.capped
    assert out.new_premium == D("1500.00")
    assert out.adjustment == D("50.68")


def test_yd_review_4_outcome_notice_before_collection(params):
    out = review(params, date(2026, 4, 1), proposed_premium=D("1100"), notified_on=date(2026, 4, 2))
    step = next(s for s in out.decision.steps if s.rule == "YD-REVIEW-4")
    # Written notice 2 Apr → nothing collected before 16 Apr (YD-PAY-2).
    assert "2026-04-16" in step.description


@given(
    renewal=st.decimals(min_value=D("100"), max_value=D("10000"), places=2),
    ratio=st.decimals(min_value=D("0.5"), max_value=D("1.5"), places=2),
    proposed=st.one_of(
        st.decimals(min_value=D("0"), max_value=D("30000"), places=2),
        st.none(),
    ),
    previous=st.integers(min_value=0, max_value=100),
    period=st.integers(min_value=0, max_value=100),
    which=st.integers(min_value=0, max_value=2),
)
def test_property_review_never_exceeds_cap(
    params, renewal, ratio, proposed, previous, period, which
):
    current = (renewal * ratio).quantize(D("0.01"))
    dates = review_dates(START, END, params)
    kwargs = (
        {"proposed_premium": proposed}
        if proposed is not None
        else {"previous_score": D(previous), "period_score": D(period)}
    )
    out = review(params, dates[which], current=str(current), renewal=str(renewal), **kwargs)
    # G1: the cap is 150% of the renewal premium rounded half-up to the penny.
    assert out.new_premium <= (renewal * D("1.5")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
