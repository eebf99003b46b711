"""Per-fix indicators (YD-SCORE-1): speeding, night, harsh events, journey duration.

All thresholds come from :class:`TelematicsParams` (YD-SCORE-3). Steps are taken
between consecutive fixes of the same trip (``step_s``, ``step_m`` from
:mod:`segment`); each step's time and distance is attributed to the fix that ends it.

* accel = (v - v_prev) / step_s, only for steps of at most ``max_step_s``; harsh
  brake/accel flags need ``max(v, v_prev) >= min_speed_kmh``.
* lateral = v x |yaw rate|, the yaw rate being the *unwrapped* heading change across a
  centred window of ``yaw_window_fixes`` fixes divided by its time span (a smoothed
  yaw rate: 1 Hz heading jitter on lane changes cancels out); only when every step of
  the window is within the trip and at most ``max_step_s``, and every fix of the
  window is at or above ``min_speed_kmh`` (heading unreliable when slow).
* An *event* is a run of consecutive flagged fixes (:func:`event_starts`).
* speeding: ``speed > limit x (1 + tolerance_pct/100) + tolerance_mph``; an episode
  (run of speeding fixes) is *sustained* when its time >= ``sustained_min_s`` and its
  distance >= ``sustained_min_m``.
* night: local time (``night.timezone``) hour in [start_hour, 24) or [0, end_hour).
* journey duration: kept trips of a device closer than ``break_min`` minutes form one
  spell; a fix is over duration when more than ``max_continuous_min`` minutes have
  elapsed since its spell started.
"""

from __future__ import annotations

import math

import polars as pl

from covernote.domain.telematics.params import KMH_PER_MPH, TelematicsParams


def _run_id(flag: str, group: str) -> pl.Expr:
    """Number of the run of equal ``flag`` values within ``group`` (changes -> new run)."""
    change = pl.col(flag).ne_missing(pl.col(flag).shift(1)) | pl.col(group).ne_missing(
        pl.col(group).shift(1)
    )
    return change.cum_sum()


def _run_sum(x: pl.Expr, run: pl.Expr) -> pl.Expr:
    """Sum of ``x`` over each contiguous run (linear scans, no hash group-by)."""
    csum = x.cum_sum()
    at_end = pl.when(run.ne_missing(run.shift(-1))).then(csum).backward_fill()
    before = pl.when(run.ne_missing(run.shift(1))).then(csum - x).forward_fill()
    return at_end - before


SLOT_US = 15 * 60 * 1_000_000  # 15 min in us: every UTC offset in use is a multiple of it


def local_hour(df: pl.DataFrame, tz: str) -> pl.Expr:
    """Local hour of ``ts`` in ``tz`` (YD-SCORE-1 night), without a per-fix zone conversion.

    The local hour is constant within each 15-minute UTC slot, so the zone conversion
    is done once per slot over the batch's time range and gathered by slot number (a
    linear lookup instead of a per-fix time-zone conversion). Falls back to the
    direct conversion when the range holds more slots than fixes.
    """
    ts = pl.col("ts")
    if df.height == 0:
        return ts.dt.convert_time_zone(tz).dt.hour()
    phys = df["ts"].to_physical()
    lo_us, hi_us = phys.min(), phys.max()
    if not isinstance(lo_us, int) or not isinstance(hi_us, int):
        return ts.dt.convert_time_zone(tz).dt.hour()
    lo = lo_us // SLOT_US * SLOT_US
    n = (hi_us - lo) // SLOT_US + 1
    if n > max(df.height, 1):
        return ts.dt.convert_time_zone(tz).dt.hour()
    slots = pl.select(
        (pl.int_range(n, dtype=pl.Int64) * SLOT_US + lo)
        .cast(pl.Datetime("us", "UTC"))
        .dt.convert_time_zone(tz)
        .dt.hour()
    ).to_series()
    return pl.lit(slots).gather((ts.to_physical() - lo) // SLOT_US)


def speeding_threshold_kmh(limit_kmh: pl.Expr, params: TelematicsParams) -> pl.Expr:
    """Speed above which a fix is speeding: limit + tolerance_pct% + tolerance_mph (YD-SPEED-1)."""
    s = params.speeding
    return limit_kmh * (1.0 + s.tolerance_pct / 100.0) + s.tolerance_mph * KMH_PER_MPH


def lateral_mps2(df: pl.DataFrame, params: TelematicsParams) -> pl.Series:
    """Lateral acceleration (m/s2) from a smoothed yaw rate (YD-SCORE-1 harsh cornering).

    Per step the heading change is wrapped to [-180, 180); its cumulative sum is an
    unwrapped heading. The yaw rate at fix i is the unwrapped change from fix i-k to
    fix i+k over their time span (k = ``yaw_window_fixes // 2``); lateral = v_i x |yaw
    rate|. Null unless every step of the window (the steps ending at fixes i-k+1..i+k)
    is valid -- within the trip (``step_s`` not null), ``0 < step_s <= max_step_s``,
    headings present -- and every fix i-k..i+k is at or above ``events.min_speed_kmh``.
    Linear scans only: one cumulative count of "blocking" rows (a bad step ending at
    the row, or the row or its predecessor too slow) differenced across the window.
    """
    k = params.events.yaw_window_fixes // 2
    step = pl.col("step_s")
    dh = (pl.col("heading_deg") - pl.col("heading_deg").shift(1) + 540.0) % 360.0 - 180.0
    good = ((step > 0) & (step <= params.trips.max_step_s) & dh.is_not_null()).fill_null(False)
    slow = (pl.col("speed_kmh") < params.events.min_speed_kmh).fill_null(True)
    block = good.not_() | slow | slow.shift(1).fill_null(True)
    uh, nb, t = pl.col("_uh"), pl.col("_nb"), pl.col("_t")
    return (
        df.lazy()
        .select(
            _uh=pl.when(good).then(dh).otherwise(0.0).cum_sum(),
            _nb=block.cast(pl.Int32).cum_sum(),
            _t=pl.col("ts").to_physical(),
            _v=pl.col("speed_kmh"),
        )
        .select(
            pl.when((nb.shift(-k) - nb.shift(k)) == 0)
            .then(
                pl.col("_v")
                / 3.6
                * (uh.shift(-k) - uh.shift(k)).abs()
                * (math.pi / 180.0 * 1e6)
                / (t.shift(-k) - t.shift(k)).cast(pl.Float64)
            )
            .alias("lateral_mps2")
        )
        .collect(engine="in-memory")
        .to_series()
    )


def add_point_indicators(df: pl.DataFrame, params: TelematicsParams) -> pl.DataFrame:
    """Add accel, lateral, speeding and harsh-event flags, night flag (YD-SCORE-1)."""
    e = params.events
    in_trip = pl.col("_trip_seq").is_not_null()
    step = pl.col("step_s")
    ok_step = (step > 0) & (step <= params.trips.max_step_s)
    v = pl.col("speed_kmh") / 3.6
    v_prev = pl.col("speed_kmh").shift(1) / 3.6
    fast_enough = pl.max_horizontal(pl.col("speed_kmh"), pl.col("speed_kmh").shift(1)) >= (
        e.min_speed_kmh
    )
    df = df.with_columns(
        accel_mps2=pl.when(ok_step).then((v - v_prev) / step),
        lateral_mps2=lateral_mps2(df, params),
        _fast=fast_enough.fill_null(False),
    )
    hour = local_hour(df, params.night.timezone)
    ns, ne = params.night.start_hour, params.night.end_hour
    night = (hour >= ns) & (hour < ne) if ns < ne else (hour >= ns) | (hour < ne)
    over = pl.col("speed_kmh") > speeding_threshold_kmh(pl.col("speed_limit_kmh"), params)
    df = df.with_columns(
        is_speeding=(over & in_trip).fill_null(False),
        is_night=night & in_trip,
        is_harsh_brake=((pl.col("accel_mps2") <= e.harsh_brake_mps2) & pl.col("_fast"))
        .fill_null(False)
        .and_(in_trip),
        is_harsh_accel=((pl.col("accel_mps2") >= e.harsh_accel_mps2) & pl.col("_fast"))
        .fill_null(False)
        .and_(in_trip),
        is_harsh_corner=(pl.col("lateral_mps2") >= e.harsh_corner_mps2)
        .fill_null(False)
        .and_(in_trip),
    ).drop("_fast")
    # Sustained speeding: runs of speeding fixes within a trip. Speeding fixes are few,
    # so the runs are measured on that subset (row numbers consecutive, same trip) and
    # the flag is gathered back by the fix's rank among the speeding fixes.
    sp = pl.col("is_speeding")
    sub = (
        df.lazy()
        .select(
            _i=pl.int_range(pl.len(), dtype=pl.Int64),
            _t=pl.col("_trip_seq"),
            _sp=sp,
            _s=step.fill_null(0.0),
            _m=pl.col("step_m").fill_null(0.0),
        )
        .filter(pl.col("_sp"))
        .with_columns(
            _run=(
                (pl.col("_i") != pl.col("_i").shift(1) + 1)
                | pl.col("_t").ne_missing(pl.col("_t").shift(1))
            ).cum_sum()
        )
        .with_columns(
            _rs=_run_sum(pl.col("_s"), pl.col("_run")), _rm=_run_sum(pl.col("_m"), pl.col("_run"))
        )
        .select(
            (pl.col("_rs") >= params.speeding.sustained_min_s)
            & (pl.col("_rm") >= params.speeding.sustained_min_m)
        )
        .collect(engine="in-memory")
        .to_series()
    )
    if sub.len() == 0:
        return df.with_columns(is_sustained_speeding=pl.lit(False))
    rank = pl.when(sp).then(sp.cast(pl.Int64).cum_sum() - 1)
    return df.with_columns(is_sustained_speeding=pl.lit(sub).gather(rank).fill_null(False))


def event_starts(flag: str) -> pl.Expr:
    """True on the first fix of each run of ``flag`` within a trip (an event)."""
    prev = pl.col(flag).shift(1).fill_null(False)
    same_trip = (pl.col("_trip_seq") == pl.col("_trip_seq").shift(1)).fill_null(False)
    return pl.col(flag) & (prev.not_() | same_trip.not_())


def add_over_duration(
    df: pl.DataFrame, trips: pl.DataFrame, params: TelematicsParams
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Journey duration (YD-SCORE-1): flag fixes beyond the continuous-driving limit.

    ``df`` are the points sorted by (device_id, ts) with ``_trip_seq`` (kept trips
    only); ``trips`` are kept trips with device_id, trip_id, start_ts, end_ts.
    Returns the points with ``is_over_duration`` and the trips with
    ``spell_start_ts``. Spells are computed on the (small) trips table; the points get
    their trip's spell start by gathering on the trip number (no join on the point
    axis). ``trips`` must carry ``_trip_seq`` (as from :func:`segment.assign_trips`).
    """
    d = params.duration
    t = trips.sort("device_id", "start_ts")
    gap = (pl.col("start_ts") - pl.col("end_ts").shift(1)).dt.total_seconds()
    new_spell = pl.col("device_id").ne_missing(pl.col("device_id").shift(1)) | (
        gap >= d.break_min * 60
    ).fill_null(True)
    t = t.with_columns(_spell=new_spell.cum_sum())
    t = t.with_columns(spell_start_ts=pl.col("start_ts").min().over("_spell")).drop("_spell")
    limit_us = int(d.max_continuous_min * 60 * 1_000_000)
    seq = pl.col("_trip_seq")
    if t.height == 0:
        return df.with_columns(is_over_duration=pl.lit(False)), t
    # Spell start by trip number: a dense lookup table gathered on the point axis.
    first = int(t["_trip_seq"].min())  # type: ignore[arg-type]
    size = int(t["_trip_seq"].max()) - first + 1  # type: ignore[arg-type]
    lookup = (
        pl.DataFrame({"_k": pl.int_range(size, dtype=pl.Int64, eager=True) + first})
        .join(
            t.select(_k=pl.col("_trip_seq").cast(pl.Int64), _v=pl.col("spell_start_ts")),
            on="_k",
            how="left",
            maintain_order="left",
        )["_v"]
        .to_physical()
    )
    spell_start = pl.lit(lookup).gather(seq - first)
    df = df.with_columns(
        is_over_duration=((pl.col("ts").to_physical() - spell_start) > limit_us).fill_null(False)
    )
    return df, t
