"""HMM map matching (YD-SCORE-1 posted limit per fix): Newson & Krumm over the trip."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.speed_limits import build_road_index, match_limits

from .conftest import M_PER_DEG

LAT0, LON0 = 51.5, -0.1
KX = M_PER_DEG * 0.6225  # cos(51.5 deg)


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return (
        f"LINESTRING ({LON0 + x0 / KX} {LAT0 + y0 / M_PER_DEG}, "
        f"{LON0 + x1 / KX} {LAT0 + y1 / M_PER_DEG})"
    )


def _roads() -> pl.DataFrame:
    # A 30 mph street running east, a parallel 60 mph road 25 m north, and a
    # 40 mph road leaving the street's east end northwards.
    return pl.DataFrame(
        {
            "road_id": ["street", "bypass", "north"],
            "maxspeed": ["30 mph", "60 mph", "40 mph"],
            "oneway": ["yes", "yes", "yes"],
            "geometry_wkt": [
                _line(0, 0, 400, 0),
                _line(0, 25, 400, 25),
                _line(400, 0, 400, 300),
            ],
        }
    )


def _trip(xy: list[tuple[float, float]], heading: list[float], speed: float = 36.0) -> pl.DataFrame:
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    return pl.DataFrame(
        {
            "device_id": ["d"] * len(xy),
            "ts": [t0 + timedelta(seconds=i) for i in range(len(xy))],
            "lat": [LAT0 + y / M_PER_DEG for _, y in xy],
            "lon": [LON0 + x / KX for x, _ in xy],
            "speed_kmh": [speed] * len(xy),
            "heading_deg": heading,
        }
    ).with_columns(pl.col("ts").dt.cast_time_unit("us"))


def test_yd_score_1_hmm_keeps_the_trip_on_its_road_when_fixes_stray_towards_another(params):
    idx = build_road_index(_roads(), params.speed_limits)
    # 10 m/s along the street; fixes 3 and 4 are pulled 14 m north (closer to the bypass).
    xy = [(10.0 * i, 14.0 if i in (3, 4) else 0.0) for i in range(12)]
    out = match_limits(_trip(xy, [90.0] * 12), idx, along="device_id")
    assert out["road_id"].to_list() == ["street"] * 12
    plain = dataclasses.replace(
        params.speed_limits,
        match_method="heading",
        heading_weight_m_per_deg=0.0,
        smoothing_window=1,
    )
    base = match_limits(_trip(xy, [90.0] * 12), build_road_index(_roads(), plain))
    assert base["road_id"].to_list()[3:5] == ["bypass", "bypass"]  # the baseline is fooled


def test_yd_score_1_hmm_follows_a_turn_onto_a_connected_road(params):
    idx = build_road_index(_roads(), params.speed_limits)
    xy = [(340.0 + 10 * i, 0.0) for i in range(6)] + [(400.0, 5.0 + 10 * i) for i in range(8)]
    heading = [90.0] * 6 + [0.0] * 8
    out = match_limits(_trip(xy, heading), idx, along="device_id")
    assert out["road_id"].to_list() == ["street"] * 6 + ["north"] * 8
    assert out["speed_limit_kmh"][-1] == 40 * 1.609344


def test_yd_score_1_hmm_leaves_a_fix_far_from_every_road_unmatched(params):
    idx = build_road_index(_roads(), params.speed_limits)
    xy = [(10.0 * i, 0.0) for i in range(5)] + [(50.0, -200.0)] + [(60.0, 0.0)]
    out = match_limits(_trip(xy, [90.0] * 7), idx, along="device_id")
    assert out["limit_source"][5] == "unmatched"
    assert out["speed_limit_kmh"][5] is None
    assert out["road_id"][6] == "street"


def test_yd_score_3_heading_method_stays_available(params):
    heading = dataclasses.replace(params.speed_limits, match_method="heading")
    idx = build_road_index(_roads(), heading)
    out = match_limits(_trip([(100.0, 1.0)], [90.0]), idx, along="device_id")
    assert out["road_id"].to_list() == ["street"]


@settings(max_examples=40, deadline=None)
@given(
    road=st.sampled_from(["street", "bypass", "north"]),
    frac=st.floats(min_value=0.05, max_value=0.95),
    n=st.integers(min_value=1, max_value=6),
)
def test_yd_score_1_a_fix_exactly_on_a_road_without_noise_matches_that_road(params, road, frac, n):
    """Property: fixes lying on one road, heading along it, no noise -> that road."""
    idx = build_road_index(_roads(), params.speed_limits)
    geom = {"street": (0, 0, 400, 0, 90.0), "bypass": (0, 25, 400, 25, 90.0),
            "north": (400, 0, 400, 300, 0.0)}  # fmt: skip
    x0, y0, x1, y1, hd = geom[road]
    length = abs(x1 - x0) + abs(y1 - y0)
    pts = []
    for i in range(n):
        f = min(0.95, frac + i * 8.0 / length)
        pts.append((x0 + f * (x1 - x0), y0 + f * (y1 - y0)))
    out = match_limits(_trip(pts, [hd] * n, speed=28.8), idx, along="device_id")
    assert set(out["road_id"].to_list()) == {road}


def test_yd_score_1_a_devices_match_does_not_depend_on_its_batch(params):
    """Sigma is estimated per device: the Spark buckets and the local run agree."""
    idx = build_road_index(_roads(), params.speed_limits)
    calm = _trip([(10.0 * i, 1.0) for i in range(12)], [90.0] * 12)
    noisy = _trip([(10.0 * i, 12.0 * (-1) ** i) for i in range(12)], [90.0] * 12).with_columns(
        pl.lit("e").alias("device_id")
    )
    alone = match_limits(calm, idx, along="device_id")
    together = match_limits(pl.concat([calm, noisy]), idx, along="device_id")
    assert (
        together.filter(pl.col("device_id") == "d")["road_id"].to_list()
        == alone["road_id"].to_list()
    )
