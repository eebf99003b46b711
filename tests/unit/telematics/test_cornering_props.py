"""Property tests of the smoothed yaw rate (YD-SCORE-1 harsh cornering)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.indicators import lateral_mps2

from .conftest import T0, stream


@settings(max_examples=40, deadline=None)
@given(
    headings=st.lists(st.floats(0.0, 359.99), min_size=12, max_size=12),
    offset=st.floats(0.0, 359.99),
)
def test_yd_score_1_lateral_does_not_depend_on_where_north_is(params, headings, offset):
    # Rotating every heading by a constant (mod 360) changes no heading difference, so
    # the unwrapped yaw rate -- and the lateral acceleration -- must not change.
    base = stream("D1", T0, [50.0] * 12).with_columns(
        step_s=pl.Series([None] + [1.0] * 11, dtype=pl.Float64)
    )
    a = lateral_mps2(base.with_columns(heading_deg=pl.Series(headings)), params)
    rot = [(h + offset) % 360.0 for h in headings]
    b = lateral_mps2(base.with_columns(heading_deg=pl.Series(rot)), params)
    assert a.to_list() == pytest.approx(b.to_list(), abs=1e-9, nan_ok=True)
