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

import polars as pl

from covernote.domain.telematics.frames import POINTS_IN
from covernote.domain.telematics.params import TripParams
from covernote.domain.telematics.plausibility import Reason, haversine_m

TRIP_COLUMNS = ["trip_id", "_trip_seq", "step_s", "step_m"]


def _secs(e: pl.Expr) -> pl.Expr:
    return e.dt.total_microseconds().cast(pl.Float64) / 1e6


def assign_trips(
    df: pl.DataFrame, params: TripParams, *, final: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assign trips to plausible fixes sorted by (device_id, ts).

    Returns ``(points, trips)``: points gain ``trip_id`` (null outside kept trips),
    ``_trip_seq`` (internal trip number), ``step_s``/``step_m`` (from the previous
    fix of the same trip) and ``_open`` (the row belongs to a device's last trip,
    not yet confirmed closed; always false when ``final``). ``trips`` has one row
    per trip with device_id, trip_id, start_ts, end_ts, distance_m, duration_s,
    points, kept, open.
    """
    ts = pl.col("ts")
    dev_no = pl.col("device_id").ne_missing(pl.col("device_id").shift(1)).cum_sum()
    d = df.with_columns(
        _row=pl.int_range(pl.len(), dtype=pl.Int64),
        _dev=dev_no,
        _mv=(pl.col("speed_kmh") >= params.moving_min_kmh),
    )
    mv = pl.col("_mv")
    d = d.with_columns(
        _pm_row=pl.when(mv).then(pl.col("_row")).shift(1).forward_fill(),
        _pm_dev=pl.when(mv).then(pl.col("_dev")).shift(1).forward_fill(),
        _pm_ts=pl.when(mv).then(ts).shift(1).forward_fill(),
    )
    has_prev = (pl.col("_pm_dev") == pl.col("_dev")).fill_null(False)
    elapsed = _secs(ts - pl.col("_pm_ts"))
    starts = mv & (
        has_prev.not_()
        | (elapsed >= params.gap_max_s)
        | ((elapsed >= params.stop_min_s) & (pl.col("_row") - pl.col("_pm_row") > 1))
    ).fill_null(True)
    d = d.with_columns(_has_prev=has_prev, _starts=starts)
    d = d.with_columns(
        _tno=pl.col("_starts").cast(pl.Int64).cum_sum(),
        _nm_starts=pl.when(mv).then(pl.col("_starts")).shift(-1).backward_fill(),
        _nm_dev=pl.when(mv).then(pl.col("_dev")).shift(-1).backward_fill(),
    )
    in_trip = mv | (
        pl.col("_has_prev")
        & (pl.col("_nm_dev") == pl.col("_dev")).fill_null(False)
        & pl.col("_nm_starts").not_().fill_null(False)
    )
    d = d.with_columns(_trip_seq=pl.when(in_trip).then(pl.col("_tno")))
    same = (pl.col("_trip_seq") == pl.col("_trip_seq").shift(1)).fill_null(False)
    d = d.with_columns(
        step_s=pl.when(same).then(_secs(ts - ts.shift(1))),
        step_m=pl.when(same).then(
            haversine_m(
                pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon")
            )
        ),
    )
    trips = (
        d.filter(pl.col("_trip_seq").is_not_null())
        .group_by("_trip_seq")
        .agg(
            pl.col("device_id").first(),
            ts.min().alias("start_ts"),
            ts.max().alias("end_ts"),
            pl.col("step_m").sum().alias("distance_m"),
            pl.len().alias("points"),
        )
        .with_columns(duration_s=_secs(pl.col("end_ts") - pl.col("start_ts")))
    )
    if final:
        trips = trips.with_columns(open=pl.lit(False))
    else:
        last_ts = d.group_by("device_id").agg(ts.max().alias("_last_ts"))
        trips = (
            trips.join(last_ts, on="device_id", how="left")
            .with_columns(
                _is_last=pl.col("_trip_seq") == pl.col("_trip_seq").max().over("device_id")
            )
            .with_columns(
                open=pl.col("_is_last")
                & (_secs(pl.col("_last_ts") - pl.col("end_ts")) < params.stop_min_s)
            )
            .drop("_last_ts", "_is_last")
        )
    trips = trips.with_columns(
        trip_id=pl.concat_str(
            pl.col("device_id"), pl.lit("/"), pl.col("start_ts").dt.strftime("%Y%m%dT%H%M%SZ")
        ),
        kept=(pl.col("distance_m") >= params.min_trip_distance_m)
        | (pl.col("duration_s") >= params.min_trip_duration_s),
    ).sort("_trip_seq")
    d = d.join(
        trips.select("_trip_seq", "trip_id", "kept", _open="open"),
        on="_trip_seq",
        how="left",
        maintain_order="left",
    )
    d = d.with_columns(
        trip_id=pl.when(pl.col("kept")).then(pl.col("trip_id")),
        _trip_seq=pl.when(pl.col("kept")).then(pl.col("_trip_seq")),
        _open=pl.col("_open").fill_null(False),
    )
    helpers = [c for c in d.columns if c.startswith("_") and c not in ("_trip_seq", "_open")]
    return d.drop([*helpers, "kept"]), trips


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
