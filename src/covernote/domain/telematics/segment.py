"""Trip segmentation of the raw stream (YD-SCORE-1 "trips are segmented from the raw stream").

Rules (Traccar defaults, ``[trips]`` in the product TOML):

* a fix is *moving* when ``speed_kmh >= moving_min_kmh``;
* between two consecutive moving fixes ``a``, ``b`` of a device a new trip starts at
  ``b`` when ``b.ts - a.ts >= gap_max_s`` (no data for an hour) or when
  ``b.ts - a.ts >= stop_min_s`` and at least one (stationary) fix lies between
  them (a stop of 5 minutes or more);
* a trip runs from its first to its last moving fix, with the stationary fixes in
  between (short stops); fixes of a parking belong to no trip;
* a trip is kept unless it is shorter than ``min_trip_distance_m`` **and** shorter
  than ``min_trip_duration_s`` (Traccar keeps a trip reaching either).

Nothing depends on calendar dates, so trips run across midnight. The streaming form
(:func:`segment_batch` + :func:`flush`) carries a :class:`SegmenterState` -- per
device, the open trip so far (its raw fixes) and a watermark (last fix emitted) --
so that any split of the stream into batches yields the same trips. A trip is
emitted once it is *confirmed closed*: a later fix of the device lies at least
``stop_min_s`` after its last moving fix (whatever comes next then starts a new
trip). Fixes at or before a device's watermark arriving in a later batch are
returned as quarantined (``late_after_trip_closed``), never merged silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from covernote.domain.telematics import _jit_kernel as _jk
from covernote.domain.telematics.frames import POINTS_IN
from covernote.domain.telematics.params import TripParams
from covernote.domain.telematics.plausibility import Reason

TRIP_COLUMNS = ["trip_id", "_trip_seq", "step_s", "step_m"]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Segmentation:
    """The arrays behind :func:`assign_trips` (row order of its input), for the kernel's
    indicator pass: per fix ``dev`` (device run number), ``tsu`` (ts in us),
    ``in_trip``, ``tno`` (trip number), ``step_s``, ``step_m`` (NaN = null),
    ``kept_pt`` (in a kept trip); per trip ``first``, ``last`` (rows) and ``kept``."""

    dev: npt.NDArray[np.uint32]
    tsu: I64
    in_trip: npt.NDArray[np.bool_]
    tno: I64
    step_s: F64
    step_m: F64
    first: I64
    last: I64
    kept: npt.NDArray[np.bool_]
    kept_pt: npt.NDArray[np.bool_]


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

    One compiled pass over the sorted rows (:func:`_jit_kernel.segment`, ADR 0032;
    the NumPy form it replaced is the test reference): the trip rules, each step's time
    and great-circle distance, per trip its first/last fix, distance (summed over its
    own steps) and kept flag; the trips table is built from the first and last fixes and
    ``kept``/``open`` go back to the fixes by indexing with the dense trip number -- no
    sort, group-by or join. ``with_trip_id=False`` skips the per-fix trip_id strings
    (see :func:`attach_trip_id`).
    """
    points, trips, _ = segment_frame(df, params, final=final, with_trip_id=with_trip_id)
    return points, trips


def segment_frame(
    df: pl.DataFrame, params: TripParams, *, final: bool = True, with_trip_id: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, Segmentation | None]:
    """:func:`assign_trips`, and the arrays behind it (None when ``df`` is empty)."""
    n = df.height
    if n == 0:
        return (*_empty_assign(df, with_trip_id), None)
    dev = df.select(pl.col("device_id").rle_id()).to_series().to_numpy()
    tsu = df["ts"].to_physical().to_numpy()
    spd = df["speed_kmh"].cast(pl.Float64).to_numpy()
    lat = df["lat"].cast(pl.Float64).to_numpy()
    lon = df["lon"].cast(pl.Float64).to_numpy()
    out = _jk.segment(
        dev, tsu, spd, lat, lon,
        float(params.moving_min_kmh), float(params.gap_max_s), float(params.stop_min_s),
        float(params.min_trip_distance_m), float(params.min_trip_duration_s),
    )  # fmt: skip
    in_trip, tno, step_s, step_m, first_idx, last_idx, distance, duration, kept, kept_pt = out
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
            "points": (last_idx - first_idx + 1).astype(np.uint32),
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
    open_pt = in_trip & is_open[at] if not final and kept.shape[0] else np.zeros(n, np.bool_)
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
    seg = Segmentation(dev, tsu, in_trip, tno, step_s, step_m, first_idx, last_idx, kept, kept_pt)
    return df.with_columns(cols), trips, seg


def _empty_assign(df: pl.DataFrame, with_trip_id: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    cols = [
        pl.lit(None, pl.Int64).alias("_trip_seq"),
        pl.lit(None, pl.Float64).alias("step_s"),
        pl.lit(None, pl.Float64).alias("step_m"),
    ]
    if with_trip_id:
        cols.append(pl.lit(None, pl.String).alias("trip_id"))
    cols.append(pl.lit(False).alias("_open"))
    trips = pl.DataFrame(
        schema={
            "_trip_seq": pl.Int64,
            "device_id": pl.String,
            "start_ts": df.schema["ts"],
            "end_ts": df.schema["ts"],
            "distance_m": pl.Float64,
            "points": pl.UInt32,
            "duration_s": pl.Float64,
            "open": pl.Boolean,
            "trip_id": pl.String,
            "kept": pl.Boolean,
        }
    )
    return df.with_columns(cols), trips


def attach_trip_id(points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """Add ``trip_id`` to points from :func:`assign_trips` (``with_trip_id=False``)."""
    first = int(trips["_trip_seq"][0]) if trips.height else 1
    return points.with_columns(trip_id=pl.lit(trips["trip_id"]).gather(pl.col("_trip_seq") - first))


@dataclass(frozen=True)
class SegmenterState:
    """Per device: the open trip's raw fixes (``pending``) and the last emitted fix time."""

    pending: pl.DataFrame
    watermark: pl.DataFrame  # device_id, ts

    @classmethod
    def empty(cls) -> SegmenterState:
        return cls(
            pending=pl.DataFrame(schema=POINTS_IN),
            watermark=pl.DataFrame(schema={"device_id": pl.String, "ts": POINTS_IN["ts"]}),
        )


@dataclass(frozen=True)
class SegmentResult:
    points: pl.DataFrame  # emitted fixes with trip columns (only closed trips)
    trips: pl.DataFrame  # closed trips (kept and ignored, see ``kept``)
    late: pl.DataFrame  # fixes arriving after their device's watermark: quarantined


def segment_batch(
    state: SegmenterState, batch: pl.DataFrame, params: TripParams
) -> tuple[SegmentResult, SegmenterState]:
    """Feed one batch of plausible fixes; emit the trips confirmed closed (pure)."""
    batch = batch.select(list(POINTS_IN))
    wm = state.watermark.rename({"ts": "_wm"})
    flagged = batch.join(wm, on="device_id", how="left", maintain_order="left")
    is_late = (pl.col("ts") <= pl.col("_wm")).fill_null(False)
    late = flagged.filter(is_late).drop("_wm")
    late = late.with_columns(plausibility_reason=pl.lit(Reason.LATE.value))
    fresh = flagged.filter(is_late.not_()).drop("_wm")
    combined = (
        pl.concat([state.pending, fresh])
        .sort("device_id", "ts", maintain_order=True)
        .unique(["device_id", "ts"], keep="first", maintain_order=True)
    )
    points, trips = assign_trips(combined, params, final=False)
    # A device's open trip keeps all its fixes from the trip start on in the state.
    open_start = trips.filter(pl.col("open")).select("device_id", _os="start_ts")
    points = points.join(open_start, on="device_id", how="left", maintain_order="left")
    keep_back = (pl.col("ts") >= pl.col("_os")).fill_null(False)
    pending = points.filter(keep_back).select(list(POINTS_IN))
    emitted = points.filter(keep_back.not_()).drop("_os", "_open")
    new_wm = (
        pl.concat(
            [state.watermark, emitted.group_by("device_id").agg(pl.col("ts").max())],
            how="vertical_relaxed",
        )
        .group_by("device_id")
        .agg(pl.col("ts").max())
        .sort("device_id")
    )
    closed = trips.filter(pl.col("open").not_()).drop("_trip_seq", "open")
    return SegmentResult(emitted, closed, late), SegmenterState(pending, new_wm)


def flush(state: SegmenterState, params: TripParams) -> tuple[SegmentResult, SegmenterState]:
    """Close every open trip (end of stream, or a device known to be switched off)."""
    points, trips = assign_trips(state.pending, params, final=True)
    wm = (
        pl.concat(
            [state.watermark, points.group_by("device_id").agg(pl.col("ts").max())],
            how="vertical_relaxed",
        )
        .group_by("device_id")
        .agg(pl.col("ts").max())
        .sort("device_id")
    )
    empty = SegmenterState.empty()
    return (
        SegmentResult(
            points.drop("_open"), trips.drop("_trip_seq", "open"), batch_late(empty.pending)
        ),
        SegmenterState(empty.pending, wm),
    )


def batch_late(template: pl.DataFrame) -> pl.DataFrame:
    return template.with_columns(plausibility_reason=pl.lit(None, pl.String)).clear()
