"""Posted limits: UK unit handling and agreement with the a10kw ground truth (YD-SCORE-1)."""

from __future__ import annotations

import math
import random

import polars as pl
import pytest

from covernote.domain.telematics.speed_limits import build_road_index, match_limits

from .conftest import FIXTURE, M_PER_DEG

MPH = 1.609344  # km/h per mph, exact


def _way(lat: float, lon0: float, lon1: float) -> str:
    return f"LINESTRING ({lon0} {lat}, {(lon0 + lon1) / 2} {lat}, {lon1} {lat})"


@pytest.fixture()
def uk_roads() -> pl.DataFrame:
    # Four parallel east-west ways 200 m apart (0.0018 deg lat).
    return pl.DataFrame(
        {
            "road_id": ["w30", "wnsl", "wmway", "w50k"],
            "name": ["High Street", "Fen Road", "M11", None],
            "highway": ["residential", "unclassified", "motorway", "primary"],
            "maxspeed": ["30 mph", None, None, "50"],
            "maxspeed:type": [None, "GB:nsl_single", None, None],
            "oneway": [None, None, None, "no"],
            "geometry_wkt": [_way(51.5 + i * 0.0018, -0.11, -0.09) for i in range(4)],
        }
    )


def _points(lat: float, heading: float = 90.0) -> pl.DataFrame:
    return pl.DataFrame(
        {"lat": [lat + 3 / M_PER_DEG], "lon": [-0.1], "speed_kmh": [40.0], "heading_deg": [heading]}
    )


def test_yd_score_1_uk_limits_in_mph_are_normalised_with_their_source(params, uk_roads):
    idx = build_road_index(uk_roads, params.speed_limits)
    roads = {r["road_id"]: r for r in idx.roads.iter_rows(named=True)}
    # "30 mph" string: 30 mph = 30 x 1.609344 = 48.28032 km/h
    assert roads["w30"]["limit_mph"] == 30.0
    assert roads["w30"]["limit_kmh"] == pytest.approx(48.28032)
    assert roads["w30"]["limit_source"] == "maxspeed"
    # GB:nsl_single = national limit on a single carriageway = 60 mph
    assert roads["wnsl"]["limit_mph"] == 60.0
    assert roads["wnsl"]["limit_source"] == "maxspeed_type"
    # untagged motorway: road-class fallback 70 mph
    assert roads["wmway"]["limit_kmh"] == pytest.approx(70 * MPH)
    assert roads["wmway"]["limit_source"] == "road_class"
    # bare number = km/h (OSM convention)
    assert roads["w50k"]["limit_kmh"] == 50.0
    assert roads["w50k"]["limit_unit"] == "km/h"
    assert idx.map_version.startswith("sha256:")


def test_yd_score_1_lookup_picks_the_nearby_way_and_carries_map_version(params, uk_roads):
    idx = build_road_index(uk_roads, params.speed_limits)
    out = match_limits(_points(51.5 + 0.0018), idx)
    row = out.row(0, named=True)
    assert row["road_id"] == "wnsl"
    assert row["speed_limit_kmh"] == pytest.approx(60 * MPH)
    assert row["limit_source"] == "maxspeed_type"
    assert row["map_version"] == idx.map_version
    # 100 m from every way (beyond the search radius) -> unmatched, no limit
    far = match_limits(_points(51.5 + 0.0009), idx).row(0, named=True)
    assert far["limit_source"] == "unmatched"
    assert far["speed_limit_kmh"] is None


def test_yd_score_1_map_version_changes_with_content(params, uk_roads):
    a = build_road_index(uk_roads, params.speed_limits).map_version
    b = build_road_index(
        uk_roads.with_columns(maxspeed=pl.Series(["20 mph", None, None, "50"])),
        params.speed_limits,
    ).map_version
    assert a != b


def test_yd_score_1_heading_chooses_the_carriageway_of_the_direction_of_travel(params):
    # Two one-way carriageways 12 m apart: west-bound 50 km/h above east-bound 100 km/h.
    lat = 51.5
    gap = 12 / M_PER_DEG
    roads = pl.DataFrame(
        {
            "edge_id": ["east", "west"],
            "speed_limit_kmh": [100.0, 50.0],
            "geometry_wkt": [
                f"LINESTRING (-0.11 {lat}, -0.09 {lat})",
                f"LINESTRING (-0.09 {lat + gap}, -0.11 {lat + gap})",
            ],
        }
    )
    idx = build_road_index(roads, params.speed_limits, default_oneway=True)
    # Point 7 m north of the east-bound road (5 m from the west-bound one), heading east.
    pt = _points(lat + 4 / M_PER_DEG, 90.0)  # helper adds 3 m -> 7 m north
    assert match_limits(pt, idx)["road_id"][0] == "east"
    assert match_limits(pt.with_columns(heading_deg=pl.lit(270.0)), idx)["road_id"][0] == "west"


@pytest.mark.skipif(not FIXTURE.exists(), reason="a10kw fixture not present")
@pytest.mark.parametrize(("noise_m", "target"), [(0.0, 0.995), (5.0, 0.985)])
def test_yd_score_1_agreement_with_fixture_truth(params, noise_m, target):
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    truth = pl.read_parquet(FIXTURE / "truth.parquet")
    roads = pl.read_parquet(FIXTURE / "roads.parquet")
    # Subsample whole devices (every 4th) to keep the test fast.
    devices = pts["device_id"].unique().sort().gather_every(4)
    pts = pts.filter(pl.col("device_id").is_in(devices.implode()))
    truth = truth.filter(pl.col("device_id").is_in(devices.implode()))
    if noise_m:
        rng = random.Random(7)
        k = M_PER_DEG * math.cos(math.radians(52.31))
        n = pts.height
        pts = pts.with_columns(
            lat=pl.col("lat") + pl.Series([rng.gauss(0, noise_m) for _ in range(n)]) / M_PER_DEG,
            lon=pl.col("lon") + pl.Series([rng.gauss(0, noise_m) for _ in range(n)]) / k,
        )
    idx = build_road_index(roads, params.speed_limits, default_oneway=True)
    out = match_limits(pts, idx, along="device_id")
    agree = (out["speed_limit_kmh"] == truth["speed_limit_kmh"]).mean()
    assert agree >= target
