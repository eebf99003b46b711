"""``covernote telematics load-roads | device-key | demo-feed`` (operations on the platform)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from covernote.telematics.demo import fixture_roads
from covernote.telematics.models import RoadMap, Trip
from covernote.telematics.services import device_for_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to("2026-03-10T12:00:00Z")


def test_load_roads_activates_a_versioned_map(capsys, products_loaded):
    call_command("telematics", "load-roads", str(fixture_roads()))
    call_command(
        "telematics", "load-roads", str(fixture_roads())
    )  # the same map again: no new version
    assert RoadMap.objects.count() == 1
    assert RoadMap.objects.get().version in capsys.readouterr().out


def test_device_key_is_shown_once_and_authenticates(device, capsys):
    call_command("telematics", "device-key", device.serial)
    raw = capsys.readouterr().out.strip()
    assert device_for_key(raw) == device


def test_demo_feed_scores_a_day(device, road_map, capsys):
    call_command("telematics", "demo-feed", device.serial, "--date", "2026-03-03", "--cars", "2")
    receipt = json.loads(capsys.readouterr().out)
    assert receipt["trips"] == 2 and Trip.objects.filter(device=device).count() == 2


def test_unknown_device_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no Smartbox"):
        call_command("telematics", "device-key", "NOPE")
