"""Demo Smartbox data for the demo Young Driver policy.

``make run`` loads the UK demo town (``data/telematics/uk_town``: Ashcombe, a made-up
market town with UK road classes, A/B refs, street names and limits in mph; issue 14)
and the busiest of its simulated drivers' four days, moved to the days just before
now. ``COVERNOTE_DEMO_MAP`` points at another map in the same layout. The a10kw
fixture (a real OSM network, from the steering repository's ``shared/data``) stays for
tests and benchmarks; :func:`demo_day` still builds a day from it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from covernote.domain.errors import DomainError, ErrorCode
from covernote.telematics.adapters.fixture import a10kw_dir


def fixture_dir() -> Path:
    return a10kw_dir()


def _require(path: Path) -> Path:
    if not path.exists():
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"telematics fixture not found at {path}; set COVERNOTE_TELEMATICS_FIXTURE",
            "YD-SCORE-1",
            "fixture",
        )
    return path


def fixture_roads() -> Path:
    return _require(fixture_dir() / "roads.parquet")


def fastest_fixture_devices(n: int) -> list[str]:
    """Fixture cars ordered by how long they spent above their limit + 10% + 2 mph."""
    points = pl.read_parquet(_require(fixture_dir() / "points.parquet"))
    truth = pl.read_parquet(
        fixture_dir() / "truth.parquet", columns=["device_id", "ts", "speed_limit_kmh"]
    )
    joined = points.join(truth, on=["device_id", "ts"])
    over = pl.col("speed_kmh") > pl.col("speed_limit_kmh") * 1.1 + 3.22
    ranked = (
        joined.group_by("device_id").agg(over=over.sum(), n=pl.len()).filter(pl.col("n") >= 120)
    )
    return (
        ranked.sort(["over", "device_id"], descending=[True, False]).head(n)["device_id"].to_list()
    )


def demo_day(serial: str, day: date, *, cars: int = 6, first_trip_at: int = 8) -> pl.DataFrame:
    """One device's day: ``cars`` fixture tracks from ``first_trip_at`` o'clock UTC, 75 minutes apart."""
    points = pl.read_parquet(_require(fixture_dir() / "points.parquet"))
    frames = []
    for i, source in enumerate(fastest_fixture_devices(cars)):
        track = points.filter(pl.col("device_id") == source).sort("ts")
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=first_trip_at, minutes=75 * i
        )
        shift = start - track["ts"][0]
        frames.append(track.with_columns(device_id=pl.lit(serial), ts=pl.col("ts") + shift))
    return pl.concat(frames).sort("ts")


def uk_town_dir() -> Path:
    """The demo map: ``COVERNOTE_DEMO_MAP`` or the repository's UK demo town."""
    from django.conf import settings

    env = os.environ.get("COVERNOTE_DEMO_MAP") or getattr(settings, "COVERNOTE_DEMO_MAP", None)
    return Path(env) if env else Path(settings.BASE_DIR) / "data" / "telematics" / "uk_town"


def demo_days(serial: str, *, cover_start: date, now: datetime, directory: Path) -> pl.DataFrame:
    """The demo town's busiest driver, as ``serial``, from the day cover started.

    The driver's days keep their times of day and are moved so the first is the day
    cover started; nothing after ``now`` is sent (a Smartbox cannot report the future).
    """
    points = pl.read_parquet(_require(directory / "points.parquet"))
    busiest = (
        points.group_by("device_id")
        .agg(n=pl.len())
        .sort(["n", "device_id"], descending=[True, False])["device_id"][0]
    )
    track = points.filter(pl.col("device_id") == busiest).sort("ts")
    first_day = track["ts"].min().date()  # type: ignore[union-attr]
    shift = timedelta(days=(cover_start - first_day).days)
    return track.with_columns(device_id=pl.lit(serial), ts=pl.col("ts") + shift).filter(
        pl.col("ts") < now
    )


def load_demo() -> str:
    """Road map from the fixture, and a day of driving for the demo Young Driver policy (idempotent)."""
    from django.utils import timezone

    from covernote.telematics.ingest import telematics_ingest
    from covernote.telematics.models import RoadMap, Trip
    from covernote.telematics.services import road_map_load
    from covernote.young_driver.models import YDPolicy
    from covernote.young_driver.services import current_device

    town = uk_town_dir()
    if not (town / "roads.parquet").exists():
        return f"telematics demo skipped: no demo map at {town}"
    if not RoadMap.objects.filter(is_active=True).exists():
        road_map_load(path=town / "roads.parquet", actor="demo")
    policy = YDPolicy.objects.filter(idempotency_key="demo-young-driver-jamie").first()
    if policy is None:
        return "telematics demo skipped: no demo Young Driver policy"
    device = current_device(policy)
    if device is None:
        return "telematics demo skipped: the demo policy has no Smartbox"
    if Trip.objects.filter(policy=policy).exists():
        return f"telematics demo: policy {policy.number} already has trips"
    now = timezone.now()
    frame = demo_days(device.serial, cover_start=policy.start, now=now, directory=town)
    batch = telematics_ingest(frame=frame, now=now, caller="demo", source="file")
    return f"telematics demo: {batch.trips} trips for {policy.number} (Smartbox {device.serial})"
