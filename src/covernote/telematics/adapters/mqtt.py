"""MQTT subscriber for Smartbox fixes (YD-SCORE-1, issue 10): ``covernote/devices/<id>/points``.

Payload: one JSON object, a JSON array of objects, or JSON lines. A row without
``device_id`` takes the id from the topic; a row naming another device than its
topic makes the whole message bad.

Device data holds (issue 10):

* **Each message in isolation** -- whatever a payload is (binary, deeply nested JSON,
  a handler crash), it is counted by reason, handed to ``on_reject`` (by default written
  to the store's message quarantine with the reason) and the next message is handled;
  nothing escapes into paho's network thread, so the loop never dies.
* **Nothing lost while down** -- a stable client id, MQTT 5 with ``clean_start=False``
  and a session expiry (the broker keeps the subscription and queues QoS 1 messages
  while the listener is away), subscriptions at QoS 1, and the PUBACK sent only after
  the message was handled (paho acknowledges when ``on_message`` returns).
* **Reconnects** with exponential backoff (1 s doubling to 60 s), also when the broker
  is down at start.
* **TLS and credentials**: a CA file, a client certificate and key, username/password
  (:class:`BrokerOptions`, from settings, the environment or command-line options).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import ssl
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import polars as pl
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from covernote.domain.errors import DomainError
from covernote.telematics.adapters.parse import select_columns
from covernote.telematics.adapters.store import filesystem
from covernote.throttle import device_upload_wait

log = logging.getLogger(__name__)

TOPIC = "covernote/devices/+/points"
MESSAGES_DIR = "quarantine_messages"
MAX_KEPT_PAYLOAD = 64_000  # bytes of a rejected payload kept for review
MAX_PAYLOAD = 16 * 1024 * 1024  # bytes: a larger message is refused unread (decision)
SESSION_EXPIRY_S = 7 * 24 * 3600  # s the broker keeps our session and queue while we are away
ENV_PREFIX = "COVERNOTE_MQTT_"


@dataclass(frozen=True)
class BrokerOptions:
    """Where and how the listener connects (issue 10).

    ``client_id`` must be stable: the broker keeps the session (subscription and queued
    QoS 1 messages) under it. Two listeners must not share one id (the broker would
    disconnect the first); run one listener per id.
    """

    host: str = "127.0.0.1"
    port: int = 1883
    client_id: str = f"covernote-ingest-{socket.gethostname()}"
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None  # TLS: the broker's CA (PEM)
    cert_file: str | None = None  # TLS client certificate (PEM)
    key_file: str | None = None  # its private key (PEM)
    tls: bool = False  # TLS with the system CAs when no ca_file is given
    keepalive_s: int = 30
    session_expiry_s: int = SESSION_EXPIRY_S
    min_backoff_s: int = 1
    max_backoff_s: int = 60

    @property
    def uses_tls(self) -> bool:
        return self.tls or bool(self.ca_file or self.cert_file)

    def merged(self, values: Mapping[str, Any]) -> BrokerOptions:
        """These options with the non-empty ``values`` over them (typed from text)."""
        typed: dict[str, Any] = {}
        for name, value in values.items():
            if value is None or value == "" or name not in self.__dataclass_fields__:
                continue
            default = getattr(self, name)
            if isinstance(default, bool):
                typed[name] = value if isinstance(value, bool) else str(value).lower() in (
                    "1", "yes", "true", "on")  # fmt: skip
            elif isinstance(default, int):
                typed[name] = int(value)
            else:
                typed[name] = str(value)
        return replace(self, **typed)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The ``COVERNOTE_MQTT_<FIELD>`` variables that are set, by field name."""
        env = os.environ if environ is None else environ
        return {
            name: env[ENV_PREFIX + name.upper()]
            for name in cls.__dataclass_fields__
            if env.get(ENV_PREFIX + name.upper())
        }


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
    if len(payload) > MAX_PAYLOAD:
        raise DomainError(
            "invalid", f"payload of {len(payload)} bytes is over {MAX_PAYLOAD}", "YD-SCORE-1",
            "payload",
        )  # fmt: skip
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError("invalid", "payload is not UTF-8", "YD-SCORE-1", "payload") from exc
    rows: list[Any]
    try:
        doc = json.loads(text)
        rows = doc if isinstance(doc, list) else [doc]
    except RecursionError as exc:
        raise DomainError(
            "invalid", "payload JSON nests too deeply", "YD-SCORE-1", "payload"
        ) from exc
    except ValueError:
        rows = []
        for no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except (ValueError, RecursionError) as exc:
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
    """paho-mqtt 2.x subscriber: parse each message and hand the batch to ``on_batch``.

    ``handled`` counts messages stored, ``rejected`` messages quarantined, and
    ``failures`` the rejections by kind (``parse``, ``rate``, ``domain``, ``handler``).
    """

    def __init__(
        self,
        on_batch: BatchHandler,
        on_reject: RejectHandler,
        *,
        options: BrokerOptions | None = None,
        host: str | None = None,
        port: int | None = None,
        client_id: str | None = None,
        topic: str = TOPIC,
        qos: int = 1,
    ) -> None:
        opts = options or BrokerOptions()
        self.options = opts.merged({"host": host, "port": port, "client_id": client_id})
        self.on_batch = on_batch
        self.on_reject = on_reject
        self.topic, self.qos = topic, qos
        self.host, self.port = self.options.host, self.options.port
        self.client = self._client(self.options)
        self.subscribed = threading.Event()
        self.connected = threading.Event()
        self.handled = 0
        self.rejected = 0
        self.failures: Counter[str] = Counter()
        self.session_present: bool | None = None

    def _client(self, o: BrokerOptions) -> mqtt.Client:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=o.client_id, protocol=mqtt.MQTTv5
        )
        client.suppress_exceptions = True  # belt and braces: handle() already contains them
        client.reconnect_delay_set(min_delay=o.min_backoff_s, max_delay=o.max_backoff_s)
        if o.username is not None:
            client.username_pw_set(o.username, o.password)
        if o.uses_tls:
            client.tls_set(
                ca_certs=o.ca_file,
                certfile=o.cert_file,
                keyfile=o.key_file,
                cert_reqs=ssl.CERT_REQUIRED,
                tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _connect_properties(self) -> Properties:
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = self.options.session_expiry_s
        return props

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, rc: Any, props: Any
    ) -> None:
        if getattr(rc, "is_failure", False):
            log.warning("MQTT connection to %s:%s refused: %s", self.host, self.port, rc)
            return
        self.session_present = bool(getattr(flags, "session_present", False))
        self.connected.set()
        client.subscribe(self.topic, qos=self.qos)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, rc: Any, props: Any
    ) -> None:
        self.connected.clear()
        if getattr(rc, "is_failure", False):
            log.warning("MQTT connection lost (%s); reconnecting with backoff", rc)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: Any, rcs: Any, props: Any
    ) -> None:
        self.subscribed.set()

    def _reject(self, topic: str, payload: bytes, reason: str, kind: str) -> None:
        self.rejected += 1
        self.failures[kind] += 1
        log.warning("telematics message on %s quarantined: %s", topic, reason)
        try:
            self.on_reject(topic, payload, reason)
        except Exception:  # never let the quarantine writer stop the loop
            log.exception("could not quarantine a message on %s", topic)

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            self.handle(msg.topic, bytes(msg.payload))
        except Exception:  # handle() contains everything; this only guards the guard
            log.exception("telematics message on %s could not be handled", msg.topic)

    def handle(self, topic: str, payload: bytes) -> None:
        """Process one message in isolation (also callable directly, e.g. for a replay)."""
        try:
            batch = parse_message(topic, payload)
        except DomainError as exc:
            self._reject(topic, payload, exc.message, "parse")
            return
        except Exception as exc:  # any other parser failure is still one bad message
            self._reject(topic, payload, f"unreadable: {type(exc).__name__}: {exc}", "parse")
            return
        devices = [str(d) for d in batch["device_id"].unique().to_list()] if batch.height else []
        wait = device_upload_wait(devices, door="mqtt")
        if wait:  # kept in the quarantine for replay, never dropped (ADR 0025)
            self._reject(
                topic,
                payload,
                f"Smartbox {', '.join(devices)} is over its message rate; "
                f"quarantined for replay (window turns in {wait} s)",
                "rate",
            )
            return
        try:
            self.on_batch(topic, batch)
            self.handled += 1
        except DomainError as exc:
            self._reject(topic, payload, exc.message, "domain")
        except Exception as exc:
            log.exception("telematics batch handler failed on %s", topic)
            self._reject(topic, payload, f"handler error: {type(exc).__name__}: {exc}", "handler")

    def _connect_async(self) -> None:
        self.client.connect_async(
            self.host,
            self.port,
            keepalive=self.options.keepalive_s,
            clean_start=False,
            properties=self._connect_properties(),
        )

    def start(self) -> None:
        """Connect (retrying with backoff while the broker is down) in a background thread."""
        self._connect_async()
        self.client.loop_start()

    def stop(self) -> None:
        """Disconnect cleanly; the broker keeps the session for ``session_expiry_s``."""
        self.client.disconnect()
        self.client.loop_stop()

    def run_forever(self) -> None:
        self._connect_async()
        self.client.loop_forever(retry_first_connection=True)
