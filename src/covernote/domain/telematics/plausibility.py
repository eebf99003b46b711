"""Plausibility of raw fixes (YD-SCORE-1 data quality, YD-DATA-1 window).

Implausible fixes are **quarantined, never silently dropped**: every input row
comes back with a ``plausibility_reason`` (null when plausible). Rows are sorted
by (device_id, ts) -- out-of-order arrival is tolerated -- and exact repeats of
(device_id, ts) after the first are quarantined as ``duplicate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np
import polars as pl

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.params import PlausibilityParams

EARTH_RADIUS_M = 6_371_008.8  # m, IUGG mean Earth radius
DATA_RETENTION_AFTER_END = timedelta(days=14)  # YD-DATA-1: data used until 14 days after the end


class Reason(StrEnum):
    MISSING = "missing_value"
    LAT_RANGE = "lat_out_of_range"
    LON_RANGE = "lon_out_of_range"
    FUTURE = "future_timestamp"
    DUPLICATE = "duplicate"
    JUMP = "implied_speed_jump"
    OUTSIDE_WINDOW = "outside_data_window"
    LATE = "late_after_trip_closed"


@dataclass(frozen=True)
class DataWindow:
    """YD-DATA-1: driving data is used from policy start until 14 days after the end."""

    start: datetime
    end: datetime

    @classmethod
    def for_policy(cls, policy_start: datetime, cover_end: datetime) -> DataWindow:
        """The usable window for a policy that started/ended (cancelled or expired) at these instants."""
        if policy_start.tzinfo is None or cover_end.tzinfo is None:
            raise DomainError(
                ErrorCode.INVALID, "window instants must be timezone-aware", "YD-DATA-1", "window"
            )
        if cover_end < policy_start:
            raise DomainError(
                ErrorCode.INVALID, "cover end before policy start", "YD-DATA-1", "cover_end"
            )
        return cls(policy_start, cover_end + DATA_RETENTION_AFTER_END)


def haversine_m(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Great-circle distance in metres (vectorised)."""
    p1 = lat1.radians()
    p2 = lat2.radians()
    dphi = p2 - p1
    dlmb = (lon2 - lon1).radians()
    a = (dphi / 2).sin() ** 2 + p1.cos() * p2.cos() * (dlmb / 2).sin() ** 2
    return 2 * EARTH_RADIUS_M * a.sqrt().clip(upper_bound=1.0).arcsin()


def _sorted_by_device_ts(df: pl.DataFrame) -> bool:
    """Whether ``df`` is already in the order of ``sort("device_id", "ts")`` (then that
    stable sort is the identity and is skipped). Frames with null keys are sorted."""
    if df.height < 2:
        return True
    dev, ts = df["device_id"], df["ts"]
    if dev.null_count() or ts.null_count() or not dev.is_sorted():
        return False
    run = df.select(pl.col("device_id").rle_id()).to_series().to_numpy()
    tsu = ts.to_physical().to_numpy()
    return not bool(np.any((tsu[1:] < tsu[:-1]) & (run[1:] == run[:-1])))


def check_plausibility(
    df: pl.DataFrame,
    now: datetime,
    params: PlausibilityParams,
    window: DataWindow | None = None,
    *,
    spikes: bool = True,
) -> pl.DataFrame:
    """Sort, dedupe and flag implausible fixes (adds ``plausibility_reason``).

    Order of reasons (first applies): missing value, lat/lon range, future
    timestamp (``ts > now``), outside the YD-DATA-1 window, duplicate, and a jump
    implying more than ``max_implied_speed_kmh`` both from the previous and to the
    next plausible fix (a spike; the first/last fix of a device needs only its one
    neighbour). ``spikes=False`` leaves the spike test out (ingest: spikes are judged
    at scoring time with every neighbour, so the test's result would be thrown away).
    """
    if now.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "now must be timezone-aware", "YD-SCORE-1", "now")
    if not _sorted_by_device_ts(df):
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
    # Sorted by (device_id, ts): a repeated key is the row before's (nulls equal, as in
    # ``struct(device_id, ts).is_first_distinct()``, without hashing every row).
    repeated = (
        pl.col("device_id").eq_missing(pl.col("device_id").shift(1))
        & ts.eq_missing(ts.shift(1))
        & (pl.int_range(pl.len()) > 0)
    )
    reason = reason.when(repeated).then(pl.lit(Reason.DUPLICATE.value))
    df = df.with_columns(reason.otherwise(pl.lit(None, pl.String)).alias("plausibility_reason"))
    if not spikes:
        return df
    # Spike test on the fixes that are otherwise plausible.
    ok = df.filter(pl.col("plausibility_reason").is_null()).with_row_index("_i")
    same_prev = pl.col("device_id") == pl.col("device_id").shift(1)
    same_next = pl.col("device_id") == pl.col("device_id").shift(-1)
    dt_prev = (ts - ts.shift(1)).dt.total_microseconds() / 1e6
    limit_mps = params.max_implied_speed_kmh / 3.6
    # the speed to the next fix is the next fix's speed from this one (same operands,
    # same order: the same bits), so the haversine is taken once per step
    ok = ok.with_columns(_vp=haversine_m(lat.shift(1), lon.shift(1), lat, lon) / dt_prev)
    v_prev = pl.col("_vp")
    v_next = v_prev.shift(-1)
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
