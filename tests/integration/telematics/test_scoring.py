"""Trips, scores, last position and the speeding ladder stored from Smartbox data (YD-SCORE, YD-SPEED)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from covernote.telematics.demo import demo_day
from covernote.telematics.models import DrivingAlert, LastPosition, Trip
from covernote.telematics.services import telematics_score
from tests.integration.telematics.conftest import NOW

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 3)


def test_yd_score_1_trips_are_segmented_and_stored_with_scores(
    device, road_map, django_capture_on_commit_callbacks
):
    points = demo_day(device.serial, DAY, cars=4)
    with django_capture_on_commit_callbacks(execute=True):
        result = telematics_score(points=points, now=NOW)
    trips = list(Trip.objects.filter(device=device).order_by("start_at"))
    # four fixture cars chained 75 minutes apart: four trips (each > 500 m)
    assert result.trips == len(trips) == 4
    for trip in trips:
        assert 0 <= trip.score_overall <= 100
        assert trip.distance_m > 500
        assert trip.track and len(trip.track[0]) == 2
        assert trip.map_version == road_map.version


def test_yd_score_2_rescoring_the_same_day_is_idempotent(
    device, road_map, django_capture_on_commit_callbacks
):
    points = demo_day(device.serial, DAY, cars=3)
    with django_capture_on_commit_callbacks(execute=True):
        telematics_score(points=points, now=NOW)
        alerts_before = DrivingAlert.objects.count()
        telematics_score(points=points, now=NOW)
    assert Trip.objects.filter(device=device).count() == 3
    assert DrivingAlert.objects.count() == alerts_before


def test_yd_speed_3_alerts_carry_evidence_and_go_to_the_customer(
    device, road_map, django_capture_on_commit_callbacks
):
    points = demo_day(device.serial, DAY, cars=6)
    with django_capture_on_commit_callbacks(execute=True):
        telematics_score(points=points, now=NOW)
    alerts = list(DrivingAlert.objects.filter(policy=device.policy))
    assert alerts, "the six fastest fixture cars must trigger the speeding ladder"
    for alert in alerts:
        ev = alert.evidence["inputs"]
        assert {"ts", "lat", "lon", "limit_mph", "speed_mph", "trip_id"} <= set(ev)
        assert ev["speed_mph"] > ev["limit_mph"]
        if alert.action != "evidence_only":
            assert alert.document is not None


def test_yd_speed_1_at_least_three_alerts_before_a_notice(
    device, road_map, django_capture_on_commit_callbacks
):
    points = demo_day(device.serial, DAY, cars=8)
    with django_capture_on_commit_callbacks(execute=True):
        telematics_score(points=points, now=NOW)
    ladder = list(DrivingAlert.objects.filter(policy=device.policy).order_by("at", "id"))
    notices = [a for a in ladder if a.action == "notice_of_cancellation_proposed"]
    for notice in notices:
        earlier = [a for a in ladder if a.at <= notice.at and a.action == "alert"]
        if notice.kind == "consistent":
            assert len(earlier) >= 3
        else:
            assert len([a for a in earlier if a.kind == "significant"]) >= 1


def test_yd_theft_1_last_known_position_is_the_latest_fix(device, road_map):
    points = demo_day(device.serial, DAY, cars=2)
    telematics_score(points=points, now=NOW)
    last = LastPosition.objects.get(device=device)
    latest = points.sort("ts").tail(1)
    assert last.ts == latest["ts"][0]
    assert last.lat == pytest.approx(latest["lat"][0])


def test_unknown_devices_are_not_scored(road_map, db):
    points = demo_day("SBX-UNKNOWN", DAY, cars=1)
    result = telematics_score(points=points, now=NOW)
    assert result.trips == 0 and result.skipped_devices == ["SBX-UNKNOWN"]
    assert not Trip.objects.exists()


def test_points_frame_without_a_column_is_refused(device, road_map):
    from covernote.domain.errors import DomainError

    points = demo_day(device.serial, DAY, cars=1).drop("heading_deg")
    with pytest.raises(DomainError) as err:
        telematics_score(points=points, now=NOW)
    assert err.value.field == "heading_deg"
    assert pl.DataFrame is not None
