"""Indicators, scores, plausibility and the data window (YD-SCORE-1/2/3, YD-DATA-1)."""

from __future__ import annotations

import copy
import math
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.plausibility import DataWindow, check_plausibility
from covernote.domain.telematics.score import curve_value, period_score
from covernote.domain.telematics.speed_limits import build_road_index

from .conftest import T0, stream

MPH = 1.609344


@pytest.fixture()
def road_30mph(params):
    # One long two-way 30 mph street along lat 51.5 (eastbound streams run on it).
    roads = pl.DataFrame(
        {
            "road_id": ["high-st"],
            "name": ["High Street"],
            "highway": ["residential"],
            "maxspeed": ["30 mph"],
            "geometry_wkt": ["LINESTRING (-0.1001 51.5, -0.05 51.5)"],
        }
    )
    return build_road_index(roads, params.speed_limits)


def test_yd_score_3_missing_threshold_names_the_key(doc):
    bad = copy.deepcopy(doc)
    del bad["events"]["harsh_brake_mps2"]
    with pytest.raises(DomainError) as exc:
        parse_params(bad)
    assert exc.value.field == "events.harsh_brake_mps2"
    assert exc.value.rule == "YD-SCORE-3"


def test_yd_score_3_fewer_than_three_consistent_alerts_is_refused(doc):
    bad = copy.deepcopy(doc)
    bad["alerts"]["consistent_alerts_before_notice"] = 2
    with pytest.raises(DomainError) as exc:
        parse_params(bad)
    assert exc.value.field == "alerts.consistent_alerts_before_notice"


def test_yd_score_1_harsh_braking_and_acceleration_events(params, road_30mph):
    # 40 km/h, then a drop of 12 km/h in 1 s = -3.33 m/s2 (<= -3.0: harsh), then a drop
    # of 10 km/h = -2.78 m/s2 (not harsh); later +10 km/h in 1 s = +2.78 (>= 2.5: harsh).
    speeds = [40.0] * 60 + [28.0] + [28.0] * 30 + [18.0] * 30 + [28.0] * 200
    pts, trips = score_points(stream("D1", T0, speeds), road_30mph, params)
    assert pts.filter(pl.col("is_harsh_brake"))["ts"].to_list() == [T0 + timedelta(seconds=60)]
    assert pts.filter(pl.col("is_harsh_accel"))["ts"].to_list() == [T0 + timedelta(seconds=121)]
    assert trips["harsh_brakes"][0] == 1
    assert trips["harsh_accels"][0] == 1


def test_yd_score_1_events_below_15_kmh_are_ignored(params, road_30mph):
    speeds = [14.0] * 30 + [3.0] + [3.0] * 30 + [14.0] * 400  # -3.06 m/s2 at 14 km/h
    pts, _ = score_points(stream("D1", T0, speeds), road_30mph, params)
    assert pts["is_harsh_brake"].sum() == 0
    assert pts["is_harsh_accel"].sum() == 0


def test_yd_score_1_sustained_speeding_above_limit_plus_10pct_plus_2mph(params, road_30mph):
    # 30 mph limit: threshold = 30 x 1.1 + 2 = 35 mph = 56.33 km/h.
    # 20 s at 58 km/h (over, 20 s and ~322 m: sustained), 5 s at 58 (too short), 56 km/h never.
    speeds = [45.0] * 60 + [58.0] * 20 + [45.0] * 60 + [58.0] * 5 + [56.0] * 60 + [45.0] * 200
    pts, trips = score_points(stream("D1", T0, speeds), road_30mph, params)
    assert pts["is_speeding"].sum() == 25
    assert pts["is_sustained_speeding"].sum() == 20
    # each speeding fix carries the 1 s step that ends at it: 20 s, 20 x 58/3.6 m
    assert trips["speeding_s"][0] == pytest.approx(20.0)
    # (positions built with 111.32 km/deg, measured by haversine: 0.1% apart)
    assert trips["speeding_m"][0] == pytest.approx(20 * 58 / 3.6, rel=3e-3)
    share = trips["speeding_m"][0] / trips["distance_m"][0]
    assert trips["score_speed"][0] == pytest.approx(100 * (1 - share / 0.10))


def test_yd_score_1_night_driving_in_london_time(params, road_30mph):
    # BST: 22:30 UTC on 1 July = 23:30 London -> night; 21:30 UTC = 22:30 London -> day.
    night = stream("N", datetime(2026, 7, 1, 22, 30, tzinfo=UTC), [45.0] * 400)
    day = stream("D", datetime(2026, 7, 1, 21, 30, tzinfo=UTC), [45.0] * 400)
    _pts, trips = score_points(pl.concat([night, day]), road_30mph, params)
    by_dev = {r["device_id"]: r for r in trips.iter_rows(named=True)}
    assert by_dev["N"]["night_share"] == pytest.approx(1.0)
    assert by_dev["N"]["score_night"] == pytest.approx(0.0)
    assert by_dev["D"]["night_share"] == 0.0
    assert by_dev["D"]["score_night"] == 100.0


def test_yd_score_1_continuous_driving_beyond_120_minutes(params, road_30mph):
    # 130 min at 45 km/h (10 s fixes), 10-min stop (no break), 20 more minutes.
    a = stream("D1", T0, [45.0] * 781, step_s=10)  # 0 .. 7800 s
    stop = stream("D1", T0 + timedelta(seconds=7810), [0.0] * 60, step_s=10)
    b = stream("D1", T0 + timedelta(seconds=8410), [45.0] * 121, step_s=10)
    _pts, trips = score_points(pl.concat([a, stop, b]), road_30mph, params)
    # one trip (10-min stop < 5 min? no: 600 s >= 300 s with stationary fixes -> 2 trips),
    # but only 600 s apart (< 15 min) -> one spell starting at T0
    assert trips.height == 2
    first, second = trips.sort("start_ts").iter_rows(named=True)
    # first trip: fixes after 7200 s are over -> 7210..7800 = 60 fixes x 10 s
    assert first["over_duration_s"] == pytest.approx(600.0)
    # second trip starts at 8410 s > 7200 s: all its steps are over (120 x 10 s)
    assert second["over_duration_s"] == pytest.approx(1200.0)
    assert second["score_duration"] == 0.0


def test_yd_score_2_trip_and_period_scores(params, road_30mph):
    assert curve_value(0.05, 0.10) == pytest.approx(50.0)
    assert curve_value(0.2, 0.10) == 0.0
    speeds = [45.0] * 400
    _, trips = score_points(stream("D1", T0, speeds), road_30mph, params)
    t = trips.row(0, named=True)
    # no speeding, no events, day, short: every indicator 100, overall 100
    assert [t[f"score_{n}"] for n in ("speed", "eco", "night", "duration")] == [100.0] * 4
    assert t["score_overall"] == pytest.approx(100.0)
    period = pl.DataFrame({"distance_m": [1000.0, 3000.0], "score_overall": [40.0, 80.0]})
    d = period_score(period)
    assert d.data["score"] == pytest.approx((40 * 1000 + 80 * 3000) / 4000)
    assert d.steps[0].rule == "YD-SCORE-2"


def test_yd_score_1_implausible_fixes_are_quarantined_not_dropped(params, road_30mph):
    s = stream("D1", T0, [45.0] * 400)
    k = 111_320.0 * math.cos(math.radians(51.5))
    bad = pl.concat(
        [
            s,
            s.slice(10, 1),  # duplicate (device_id, ts)
            s.slice(0, 1).with_columns(ts=pl.lit(T0 + timedelta(days=30)).cast(s["ts"].dtype)),
            s.slice(0, 1).with_columns(
                ts=pl.lit(T0 - timedelta(seconds=5)).cast(s["ts"].dtype), lat=pl.lit(95.0)
            ),
            s.slice(0, 1).with_columns(
                ts=pl.lit(T0 - timedelta(seconds=9)).cast(s["ts"].dtype), lon=pl.lit(float("nan"))
            ),
        ]
    )
    # a spike: fix 200 displaced 1 km east in 1 s (3600 km/h)
    bad = bad.with_columns(
        lon=pl.when(pl.col("ts") == T0 + timedelta(seconds=200))
        .then(pl.col("lon") + 1000 / k)
        .otherwise(pl.col("lon"))
    ).reverse()  # out of order on arrival
    pts, _ = score_points(bad, road_30mph, params, now=T0 + timedelta(days=1))
    assert pts.height == bad.height  # nothing dropped
    reasons = pts.filter(pl.col("plausibility_reason").is_not_null())
    assert sorted(reasons["plausibility_reason"].to_list()) == sorted(
        ["duplicate", "future_timestamp", "lat_out_of_range", "missing_value", "implied_speed_jump"]
    )
    assert reasons["trip_id"].null_count() == reasons.height
    assert pts["ts"].is_sorted()


def test_yd_data_1_data_outside_the_window_is_quarantined(params):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2026, 2, 1, tzinfo=UTC)
    w = DataWindow.for_policy(start, end)
    assert w.end == datetime(2026, 2, 15, tzinfo=UTC)  # 14 days after the end
    s = pl.concat(
        [
            stream("D1", datetime(2025, 12, 31, 23, 59, tzinfo=UTC), [45.0]),
            stream("D1", datetime(2026, 2, 14, 12, tzinfo=UTC), [45.0]),
            stream("D1", datetime(2026, 2, 15, 0, 0, 1, tzinfo=UTC), [45.0]),
        ]
    )
    out = check_plausibility(s, datetime(2026, 3, 1, tzinfo=UTC), params.plausibility, w)
    assert out["plausibility_reason"].to_list() == [
        "outside_data_window",
        None,
        "outside_data_window",
    ]


def _with_headings(df: pl.DataFrame, headings: list[float]) -> pl.DataFrame:
    return df.with_columns(heading_deg=pl.Series(headings, dtype=pl.Float64))


def test_yd_score_1_harsh_braking_run_of_fixes_is_one_event(params, road_30mph):
    # Two consecutive drops of 12 km/h in 1 s (-3.33 m/s2 each): two flagged fixes, one event.
    speeds = [40.0] * 60 + [28.0, 16.0] + [16.0] * 400
    pts, trips = score_points(stream("D1", T0, speeds), road_30mph, params)
    assert pts["is_harsh_brake"].sum() == 2
    assert trips["harsh_brakes"][0] == 1


def test_yd_score_1_lane_change_heading_jitter_is_not_cornering(params, road_30mph):
    # 60 km/h straight; the heading jumps 20 deg for one fix and back (a lane change at
    # 1 Hz). Single-step yaw would be 20 deg/s x 16.7 m/s = 5.8 m/s2; over the centred
    # window the heading returns to where it was: yaw 0, no cornering.
    n = 400
    headings = [90.0] * n
    headings[100] = 110.0
    pts, trips = score_points(
        _with_headings(stream("D1", T0, [60.0] * n), headings), road_30mph, params
    )
    assert pts["is_harsh_corner"].sum() == 0
    assert trips["harsh_corners"][0] == 0


def test_yd_score_1_sustained_turn_across_north_is_one_cornering_event(params, road_30mph):
    # 54 km/h = 15 m/s, turning at 12 deg/s for 10 s from heading 300 (crossing 0/360):
    # lateral = 15 x 12 x pi/180 = 3.14 m/s2 >= 3.0 wherever the whole window is inside
    # the turn. One run of flagged fixes = one event. The same turn at 10 deg/s gives
    # 15 x 10 x pi/180 = 2.62 m/s2: not harsh.
    n, w = 400, params.events.yaw_window_fixes
    for rate, expect_events in ((12.0, 1), (10.0, 0)):
        headings = [300.0] * 100 + [(300.0 + rate * i) % 360.0 for i in range(1, 11)]
        headings += [headings[-1]] * (n - len(headings))
        pts, trips = score_points(
            _with_headings(stream("D1", T0, [54.0] * n), headings), road_30mph, params
        )
        assert trips["harsh_corners"][0] == expect_events
        # the heading changes on the steps ending at fixes 100..109; fix i's window spans
        # the steps ending at i-k+1..i+k (k = w // 2): wholly in the turn for i = 99+k..109-k
        k = w // 2
        inside = pts.slice(99 + k, 11 - 2 * k)
        assert inside["lateral_mps2"].to_list() == pytest.approx(
            [15.0 * rate * math.pi / 180.0] * inside.height
        )


def test_yd_score_1_cornering_ignores_windows_below_min_speed(params, road_30mph):
    # 14 km/h (< 15) turning hard: lateral not computed, no event.
    n = 400
    headings = [(90.0 + 30.0 * i) % 360.0 for i in range(n)]
    pts, _ = score_points(
        _with_headings(stream("D1", T0, [14.0] * n), headings), road_30mph, params
    )
    assert pts["lateral_mps2"].is_null().all()
    assert pts["is_harsh_corner"].sum() == 0


def test_yd_score_3_yaw_window_must_be_odd(doc):
    bad = copy.deepcopy(doc)
    bad["events"]["yaw_window_fixes"] = 4
    with pytest.raises(DomainError) as exc:
        parse_params(bad)
    assert exc.value.field == "events.yaw_window_fixes"
