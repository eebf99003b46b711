"""A UK demo town for the telematics pages: Ashcombe, a made-up market town (issue 14).

    uv run --frozen --group harness python scripts/telematics_harness/uk_town.py \
        [--out data/telematics/uk_town]

Builds a spider-web network (radial roads and rings, like a market town) with
``netgenerate --lefthand`` through :mod:`generate` (UK road classes and mph limits
20/30/40/50/60/70 drawn per street, seeded), drives SUMO traffic on it, and deals the
simulated journeys out to a few Smartboxes over a few days, several trips each
(morning, midday and evening runs; one device also drives at night). Street names
are UK-style (``Station Road``); A and B roads carry their ref before the name
(``A6095 Sheep Street``). Output: ``points.parquet``, ``truth.parquet``,
``roads.parquet`` in the a10kw layout, ``manifest.json`` (commands, seed, counts).
Everything is determined by :data:`TOWN` and :data:`SEED`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, STREET_KINDS, STREET_WORDS, Network, build, tables

SEED = 2026
TOWN = Network(
    "uk-town",
    "spider",
    SEED,
    ("--spider.arm-number", "9", "--spider.circle-number", "7", "--spider.space-radius", "160"),
    origin=(52.0406, -1.4553),  # fields in north Oxfordshire: no real town is meant
    vehicles_per_s=0.5,
    depart_until_s=1200,
    extra={
        # calmer drivers than SUMO's default Krauss car (decel 4.5 m/s2, sigma 0.5), as in
        # the a10kw fixture: IDM, accel 2.0 / decel 2.5 m/s2, desired speed spread 10%
        "vtype": '<vType id="ukcar" vClass="passenger" carFollowModel="IDM" accel="2.0" '
        'decel="2.5" sigma="0.3" speedFactor="1.0" speedDev="0.1"/>',
        "vtype_id": "ukcar",
        "min_distance": 800,
    },
)
DEVICES = 6
DAYS = [datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=i) for i in range(4)]  # Mon-Thu, GMT
RUNS_H = [7.5, 12.5, 17.25]  # local start of the morning, midday and evening runs
NIGHT_DEVICE = 5  # this one drives at 23:20 instead of midday (night indicator)
STREETS = [
    "London Road", "Banbury Road", "Oxford Road", "Station Road", "Church Lane", "Mill Lane",
    "Victoria Road", "Queen Street", "Sheep Street", "Market Place", "Horsefair", "Bridge Street",
    "Castle Street", "North Bar", "South Street", "Bath Road", "Warwick Road", "Chapel Row",
    "Orchard Close", "The Green", "Manor Road", "Park End", "School Lane", "Ashcombe Road",
    "Kings Road", "Wharf Lane", "Priory Road", "Meadow Way", "Hill View", "Newland Road",
]  # fmt: skip


def street_names(roads: pl.DataFrame, rng: random.Random) -> pl.DataFrame:
    """One UK-style name per street; A/B roads as ``<ref> <name>`` (never a raw edge id)."""
    keys = sorted(set(roads["name"].to_list()))
    more = sorted({f"{w} {k}" for w in STREET_WORDS for k in STREET_KINDS} - set(STREETS))
    rng.shuffle(more)
    pool = STREETS[:]
    rng.shuffle(pool)
    pool += more  # the well-known names first, then word + kind combinations
    names = {
        k: f"{k} {pool[i]}" if re.fullmatch(r"[AB][0-9]+", k) else pool[i]
        for i, k in enumerate(keys)
    }
    return roads.with_columns(pl.col("name").replace_strict(names))


def deal(points: pl.DataFrame, truth: pl.DataFrame, rng: random.Random):
    """Journeys -> (device, day, run): re-timed, with new device ids (ids SBX-nnnnnn)."""
    first = points.group_by("device_id").agg(pl.col("ts").min().alias("t0"), pl.len().alias("n"))
    # journeys of at least 2 minutes, in a seeded order
    vehicles = sorted(first.filter(pl.col("n") >= 120)["device_id"].to_list())
    rng.shuffle(vehicles)
    ids = [f"SBX-{n}" for n in rng.sample(range(600000, 700000), DEVICES)]
    slots = [(d, day, h) for d in range(DEVICES) for day in DAYS for h in RUNS_H]
    plan = []
    for (dev, day, hour), veh in zip(slots, vehicles, strict=False):
        if dev == NIGHT_DEVICE and hour == RUNS_H[1]:
            hour = 23 + 20 / 60
        start = day + timedelta(hours=hour, minutes=rng.randint(0, 40), seconds=rng.randint(0, 59))
        plan.append({"device_id": veh, "new_id": ids[dev], "start": start})
    mapping = pl.DataFrame(plan).with_columns(pl.col("start").dt.cast_time_unit("us"))
    shift = mapping.join(first.select("device_id", "t0"), on="device_id").with_columns(
        off=pl.col("start") - pl.col("t0")
    )

    def retime(df: pl.DataFrame) -> pl.DataFrame:
        return (
            df.join(shift.select("device_id", "new_id", "off"), on="device_id", how="inner")
            .with_columns(device_id=pl.col("new_id"), ts=pl.col("ts") + pl.col("off"))
            .drop("new_id", "off")
            .sort("device_id", "ts")
        )

    return retime(points).select(points.columns), retime(truth).select(truth.columns), len(plan)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "telematics" / "uk_town")
    args = ap.parse_args()
    out: Path = args.out
    work = out / "_work"
    if work.exists():
        shutil.rmtree(work)
    built = build(TOWN, work)
    tabs = tables(TOWN, built)
    rng = random.Random(SEED)  # noqa: S311 - a seeded simulation, not a secret
    roads = street_names(tabs["roads"], rng)
    points, truth, trips = deal(tabs["points"], tabs["truth"], rng)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("points", points), ("truth", truth), ("roads", roads)):
        df.write_parquet(out / f"{name}.parquet", compression="zstd", compression_level=19)
    manifest = {
        "town": "Ashcombe (made up)",
        "network": TOWN.name,
        "kind": TOWN.kind,
        "seed": SEED,
        "origin_lat_lon": TOWN.origin,
        "command": "uv run --frozen --group harness python scripts/telematics_harness/uk_town.py",
        "sumo_commands": [
            c.replace(str(work), "$WORK").replace(str(ROOT), ".") for c in built["log"]
        ],
        "rows": {"points": points.height, "truth": truth.height, "roads": roads.height},
        "devices": points["device_id"].n_unique(),
        "journeys": trips,
        "days": [d.date().isoformat() for d in DAYS],
        "sumo": "eclipse-sumo 1.28.0",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(work)
    print(json.dumps(manifest["rows"]), manifest["devices"], "devices,", trips, "journeys ->", out)


if __name__ == "__main__":
    main()
