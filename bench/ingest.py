"""Ingest benchmark: Parquet upload -> validated and stored (points/s).

    uv run python bench/ingest.py [--repeat 3] [--root /tmp]

Shapes (a10kw SUMO fixture, /work/shared/data/telematics/a10kw):

* ``a10kw as one upload``: 361,878 fixes of 4,002 devices in one body. Each device has
  one short trip, so every ~90 fixes make their own ``device_id=/day=`` partition and
  file: the worst case for a partitioned store (per-file cost dominates).
* ``fleet day``: the same fixes relabelled as 100 devices x ~3,600 fixes (an hour of
  1 Hz driving per device-day), the shape of a daily provider upload.
* ``re-send``: the fleet-day upload again (every row a stored duplicate, nothing written).

Each run ingests into a fresh store (``--root``, default the system temp dir).
"""

from __future__ import annotations

import argparse
import io
import math
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from covernote.telematics.adapters.fixture import a10kw_dir
from covernote.telematics.adapters.store import ingest_body

FIXTURE = a10kw_dir()
TARGET = 1e6  # points/s, issue 6
NOW = datetime(2026, 4, 1, tzinfo=UTC)
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
PARQUET = "application/vnd.apache.parquet"


def body_of(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


def fleet_day(pts: pl.DataFrame, devices: int = 100) -> pl.DataFrame:
    """Relabel the fixture's trips as ``devices`` devices, trips one after another."""
    ids = pts.select(pl.col("device_id").unique().sort()).with_row_index("k")
    return (
        pts.join(ids, on="device_id")
        .with_columns(
            device_id=pl.format("FLEET-{}", pl.col("k") % devices),
            # successive trips of a device 10 minutes apart, all on 2026-03-02
            ts=pl.col("ts").dt.replace(hour=0, minute=0)
            + pl.duration(seconds=(pl.col("k") // devices) * 600)
            + (pl.col("ts") - pl.col("ts").min().over("device_id")),
        )
        .drop("k")
        .sort("device_id", "ts")
    )


def run(body: bytes, allowed: dict, root: Path, fresh: bool) -> tuple[float, dict]:
    if fresh and root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    res = ingest_body(body, PARQUET, allowed_devices=allowed, now=NOW, root=root)
    return time.perf_counter() - t0, res.as_dict()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    fleet = fleet_day(pts)
    root = args.root / "covernote-bench-ingest"
    rows: list[tuple[str, str, str, str, str]] = []
    for label, frame, resend in (
        ("a10kw as one upload (4,002 device-days)", pts, False),
        ("fleet day (100 device-days)", fleet, False),
        ("fleet day re-sent (all duplicates)", fleet, True),
    ):
        body = body_of(frame)
        allowed = {d: WINDOW for d in frame["device_id"].unique()}
        best = math.inf
        out: dict = {}
        for _ in range(args.repeat):
            if resend:
                run(body, allowed, root, fresh=True)
            secs, out = run(body, allowed, root, fresh=not resend)
            best = min(best, secs)
        stored = out["accepted"] + out["duplicates"]
        assert stored == frame.height, out
        rate = frame.height / best
        rows.append(
            (
                f"ingest: {label}",
                f"{rate / 1e6:.2f} M/s",
                f">= {TARGET / 1e6:.2f} M/s",
                "-",
                f"{rate / TARGET:.2f} of target",
            )
        )
    shutil.rmtree(root, ignore_errors=True)
    head = ("figure", "value", "target", "baseline", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
