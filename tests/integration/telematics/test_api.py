"""Smartbox upload (YD-DATA-1) and driving data out (YD-SCORE-2, YD-SPEED-3, YD-THEFT-1) over HTTP."""

from __future__ import annotations

import io
import json
from datetime import date

import polars as pl
import pytest
from django.test import Client

from covernote.accounts.services import api_token_create
from covernote.telematics.demo import demo_day
from covernote.telematics.models import DeviceCase, IngestBatch, Trip
from covernote.telematics.services import device_key_issue

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to("2026-03-10T12:00:00Z")


@pytest.fixture
def device_client(device, users):
    raw = device_key_issue(device=device, actor=users["admin"])
    return Client(HTTP_X_DEVICE_KEY=raw)


def parquet(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


def post(client, body, content_type):
    return client.post("/api/v1/telematics/points", data=body, content_type=content_type)


def test_yd_data_1_device_uploads_parquet_and_trips_appear(
    device_client, device, road_map, django_capture_on_commit_callbacks
):
    frame = demo_day(device.serial, DAY, cars=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(device_client, parquet(frame), "application/vnd.apache.parquet")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == frame.height and body["trips"] == 3
    assert Trip.objects.filter(device=device).count() == 3
    device.refresh_from_db()
    assert device.state == "installed"  # first data (YD-BOX-STATE)


def test_yd_data_1_resending_a_batch_stores_nothing_new(device_client, device, road_map):
    frame = demo_day(device.serial, DAY, cars=1)
    post(device_client, parquet(frame), "application/vnd.apache.parquet")
    again = post(device_client, parquet(frame), "application/vnd.apache.parquet").json()
    assert again["accepted"] == 0 and again["duplicates"] == frame.height


def test_yd_data_1_jsonl_with_bad_rows_keeps_the_good_ones(device_client, device, road_map):
    frame = demo_day(device.serial, DAY, cars=1).head(50)
    lines = [json.dumps({**r, "ts": r["ts"].isoformat()}) for r in frame.to_dicts()]
    lines.append(
        json.dumps(
            {
                "device_id": device.serial,
                "ts": "2026-03-03T09:00:00Z",
                "lat": 123.0,
                "lon": 0.0,
                "speed_kmh": 10,
                "heading_deg": 0,
            }
        )
    )
    body = post(device_client, "\n".join(lines), "application/x-ndjson").json()
    assert body["accepted"] == 50 and body["quarantined"] == 1


def test_yd_data_1_data_outside_the_window_is_rejected_not_stored(device_client, device, road_map):
    frame = demo_day(device.serial, date(2027, 6, 1), cars=1)  # long after the end + 14 days
    body = post(device_client, parquet(frame), "application/vnd.apache.parquet").json()
    assert body["accepted"] == 0 and body["reasons"].get("outside_data_window") == frame.height
    assert not Trip.objects.exists()


def test_yd_data_1_a_device_cannot_send_another_devices_rows(device_client, device, road_map):
    mine = demo_day(device.serial, DAY, cars=1).head(20)
    theirs = mine.with_columns(device_id=pl.lit("SB-SOMEONE-ELSE"))
    body = post(
        device_client, parquet(pl.concat([mine, theirs])), "application/vnd.apache.parquet"
    ).json()
    assert body["accepted"] == 20 and body["reasons"]["device_not_owned"] == 20


def test_yd_box_tamper_alarm_opens_a_review_case(device_client, device, road_map):
    frame = (
        demo_day(device.serial, DAY, cars=1).head(30).with_columns(alarm=pl.lit(None, pl.String))
    )
    frame = frame.with_columns(
        alarm=pl.when(pl.int_range(pl.len()) == 5)
        .then(pl.lit("powerCut"))
        .otherwise(pl.col("alarm"))
    )
    post(device_client, parquet(frame), "application/vnd.apache.parquet")
    case = DeviceCase.objects.get(device=device)
    assert case.kind == "tamper" and case.evidence[0]["alarm"] == "powerCut"


@pytest.mark.parametrize(
    ("body", "content_type", "field", "status"),
    [
        (b"not parquet", "application/vnd.apache.parquet", "content_type", 415),  # ADR 0025
        (b"a,b\n1,2\n", "text/csv", None, 422),
        (b"{}", "application/xml", "content_type", 415),
    ],
)
def test_malformed_bodies_get_a_clear_error_and_change_nothing(
    device_client, road_map, body, content_type, field, status
):
    response = post(device_client, body, content_type)
    assert response.status_code == status
    problem = response.json()
    if field:
        assert problem["field"] == field
    assert not IngestBatch.objects.exists()


def test_upload_without_credentials_is_refused(road_map, db):
    assert post(Client(), b"x", "text/csv").status_code == 401


def test_plt4_driving_data_is_tenant_scoped_and_position_is_staff_only(
    device_client, device, road_map, users
):
    post(
        device_client,
        parquet(demo_day(device.serial, DAY, cars=2)),
        "application/vnd.apache.parquet",
    )
    policy = device.policy
    _, staff_raw = api_token_create(user=users["agent"], name="t", actor=users["admin"])
    _, other_raw = api_token_create(user=users["broker_harbour"], name="t", actor=users["admin"])
    _, own_raw = api_token_create(user=users["customer"], name="t", actor=users["admin"])
    staff = (
        Client(HTTP_AUTHORIZATION=f"Bearer {staff_raw}")
        .get(f"/api/v1/telematics/policies/{policy.pk}")
        .json()
    )
    assert staff["last_position"] is not None and len(staff["trips"]) == 2
    own = Client(HTTP_AUTHORIZATION=f"Bearer {own_raw}").get(
        f"/api/v1/telematics/policies/{policy.pk}"
    )
    assert own.status_code == 200 and own.json()["last_position"] is None
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_raw}").get(
        f"/api/v1/telematics/policies/{policy.pk}"
    )
    assert other.status_code == 404


def test_yd_data_1_uploads_are_throttled_per_device_with_retry_after(
    device_client, device, road_map, settings, users
):
    from django.core.cache import cache

    cache.clear()
    settings.COVERNOTE_TELEMATICS_DEVICE_RATE = "2/min"
    body = parquet(demo_day(device.serial, DAY, cars=1).head(5))
    first, second = (post(device_client, body, "application/vnd.apache.parquet") for _ in range(2))
    assert first.status_code == second.status_code == 200
    third = post(device_client, body, "application/vnd.apache.parquet")
    assert third.status_code == 429, third.content
    assert third.json()["rule"] == "API-THROTTLE"
    assert 1 <= int(third["Retry-After"]) <= 60  # the seconds until the minute turns
    assert IngestBatch.objects.count() == 2  # the refused upload stored nothing
    # the gateway posting the same device's rows is counted against the same box
    _, raw = api_token_create(user=users["admin"], name="gw", actor=users["admin"])
    gateway = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert post(gateway, body, "application/vnd.apache.parquet").status_code == 429


def test_yd_data_1_one_busy_device_does_not_throttle_another(
    device_client, device, road_map, settings
):
    from django.core.cache import cache

    from covernote.api.limits import device_upload_wait

    cache.clear()
    settings.COVERNOTE_TELEMATICS_DEVICE_RATE = "1/min"
    assert device_upload_wait(["SBX-BUSY"]) == 0
    assert device_upload_wait(["SBX-BUSY"]) > 0
    assert device_upload_wait(["SBX-QUIET"]) == 0
