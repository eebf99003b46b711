"""What the ``covernote telematics`` sub-commands for operations call: the MQTT listener,
device keys, road maps and the demo feed."""

from __future__ import annotations

import json
import logging
import time
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from covernote.domain.errors import DomainError, ErrorCode
from covernote.telematics.adapters.mqtt import BrokerOptions, PointsSubscriber, store_rejected
from covernote.telematics.config import storage_root
from covernote.telematics.demo import demo_day
from covernote.telematics.ingest import telematics_ingest
from covernote.telematics.services import device_key_issue, road_map_load
from covernote.young_driver.models import Device

log = logging.getLogger(__name__)


def _device(serial: str) -> Device:
    device = Device.objects.filter(serial=serial).first()
    if device is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no Smartbox {serial}", "YD-BOX-STATE", "serial")
    return device


def issue_key(serial: str) -> str:
    return device_key_issue(device=_device(serial), actor="cli")


def load_roads(path: Path, *, default_oneway: bool | None = True) -> str:
    road_map = road_map_load(path=path, actor="cli", default_oneway=default_oneway)
    return f"road map {road_map.version} active ({road_map.roads} roads)"


def feed_demo_day(serial: str, day: date, cars: int = 6) -> dict[str, Any]:
    """A demo day for one Smartbox through the same path as an upload (YD-DATA-1 checks included)."""
    frame = demo_day(_device(serial).serial, day, cars=cars)
    batch = telematics_ingest(
        frame=frame, now=timezone.now(), caller="cli:demo-feed", source="file"
    )
    return {
        "rows": batch.rows,
        "accepted": batch.accepted,
        "duplicates": batch.duplicates,
        "quarantined": batch.quarantined,
        "rejected": batch.rejected,
        "reasons": batch.reasons,
        "trips": batch.trips,
    }


BROKER_OPTION_NAMES = (
    "host", "port", "client_id", "username", "password", "ca_file", "cert_file", "key_file", "tls",
)  # fmt: skip


def broker_options(given: dict[str, Any] | None = None) -> BrokerOptions:
    """The listener's broker options: command-line ``given`` > ``COVERNOTE_MQTT_*``
    environment > ``settings.COVERNOTE_MQTT`` (a dict of the same names) > defaults."""
    configured = getattr(settings, "COVERNOTE_MQTT", None) or {}
    return (
        BrokerOptions()
        .merged(configured)
        .merged(BrokerOptions.from_env())
        .merged({k: v for k, v in (given or {}).items() if v not in (None, False)})
    )


def make_subscriber(
    *,
    options: BrokerOptions | None = None,
    host: str | None = None,
    port: int | None = None,
    client_id: str | None = None,
    out: Any = None,
) -> PointsSubscriber:
    """A subscriber to ``covernote/devices/+/points`` that ingests every message through the
    same path as an upload; unparsable messages go to the quarantine with the reason."""

    def on_batch(topic: str, batch: pl.DataFrame) -> None:
        close_old_connections()  # paho's thread: drop a connection the database closed
        try:
            result = telematics_ingest(
                frame=batch, now=timezone.now(), caller=f"mqtt:{topic}", source="mqtt"
            )
        finally:
            close_old_connections()
        if out is not None:
            out.write(
                json.dumps(
                    {
                        "topic": topic,
                        "accepted": result.accepted,
                        "trips": result.trips,
                        "reasons": result.reasons,
                    }
                )
                + "\n"
            )

    opts = (options or broker_options()).merged(
        {"host": host, "port": port, "client_id": client_id}
    )
    return PointsSubscriber(on_batch, store_rejected(storage_root()), options=opts)


def listen(
    *, options: BrokerOptions | None = None, seconds: float | None = None, out: Any = None
) -> PointsSubscriber:
    """Run the subscriber until stopped, or for ``seconds``."""
    subscriber = make_subscriber(options=options, out=out)
    subscriber.start()
    try:
        if seconds is None:
            while True:
                time.sleep(3600)
        else:
            time.sleep(seconds)
    except KeyboardInterrupt:
        log.info("telematics listener stopped")
    finally:
        subscriber.stop()
    return subscriber
