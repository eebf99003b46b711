"""The demo drives on a UK map (issue 14): road names and refs, whole-mph limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.speed_limits import build_road_index
from covernote.products.loader import shipped_params
from covernote.telematics.demo import demo_days, load_demo, uk_town_dir
from covernote.telematics.models import RoadMap, Trip
from covernote.young_driver.demo import load_demo as load_yd_demo
from covernote.young_driver.models import YDPolicy

MPH = 1.609344


def test_yd_speed_3_demo_policy_drives_on_the_uk_town_map(db, users, customers):
    users["customer"].email = "customer@example.com"
    users["customer"].save()
    load_yd_demo()
    message = load_demo()
    policy = YDPolicy.objects.get(customer=customers["own"])
    assert Trip.objects.filter(policy=policy).exists(), message
    assert "uk_town" in RoadMap.objects.get(is_active=True).source
    assert load_demo().endswith("already has trips")  # idempotent


def test_yd_speed_3_uk_town_roads_are_named_and_limits_are_whole_mph():
    params = shipped_params("telematics")
    roads = pl.read_parquet(uk_town_dir() / "roads.parquet")
    now = datetime(2026, 3, 10, tzinfo=UTC)
    frame = demo_days("SBX-DEMO", cover_start=date(2026, 3, 2), now=now, directory=uk_town_dir())
    points, trips = score_points(
        frame, build_road_index(roads, params.speed_limits, default_oneway=True), params, now=now
    )
    matched = points.filter(pl.col("road_name").is_not_null())
    assert trips.height >= 10 and matched.height > 0.9 * points.height
    names = matched["road_name"].unique().to_list()
    assert all(not n.isdigit() for n in names)  # street names or A/B refs, never a way id
    assert any(n[:1] in "AB" and n[1:2].isdigit() for n in names)  # some A/B-road refs
    mph = (matched["speed_limit_kmh"] / MPH).round(1).unique().to_list()
    assert set(mph) <= {20.0, 30.0, 40.0, 50.0, 60.0, 70.0}, mph
