"""YD-REVIEW-2/3: the whole-book integer arithmetic equals the Decimal rule to the penny."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.young_driver.params import parse_params
from covernote.domain.young_driver.review import premium_review
from covernote.domain.young_driver.review_batch import hundredths, review_book

CONFIG = Path(__file__).resolve().parents[3] / "config/products/young_driver/2026-01-01.toml"
PARAMS = parse_params(tomllib.loads(CONFIG.read_text()), CONFIG.name)
START = date(2027, 1, 1)


@st.composite
def cases(draw):
    term = draw(st.sampled_from([365, 366]))
    end = START + timedelta(days=term - 1)
    number = draw(st.integers(1, 3))
    review_date = START + timedelta(days=90 * number)
    renewal = Decimal(draw(st.integers(10_000, 1_000_000))) / 100
    current = Decimal(draw(st.integers(5_000, 1_500_000))) / 100
    previous = Decimal(draw(st.integers(0, 10_000))) / 100
    period = Decimal(draw(st.integers(0, 10_000))) / 100
    return term, end, review_date, renewal, current, previous, period


@settings(max_examples=400, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=20))
def test_yd_review_2_book_arithmetic_equals_the_rule(rows):
    frame = pl.DataFrame(
        {
            "current_p": [int(r[4] * 100) for r in rows],
            "renewal_p": [int(r[3] * 100) for r in rows],
            "previous_h": [hundredths(r[5]) for r in rows],
            "period_h": [hundredths(r[6]) for r in rows],
            "term_days": [r[0] for r in rows],
            "remaining_days": [(r[1] - r[2]).days + 1 for r in rows],
        }
    )
    out = review_book(frame, PARAMS)
    for row, res in zip(rows, out.iter_rows(named=True), strict=True):
        _term, end, review_date, renewal, current, previous, period = row
        rule = premium_review(
            renewal_premium=renewal,
            current_premium=current,
            start=START,
            end=end,
            review_date=review_date,
            params=PARAMS,
            previous_score=previous,
            period_score=period,
        )
        assert Decimal(res["new_p"]) / 100 == rule.new_premium
        assert Decimal(res["adjustment_p"]) / 100 == rule.adjustment
        assert res["capped"] == rule.capped


def test_yd_review_3_book_never_above_the_cap():
    frame = pl.DataFrame(
        {
            "current_p": [100_000],
            "renewal_p": [60_000],
            "previous_h": [9_000],
            "period_h": [0],
            "term_days": [365],
            "remaining_days": [275],
        }
    )
    out = review_book(frame, PARAMS).row(0, named=True)
    assert out["capped"] and out["new_p"] == 90_000  # 150% of £600.00
