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

import numpy as np
import numpy.typing as npt
import polars as pl

from covernote.domain.telematics.params import KMH_PER_MPH, TelematicsParams

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


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


def _f64(df: pl.DataFrame, name: str) -> F64:
    """A float column as a NumPy array, nulls as NaN."""
    return df[name].cast(pl.Float64).to_numpy()


def _prev(x: F64, first: float) -> F64:
    """``x`` shifted down one row (``first`` on row 0)."""
    out = np.empty_like(x)
    if x.shape[0]:
        out[0] = first
        out[1:] = x[:-1]
    return out


def wrap_deg(x: F64) -> F64:
    """``(x + 540) % 360 - 180`` for x in [-360, 360] without a float modulo: y = x + 540
    lies in [180, 900], so ``y % 360`` is y minus 0, 360 or 720, each subtraction exact
    (Sterbenz), hence bit-identical to the modulo and several times cheaper."""
    y = x + 540.0
    return y - np.where(y >= 720.0, 720.0, np.where(y >= 360.0, 360.0, 0.0)) - 180.0


def _lateral(df: pl.DataFrame, params: TelematicsParams, spd: F64, step: F64) -> F64:
    """:func:`lateral_mps2` on arrays (NaN = null)."""
    n = spd.shape[0]
    k = params.events.yaw_window_fixes // 2
    out = np.full(n, np.nan)
    if n <= 2 * k:
        return out
    hdg = _f64(df, "heading_deg")
    dh = wrap_deg(hdg - _prev(hdg, np.nan))
    good = (step > 0) & (step <= params.trips.max_step_s) & ~np.isnan(dh)
    slow = ~(spd >= params.events.min_speed_kmh)  # null speed counts as slow
    block = ~good | slow | np.r_[True, slow[:-1]]
    gh = np.where(good, dh, 0.0)
    nb = np.cumsum(block, dtype=np.int64)
    t = df["ts"].to_physical().to_numpy()
    lo, hi = slice(0, n - 2 * k), slice(2 * k, n)
    mid = slice(k, n - k)
    # the heading turned over the window: its 2k steps added in order (not a difference
    # of running sums, whose rounding would depend on where the batch starts)
    turn = gh[1 : n - 2 * k + 1].copy()
    for j in range(2, 2 * k + 1):
        turn += gh[j : n - 2 * k + j]
    lat = (
        spd[mid] * (1 / 3.6) * np.abs(turn) * (math.pi / 180.0 * 1e6)
        / (t[hi] - t[lo]).astype(np.float64)
    )  # fmt: skip
    out[mid] = np.where(nb[hi] - nb[lo] == 0, lat, np.nan)
    return out


def lateral_mps2(df: pl.DataFrame, params: TelematicsParams) -> pl.Series:
    """Lateral acceleration (m/s2) from a smoothed yaw rate (YD-SCORE-1 harsh cornering).

    Per step the heading change is wrapped to [-180, 180); its cumulative sum is an
    unwrapped heading. The yaw rate at fix i is the unwrapped change from fix i-k to
    fix i+k over their time span (k = ``yaw_window_fixes // 2``); lateral = v_i x |yaw
    rate|. Null unless every step of the window (the steps ending at fixes i-k+1..i+k)
    is valid -- within the trip (``step_s`` not null), ``0 < step_s <= max_step_s``,
    headings present -- and every fix i-k..i+k is at or above ``events.min_speed_kmh``.
    Linear scans only: the window's steps added directly, one cumulative count of "blocking" rows (a bad step ending at
    the row, or the row or its predecessor too slow) differenced across the window.
    """
    lat = _lateral(df, params, _f64(df, "speed_kmh"), _f64(df, "step_s"))
    return pl.Series("lateral_mps2", lat, nan_to_null=True)


def hour_table(df: pl.DataFrame, tz: str) -> tuple[npt.NDArray[np.int8], int] | None:
    """The local hour of each 15-minute UTC slot over ``df``'s time range and the first
    slot's start (us), as in :func:`local_hour` (None when empty or too many slots)."""
    if df.height == 0:
        return None
    phys = df["ts"].to_physical()
    lo_us, hi_us = phys.min(), phys.max()
    if not isinstance(lo_us, int) or not isinstance(hi_us, int):
        return None
    lo = lo_us // SLOT_US * SLOT_US
    n = (hi_us - lo) // SLOT_US + 1
    if n > max(df.height, 1):
        return None
    slots = pl.select(
        (pl.int_range(n, dtype=pl.Int64) * SLOT_US + lo)
        .cast(pl.Datetime("us", "UTC"))
        .dt.convert_time_zone(tz)
        .dt.hour()
    ).to_series()
    table: npt.NDArray[np.int8] = slots.to_numpy().astype(np.int8)
    return table, lo


def _local_hour(df: pl.DataFrame, tz: str) -> npt.NDArray[np.int8] | None:
    """:func:`local_hour` as an array (None when the slot table would be too large)."""
    found = hour_table(df, tz)
    if found is None:
        return None
    table, lo = found
    hours: npt.NDArray[np.int8] = table[(df["ts"].to_physical().to_numpy() - lo) // SLOT_US]
    return hours


def _run_flags(
    sp: npt.NDArray[np.bool_], seq: I64, step: F64, step_m: F64, min_s: float, min_m: float
) -> npt.NDArray[np.bool_]:
    """Sustained flag per row: runs of consecutive ``sp`` rows within a trip whose summed
    step time and distance reach ``min_s`` and ``min_m`` (measured on the subset)."""
    out = np.zeros(sp.shape[0], np.bool_)
    i = np.flatnonzero(sp)
    if i.shape[0] == 0:
        return out
    ts = seq[i]
    new = np.r_[True, (i[1:] != i[:-1] + 1) | (ts[1:] != ts[:-1])]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], i.shape[0]] - 1
    run = np.cumsum(new) - 1
    ok = np.ones(starts.shape[0], np.bool_)
    for x, lim in (
        (np.nan_to_num(step[i], nan=0.0), min_s),
        (np.nan_to_num(step_m[i], nan=0.0), min_m),
    ):
        cs = np.cumsum(x)
        ok &= cs[ends] - (cs[starts] - x[starts]) >= lim
    out[i] = ok[run]
    return out


def add_point_indicators(df: pl.DataFrame, params: TelematicsParams) -> pl.DataFrame:
    """Add accel, lateral, speeding and harsh-event flags, night flag (YD-SCORE-1).

    One pass over NumPy arrays (shifts and cumulative sums, no per-point Python);
    the columns go back onto the frame in one ``with_columns``.
    """
    e = params.events
    seq_col = df["_trip_seq"]
    in_trip = seq_col.is_not_null().to_numpy()
    spd = _f64(df, "speed_kmh")
    step = _f64(df, "step_s")
    spd_prev = _prev(spd, np.nan)
    ok_step = (step > 0) & (step <= params.trips.max_step_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        accel = np.where(ok_step, (spd * (1 / 3.6) - spd_prev * (1 / 3.6)) / step, np.nan)
        lateral = _lateral(df, params, spd, step)
    fast = np.fmax(spd, spd_prev) >= e.min_speed_kmh
    hour = _local_hour(df, params.night.timezone)
    if hour is None:
        hour = df.select(local_hour(df, params.night.timezone)).to_series().to_numpy()
    ns, ne = params.night.start_hour, params.night.end_hour
    night = (hour >= ns) & (hour < ne) if ns < ne else (hour >= ns) | (hour < ne)
    limit = _f64(df, "speed_limit_kmh")
    s = params.speeding
    speeding = (
        spd > limit * (1.0 + s.tolerance_pct / 100.0) + s.tolerance_mph * KMH_PER_MPH
    ) & in_trip
    sustained = _run_flags(
        speeding, seq_col.fill_null(0).to_numpy(), step, _f64(df, "step_m"),
        s.sustained_min_s, s.sustained_min_m,
    )  # fmt: skip
    return df.with_columns(
        pl.Series("accel_mps2", accel, nan_to_null=True),
        pl.Series("lateral_mps2", lateral, nan_to_null=True),
        pl.Series("is_speeding", speeding),
        pl.Series("is_night", night & in_trip),
        pl.Series("is_harsh_brake", (accel <= e.harsh_brake_mps2) & fast & in_trip),
        pl.Series("is_harsh_accel", (accel >= e.harsh_accel_mps2) & fast & in_trip),
        pl.Series("is_harsh_corner", (lateral >= e.harsh_corner_mps2) & in_trip),
        pl.Series("is_sustained_speeding", sustained),
    )


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
