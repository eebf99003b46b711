"""Ingest benchmark: Parquet upload -> validated and stored (points/s), old vs new store.

    uv run python bench/ingest.py [--repeat 3] [--root /tmp]

Two writers in one process, interleaved (old, new, old, new, ...), best of ``--repeat``,
a fresh store for each run:

* **before**: ``bench/_ingest_v1.py``, the code before issue 14 part 7 (one file per
  device-day under ``device_id=/day=``, raw JSON made for every row);
* **after**: ``covernote.telematics.adapters.store`` (one file per batch and UTC day,
  rows clustered by device; raw JSON only for quarantined rows).

Shapes (a10kw SUMO fixture, /work/shared/data/telematics/a10kw):

* ``fleet day``: the fixture's fixes relabelled as 100 devices x ~3,600 fixes on one day
  (an hour of 1 Hz driving per device-day), the shape of a daily provider upload.
  Target >= 1 M/s.
* ``backfill, a10kw as one upload``: 361,878 fixes of 4,002 devices in one body, ~90
  fixes per device-day: the many-small-device-days case. Target >= 0.5 M/s.
* ``backfill, 100 devices x 41 days``: the same fixes as 4,002 device-days spread over
  41 days (a device's history sent late). Target >= 0.5 M/s.
* ``fleet day re-sent``: the fleet-day upload again (every row a stored duplicate,
  nothing written). Target >= 1 M/s.
* ``live batch``: one device's 60 fixes into a day already holding the fleet day
  (an MQTT message): milliseconds per batch, the cost of the day layout's dedupe read.
* ``200 live batches in turn``: MQTT-like traffic, 60 fixes of one device per message,
  into one day: milliseconds per batch, with the day's small parts piling up (the new
  store merges them past ``MAX_SMALL_PARTS``).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _ingest_v1 as v1  # type: ignore[import-not-found]
import polars as pl

from covernote.telematics.adapters import store
from covernote.telematics.adapters.fixture import a10kw_dir

FIXTURE = a10kw_dir()
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # after every shape's fixes
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
PARQUET = "application/vnd.apache.parquet"
Ingest = Callable[..., Any]


def body_of(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


def fleet_day(pts: pl.DataFrame, devices: int = 100) -> pl.DataFrame:
    """Relabel the fixture's trips as ``devices`` devices, trips one after another.

    As measured since issue 6: trip k of a device starts ``k * 10`` minutes after the
    day's midnight (seconds of the original start kept), so long trips of one device
    overlap and ~1/3 of the rows repeat a (device_id, ts): counted as duplicates.
    """
    ids = pts.select(pl.col("device_id").unique().sort()).with_row_index("k")
    return (
        pts.join(ids, on="device_id")
        .with_columns(
            device_id=pl.format("FLEET-{}", pl.col("k") % devices),
            ts=pl.col("ts").dt.replace(hour=0, minute=0)
            + pl.duration(seconds=(pl.col("k") // devices) * 600)
            + (pl.col("ts") - pl.col("ts").min().over("device_id")),
        )
        .drop("k")
        .sort("device_id", "ts")
    )


def backfill_days(pts: pl.DataFrame, devices: int = 100) -> pl.DataFrame:
    """The fixture's trips as ``devices`` devices, trip k of a device moved k days on
    (its time of day kept): ~40 days of history per device, no repeated fixes."""
    ids = pts.select(pl.col("device_id").unique().sort()).with_row_index("k")
    return (
        pts.join(ids, on="device_id")
        .with_columns(
            device_id=pl.format("BACK-{}", pl.col("k") % devices),
            ts=pl.col("ts") + pl.duration(days=pl.col("k") // devices),
        )
        .drop("k")
        .sort("device_id", "ts")
    )


def machine() -> str:
    load = os.getloadavg()
    state = "idle" if load[0] < 0.5 * (os.cpu_count() or 1) else "busy"
    return (
        f"{state}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )


def timed(
    ingest: Ingest, bodies: list[bytes], allowed: dict, root: Path, setup: bytes | None
) -> tuple[float, int]:
    """Seconds to ingest ``bodies`` in turn into a fresh store (after ``setup``, untimed)
    and the rows they stored."""
    shutil.rmtree(root, ignore_errors=True)
    if setup is not None:
        ingest(setup, PARQUET, allowed_devices=allowed, now=NOW, root=root)
    written = 0
    t0 = time.perf_counter()
    for body in bodies:
        res = ingest(body, PARQUET, allowed_devices=allowed, now=NOW, root=root)
        assert res.accepted + res.duplicates == res.received, res.as_dict()
        written += res.accepted
    return time.perf_counter() - t0, written


def files_of(root: Path) -> int:
    return sum(1 for _ in (root / store.POINTS_DIR).rglob("*.parquet"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    fleet = fleet_day(pts)
    live = fleet.filter(pl.col("device_id") == "FLEET-7").head(60)
    fleet_rest = fleet.join(live, on=["device_id", "ts"], how="anti")
    # 200 live messages: 60 fixes of each of the 100 devices, then their next 60.
    heads = fleet.group_by("device_id", maintain_order=True).head(120)
    stream = [
        g.slice(k * 60, 60)
        for k in (0, 1)
        for _, g in heads.group_by("device_id", maintain_order=True)
    ]
    stream_rest = fleet.join(heads, on=["device_id", "ts"], how="anti")
    root = args.root / f"covernote-bench-ingest-{os.getpid()}"
    # label, batches (sent in turn), setup (stored first, untimed), target (points/s;
    # None: milliseconds per batch)
    shapes: list[tuple[str, list[pl.DataFrame], pl.DataFrame | None, float | None]] = [
        ("fleet day (100 device-days)", [fleet], None, 1e6),
        ("backfill, a10kw as one upload (4,002 device-days, 1 day)", [pts], None, 0.5e6),
        ("backfill, 100 devices x 41 days (4,002 device-days)", [backfill_days(pts)],
         None, 0.5e6),
        ("fleet day re-sent (all duplicates)", [fleet], fleet, 1e6),
        ("live batch: 1 device, 60 fixes, into a stored fleet day", [live], fleet_rest, None),
        ("200 live batches in turn (60 fixes, 100 devices), per batch", stream, stream_rest,
         None),
    ]  # fmt: skip
    load_before = machine()
    rows: list[tuple[str, ...]] = []
    for label, batches, setup, target in shapes:
        bodies = [body_of(b) for b in batches]
        n_rows = sum(b.height for b in batches)
        setup_body = body_of(setup) if setup is not None else None
        allowed = {d: WINDOW for b in batches for d in b["device_id"].unique()}
        if setup is not None:
            allowed |= {d: WINDOW for d in setup["device_id"].unique()}
        best = {"old": math.inf, "new": math.inf}
        files: dict[str, int] = {}
        written: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, ingest in (("old", v1.ingest_body), ("new", store.ingest_body)):
                secs, written[name] = timed(ingest, bodies, allowed, root, setup_body)
                best[name] = min(best[name], secs)
                files[name] = files_of(root)
        assert written["old"] == written["new"], written
        if target is None:
            old, new = (best[k] * 1e3 / len(bodies) for k in ("old", "new"))
            value, base, goal = f"{new:.1f} ms", f"{old:.1f} ms", "-"
            ratio = f"{new / old:.2f}x old time"
        else:
            old, new = n_rows / best["old"], n_rows / best["new"]
            value, base = f"{new / 1e6:.2f} M/s", f"{old / 1e6:.2f} M/s"
            goal = f">= {target / 1e6:.2f} M/s"
            met = "met" if new >= target else "NOT met"
            ratio = f"{new / old:.2f}x old; {new / target:.2f} of target ({met})"
        rows.append(
            (
                f"ingest: {label}",
                value,
                goal,
                base,
                ratio,
                f"{files['old']} -> {files['new']}",
                f"{written['new']:,}",
            )
        )
    shutil.rmtree(root, ignore_errors=True)
    print(f"ingest, old (device-day files) vs new (day files), best of {args.repeat}, "
          f"interleaved in one process; before: {load_before}; after: {machine()}")  # fmt: skip
    head = (
        "figure",
        "value",
        "target",
        "baseline (old)",
        "ratio",
        "files old -> new",
        "rows written",
    )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
