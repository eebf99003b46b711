"""Baseline: MovingPandas add_speed + add_acceleration vs our kernel (issue 6 deliver 11).

    uv run --with movingpandas python bench/baseline_movingpandas.py [--points 100000] [--repeat 3]

MovingPandas is *not* a project dependency: ``uv run --with`` installs it into a
throw-away overlay of the project environment for this script only (``bench/run.py``
does the same and skips this script if it cannot install).

Same points for both: the first devices of the a10kw fixture up to ``--points`` fixes.
MovingPandas: ``TrajectoryCollection(df, traj_id_col="device_id", t="ts", x="lon",
y="lat", crs="EPSG:4326")`` then ``add_speed()`` and ``add_acceleration()`` (geodesic
distances, its default for a geographic CRS). Ours: the kernel's speed/acceleration
step -- per-device haversine step distance, speed = step / dt and acceleration =
speed change / dt, as Polars expressions (the same expressions ``segment`` and
``indicators`` use) -- and, for scale, the kernel's whole segmentation plus per-fix
indicators on the same points. Prints figure, ours, MovingPandas, ratio; and the
largest relative speed difference between the two (a correctness check).
"""

from __future__ import annotations

import argparse
import math
import time
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from covernote.domain.telematics.indicators import add_point_indicators
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.plausibility import EARTH_RADIUS_M
from covernote.domain.telematics.segment import assign_trips
from covernote.products.loader import shipped_config_path
from covernote.telematics.adapters.fixture import a10kw_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = a10kw_dir()


def best_seconds(fn: Callable[[], Any], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def ours_speed_accel(pts: pl.DataFrame) -> pl.DataFrame:
    """Speed (m/s) from positions and acceleration (m/s2), per device, linear scans."""
    rad = math.pi / 180.0
    lat, lon = pl.col("lat"), pl.col("lon")
    same = pl.col("device_id") == pl.col("device_id").shift(1)
    dt = (pl.col("ts") - pl.col("ts").shift(1)).dt.total_microseconds().cast(pl.Float64) / 1e6
    a = ((lat - lat.shift(1)) * (rad / 2)).sin() ** 2 + (lat * rad).cos() * (
        lat.shift(1) * rad
    ).cos() * ((lon - lon.shift(1)) * (rad / 2)).sin() ** 2
    step_m = 2 * EARTH_RADIUS_M * a.sqrt().arcsin()
    return (
        pts.lazy()
        .with_columns(_same=same, _dt=dt, _m=step_m)
        .with_columns(speed=pl.when(pl.col("_same")).then(pl.col("_m") / pl.col("_dt")))
        .with_columns(
            acceleration=pl.when(pl.col("_same")).then(
                (pl.col("speed") - pl.col("speed").shift(1)) / pl.col("_dt")
            )
        )
        .drop("_same", "_dt", "_m")
        .collect(engine="in-memory")
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of our code (best kept)")
    ap.add_argument(
        "--mp-repeat", type=int, default=1, help="runs of MovingPandas (~40 s each per 1e5)"
    )
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    try:
        import movingpandas as mpd  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        print("movingpandas is not installed: run with `uv run --with movingpandas`")
        return 0
    with shipped_config_path("telematics", directory=ROOT / "config/products").open("rb") as fh:
        params = parse_params(tomllib.load(fh))
    pts = pl.read_parquet(FIXTURE / "points.parquet").sort("device_id", "ts").head(args.points)
    n = pts.height
    pdf = pts.with_columns(pl.col("ts").dt.replace_time_zone(None)).to_pandas()

    def mp_build() -> Any:
        return mpd.TrajectoryCollection(
            pdf, traj_id_col="device_id", t="ts", x="lon", y="lat", crs="EPSG:4326"
        )

    def mp_speed_accel(tc: Any) -> Any:
        tc.add_speed(overwrite=True)
        tc.add_acceleration(overwrite=True)
        return tc

    t_build = best_seconds(mp_build, args.mp_repeat)
    tc = mp_build()
    t_mp = best_seconds(lambda: mp_speed_accel(tc), args.mp_repeat)
    t_ours = best_seconds(lambda: ours_speed_accel(pts), args.repeat)

    def kernel_steps() -> pl.DataFrame:
        p, _ = assign_trips(pts, params.trips, with_trip_id=False)
        return add_point_indicators(
            p.with_columns(speed_limit_kmh=pl.lit(None, pl.Float64)), params
        )

    t_kernel = best_seconds(kernel_steps, args.repeat)

    # correctness: speeds agree (MovingPandas: geodesic on WGS84; ours: haversine sphere)
    ours = ours_speed_accel(pts)
    mp_df = pl.from_pandas(tc.to_point_gdf().reset_index()[["device_id", "speed", "acceleration"]])
    both = pl.DataFrame({"o": ours["speed"], "m": mp_df["speed"].cast(pl.Float64)}).filter(
        pl.col("o").is_not_null() & (pl.col("m") > 1.0)
    )
    rel = float(((both["o"] - both["m"]).abs() / both["m"]).max() or 0.0)

    rows = [
        ("points", f"{n:,}", f"{n:,}", "", ""),
        ("speed + acceleration (s)", f"{t_ours:.4f}", f"{t_mp:.3f}", f"{t_mp / t_ours:,.0f}x", ""),
        (
            "  incl. building the TrajectoryCollection (s)",
            f"{t_ours:.4f}",
            f"{t_mp + t_build:.3f}",
            f"{(t_mp + t_build) / t_ours:,.0f}x",
            "",
        ),
        (
            "speed + acceleration (points/s)",
            f"{n / t_ours / 1e6:.2f} M/s",
            f"{n / t_mp / 1e6:.3f} M/s",
            f"{t_mp / t_ours:,.0f}x",
            "",
        ),
        (
            "kernel trips + all per-fix indicators (s)",
            f"{t_kernel:.4f}",
            f"{t_mp:.3f}",
            f"{t_mp / t_kernel:,.0f}x",
            "ours does more",
        ),
        ("max relative speed difference (v > 1 m/s)", f"{rel:.2%}", "", "", "sphere vs WGS84"),
    ]
    table = [("figure", "ours", "MovingPandas", "ratio", "note"), *rows]
    w = [max(len(r[i]) for r in table) for i in range(5)]
    print(
        f"movingpandas {mpd.__version__}, polars {pl.__version__}; best of {args.repeat} "
        f"runs (ours), {args.mp_repeat} (MovingPandas)"
    )
    for r in table:
        print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
