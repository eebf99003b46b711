"""Arrow/Polars schemas of the telematics kernel (YD-SCORE-1, YD-SPEED-3).

Physical quantities (speeds, coordinates, accelerations) are floats here; money
never appears in this package.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa

from covernote.domain.errors import DomainError, ErrorCode

TS = pl.Datetime("us", "UTC")

#: What a Smartbox sends (fixture points.parquet).
POINTS_IN: dict[str, Any] = {
    "device_id": pl.String,
    "ts": TS,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "speed_kmh": pl.Float64,
    "heading_deg": pl.Float64,
}

#: Columns the kernel adds to each point.
POINTS_ADDED: dict[str, Any] = {
    "plausibility_reason": pl.String,  # null = plausible; else quarantined (YD-DATA)
    "trip_id": pl.String,  # null = not in a kept trip
    "speed_limit_kmh": pl.Float64,
    "limit_source": pl.String,
    "road_id": pl.String,
    "road_name": pl.String,
    "map_version": pl.String,
    "step_s": pl.Float64,  # seconds since the previous fix of the trip
    "step_m": pl.Float64,  # metres since the previous fix of the trip
    "accel_mps2": pl.Float64,
    "lateral_mps2": pl.Float64,
    "is_speeding": pl.Boolean,  # above limit + tolerance (instant)
    "is_sustained_speeding": pl.Boolean,  # part of a sustained episode
    "is_night": pl.Boolean,
    "is_harsh_brake": pl.Boolean,
    "is_harsh_accel": pl.Boolean,
    "is_harsh_corner": pl.Boolean,
    "is_over_duration": pl.Boolean,
}

POINTS_OUT: dict[str, Any] = {**POINTS_IN, **POINTS_ADDED}

#: One row per kept trip.
TRIPS_OUT: dict[str, Any] = {
    "trip_id": pl.String,
    "device_id": pl.String,
    "start_ts": TS,
    "end_ts": TS,
    "distance_m": pl.Float64,
    "duration_s": pl.Float64,
    "points": pl.UInt32,
    "speeding_s": pl.Float64,
    "speeding_m": pl.Float64,
    "speeding_share": pl.Float64,
    "max_over_limit_kmh": pl.Float64,
    "night_m": pl.Float64,
    "night_share": pl.Float64,
    "harsh_brakes": pl.UInt32,
    "harsh_accels": pl.UInt32,
    "harsh_corners": pl.UInt32,
    "harsh_per_100km": pl.Float64,
    "over_duration_s": pl.Float64,
    "over_duration_share": pl.Float64,
    "score_speed": pl.Float64,
    "score_eco": pl.Float64,
    "score_night": pl.Float64,
    "score_duration": pl.Float64,
    "score_overall": pl.Float64,
    "map_version": pl.String,
    "params_version": pl.String,
}


def as_points_frame(points: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """Check and cast the input points to :data:`POINTS_IN` (extra columns kept)."""
    df = points if isinstance(points, pl.DataFrame) else pl.DataFrame(pl.from_arrow(points))
    for name, dtype in POINTS_IN.items():
        if name not in df.columns:
            raise DomainError(
                ErrorCode.REQUIRED, f"points: column {name} missing", "YD-SCORE-1", name
            )
        if df.schema[name] != dtype:
            try:
                df = df.with_columns(pl.col(name).cast(dtype))
            except pl.exceptions.PolarsError as exc:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"points: column {name} is {df.schema[name]}, expected {dtype}",
                    "YD-SCORE-1",
                    name,
                ) from exc
    return df


def empty(schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
