"""MQTT subscriber for Smartbox fixes (YD-SCORE-1): ``covernote/devices/<id>/points``.

Payload: one JSON object, a JSON array of objects, or JSON lines. A row without
``device_id`` takes the id from the topic; a row naming another device than its
topic makes the whole message bad. A message that does not parse is handed to
``on_reject`` (by default logged and written to the store's message quarantine) with
the reason -- it never stops the loop, and neither does an exception in ``on_batch``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import polars as pl
from paho.mqtt.enums import CallbackAPIVersion

from covernote.domain.errors import DomainError
from covernote.telematics.adapters.parse import select_columns
from covernote.telematics.adapters.store import filesystem

log = logging.getLogger(__name__)

TOPIC = "covernote/devices/+/points"
MESSAGES_DIR = "quarantine_messages"
MAX_KEPT_PAYLOAD = 64_000  # bytes of a rejected payload kept for review

BatchHandler = Callable[[str, pl.DataFrame], Any]
RejectHandler = Callable[[str, bytes, str], Any]


def device_from_topic(topic: str) -> str | None:
    parts = topic.split("/")
    if (
        len(parts) == 4
        and parts[0] == "covernote"
        and parts[1] == "devices"
        and parts[3] == "points"
    ):
        return parts[2] or None
    return None


def parse_message(topic: str, payload: bytes) -> pl.DataFrame:
    """Payload -> raw canonical frame (values still unvalidated); DomainError when it is bad."""
    device = device_from_topic(topic)
    if device is None:
        raise DomainError("invalid", f"topic {topic!r} is not {TOPIC}", "YD-SCORE-1", "topic")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError("invalid", "payload is not UTF-8", "YD-SCORE-1", "payload") from exc
    rows: list[Any]
    try:
        doc = json.loads(text)
        rows = doc if isinstance(doc, list) else [doc]
    except ValueError:
        rows = []
        for no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise DomainError(
                    "invalid", f"payload line {no} is not JSON", "YD-SCORE-1", "payload"
                ) from exc
    if not rows or not all(isinstance(r, dict) for r in rows):
        raise DomainError(
            "invalid", "payload must hold JSON objects (one, an array or lines)", "YD-SCORE-1",
            "payload",
        )  # fmt: skip
    for r in rows:
        given = r.setdefault("device_id", device)
        if given != device:
            raise DomainError(
                "invalid",
                f"row for device {given!r} published on the topic of {device!r}",
                "YD-SCORE-1",
                "device_id",
            )
    # Every value as text: the ingest validation types and quarantines them row by row.
    cols = {
        k: [None if r.get(k) is None else str(r[k]) for r in rows]
        for k in {k for r in rows for k in r}
    }
    return select_columns(pl.DataFrame(cols, schema={k: pl.String for k in cols}))


def store_rejected(root: str | os.PathLike[str]) -> RejectHandler:
    """A reject handler appending ``(received_at, topic, payload, reason)`` to the store."""

    def handler(topic: str, payload: bytes, reason: str) -> None:
        fs, base = filesystem(root)
        now = datetime.now(UTC)
        day = now.strftime("%Y-%m-%d")
        d = f"{base}/{MESSAGES_DIR}/day={day}"
        fs.create_dir(d, recursive=True)
        row = pl.DataFrame(
            {
                "received_at": [now],
                "topic": [topic],
                "payload": [payload[:MAX_KEPT_PAYLOAD].decode("utf-8", "replace")],
                "reason": [reason],
            }
        )
        with fs.open_output_stream(f"{d}/part-{uuid.uuid4().hex}.parquet") as fh:
            row.write_parquet(fh)

    return handler


def read_rejected(root: str | os.PathLike[str]) -> pl.DataFrame:
    fs, base = filesystem(root)
    import pyarrow.dataset as pads

    path = f"{base}/{MESSAGES_DIR}"
    if fs.get_file_info(path).type.name == "NotFound":
        return pl.DataFrame(
            schema={"received_at": pl.Datetime("us", "UTC"), "topic": pl.String,
                    "payload": pl.String, "reason": pl.String}
        )  # fmt: skip
    return pl.DataFrame(pl.from_arrow(pads.dataset(path, filesystem=fs).to_table()))


class PointsSubscriber:
    """paho-mqtt 2.x subscriber: parse each message and hand the batch to ``on_batch``."""

    def __init__(
        self,
        on_batch: BatchHandler,
        on_reject: RejectHandler,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        topic: str = TOPIC,
        client_id: str | None = None,
        qos: int = 1,
    ) -> None:
        self.on_batch = on_batch
        self.on_reject = on_reject
        self.host, self.port, self.topic, self.qos = host, port, topic, qos
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"covernote-ingest-{uuid.uuid4().hex[:8]}",
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.subscribed = threading.Event()
        self.handled = 0
        self.rejected = 0

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, rc: Any, props: Any
    ) -> None:
        client.subscribe(self.topic, qos=self.qos)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: Any, rcs: Any, props: Any
    ) -> None:
        self.subscribed.set()

    def _reject(self, topic: str, payload: bytes, reason: str) -> None:
        self.rejected += 1
        log.warning("telematics message on %s quarantined: %s", topic, reason)
        try:
            self.on_reject(topic, payload, reason)
        except Exception:  # never let the quarantine writer stop the loop
            log.exception("could not quarantine a message on %s", topic)

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.handle(msg.topic, bytes(msg.payload))

    def handle(self, topic: str, payload: bytes) -> None:
        """Process one message (also callable directly, e.g. from tests or a replay)."""
        try:
            batch = parse_message(topic, payload)
        except DomainError as exc:
            self._reject(topic, payload, exc.message)
            return
        try:
            self.on_batch(topic, batch)
            self.handled += 1
        except DomainError as exc:
            self._reject(topic, payload, exc.message)
        except Exception as exc:
            log.exception("telematics batch handler failed on %s", topic)
            self._reject(topic, payload, f"handler error: {type(exc).__name__}: {exc}")

    def start(self) -> None:
        """Connect and run the network loop in a background thread."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()

    def run_forever(self) -> None:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)
