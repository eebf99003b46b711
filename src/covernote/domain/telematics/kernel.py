"""The telematics scoring kernel (YD-SCORE-1..3): points in, scored points and trips out.

Pure: Arrow/Polars in, Polars out; no I/O and no clock (``now`` is passed in for
the future-timestamp check). Steps: plausibility (quarantine, never drop) -> trips
-> posted limits -> per-fix indicators -> journey-duration spells -> trip measures
and scores. The batch is treated as complete (all trips closed); for a live stream
feed :func:`segment.segment_batch` and score the emitted points.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pyarrow as pa

from covernote.domain.telematics.frames import POINTS_OUT, TRIPS_OUT, as_points_frame
from covernote.domain.telematics.indicators import add_over_duration, add_point_indicators
from covernote.domain.telematics.params import TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow, check_plausibility
from covernote.domain.telematics.score import score_trips, trip_measures
from covernote.domain.telematics.segment import assign_trips, attach_trip_id
from covernote.domain.telematics.speed_limits import RoadIndex, match_limits

_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def trips_and_indicators(
    pts: pl.DataFrame, trips: pl.DataFrame, params: TelematicsParams
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicators, journey-duration spells, trip measures and scores (YD-SCORE-1..2).

    ``pts``/``trips`` from :func:`segment.assign_trips` (with limits matched on the
    points). Returns the points with the indicator columns and the kept trips with
    their measures and scores (sorted by device_id, start_ts).
    """
    pts = add_point_indicators(pts, params)
    kept = trips.filter(pl.col("kept"))
    pts, kept = add_over_duration(pts, kept, params)
    measures = trip_measures(pts).drop("trip_id", strict=False)
    trips_out = (
        kept.join(measures, on="_trip_seq", how="left")
        .pipe(score_trips, params)
        .sort("device_id", "start_ts")
    )
    return pts, trips_out


def score_points(
    points: pa.Table | pl.DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    *,
    now: datetime | None = None,
    window: DataWindow | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score a complete batch of fixes. Returns ``(points_out, trips_out)``.

    ``points_out``: every input row (sorted by device_id, ts), input columns plus
    :data:`frames.POINTS_ADDED`; quarantined rows have a ``plausibility_reason``
    and no trip. ``trips_out``: one row per kept trip, :data:`frames.TRIPS_OUT`.
    """
    df = as_points_frame(points)
    extra = [c for c in df.columns if c not in POINTS_OUT]
    if now is None:  # no future check requested
        now = _FAR_FUTURE
    df = check_plausibility(df, now, params.plausibility, window)
    ok = df.filter(pl.col("plausibility_reason").is_null())
    bad = df.filter(pl.col("plausibility_reason").is_not_null())
    pts, trips = assign_trips(ok, params.trips, final=True, with_trip_id=False)
    pts = match_limits(pts.drop("_open"), roads_index, along="_trip_seq")
    pts, trips_out = trips_and_indicators(pts, trips, params)
    trips_out = trips_out.with_columns(
        map_version=pl.lit(roads_index.map_version),
        params_version=pl.lit(params.version),
    ).select([pl.col(c).cast(t) for c, t in TRIPS_OUT.items()])
    pts = attach_trip_id(pts, trips)
    out_cols = [*POINTS_OUT, *extra]
    pts = pts.select(out_cols)
    bad = bad.with_columns(
        [pl.lit(None, t).alias(c) for c, t in POINTS_OUT.items() if c not in bad.columns]
    ).select(out_cols)
    points_out = pl.concat([pts, bad], how="vertical_relaxed").sort(
        "device_id", "ts", maintain_order=True
    )
    return points_out, trips_out
