"""The Spark path of the telematics kernel equals the local path (YD-SCORE-1, issue 6 part 9).

Runs Spark in ``local[2]`` on 127.0.0.1. Skipped when Java or pyspark is missing,
unless ``COVERNOTE_REQUIRE_SPARK`` is set (then a missing one fails the run).
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyspark.sql import DataFrame, SparkSession

from covernote.domain.telematics.frames import POINTS_IN, POINTS_OUT, TRIPS_OUT
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import TelematicsParams, parse_params
from covernote.domain.telematics.speed_limits import RoadIndex, build_road_index
from covernote.products.loader import shipped_config_path
from covernote.telematics.adapters.fixture import a10kw_dir

TOML = shipped_config_path("telematics")
FIXTURE = a10kw_dir()
SAMPLE_DEVICES = 200
NOW = datetime(2026, 3, 10, tzinfo=UTC)  # after every fixture fix: no future-timestamp flags
MIDNIGHT = datetime(2026, 3, 3, tzinfo=UTC)
MIDNIGHT_DEVICE = "SBX-MIDNIGHT"
FLOAT_TOL = 1e-9


def _has_java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and Path(home, "bin", "java").exists())


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    if not _has_java() and not os.environ.get("COVERNOTE_REQUIRE_SPARK"):
        pytest.skip("Spark needs Java (set COVERNOTE_REQUIRE_SPARK=1 to make this an error)")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from covernote.telematics.adapters.spark import SPARK_CONF

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("covernote-telematics-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def params() -> TelematicsParams:
    with TOML.open("rb") as fh:
        return parse_params(tomllib.load(fh))


@pytest.fixture(scope="session")
def roads_index(params: TelematicsParams) -> RoadIndex:
    if not FIXTURE.exists():
        pytest.skip(f"fixture {FIXTURE} not present")
    roads = pl.read_parquet(FIXTURE / "roads.parquet")
    return build_road_index(roads, params.speed_limits, default_oneway=True)


@pytest.fixture(scope="session")
def sample() -> pl.DataFrame:
    """200 fixture devices (every 20th id: day and night drivers), plus edge cases.

    * ``SBX-MIDNIGHT``: a copy of the longest sampled day trip shifted so that it
      starts 3 minutes before 00:00 UTC and ends after it (one trip across midnight);
    * a duplicated fix (quarantined ``duplicate``) and a 0.5 deg latitude spike
      (quarantined ``implied_speed_jump``), so quarantined rows go through Spark too;
    * an extra input column ``batch``, which the kernel carries to the points output.
    """
    if not FIXTURE.exists():
        pytest.skip(f"fixture {FIXTURE} not present")
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    ids = pts["device_id"].unique().sort().gather_every(20).head(SAMPLE_DEVICES)
    sub = pts.filter(pl.col("device_id").is_in(ids.implode()))
    day = sub.filter(pl.col("ts").dt.hour() < 12)
    longest = day.group_by("device_id").len().sort("len", "device_id").row(-1)[0]
    src = day.filter(pl.col("device_id") == longest)
    shift = MIDNIGHT - timedelta(minutes=3) - src["ts"].min()
    crossing = src.with_columns(device_id=pl.lit(MIDNIGHT_DEVICE), ts=pl.col("ts") + shift)
    assert crossing["ts"].max() > MIDNIGHT + timedelta(minutes=1)
    victim = ids[1]
    dup = sub.filter(pl.col("device_id") == victim).slice(30, 1)
    spiked = sub.with_row_index("_i").with_columns(
        lat=pl.when(pl.col("_i") == 500).then(pl.col("lat") + 0.5).otherwise(pl.col("lat"))
    )
    out = pl.concat([spiked.drop("_i"), dup, crossing]).with_columns(batch=pl.lit(7, pl.Int64))
    return out.sample(fraction=1.0, shuffle=True, seed=6)  # arrival order is not sorted


def _to_polars(sdf: DataFrame) -> pl.DataFrame:
    return pl.DataFrame(pl.from_arrow(sdf.toArrow()))


def _as_kernel_types(df: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Spark has no unsigned ints: cast the LongType counts back to the kernel's UInt32."""
    return df.with_columns([pl.col(c).cast(t) for c, t in schema.items() if t == pl.UInt32])


POINT_KEY = ["device_id", "ts", "plausibility_reason"]


@pytest.mark.parametrize("buckets", [None, 1000], ids=["default-buckets", "about-one-device-each"])
def test_yd_score_1_spark_path_equals_local_path(
    spark: SparkSession,
    sample: pl.DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    buckets: int | None,
) -> None:
    """YD-SCORE-1 at scale: device-bucket groups + applyInArrow give the local kernel's result.

    Whatever the number of device buckets (4 = the shuffle partitions; 1000 for 201
    devices = mostly one device per group), the result is the same.
    """
    from covernote.telematics.adapters.spark import (
        POINTS_OUT_SPARK,
        TRIPS_OUT_SPARK,
        score_with_spark,
        with_day,
    )

    local_points, local_trips = score_points(sample, roads_index, params, now=NOW)

    # Scatter each device over several input partitions: the adapter must regroup them.
    sdf = spark.createDataFrame(sample.to_arrow()).repartition(3)
    scored = score_with_spark(sdf, roads_index, params, now=NOW, buckets=buckets)
    points_sdf, trips_sdf = scored
    try:
        assert points_sdf.schema.fieldNames() == [*POINTS_OUT, "batch"]
        assert points_sdf.schema.fields[: len(POINTS_OUT)] == POINTS_OUT_SPARK.fields
        assert trips_sdf.schema == TRIPS_OUT_SPARK
        spark_points = _as_kernel_types(_to_polars(points_sdf), POINTS_OUT)
        spark_trips = _as_kernel_types(_to_polars(trips_sdf), TRIPS_OUT)
        days = _to_polars(with_day(trips_sdf, "start_ts").select("trip_id", "day"))
    finally:
        scored.unpersist()

    # The sample exercises what it claims to.
    assert local_points.height == sample.height == spark_points.height
    reasons = set(local_points["plausibility_reason"].drop_nulls())
    assert {"duplicate", "implied_speed_jump"} <= reasons
    crossing = local_trips.filter(pl.col("device_id") == MIDNIGHT_DEVICE)
    assert crossing.height == 1
    assert crossing["start_ts"][0] < MIDNIGHT < crossing["end_ts"][0]
    assert local_trips["device_id"].n_unique() > SAMPLE_DEVICES // 2

    assert_frame_equal(
        spark_points.sort(POINT_KEY, nulls_last=False),
        local_points.sort(POINT_KEY, nulls_last=False),
        rel_tol=FLOAT_TOL,
        abs_tol=FLOAT_TOL,
    )
    assert_frame_equal(
        spark_trips.sort("trip_id"),
        local_trips.sort("trip_id"),
        rel_tol=FLOAT_TOL,
        abs_tol=FLOAT_TOL,
    )

    # Day partitioning of the output files: the midnight trip is filed whole under its start day.
    trip_day = days.filter(pl.col("trip_id") == crossing["trip_id"][0])["day"][0]
    assert trip_day == (MIDNIGHT - timedelta(days=1)).date()


def test_yd_score_1_spark_empty_input_gives_empty_outputs_with_schema(
    spark: SparkSession, roads_index: RoadIndex, params: TelematicsParams
) -> None:
    """No points: no groups, so no kernel call; both outputs empty with the kernel's schemas."""
    from covernote.telematics.adapters.spark import (
        POINTS_OUT_SPARK,
        TRIPS_OUT_SPARK,
        score_with_spark,
        spark_schema,
    )

    empty = spark.createDataFrame([], spark_schema(POINTS_IN))
    scored = score_with_spark(empty, roads_index, params, now=NOW)
    points_sdf, trips_sdf = scored
    try:
        assert points_sdf.schema == POINTS_OUT_SPARK
        assert trips_sdf.schema == TRIPS_OUT_SPARK
        points, trips = _to_polars(points_sdf), _to_polars(trips_sdf)
    finally:
        scored.unpersist()
    assert points.height == 0
    assert trips.height == 0
    assert points.schema == pl.Schema(POINTS_OUT)
    assert _as_kernel_types(trips, TRIPS_OUT).schema == pl.Schema(TRIPS_OUT)


def test_yd_score_1_spark_bad_input_is_refused(
    spark: SparkSession, roads_index: RoadIndex, params: TelematicsParams
) -> None:
    """The adapter checks the POINTS_IN columns and the bucket count before any Spark job."""
    from covernote.domain.errors import DomainError
    from covernote.telematics.adapters.spark import score_with_spark, spark_schema

    schema = {k: v for k, v in POINTS_IN.items() if k != "speed_kmh"}
    sdf = spark.createDataFrame([], spark_schema(schema))
    with pytest.raises(DomainError) as err:
        score_with_spark(sdf, roads_index, params)
    assert err.value.field == "speed_kmh"
    with pytest.raises(DomainError) as err:
        score_with_spark(
            spark.createDataFrame([], spark_schema(POINTS_IN)), roads_index, params, buckets=0
        )
    assert err.value.field == "buckets"
