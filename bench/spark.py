"""Spark adapter benchmark (issue 6 part 9): local Polars vs Spark ``local[N]`` on a10kw.

    uv run python bench/spark.py [--master local[2]] [--buckets 4 --buckets 40000]

Scores the whole a10kw fixture (361,878 fixes, 4,002 devices) with the local kernel
and with :func:`covernote.telematics.adapters.spark.score_with_spark` for each bucket count,
collects both outputs to the driver (Arrow), checks them equal to the local result
(floats to 1e-9) and prints wall times. Needs Java.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from covernote.domain.telematics.frames import POINTS_OUT, TRIPS_OUT
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.speed_limits import build_road_index
from covernote.products.loader import shipped_config_path
from covernote.telematics.adapters.fixture import a10kw_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = a10kw_dir()


def _kernel_types(df: pl.DataFrame, schema: dict[str, object]) -> pl.DataFrame:
    return df.with_columns([pl.col(c).cast(pl.UInt32) for c, t in schema.items() if t == pl.UInt32])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--buckets", type=int, action="append")
    args = ap.parse_args()
    buckets: list[int] = args.buckets or [4, 40_000]

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from covernote.telematics.adapters.spark import SPARK_CONF, score_with_spark

    with shipped_config_path("telematics", directory=ROOT / "config/products").open("rb") as fh:
        params = parse_params(tomllib.load(fh))
    index = build_road_index(
        pl.read_parquet(FIXTURE / "roads.parquet"), params.speed_limits, default_oneway=True
    )
    pts = pl.read_parquet(FIXTURE / "points.parquet")

    t0 = time.perf_counter()
    local_points, local_trips = score_points(pts, index, params)
    local_s = time.perf_counter() - t0
    print(f"local polars: {pts.height} fixes, {local_trips.height} trips, {local_s:.2f} s")

    t0 = time.perf_counter()
    builder = (
        SparkSession.builder.master(args.master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    for k, v in SPARK_CONF.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    sdf = spark.createDataFrame(pts.to_arrow()).cache()
    sdf.count()
    print(f"spark session + load: {time.perf_counter() - t0:.2f} s ({args.master})")

    for n in buckets:
        t0 = time.perf_counter()
        scored = score_with_spark(sdf, index, params, buckets=n)
        points_sdf, trips_sdf = scored
        sp = _kernel_types(pl.DataFrame(pl.from_arrow(points_sdf.toArrow())), POINTS_OUT)
        st = _kernel_types(pl.DataFrame(pl.from_arrow(trips_sdf.toArrow())), TRIPS_OUT)
        spark_s = time.perf_counter() - t0
        scored.unpersist()
        assert_frame_equal(
            sp.sort("device_id", "ts"),
            local_points.sort("device_id", "ts"),
            rel_tol=1e-9,
            abs_tol=1e-9,
        )
        assert_frame_equal(
            st.sort("trip_id"), local_trips.sort("trip_id"), rel_tol=1e-9, abs_tol=1e-9
        )
        print(
            f"spark buckets={n}: {spark_s:.2f} s, {pts.height / spark_s:,.0f} fixes/s, equal to local"
        )
    spark.stop()


if __name__ == "__main__":
    main()
