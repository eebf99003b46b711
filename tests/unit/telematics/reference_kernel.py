"""The NumPy/Polars forms of trip segmentation and of the indicator/measure steps, as
they were before the compiled kernel loops (issue 14, ADR 0032): the reference the
compiled kernel must equal row for row, bit for bit. Test code only (also used by
``bench/telematics.py`` to time old against new in one process)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import POINTS_OUT, TRIPS_OUT
from covernote.domain.telematics.indicators import add_over_duration, add_point_indicators
from covernote.domain.telematics.params import PlausibilityParams, TelematicsParams, TripParams
from covernote.domain.telematics.plausibility import (
    EARTH_RADIUS_M,
    DataWindow,
    Reason,
    haversine_m,
)
from covernote.domain.telematics.score import score_trips, trip_measures
from covernote.domain.telematics.segment import _empty_assign, attach_trip_id
from covernote.domain.telematics.speed_limits import RoadIndex, match_limits

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def _segment_arrays(
    dev: npt.NDArray[np.uint32],
    tsu: npt.NDArray[np.int64],
    spd: F64,
    params: TripParams,
) -> tuple[npt.NDArray[np.bool_], I64, npt.NDArray[np.bool_]]:
    """Traccar trip rules on arrays sorted by (device, ts): ``(in_trip, trip_no, same)``.

    ``trip_no`` counts trip starts (dense from 1, valid where ``in_trip``); ``same``
    marks rows whose previous row is in the same trip. Cumulative max/min of row
    numbers give each row's previous and next moving fix (no per-point Python).
    """
    n = spd.shape[0]
    idx = np.arange(n, dtype=np.int64)
    mv = spd >= params.moving_min_kmh
    # previous moving fix strictly before each row (-1: none)
    pm = np.maximum.accumulate(np.where(mv, idx, -1))
    pm_prev = np.empty(n, np.int64)
    pm_prev[0] = -1
    pm_prev[1:] = pm[:-1]
    pmc = np.maximum(pm_prev, 0)
    has_prev = (pm_prev >= 0) & (dev[pmc] == dev)
    elapsed = (tsu - tsu[pmc]).astype(np.float64) / 1e6
    stop_between = np.empty(n, np.bool_)
    stop_between[0] = True
    stop_between[1:] = ~mv[:-1]  # "a stationary fix between": the previous row is not moving
    starts = mv & (
        ~has_prev | (elapsed >= params.gap_max_s) | ((elapsed >= params.stop_min_s) & stop_between)
    )
    tno = np.cumsum(starts, dtype=np.int64)
    # next moving fix strictly after each row (n: none)
    nm = np.minimum.accumulate(np.where(mv, idx, n)[::-1])[::-1]
    nm_next = np.empty(n, np.int64)
    nm_next[-1] = n
    nm_next[:-1] = nm[1:]
    nmc = np.minimum(nm_next, n - 1)
    in_trip = mv | (has_prev & (nm_next < n) & (dev[nmc] == dev) & ~starts[nmc])
    same = np.zeros(n, np.bool_)
    same[1:] = in_trip[1:] & in_trip[:-1] & (tno[1:] == tno[:-1])
    return in_trip, tno, same


SERIES_MAX_RAD = 1e-2  # below this, sin/arcsin by their series (next term < 1e-16 relative)


def _sin_small(x: F64) -> F64:
    """sin(x): Taylor series where |x| < SERIES_MAX_RAD (1 Hz steps), libm elsewhere.

    float64 sin/arcsin are scalar libm calls on this x86-64-v3 build (~50 ns each);
    the series is a few multiplications and agrees with libm to within an ulp.
    """
    x2 = x * x
    out = x * (1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0)))
    big = np.flatnonzero(~(np.abs(x) < SERIES_MAX_RAD))
    if big.shape[0]:
        out[big] = np.sin(x[big])
    return out


def _arcsin_small(y: F64) -> F64:
    """arcsin(y) for y in [0, 1], as :func:`_sin_small`."""
    y2 = y * y
    out = y * (1.0 + y2 * (1.0 / 6.0 + y2 * (3.0 / 40.0 + y2 * (5.0 / 112.0))))
    big = np.flatnonzero(~(y < SERIES_MAX_RAD))
    if big.shape[0]:
        out[big] = np.arcsin(y[big])
    return out


def _haversine_steps(lat: F64, lon: F64, same: npt.NDArray[np.bool_]) -> F64:
    """Great-circle distance from the previous row (NaN where ``same`` is false)."""
    rad = math.pi / 180.0
    out = np.full(lat.shape[0], np.nan)
    if lat.shape[0] < 2:
        return out
    coslat = np.cos(lat * rad)
    s_dlat = _sin_small((lat[1:] - lat[:-1]) * (rad / 2))
    s_dlon = _sin_small((lon[1:] - lon[:-1]) * (rad / 2))
    h = s_dlat * s_dlat + coslat[1:] * coslat[:-1] * (s_dlon * s_dlon)
    d = (2 * EARTH_RADIUS_M) * _arcsin_small(np.minimum(np.sqrt(h), 1.0))
    out[1:] = np.where(same[1:], d, np.nan)
    return out


def _slice_sums(x: F64, first: I64, last: I64) -> F64:
    """Sum of ``x[first[i]:last[i] + 1]`` for each i, added over the slice's own rows
    only -- so a trip's distance does not depend on what else is in the batch (a
    difference of running sums would carry the rounding of everything before it)."""
    if first.shape[0] == 0:
        return np.zeros(0)
    padded = np.r_[x, 0.0]
    bounds = np.empty(2 * first.shape[0], np.int64)
    bounds[0::2] = first
    bounds[1::2] = last + 1
    sums: F64 = np.add.reduceat(padded, bounds)[0::2]
    return sums


def assign_trips(
    df: pl.DataFrame, params: TripParams, *, final: bool = True, with_trip_id: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assign trips to plausible fixes sorted by (device_id, ts).

    Returns ``(points, trips)``: points gain ``trip_id`` (null outside kept trips),
    ``_trip_seq`` (internal trip number), ``step_s``/``step_m`` (from the previous
    fix of the same trip) and ``_open`` (the row belongs to a device's last trip,
    not yet confirmed closed; always false when ``final``). ``trips`` has one row
    per trip with device_id, trip_id, start_ts, end_ts, distance_m, duration_s,
    points, kept, open.

    Linear scans on NumPy arrays (YD-SCORE-1 at book scale): the rules are cumulative
    max/min of row numbers (previous/next moving fix) and cumulative sums; the trips
    table is built from the trips' first and last fixes (distance summed over each
    trip's own steps, fix count differenced between them), and ``kept``/``open`` go back to the fixes by
    indexing with the dense trip number -- no sort, group-by or join.
    ``with_trip_id=False`` skips the per-fix trip_id strings (see
    :func:`attach_trip_id`).
    """
    n = df.height
    if n == 0:
        return _empty_assign(df, with_trip_id)
    dev = df.select(pl.col("device_id").rle_id()).to_series().to_numpy()
    tsu = df["ts"].to_physical().to_numpy()
    spd = df["speed_kmh"].cast(pl.Float64).to_numpy()
    in_trip, tno, same = _segment_arrays(dev, tsu, spd, params)
    step_s = np.where(same, np.r_[0, np.diff(tsu)].astype(np.float64) / 1e6, np.nan)
    lat = df["lat"].cast(pl.Float64).to_numpy()
    lon = df["lon"].cast(pl.Float64).to_numpy()
    step_m = _haversine_steps(lat, lon, same)
    # Trips: their first and last fixes, in trip-number order.
    first_idx = np.flatnonzero(in_trip & ~same)
    last_idx = np.flatnonzero(in_trip & ~np.r_[same[1:], False])
    cnt = np.cumsum(in_trip, dtype=np.int64)
    distance = _slice_sums(np.nan_to_num(step_m, nan=0.0), first_idx, last_idx)
    duration = (tsu[last_idx] - tsu[first_idx]).astype(np.float64) / 1e6
    kept = (distance >= params.min_trip_distance_m) | (duration >= params.min_trip_duration_s)
    if final:
        is_open = np.zeros(last_idx.shape[0], np.bool_)
    else:
        # The device's last trip, not yet confirmed closed by a fix >= stop_min_s later.
        dev_last = np.flatnonzero(np.r_[dev[1:] != dev[:-1], True])
        tdev = dev[last_idx]
        is_last = np.r_[tdev[1:] != tdev[:-1], True]
        wait = (tsu[dev_last[tdev - dev[0]]] - tsu[last_idx]).astype(np.float64) / 1e6
        is_open = is_last & (wait < params.stop_min_s)
    ts_col = df["ts"]
    trips = pl.DataFrame(
        {
            "_trip_seq": tno[last_idx],
            "device_id": df["device_id"].gather(last_idx),
            "start_ts": ts_col.gather(first_idx),
            "end_ts": ts_col.gather(last_idx),
            "distance_m": distance,
            "points": (cnt[last_idx] - cnt[first_idx] + 1).astype(np.uint32),
            "duration_s": duration,
            "open": is_open,
        }
    ).with_columns(
        trip_id=pl.concat_str(
            pl.col("device_id"), pl.lit("/"), pl.col("start_ts").dt.strftime("%Y%m%dT%H%M%SZ")
        ),
        kept=pl.Series(kept),
    )
    at = np.maximum(tno - 1, 0)  # trip n is row n - 1 of ``trips``
    if kept.shape[0] == 0:
        kept_pt = np.zeros(n, np.bool_)
        open_pt = kept_pt
    else:
        kept_pt = in_trip & kept[at]
        open_pt = in_trip & is_open[at]
    cols = [
        pl.lit(pl.Series("_trip_seq", pa.array(tno, mask=~kept_pt))),
        pl.lit(pl.Series("step_s", step_s, nan_to_null=True)),
        pl.lit(pl.Series("step_m", step_m, nan_to_null=True)),
    ]
    if with_trip_id:
        tid = (
            trips["trip_id"].gather(at)
            if kept.shape[0]
            else pl.repeat(None, n, dtype=pl.String, eager=True)
        )
        cols.append(pl.when(pl.lit(pl.Series(kept_pt))).then(pl.lit(tid)).alias("trip_id"))
    cols.append(pl.lit(pl.Series("_open", open_pt)))
    return df.with_columns(cols), trips


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


def score_one(
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


def check_plausibility(
    df: pl.DataFrame,
    now: datetime,
    params: PlausibilityParams,
    window: DataWindow | None = None,
) -> pl.DataFrame:
    """Sort, dedupe and flag implausible fixes (adds ``plausibility_reason``).

    Order of reasons (first applies): missing value, lat/lon range, future
    timestamp (``ts > now``), outside the YD-DATA-1 window, duplicate, and a jump
    implying more than ``max_implied_speed_kmh`` both from the previous and to the
    next plausible fix (a spike; the first/last fix of a device needs only its one
    neighbour).
    """
    if now.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "now must be timezone-aware", "YD-SCORE-1", "now")
    df = df.sort("device_id", "ts", maintain_order=True)
    lat, lon, ts = pl.col("lat"), pl.col("lon"), pl.col("ts")
    missing = (
        pl.any_horizontal(
            pl.col(c).is_null() for c in ("device_id", "ts", "lat", "lon", "speed_kmh")
        )
        | lat.is_nan()
        | lon.is_nan()
        | pl.col("speed_kmh").is_nan()
    )
    reason = (
        pl.when(missing)
        .then(pl.lit(Reason.MISSING.value))
        .when((lat < -90) | (lat > 90))
        .then(pl.lit(Reason.LAT_RANGE.value))
        .when((lon < -180) | (lon > 180))
        .then(pl.lit(Reason.LON_RANGE.value))
        .when(ts > pl.lit(now))
        .then(pl.lit(Reason.FUTURE.value))
    )
    if window is not None:
        reason = reason.when((ts < pl.lit(window.start)) | (ts > pl.lit(window.end))).then(
            pl.lit(Reason.OUTSIDE_WINDOW.value)
        )
    reason = reason.when(pl.struct("device_id", "ts").is_first_distinct().not_()).then(
        pl.lit(Reason.DUPLICATE.value)
    )
    df = df.with_columns(reason.otherwise(pl.lit(None, pl.String)).alias("plausibility_reason"))
    # Spike test on the fixes that are otherwise plausible.
    ok = df.filter(pl.col("plausibility_reason").is_null()).with_row_index("_i")
    same_prev = pl.col("device_id") == pl.col("device_id").shift(1)
    same_next = pl.col("device_id") == pl.col("device_id").shift(-1)
    dt_prev = (ts - ts.shift(1)).dt.total_microseconds() / 1e6
    dt_next = (ts.shift(-1) - ts).dt.total_microseconds() / 1e6
    limit_mps = params.max_implied_speed_kmh / 3.6
    v_prev = haversine_m(lat.shift(1), lon.shift(1), lat, lon) / dt_prev
    v_next = haversine_m(lat, lon, lat.shift(-1), lon.shift(-1)) / dt_next
    bad_prev = same_prev & (v_prev > limit_mps)
    bad_next = same_next & (v_next > limit_mps)
    first = same_prev.not_().fill_null(True)
    last = same_next.not_().fill_null(True)
    ok = ok.with_columns(_bp=bad_prev.fill_null(False), _bn=bad_next.fill_null(False))
    bp, bn = pl.col("_bp"), pl.col("_bn")
    # Interior: a spike has both legs too fast. Ends: the one leg is too fast and the
    # neighbour's other leg is fine (otherwise the neighbour is the spike).
    spike = (
        (bp & bn)
        | (first & bn & bn.shift(-1).not_().fill_null(True))
        | (last & bp & bp.shift(1).not_().fill_null(True))
    )
    jumps = ok.filter(spike.fill_null(False)).select("device_id", "ts", _jump=pl.lit(True))
    if jumps.height:
        df = (
            df.join(jumps, on=["device_id", "ts"], how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_jump") & pl.col("plausibility_reason").is_null())
                .then(pl.lit(Reason.JUMP.value))
                .otherwise(pl.col("plausibility_reason"))
                .alias("plausibility_reason")
            )
            .drop("_jump")
        )
    return df
