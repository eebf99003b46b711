"""Spark adapter for the telematics scoring kernel (YD-SCORE-1, issue 6 part 9 "Scale-out").

The kernel :func:`covernote.domain.telematics.kernel.score_points` is a pure function,
points in -> ``(points_out, trips_out)``. Locally Polars runs it over the whole batch;
here Spark runs the *same* function on groups of whole devices:

* **Partitioning** -- ``groupBy(bucket).applyInArrow`` with ``bucket = xxhash64(device_id)
  mod buckets``: each group holds the whole streams of the devices hashed to it, so every
  trip (including one that crosses midnight) and every neighbour the plausibility spike
  test looks at is inside one group, and the result equals the local one row for row.
  Trips never span devices and the kernel's cross-row state (sort, shifts, cumulative
  sums) is per device, so any set of whole devices is an exact unit; a bucket of many
  devices (rather than ``groupBy("device_id")``) pays the kernel's fixed cost (~12 ms a
  call) once per bucket instead of once per device. Day-level partitioning is a storage
  concern: write the outputs with ``partitionBy("day")`` (see :func:`with_day`), a trip
  filed whole under the day it *starts* on. See ``docs/decisions/telematics_spark.md``.
* **One pass, two outputs** -- the group function emits one Arrow table holding both
  results: a discriminator ``_kind`` (``"point"``/``"trip"``) and two struct columns
  ``point`` (:data:`frames.POINTS_OUT`) and ``trip`` (:data:`frames.TRIPS_OUT`), one of
  them null per row. That frame is persisted (by default) and the two outputs are
  projections of it, so the kernel runs once per bucket however many actions follow.
* **Broadcast** -- the road index (a Python object holding Polars frames) and the params
  travel as a Spark broadcast variable (loaded once per Python worker); under Spark
  Connect, which has no broadcast variables, they go in the function's closure.

Spark has no unsigned integers: ``UInt32`` columns (trip point and event counts) become
``LongType`` (exact); timestamps are ``TimestampType`` (instants; run the session with
``spark.sql.session.timeZone=UTC`` so that they also *display* in UTC).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import polars as pl
import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.pandas.types import to_arrow_schema

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import POINTS_IN, POINTS_OUT, TRIPS_OUT
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow
from covernote.domain.telematics.speed_limits import RoadIndex

RULE = "YD-SCORE-1"
KIND = "_kind"  # discriminator column of the one-pass output
BUCKET = "_bucket"  # group key: hash bucket of device_id
POINT, TRIP = "point", "trip"  # its values, and the names of the two struct columns

#: Spark session settings the adapter assumes (UTC display of timestamps).
SPARK_CONF: dict[str, str] = {"spark.sql.session.timeZone": "UTC"}


def polars_to_spark_type(dtype: Any) -> T.DataType:
    """The Spark SQL type holding a Polars dtype exactly (unsigned ints widen)."""
    if isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
        tz = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
        unit = dtype.time_unit if isinstance(dtype, pl.Datetime) else "us"
        if unit == "ns":  # Spark timestamps are microseconds
            raise DomainError(
                ErrorCode.INVALID, "nanosecond timestamps do not fit Spark", RULE, str(dtype)
            )
        return T.TimestampType() if tz is not None else T.TimestampNTZType()
    simple: dict[Any, T.DataType] = {
        pl.String: T.StringType(),
        pl.Boolean: T.BooleanType(),
        pl.Float64: T.DoubleType(),
        pl.Float32: T.FloatType(),
        pl.Int8: T.ByteType(),
        pl.Int16: T.ShortType(),
        pl.Int32: T.IntegerType(),
        pl.Int64: T.LongType(),
        pl.UInt8: T.ShortType(),
        pl.UInt16: T.IntegerType(),
        pl.UInt32: T.LongType(),
        pl.Date: T.DateType(),
    }
    for pl_type, spark_type in simple.items():
        if dtype == pl_type:
            return spark_type
    raise DomainError(ErrorCode.INVALID, f"no Spark type for Polars {dtype}", RULE, str(dtype))


def spark_schema(schema: dict[str, Any]) -> T.StructType:
    """A Spark schema from a Polars schema dict (e.g. :data:`frames.POINTS_OUT`)."""
    return T.StructType(
        [
            T.StructField(name, polars_to_spark_type(dt), nullable=True)
            for name, dt in schema.items()
        ]
    )


POINTS_OUT_SPARK = spark_schema(POINTS_OUT)
TRIPS_OUT_SPARK = spark_schema(TRIPS_OUT)


def _union_schema(points_schema: T.StructType) -> T.StructType:
    return T.StructType(
        [
            T.StructField(KIND, T.StringType(), nullable=False),
            T.StructField(POINT, points_schema, nullable=True),
            T.StructField(TRIP, TRIPS_OUT_SPARK, nullable=True),
        ]
    )


def _arrow_schema(schema: T.StructType) -> pa.Schema:
    return to_arrow_schema(schema, timezone="UTC")


def score_group(
    table: pa.Table,
    roads_index: RoadIndex,
    params: TelematicsParams,
    now: datetime | None,
    window: DataWindow | None,
    out_schema: pa.Schema,
    extra: list[str],
) -> pa.Table:
    """Score one group (whole devices) with the kernel; both outputs in one Arrow table.

    Rows: the scored points (``_kind = "point"``, ``point`` set) then the trips
    (``_kind = "trip"``, ``trip`` set), cast to ``out_schema`` (the Arrow form of the
    Spark union schema).
    """
    if BUCKET in table.column_names:
        table = table.drop_columns([BUCKET])
    points_out, trips_out = score_points(
        pl.DataFrame(pl.from_arrow(table)), roads_index, params, now=now, window=window
    )
    point_cols = [*POINTS_OUT, *extra]
    p = points_out.select(
        pl.lit(POINT).alias(KIND),
        pl.struct(point_cols).alias(POINT),
        pl.lit(None, pl.Struct(TRIPS_OUT)).alias(TRIP),
    )
    t = trips_out.select(
        pl.lit(TRIP).alias(KIND),
        pl.lit(None, p.schema[POINT]).alias(POINT),
        pl.struct(list(TRIPS_OUT)).alias(TRIP),
    )
    both = pl.concat([p, t], how="vertical")
    return both.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(out_schema)


class ScoredFrames(tuple[DataFrame, DataFrame]):
    """``(points_sdf, trips_sdf)``; :meth:`unpersist` frees the cached one-pass result."""

    scored: DataFrame
    _release: Callable[[], None]

    def __new__(
        cls, points: DataFrame, trips: DataFrame, scored: DataFrame, release: Callable[[], None]
    ) -> ScoredFrames:
        self = super().__new__(cls, (points, trips))
        self.scored = scored
        self._release = release
        return self

    def unpersist(self) -> None:
        """Drop the cached scored frame and the road-index broadcast."""
        self.scored.unpersist()
        self._release()


def _ship(sdf: DataFrame, value: Any) -> tuple[Callable[[], Any], Callable[[], None]]:
    """A getter for ``value`` on the executors, and a release function.

    Classic Spark: a broadcast variable (sent once per executor, loaded once per Python
    worker). Spark Connect has no broadcast variables: the value goes in the closure.
    """
    try:
        sc = sdf.sparkSession.sparkContext
    except Exception:  # Spark Connect: no SparkContext
        return (lambda: value), (lambda: None)
    bc = sc.broadcast(value)
    return (lambda: bc.value), (lambda: bc.unpersist())


def _apply_in_arrow(
    sdf: DataFrame, key: str, func: Callable[[pa.Table], pa.Table], schema: T.StructType
) -> DataFrame:
    """``sdf.groupBy(key).applyInArrow(func, schema)``, also where pandas is not installed.

    PySpark (4.0-4.3) builds the Arrow grouped-map UDF through ``pandas_udf``, which
    refuses to run without pandas although the Arrow path never imports it (Arrow UDFs
    dropped that gate in SPARK-53059; ``applyInArrow`` still has it). Without pandas we
    therefore create the same UDF (eval type ``SQL_GROUPED_MAP_ARROW_UDF``) through
    the internal factory ``pandas_udf`` itself ends in, and call the same JVM method as
    ``applyInArrow``. With pandas installed (``pyspark[sql]``) the public API is used.
    """
    if importlib.util.find_spec("pandas") is not None:
        return sdf.groupBy(key).applyInArrow(func, schema)
    try:
        from pyspark.sql.pandas.functions import (  # type: ignore[attr-defined]
            _create_vectorized_udf,
        )
        from pyspark.util import PythonEvalType

        grouped = sdf.groupBy(key)
        udf = _create_vectorized_udf(
            func, schema, PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF, "pandas"
        )
        jdf = grouped._jgd.flatMapGroupsInArrow(udf(*[sdf[c] for c in sdf.columns])._jc)
    except (ImportError, AttributeError) as exc:  # Spark Connect or another PySpark
        raise ImportError("applyInArrow needs pandas >= 2.2 here: install pyspark[sql]") from exc
    return DataFrame(jdf, sdf.sparkSession)


def score_with_spark(
    points_sdf: DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    *,
    now: datetime | None = None,
    window: DataWindow | None = None,
    buckets: int | None = None,
    persist: bool = True,
) -> ScoredFrames:
    """Score points on Spark; returns ``(points_sdf_out, trips_sdf_out)`` (YD-SCORE-1).

    ``points_sdf`` has at least the :data:`frames.POINTS_IN` columns (extra columns are
    carried to the points output, as the kernel does). The result equals
    ``score_points`` on the collected input: same rows and values, points schema
    :data:`POINTS_OUT_SPARK` (+ extras), trips :data:`TRIPS_OUT_SPARK`. Row order is not
    defined (Spark): sort by (device_id, ts) / trip_id when it matters.

    ``buckets``: number of device groups (default ``spark.sql.shuffle.partitions``); one
    group is scored in one Python call, so pick it such that a group's fixes fit a
    Python worker's memory (about 1 KB per fix in and out: 1 M fixes ~ 1 GB). The
    result does not depend on it.

    ``persist``: cache the one-pass result (memory and disk) so that the kernel runs
    once per bucket even when both outputs are used; call ``.unpersist()`` on the
    returned pair when done.
    """
    missing = [c for c in POINTS_IN if c not in points_sdf.columns]
    if missing:
        raise DomainError(
            ErrorCode.REQUIRED, f"points: column {missing[0]} missing", RULE, missing[0]
        )
    conf = points_sdf.sparkSession.conf
    n = buckets if buckets is not None else int(conf.get("spark.sql.shuffle.partitions") or 200)
    if n < 1:
        raise DomainError(ErrorCode.INVALID, "buckets must be at least 1", RULE, "buckets")
    by_name = {f.name: f for f in points_sdf.schema.fields}
    extra = [c for c in points_sdf.columns if c not in POINTS_OUT]
    points_schema = T.StructType(
        [*POINTS_OUT_SPARK.fields, *(T.StructField(c, by_name[c].dataType) for c in extra)]
    )
    union = _union_schema(points_schema)
    arrow_out = _arrow_schema(union)
    get_ctx, release = _ship(points_sdf, (roads_index, params))

    def apply(table: pa.Table) -> pa.Table:
        index, prm = get_ctx()
        return score_group(table, index, prm, now, window, arrow_out, extra)

    keyed = points_sdf.withColumn(BUCKET, F.pmod(F.xxhash64("device_id"), F.lit(n)))
    scored = _apply_in_arrow(keyed, BUCKET, apply, union)
    if persist:
        scored = scored.persist(StorageLevel.MEMORY_AND_DISK)
    points = scored.where(F.col(KIND) == POINT).select(f"{POINT}.*")
    trips = scored.where(F.col(KIND) == TRIP).select(f"{TRIP}.*")
    return ScoredFrames(points, trips, scored, release)


def with_day(sdf: DataFrame, ts_col: str = "ts") -> DataFrame:
    """Add ``day`` (UTC date of ``ts_col``) for ``write.partitionBy("device_id", "day")``.

    For trips pass ``ts_col="start_ts"``: a trip crossing midnight is filed whole under
    the day it starts on (its points keep their own days).
    """
    return sdf.withColumn("day", F.to_date(F.col(ts_col)))


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "covernote-telematics",
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """The active Spark session, or a new one with :data:`SPARK_CONF`.

    ``master`` (``local[2]``, ``spark://host:7077``, ``yarn``, ...) is left unset when
    ``None``, so that ``spark-submit --master ...`` decides. The workers run this
    interpreter unless ``PYSPARK_PYTHON`` says otherwise.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def score_frame_with_spark(
    points: pl.DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    *,
    spark: SparkSession,
    now: datetime | None = None,
    buckets: int | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score a Polars frame on Spark and bring both outputs back in the local shape.

    The same kernel as the local engine (:func:`score_with_spark`), results collected to
    the driver with the kernel's dtypes (UInt32 counts back from Spark's longs) and
    sorted as ``score_points`` sorts them: points by (device_id, ts), trips by
    (device_id, start_ts). For outputs larger than the driver, use
    :func:`score_with_spark` and write the Spark frames (``with_day`` +
    ``partitionBy``) instead.
    """
    sdf = spark.createDataFrame(points.to_arrow())
    scored = score_with_spark(sdf, roads_index, params, now=now, buckets=buckets)
    try:
        pts = pl.DataFrame(pl.from_arrow(scored[0].toArrow()))
        trips = pl.DataFrame(pl.from_arrow(scored[1].toArrow()))
    finally:
        scored.unpersist()
    pts = pts.with_columns([pl.col(c).cast(t) for c, t in POINTS_OUT.items() if c in pts.columns])
    trips = trips.select([pl.col(c).cast(t) for c, t in TRIPS_OUT.items()])
    # Within one (device, ts) the kept fix comes first, then its quarantined repeats.
    pts = pts.sort(
        ["device_id", "ts", "plausibility_reason"], nulls_last=False, maintain_order=True
    )
    return pts, trips.sort("device_id", "start_ts")
