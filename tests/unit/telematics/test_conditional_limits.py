"""maxspeed:conditional time windows applied per fix at UK local time (YD-SPEED-1).

A school 20 mph zone on a 30 mph street (OSM ``20 mph @ (Mo-Fr 08:00-09:30)``): the
posted limit at a fix is 20 mph inside the window, on its days, read in Europe/London
time (GMT in winter, BST in summer), and 30 mph otherwise. Windows past midnight wrap.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from covernote.domain.telematics.speed_limits import (
    KMH_PER_MPH,
    LimitSource,
    build_road_index,
    match_limits,
)

from .conftest import M_PER_DEG

LAT0, LON0 = 51.5, -0.1
KX = M_PER_DEG * 0.6225
MON_FRI = 1 | 2 | 4 | 8 | 16


def _roads(conditions: list[dict] | None) -> pl.DataFrame:
    line = f"LINESTRING ({LON0} {LAT0}, {LON0 + 400 / KX} {LAT0})"
    data = {
        "road_id": ["school-street"],
        "maxspeed": ["30 mph"],
        "oneway": ["yes"],
        "geometry_wkt": [line],
    }
    df = pl.DataFrame(data)
    if conditions is not None:
        df = df.with_columns(limit_conditions=pl.Series([conditions]))
    return df


def _window(mph: float, days: int, start: str, end: str) -> dict:
    h0, m0 = (int(x) for x in start.split(":"))
    h1, m1 = (int(x) for x in end.split(":"))
    return {
        "limit_kmh": mph * KMH_PER_MPH,
        "limit_mph": mph,
        "days": days,
        "start_min": h0 * 60 + m0,
        "end_min": h1 * 60 + m1,
        "condition": f"{start}-{end}",
    }


def _fixes(at_utc: datetime, n: int = 8) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "device_id": ["d"] * n,
            "ts": [at_utc + timedelta(seconds=i) for i in range(n)],
            "lat": [LAT0] * n,
            "lon": [LON0 + (50 + 10 * i) / KX for i in range(n)],
            "speed_kmh": [36.0] * n,
            "heading_deg": [90.0] * n,
        }
    ).with_columns(pl.col("ts").dt.cast_time_unit("us"))


@pytest.mark.parametrize("method", ["hmm", "heading"])
@pytest.mark.parametrize(
    ("at_utc", "mph", "why"),
    [
        (datetime(2026, 12, 7, 8, 30, tzinfo=UTC), 20, "Monday 08:30 GMT: in the window"),
        (datetime(2026, 12, 7, 9, 30, tzinfo=UTC), 30, "Monday 09:30: the window has ended"),
        (datetime(2026, 12, 5, 8, 30, tzinfo=UTC), 30, "Saturday: not a window day"),
        (datetime(2026, 6, 8, 7, 15, tzinfo=UTC), 20, "Monday 08:15 BST is 07:15 UTC"),
        (datetime(2026, 6, 8, 8, 45, tzinfo=UTC), 30, "Monday 09:45 BST is 08:45 UTC"),
    ],
)
def test_yd_speed_1_school_zone_limit_applies_in_its_window_at_uk_time(
    params, method, at_utc, mph, why
):
    idx = build_road_index(_roads([_window(20, MON_FRI, "08:00", "09:30")]), params.speed_limits)
    out = match_limits(_fixes(at_utc), idx, along="device_id", method=method)
    assert out["speed_limit_kmh"].to_list() == pytest.approx([mph * KMH_PER_MPH] * 8), why
    want = LimitSource.CONDITIONAL.value if mph == 20 else LimitSource.MAXSPEED.value
    assert set(out["limit_source"]) == {want}, why


def test_yd_speed_1_night_window_wraps_past_midnight_and_the_lowest_limit_wins(params):
    windows = [_window(40, 127, "22:00", "06:00"), _window(20, 127, "23:00", "01:00")]
    idx = build_road_index(_roads(windows), params.speed_limits)
    at = {
        datetime(2026, 12, 7, 22, 30, tzinfo=UTC): 40,
        datetime(2026, 12, 7, 23, 30, tzinfo=UTC): 20,
        datetime(2026, 12, 8, 3, 0, tzinfo=UTC): 40,
        datetime(2026, 12, 8, 6, 0, tzinfo=UTC): 30,
        datetime(2026, 12, 8, 12, 0, tzinfo=UTC): 30,
    }
    for when, mph in at.items():
        out = match_limits(_fixes(when, 4), idx, along="device_id")
        assert out["speed_limit_kmh"].to_list() == pytest.approx([mph * KMH_PER_MPH] * 4), when


def test_yd_speed_1_conditions_change_the_map_version_and_no_conditions_keep_it(params):
    plain = build_road_index(_roads(None), params.speed_limits)
    empty = build_road_index(_roads([]), params.speed_limits)
    school = build_road_index(_roads([_window(20, MON_FRI, "08:00", "09:30")]), params.speed_limits)
    assert plain.conditions is None and empty.conditions is None
    assert plain.map_version == empty.map_version != school.map_version
