"""Smartbox data over MQTT (issue 6 ingest) into trips, against the real Mosquitto broker."""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import date

import paho.mqtt.client as mqtt
import polars as pl
import pytest

from covernote.telematics.demo import demo_day
from covernote.telematics.models import IngestBatch, Trip
from covernote.telematics.operations import make_subscriber

HOST, PORT = "127.0.0.1", 1883


def _broker_up() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not _broker_up() and not os.environ.get("COVERNOTE_REQUIRE_MQTT"),
        reason="no MQTT broker on 127.0.0.1:1883 (set COVERNOTE_REQUIRE_MQTT=1 to fail instead)",
    ),
]


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to("2026-03-10T12:00:00Z", tick=True)


def test_yd_data_1_mqtt_messages_become_trips(device, road_map):
    day = demo_day(device.serial, date(2026, 3, 3), cars=2).with_columns(
        ts=pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
    )
    sub = make_subscriber(host=HOST, port=PORT, client_id=f"test-listen-{device.serial}")
    sub.start()
    try:
        assert sub.subscribed.wait(10)
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{device.serial}")
        pub.connect(HOST, PORT)
        pub.loop_start()
        payload = "\n".join(json.dumps(r) for r in day.to_dicts())
        pub.publish(f"covernote/devices/{device.serial}/points", payload, qos=1).wait_for_publish(5)
        pub.publish(
            f"covernote/devices/{device.serial}/points", b"{not json", qos=1
        ).wait_for_publish(5)
        deadline = time.monotonic() + 90  # leaves as soon as both arrived; generous under load
        while time.monotonic() < deadline and (sub.handled < 1 or sub.rejected < 1):
            time.sleep(0.2)
        pub.loop_stop()
        pub.disconnect()
    finally:
        sub.stop()
    assert sub.rejected == 1  # the broken message was quarantined, the loop kept going
    batch = IngestBatch.objects.get(source="mqtt")
    assert batch.accepted == day.height
    assert Trip.objects.filter(device=device).count() == 2
