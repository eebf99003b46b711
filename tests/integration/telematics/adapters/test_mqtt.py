"""MQTT ingest (YD-SCORE-1) against the real broker on 127.0.0.1:1883."""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import polars as pl
import pytest

from covernote.telematics.adapters.mqtt import (
    BrokerOptions,
    PointsSubscriber,
    read_rejected,
    store_rejected,
)
from covernote.telematics.adapters.store import ingest_batch, read_points

HOST, PORT = "127.0.0.1", 1883
WIDE = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))


def _broker_up() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _broker_up() and not os.environ.get("COVERNOTE_REQUIRE_MQTT"),
    reason="no MQTT broker on 127.0.0.1:1883 (set COVERNOTE_REQUIRE_MQTT=1 to fail instead)",
)


def broker(tag: str, **kw) -> BrokerOptions:
    """A unique client id (the broker is shared) and a short session expiry (tests)."""
    return BrokerOptions(
        host=HOST, port=PORT, client_id=f"test-sub-{tag}", session_expiry_s=30, **kw
    )


def _wait(cond, timeout=60.0) -> bool:  # returns as soon as cond holds; generous under load
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_yd_score_1_points_published_over_mqtt_are_stored(tmp_path, fixture_slice):
    # Unique device ids so parallel runs on the shared broker do not mix.
    tag = uuid.uuid4().hex[:6]
    src = fixture_slice.with_columns(pl.col("device_id") + f"-{tag}")
    devs = src["device_id"].unique(maintain_order=True).to_list()[:3]
    allowed = {d: WIDE for d in devs}
    now = datetime(2026, 4, 1, tzinfo=UTC)
    results = []

    def on_batch(topic: str, batch: pl.DataFrame) -> None:
        results.append(ingest_batch(batch, allowed_devices=allowed, now=now, root=tmp_path))

    sub = PointsSubscriber(on_batch, store_rejected(tmp_path), options=broker(tag))
    sub.start()
    try:
        assert sub.subscribed.wait(10), "subscription not acknowledged"
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{tag}")
        pub.connect(HOST, PORT)
        pub.loop_start()
        expected = 0
        for d in devs:
            rows = src.filter(pl.col("device_id") == d).with_columns(
                ts=pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
            )
            expected += rows.height
            half = rows.height // 2
            # JSON lines without device_id (taken from the topic) ...
            lines = "\n".join(
                json.dumps({k: v for k, v in r.items() if k != "device_id"})
                for r in rows.head(half).to_dicts()
            )
            pub.publish(f"covernote/devices/{d}/points", lines, qos=1).wait_for_publish(5)
            # ... and one JSON object per message
            for r in rows.slice(half).to_dicts():
                pub.publish(f"covernote/devices/{d}/points", json.dumps(r), qos=1)
        # A message that does not parse, and one for another device's topic
        pub.publish(f"covernote/devices/{devs[0]}/points", b"{broken", qos=1)
        wrong = {**rows.head(1).to_dicts()[0], "device_id": devs[0]}
        pub.publish(f"covernote/devices/{devs[1]}/points", json.dumps(wrong), qos=1)
        assert _wait(lambda: sum(r.accepted for r in results) >= expected and sub.rejected >= 2)
        pub.loop_stop()
        pub.disconnect()
    finally:
        sub.stop()
    stored = read_points(tmp_path)
    assert stored.height == expected
    assert sorted(stored["device_id"].unique()) == sorted(devs)
    want = src.filter(pl.col("device_id").is_in(devs)).sort("device_id", "ts")
    assert stored["ts"].to_list() == want["ts"].to_list()
    assert stored["lat"].to_list() == pytest.approx(want["lat"].to_list())
    rejected = read_rejected(tmp_path)
    assert rejected.height == 2
    assert any("not JSON" in r for r in rejected["reason"])
    assert any("published on the topic" in r for r in rejected["reason"])


def test_yd_score_1_a_failing_handler_never_stops_the_loop(tmp_path):
    calls = []

    def on_batch(topic: str, batch: pl.DataFrame) -> None:
        calls.append(batch.height)
        if len(calls) == 1:
            raise RuntimeError("disk full")

    sub = PointsSubscriber(on_batch, store_rejected(tmp_path))
    row = {"ts": "2026-03-02T07:00:00Z", "lat": 52.3, "lon": 13.6, "speed_kmh": 10,
           "heading_deg": 0}  # fmt: skip
    sub.handle("covernote/devices/SBX-1/points", json.dumps(row).encode())
    row["ts"] = (datetime(2026, 3, 2, 7, tzinfo=UTC) + timedelta(seconds=1)).isoformat()
    sub.handle("covernote/devices/SBX-1/points", json.dumps(row).encode())
    assert calls == [1, 1]
    assert (sub.handled, sub.rejected) == (1, 1)
    assert "disk full" in read_rejected(tmp_path)["reason"][0]


# --- issue 10: device data holds ------------------------------------------------------

ROW = {"ts": "2026-03-02T07:00:00Z", "lat": 52.3, "lon": 13.6, "speed_kmh": 10, "heading_deg": 0}


def _row(i: int) -> dict:
    return {**ROW, "ts": (datetime(2026, 3, 2, 7, tzinfo=UTC) + timedelta(seconds=i)).isoformat()}


def _publisher(tag: str) -> mqtt.Client:
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{tag}")
    pub.connect(HOST, PORT)
    pub.loop_start()
    return pub


def test_yd_score_1_any_payload_is_handled_in_isolation_without_a_broker(tmp_path):
    stored = []
    sub = PointsSubscriber(lambda t, b: stored.append(b.height), store_rejected(tmp_path))
    topic = "covernote/devices/SBX-1/points"
    sub.handle(topic, b"[" * 200_000 + b"]" * 200_000)  # nests past the recursion limit
    sub.handle(topic, bytes(range(256)) * 64)  # a binary blob
    nested_values = {**ROW, "ts": {"a": [[[[1]]]]}, "lat": [1, 2]}  # the row check quarantines
    sub.handle(topic, json.dumps(nested_values).encode())
    sub.handle(topic, json.dumps(_row(0)).encode())
    assert stored == [1, 1]
    assert (sub.handled, sub.rejected, dict(sub.failures)) == (2, 2, {"parse": 2})
    reasons = sorted(read_rejected(tmp_path)["reason"])
    assert reasons == ["payload JSON nests too deeply", "payload is not UTF-8"]


def test_yd_score_1_a_nested_json_message_then_a_good_one_over_the_broker(tmp_path):
    tag = uuid.uuid4().hex[:8]
    device = f"SBX-NEST-{tag}"
    allowed = {device: WIDE}
    now = datetime(2026, 4, 1, tzinfo=UTC)
    results = []

    def on_batch(topic: str, batch: pl.DataFrame) -> None:
        results.append(ingest_batch(batch, allowed_devices=allowed, now=now, root=tmp_path))

    topic = f"covernote/devices/{device}/points"
    sub = PointsSubscriber(on_batch, store_rejected(tmp_path), options=broker(tag), topic=topic)
    sub.start()
    try:
        assert sub.subscribed.wait(10)
        pub = _publisher(tag)
        pub.publish(topic, b"[" * 100_000 + b"]" * 100_000, qos=1).wait_for_publish(5)
        pub.publish(topic, bytes(range(256)), qos=1).wait_for_publish(5)
        pub.publish(topic, json.dumps(_row(1)), qos=1).wait_for_publish(5)
        assert _wait(lambda: sub.handled >= 1 and sub.rejected >= 2)
        pub.loop_stop()
        pub.disconnect()
        assert sub.client.is_connected()  # the network thread is alive
    finally:
        sub.stop()
    assert read_points(tmp_path).height == 1
    assert sub.failures["parse"] == 2
    assert read_rejected(tmp_path).height == 2


def test_yd_score_1_qos1_messages_sent_while_the_listener_was_down_are_not_lost(tmp_path):
    tag = uuid.uuid4().hex[:8]
    device = f"SBX-DOWN-{tag}"
    allowed = {device: WIDE}
    now = datetime(2026, 4, 1, tzinfo=UTC)
    topic = f"covernote/devices/{device}/points"

    def listener() -> PointsSubscriber:
        def on_batch(t: str, batch: pl.DataFrame) -> None:
            ingest_batch(batch, allowed_devices=allowed, now=now, root=tmp_path)

        return PointsSubscriber(
            on_batch, store_rejected(tmp_path), options=broker(tag), topic=topic
        )

    first = listener()
    first.start()
    assert first.subscribed.wait(10)
    pub = _publisher(tag)
    pub.publish(topic, json.dumps(_row(0)), qos=1).wait_for_publish(5)
    assert _wait(lambda: first.handled == 1)
    first.stop()  # the listener goes away; the broker keeps its session
    for i in range(1, 21):  # published while it is down
        pub.publish(topic, json.dumps(_row(i)), qos=1).wait_for_publish(5)
    pub.loop_stop()
    pub.disconnect()
    second = listener()  # same client id: resumes the session
    second.start()
    try:
        assert _wait(lambda: second.handled >= 20, timeout=20)
        assert second.session_present is True
    finally:
        second.stop()
    stored = read_points(tmp_path)
    assert stored.height == 21
    assert stored["ts"].n_unique() == 21


def test_yd_score_1_listener_reconnects_when_the_broker_comes_up_later(tmp_path):
    port = _free_port()
    sub = PointsSubscriber(
        lambda t, b: None,
        store_rejected(tmp_path),
        options=BrokerOptions(
            host=HOST, port=port, client_id="late", min_backoff_s=1, max_backoff_s=2
        ),
    )
    sub.start()  # nothing listens yet: paho retries with backoff
    try:
        time.sleep(1.5)
        assert not sub.connected.is_set()
        with _mosquitto(tmp_path, port, "listener {port} 127.0.0.1\nallow_anonymous true\n"):
            assert sub.connected.wait(15), "did not reconnect after the broker started"
            assert sub.subscribed.wait(5)
    finally:
        sub.stop()


# --- TLS with a client certificate and a password, against a private Mosquitto ---------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class _mosquitto:
    """A private Mosquitto on ``port`` with ``conf`` (``{port}`` substituted)."""

    def __init__(self, d, port: int, conf: str) -> None:
        self.d, self.port, self.conf = d, port, conf

    def __enter__(self):
        import shutil
        import subprocess

        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not os.path.exists(exe):
            pytest.skip("mosquitto binary not installed")
        conf = self.d / f"mosquitto-{self.port}.conf"
        conf.write_text(self.conf.format(port=self.port, d=self.d))
        self.proc = subprocess.Popen(
            [exe, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        raise AssertionError("private mosquitto did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _certs(d) -> None:
    import subprocess

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=covernote test CA")  # fmt: skip
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
            f"{name}.csr", "-subj", f"/CN={name}")  # fmt: skip
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", "san.cnf")  # fmt: skip


def test_yd_score_1_listener_over_tls_with_client_certificate_and_password(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("openssl") or not shutil.which("mosquitto_passwd"):
        pytest.skip("openssl / mosquitto_passwd not installed")
    _certs(tmp_path)
    subprocess.run(
        ["mosquitto_passwd", "-b", "-c", str(tmp_path / "pw"), "ingest", "s3cret"], check=True
    )
    os.chmod(tmp_path / "pw", 0o600)
    port = _free_port()
    conf = (
        "listener {port} 127.0.0.1\ncafile {d}/ca.crt\ncertfile {d}/server.crt\n"
        "keyfile {d}/server.key\nrequire_certificate true\nallow_anonymous false\n"
        "password_file {d}/pw\nuser root\n"  # as root, read the test's private files
    )
    got = []
    tls = BrokerOptions(
        host=HOST,
        port=port,
        client_id="tls-listener",
        username="ingest",
        password="s3cret",
        ca_file=str(tmp_path / "ca.crt"),
        cert_file=str(tmp_path / "client.crt"),
        key_file=str(tmp_path / "client.key"),
    )
    with _mosquitto(tmp_path, port, conf):
        sub = PointsSubscriber(
            lambda t, b: got.append(b.height), store_rejected(tmp_path), options=tls
        )
        sub.start()
        try:
            assert sub.subscribed.wait(15), "no TLS session"
            pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="tls-pub")
            pub.tls_set(
                ca_certs=str(tmp_path / "ca.crt"),
                certfile=str(tmp_path / "client.crt"),
                keyfile=str(tmp_path / "client.key"),
            )
            pub.username_pw_set("ingest", "s3cret")
            pub.connect(HOST, port)
            pub.loop_start()
            pub.publish("covernote/devices/SBX-TLS/points", json.dumps(_row(0)), qos=1)
            assert _wait(lambda: got == [1])
            pub.loop_stop()
            pub.disconnect()
        finally:
            sub.stop()
        wrong = PointsSubscriber(
            lambda t, b: None,
            store_rejected(tmp_path),
            options=BrokerOptions(**{**tls.__dict__, "password": "nope", "client_id": "tls-bad"}),
        )
        wrong.start()
        try:
            assert not wrong.subscribed.wait(3)  # a wrong password is refused
        finally:
            wrong.stop()


def test_yd_data_1_a_smartbox_over_its_mqtt_rate_is_quarantined_not_dropped(tmp_path, settings):
    """Per-device rate on the MQTT door as on HTTP (ADR 0025): messages over
    ``COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE`` are quarantined with the reason, kept for
    replay; another Smartbox is not affected."""
    from django.core.cache import cache

    cache.clear()
    settings.COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE = "3/min"
    stored: list[str] = []
    sub = PointsSubscriber(lambda t, b: stored.append(b["device_id"][0]), store_rejected(tmp_path))
    for i in range(5):
        sub.handle("covernote/devices/SBX-9/points", json.dumps(_row(i)).encode())
    sub.handle("covernote/devices/SBX-8/points", json.dumps(_row(0)).encode())
    assert stored == ["SBX-9"] * 3 + ["SBX-8"]
    assert (sub.handled, sub.rejected, dict(sub.failures)) == (4, 2, {"rate": 2})
    reasons = read_rejected(tmp_path)["reason"].to_list()
    assert len(reasons) == 2 and all("over its message rate" in r for r in reasons)
    cache.clear()
