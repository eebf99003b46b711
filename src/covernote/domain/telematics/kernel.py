"""The telematics scoring kernel (YD-SCORE-1..3): points in, scored points and trips out.

Pure: Arrow/Polars in, Polars out; no I/O and no clock (``now`` is passed in for
the future-timestamp check). Steps: plausibility (quarantine, never drop) -> trips
-> posted limits -> per-fix indicators -> journey-duration spells -> trip measures
and scores. The batch is treated as complete (all trips closed); for a live stream
feed :func:`segment.segment_batch` and score the emitted points. Segmentation and
the indicator/measure step are compiled loops (:mod:`._jit_kernel`, ADR 0032), the
matcher's too (ADR 0029); the NumPy/Polars forms they replaced are the test reference.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pyarrow as pa

from covernote.domain.telematics import _jit_kernel as _jk
from covernote.domain.telematics.frames import POINTS_OUT, TRIPS_OUT, as_points_frame
from covernote.domain.telematics.indicators import (
    add_over_duration,
    add_point_indicators,
    hour_table,
    local_hour,
)
from covernote.domain.telematics.params import KMH_PER_MPH, TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow, check_plausibility
from covernote.domain.telematics.score import score_trips, trip_measures
from covernote.domain.telematics.segment import Segmentation, attach_trip_id, segment_frame
from covernote.domain.telematics.speed_limits import RoadIndex, match_limits

_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def trips_and_indicators(
    pts: pl.DataFrame,
    trips: pl.DataFrame,
    params: TelematicsParams,
    seg: Segmentation | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicators, journey-duration spells, trip measures and scores (YD-SCORE-1..2).

    ``pts``/``trips``/``seg`` from :func:`segment.segment_frame` (with limits matched
    on the points, rows in the same order). Returns the points with the indicator
    columns and the kept trips with their measures and scores (sorted by device_id,
    start_ts). With ``seg`` the per-fix indicators and per-trip measures come from
    one compiled pass (:func:`_jit_kernel.indicators`, ADR 0032); without it (or on an
    empty batch) from the NumPy/Polars steps of :mod:`indicators` and :mod:`score`,
    which give the same values.
    """
    if seg is None or pts.height == 0:
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
    e, s, d = params.events, params.speeding, params.duration
    found = hour_table(pts, params.night.timezone)
    if found is None:
        hours = pts.select(local_hour(pts, params.night.timezone)).to_series().to_numpy()
        hours, lo, by_slot = hours.astype(np.int8), 0, False
    else:
        (hours, lo), by_slot = found, True
    thresholds = np.array(
        [
            params.trips.max_step_s,
            e.min_speed_kmh,
            e.harsh_brake_mps2,
            e.harsh_accel_mps2,
            e.harsh_corner_mps2,
            1.0 + s.tolerance_pct / 100.0,
            s.tolerance_mph * KMH_PER_MPH,
            s.sustained_min_s,
            s.sustained_min_m,
            params.night.start_hour,
            params.night.end_hour,
            d.break_min * 60,
        ],
        np.float64,
    )
    accel, lateral, flags, spell, sp_s, sp_m, max_over, night_m, counts, over_s = (
        _jk.indicators(
            seg.dev, seg.tsu,
            pts["speed_kmh"].cast(pl.Float64).to_numpy(),
            pts["heading_deg"].cast(pl.Float64).to_numpy(),
            pts["speed_limit_kmh"].cast(pl.Float64).to_numpy(),
            seg.step_s, seg.step_m, seg.first, seg.last, seg.kept, seg.kept_pt,
            hours, lo, by_slot, thresholds,
            e.yaw_window_fixes // 2, int(d.max_continuous_min * 60 * 1_000_000),
        )
    )  # fmt: skip
    flag = flags.view(np.bool_)
    pts = pts.with_columns(
        pl.Series("accel_mps2", accel, nan_to_null=True),
        pl.Series("lateral_mps2", lateral, nan_to_null=True),
        pl.Series("is_speeding", flag[0]),
        pl.Series("is_night", flag[1]),
        pl.Series("is_harsh_brake", flag[2]),
        pl.Series("is_harsh_accel", flag[3]),
        pl.Series("is_harsh_corner", flag[4]),
        pl.Series("is_sustained_speeding", flag[5]),
        pl.Series("is_over_duration", flag[6]),
    )
    ts_type = pts.schema["ts"]
    trips_out = (
        trips.filter(pl.Series(seg.kept))
        .with_columns(
            pl.Series("spell_start_ts", spell).cast(ts_type),
            pl.Series("speeding_s", sp_s),
            pl.Series("speeding_m", sp_m),
            pl.Series("max_over_limit_kmh", max_over, nan_to_null=True),
            pl.Series("night_m", night_m),
            pl.Series("harsh_brakes", counts[0]),
            pl.Series("harsh_accels", counts[1]),
            pl.Series("harsh_corners", counts[2]),
            pl.Series("over_duration_s", over_s),
        )
        .pipe(score_trips, params)
        .sort("device_id", "start_ts")
    )
    return pts, trips_out


#: fixes per thread below which a batch is scored on one thread
PART_MIN_FIXES = 100_000


def device_parts(df: pl.DataFrame, parts: int) -> list[pl.DataFrame]:
    """``df`` (sorted by device_id) cut into up to ``parts`` contiguous slices of about
    equal size, each cut at a device boundary (a device's fixes stay together)."""
    n = df.height
    if parts <= 1 or n == 0:
        return [df]
    new_dev = df.select(pl.col("device_id").ne_missing(pl.col("device_id").shift(1)))
    starts = np.flatnonzero(new_dev.to_series().fill_null(True).to_numpy())
    cuts = np.unique(starts[np.searchsorted(starts, np.linspace(0, n, parts + 1)[1:-1])])
    edges = [0, *(int(c) for c in cuts if 0 < c < n), n]
    return [df.slice(a, b - a) for a, b in itertools.pairwise(edges) if b > a]


def _workers(n: int, workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    return max(1, min(os.cpu_count() or 1, n // PART_MIN_FIXES))


def score_points(
    points: pa.Table | pl.DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    *,
    now: datetime | None = None,
    window: DataWindow | None = None,
    workers: int | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score a complete batch of fixes. Returns ``(points_out, trips_out)``.

    ``points_out``: every input row (sorted by device_id, ts), input columns plus
    :data:`frames.POINTS_ADDED`; quarantined rows have a ``plausibility_reason``
    and no trip. ``trips_out``: one row per kept trip, :data:`frames.TRIPS_OUT`.

    Every step works device by device (as the Spark engine relies on), so a large
    batch is cut into slices of whole devices scored on ``workers`` threads (default:
    one per core, at least :data:`PART_MIN_FIXES` fixes each; NumPy, Polars and the
    compiled matcher release the GIL) -- the result is the same as on one thread.
    """
    df = as_points_frame(points)
    parts = _workers(df.height, workers)
    if parts > 1:
        slices = device_parts(df.sort("device_id", "ts", maintain_order=True), parts)
        if len(slices) > 1:
            with ThreadPoolExecutor(max_workers=len(slices)) as pool:
                done = list(
                    pool.map(
                        lambda part: _score_one(part, roads_index, params, now, window), slices
                    )
                )
            return (
                pl.concat([p for p, _ in done], how="vertical_relaxed"),
                pl.concat([t for _, t in done], how="vertical_relaxed"),
            )
    return _score_one(df, roads_index, params, now, window)


def _score_one(
    df: pl.DataFrame,
    roads_index: RoadIndex,
    params: TelematicsParams,
    now: datetime | None,
    window: DataWindow | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    extra = [c for c in df.columns if c not in POINTS_OUT]
    if now is None:  # no future check requested
        now = _FAR_FUTURE
    df = check_plausibility(df, now, params.plausibility, window)
    is_ok = df["plausibility_reason"].is_null()
    ok = df.filter(is_ok)
    bad = df.filter(~is_ok)
    pts, trips, seg = segment_frame(ok, params.trips, final=True, with_trip_id=False)
    pts = match_limits(pts.drop("_open"), roads_index, along="_trip_seq")
    pts, trips_out = trips_and_indicators(pts, trips, params, seg)
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
    points_out = pl.concat([pts, bad], how="vertical_relaxed")
    if bad.height:
        # Back to the sorted order of ``df`` (by (device_id, ts); of rows with the same
        # key only the first can be plausible, so this is the stable sort of the
        # concatenation) by row number instead of sorting on the strings again.
        ok_np = is_ok.to_numpy()
        pos = np.concatenate([np.flatnonzero(ok_np), np.flatnonzero(~ok_np)])
        order = np.empty_like(pos)
        order[pos] = np.arange(pos.shape[0])
        points_out = points_out[order]
    return points_out, trips_out
