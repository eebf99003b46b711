"""Trip segmentation (YD-SCORE-1): Traccar rules, midnight, any batch split."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.segment import SegmenterState, assign_trips, flush, segment_batch

from .conftest import T0, stream


def _trips(df, params):
    _, trips = assign_trips(df, params.trips)
    return trips.filter(pl.col("kept")).sort("start_ts")


def test_yd_score_1_stop_of_five_minutes_splits_trips(params):
    a = stream("D1", T0, [50.0] * 400)  # 400 s moving
    park = stream("D1", T0 + timedelta(seconds=400), [0.0] * 300)  # 300 s stationary
    b = stream("D1", T0 + timedelta(seconds=700), [50.0] * 400)
    trips = _trips(pl.concat([a, park, b]), params)
    # moving fixes at 399 s and 700 s are 301 s apart with stationary fixes between: split
    assert trips.height == 2
    assert trips["start_ts"].to_list() == [T0, T0 + timedelta(seconds=700)]


def test_yd_score_1_short_stop_stays_in_the_trip(params):
    a = stream("D1", T0, [50.0] * 400)
    park = stream("D1", T0 + timedelta(seconds=400), [0.0] * 120)  # 2 minutes at lights
    b = stream("D1", T0 + timedelta(seconds=520), [50.0] * 400)
    trips = _trips(pl.concat([a, park, b]), params)
    assert trips.height == 1
    assert trips["points"][0] == 920


def test_yd_score_1_gap_of_an_hour_splits_and_short_gap_does_not(params):
    a = stream("D1", T0, [50.0] * 400)
    b = stream("D1", T0 + timedelta(seconds=399 + 3600), [50.0] * 400)  # no data 1 h
    assert _trips(pl.concat([a, b]), params).height == 2
    c = stream("D1", T0 + timedelta(seconds=399 + 1800), [50.0] * 400)  # no data 30 min
    assert _trips(pl.concat([a, c]), params).height == 1


def test_yd_score_1_trip_under_500_m_and_300_s_is_ignored(params):
    # 20 s at 36 km/h = 10 m/s -> 190 m and 19 s: both under the minimum -> ignored
    short = stream("D1", T0, [36.0] * 20)
    _, trips = assign_trips(short, params.trips)
    assert trips["kept"].to_list() == [False]
    # 60 s at 36 km/h = 590 m: distance reached -> kept although under 300 s
    longer = stream("D1", T0, [36.0] * 60)
    _, trips = assign_trips(longer, params.trips)
    assert trips["kept"].to_list() == [True]


def test_yd_score_1_trip_runs_across_midnight(params):
    start = datetime(2026, 3, 2, 23, 55, tzinfo=UTC)
    trips = _trips(stream("D1", start, [50.0] * 600), params)
    assert trips.height == 1
    assert trips["end_ts"][0] == datetime(2026, 3, 3, 0, 4, 59, tzinfo=UTC)


def _book() -> pl.DataFrame:
    parts = []
    for dev, offset in (("A", 0), ("B", 37)):
        t = T0 + timedelta(seconds=offset)
        parts += [
            stream(dev, t, [40.0] * 200),
            stream(dev, t + timedelta(seconds=200), [0.0] * 100),  # short stop
            stream(dev, t + timedelta(seconds=300), [60.0] * 300),
            stream(dev, t + timedelta(seconds=600), [0.0] * 400),  # parking
            stream(dev, t + timedelta(seconds=1000), [30.0] * 30),  # ignored short trip
            stream(dev, t + timedelta(seconds=1030), [0.0] * 301),
            stream(dev, t + timedelta(seconds=1331 + 4000), [45.0] * 500),  # after 1 h gap
        ]
    return pl.concat(parts).sort("device_id", "ts")


BOOK = _book()


def _run_split(df: pl.DataFrame, cuts: list[int], params) -> pl.DataFrame:
    state = SegmenterState.empty()
    trips = []
    bounds = [0, *sorted(set(cuts)), df.height]
    for lo, hi in itertools.pairwise(bounds):
        res, state = segment_batch(state, df.slice(lo, hi - lo), params.trips)
        trips.append(res.trips)
    res, state = flush(state, params.trips)
    trips.append(res.trips)
    return (
        pl.concat(trips)
        .select("trip_id", "start_ts", "end_ts", "points", "kept", pl.col("distance_m").round(3))
        .sort("trip_id")
    )


@settings(max_examples=30, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=BOOK.height), max_size=8))
def test_yd_score_1_any_batch_split_gives_the_same_trips(params, cuts):
    # Batches are cut in time order of arrival (the stream sorted by time across devices).
    by_time = BOOK.sort("ts", "device_id")
    whole = _run_split(by_time, [], params)
    split = _run_split(by_time, cuts, params)
    # per device: 0-599 s (short stop inside), 1000-1029 s (290 m, 29 s: ignored),
    # the trip after the 1-hour gap -> 3 trips, 2 kept
    assert whole.height == 6
    assert whole["kept"].sum() == 4
    assert split.equals(whole)


def test_yd_score_1_a_batch_with_no_trip_gives_every_fix_no_trip_id(params):
    parked = stream("D1", T0, [0.0] * 30)  # a parked car: fixes, but no trip
    points, trips = assign_trips(parked, params.trips)
    assert points.height == 30 and points["trip_id"].null_count() == 30
    assert trips.filter(pl.col("kept")).height == 0
