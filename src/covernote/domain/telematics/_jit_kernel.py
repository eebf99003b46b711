"""Compiled loops of the scoring kernel (YD-SCORE-1..2, issue 14; ADR 0032).

Two passes over fixes sorted by (device, ts), each a plain loop compiled by Numba
(the pattern of :mod:`._jit`, ADR 0029):

* :func:`segment` -- the Traccar trip rules, the step time and great-circle distance
  of every step within a trip, and per trip its first/last fix, distance, duration
  and whether it is kept;
* :func:`indicators` -- per fix the acceleration, smoothed lateral acceleration and
  the event/speeding/night/over-duration flags, and per kept trip its measures.

They replace chains of NumPy shifts, cumulative sums, ``reduceat`` and Polars
expressions that each walked the whole batch. The arithmetic is written operation
for operation as those forms were (the same series for sin/arcsin, the same order of
additions; NumPy's pairwise summation is reproduced for the per-trip sums), so every
output is identical bit for bit -- tested against the NumPy/Polars forms kept in
``tests/unit/telematics/reference_kernel.py``.

Compiled on first use and cached beside this module (``cache=True``); the loops
release the GIL (``nogil=True``) so devices can be scored on several threads.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from covernote.domain.telematics.plausibility import EARTH_RADIUS_M

Array = Any  # NumPy arrays; Numba compiles against their dtypes

SERIES_MAX_RAD = 1e-2  # as segment.SERIES_MAX_RAD
_RAD = math.pi / 180.0
_HALF_RAD = _RAD / 2
_TWO_R = 2 * EARTH_RADIUS_M
_KMH_TO_MPS = 1 / 3.6
_DEG_PER_US = math.pi / 180.0 * 1e6
SLOT_US = 15 * 60 * 1_000_000  # as indicators.SLOT_US


@njit(cache=True, nogil=True, inline="always")
def _sin_small(x: float) -> float:  # pragma: no cover - compiled
    """segment._sin_small for one value."""
    if abs(x) < SERIES_MAX_RAD:
        x2 = x * x
        return x * (1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0)))
    return math.sin(x)


@njit(cache=True, nogil=True, inline="always")
def _arcsin_small(y: float) -> float:  # pragma: no cover - compiled
    """segment._arcsin_small for one value."""
    if y < SERIES_MAX_RAD:
        y2 = y * y
        return y * (1.0 + y2 * (1.0 / 6.0 + y2 * (3.0 / 40.0 + y2 * (5.0 / 112.0))))
    return math.asin(y)


@njit(cache=True, nogil=True, inline="always")
def _val(x: Array, m: Array, use_m: bool, i: int) -> float:  # pragma: no cover - compiled
    """``x[i]`` where ``m[i]`` (or every row when not ``use_m``), else 0; NaN as 0."""
    v: float = x[i]
    if (use_m and not m[i]) or v != v:
        return 0.0
    return v


@njit(cache=True, nogil=True)
def _pairwise(x: Array, m: Array, use_m: bool, lo: int, n: int) -> float:  # pragma: no cover
    """NumPy's pairwise sum (``pairwise_sum_DOUBLE``: eight running sums below 128
    values, halves above) of the ``n`` values :func:`_val` gives from row ``lo``."""
    res = 0.0
    if n < 8:
        for i in range(lo, lo + n):
            res += _val(x, m, use_m, i)
        return res
    if n <= 128:
        r0 = _val(x, m, use_m, lo)
        r1 = _val(x, m, use_m, lo + 1)
        r2 = _val(x, m, use_m, lo + 2)
        r3 = _val(x, m, use_m, lo + 3)
        r4 = _val(x, m, use_m, lo + 4)
        r5 = _val(x, m, use_m, lo + 5)
        r6 = _val(x, m, use_m, lo + 6)
        r7 = _val(x, m, use_m, lo + 7)
        stop = lo + n - n % 8
        i = lo + 8
        while i < stop:
            r0 += _val(x, m, use_m, i)
            r1 += _val(x, m, use_m, i + 1)
            r2 += _val(x, m, use_m, i + 2)
            r3 += _val(x, m, use_m, i + 3)
            r4 += _val(x, m, use_m, i + 4)
            r5 += _val(x, m, use_m, i + 5)
            r6 += _val(x, m, use_m, i + 6)
            r7 += _val(x, m, use_m, i + 7)
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < lo + n:
            res += _val(x, m, use_m, i)
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    left: float = _pairwise(x, m, use_m, lo, n2)
    right: float = _pairwise(x, m, use_m, lo + n2, n - n2)
    return left + right


@njit(cache=True, nogil=True)
def _slice_sum(x: Array, m: Array, use_m: bool, lo: int, hi: int) -> float:  # pragma: no cover
    """``np.add.reduceat`` over the slice ``lo..hi`` (inclusive): its first value plus
    the pairwise sum of the rest (values as :func:`_val`)."""
    rest: float = _pairwise(x, m, use_m, lo + 1, hi - lo)
    return _val(x, m, use_m, lo) + rest


@njit(cache=True, nogil=True)
def segment(  # pragma: no cover - compiled
    dev: Array,
    tsu: Array,
    spd: Array,
    lat: Array,
    lon: Array,
    moving_min_kmh: float,
    gap_max_s: float,
    stop_min_s: float,
    min_distance_m: float,
    min_duration_s: float,
) -> tuple[Array, ...]:
    """Traccar trip rules (segment module docstring) in one pass over sorted fixes.

    Returns per fix ``in_trip``, ``tno`` (trip starts counted, dense from 1),
    ``step_s``, ``step_m`` (NaN unless the previous fix is in the same trip), and per
    trip (in trip-number order) ``first``, ``last`` (row numbers), ``distance``,
    ``duration``, ``kept``; and per fix ``kept_pt`` (in a kept trip).
    """
    n = spd.shape[0]
    in_trip = np.zeros(n, np.bool_)
    tno = np.empty(n, np.int64)
    step_s = np.full(n, np.nan)
    step_m = np.full(n, np.nan)
    first = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    trips = 0
    pm = -1  # previous moving fix
    count = 0
    for i in range(n):
        mv = spd[i] >= moving_min_kmh
        if mv:
            has_prev = pm >= 0 and dev[pm] == dev[i]
            start = True
            if has_prev:
                elapsed = float(tsu[i] - tsu[pm]) / 1e6
                start = elapsed >= gap_max_s or (
                    elapsed >= stop_min_s and not (spd[i - 1] >= moving_min_kmh)
                )
            if start:
                count += 1
                first[trips] = i
                last[trips] = i
                trips += 1
            else:
                # the fixes since the previous moving fix belong to its trip
                for j in range(pm + 1, i + 1):
                    in_trip[j] = True
                last[trips - 1] = i
            in_trip[i] = True
            pm = i
        tno[i] = count
    first = first[:trips].copy()
    last = last[:trips].copy()
    # steps within a trip: time, and great-circle distance as segment._haversine_steps
    c_prev = 0.0
    for t in range(trips):
        a, b = first[t], last[t]
        c_prev = math.cos(lat[a] * _RAD)
        for i in range(a + 1, b + 1):
            step_s[i] = float(tsu[i] - tsu[i - 1]) / 1e6
            c = c_prev if lat[i] == lat[i - 1] else math.cos(lat[i] * _RAD)  # parked: same
            s_dlat = _sin_small((lat[i] - lat[i - 1]) * _HALF_RAD)
            s_dlon = _sin_small((lon[i] - lon[i - 1]) * _HALF_RAD)
            h = s_dlat * s_dlat + c * c_prev * (s_dlon * s_dlon)
            r = math.sqrt(h)
            if r > 1.0:
                r = 1.0
            step_m[i] = _TWO_R * _arcsin_small(r)
            c_prev = c
    distance = np.empty(trips)
    duration = np.empty(trips)
    kept = np.empty(trips, np.bool_)
    kept_pt = np.zeros(n, np.bool_)
    for t in range(trips):
        distance[t] = _slice_sum(step_m, in_trip, False, first[t], last[t])
        duration[t] = float(tsu[last[t]] - tsu[first[t]]) / 1e6
        kept[t] = distance[t] >= min_distance_m or duration[t] >= min_duration_s
        if kept[t]:
            kept_pt[first[t] : last[t] + 1] = True
    return in_trip, tno, step_s, step_m, first, last, distance, duration, kept, kept_pt


@njit(cache=True, nogil=True)
def _wrap_deg(x: float) -> float:  # pragma: no cover - compiled
    """indicators.wrap_deg for one value."""
    y = x + 540.0
    if y >= 720.0:
        c = 720.0
    elif y >= 360.0:
        c = 360.0
    else:
        c = 0.0
    return y - c - 180.0


@njit(cache=True, nogil=True)
def indicators(  # pragma: no cover - compiled
    dev: Array,
    tsu: Array,
    spd: Array,
    hdg: Array,
    limit: Array,
    step_s: Array,
    step_m: Array,
    first: Array,
    last: Array,
    kept: Array,
    kept_pt: Array,
    hours: Array,
    hour_lo: int,
    by_slot: bool,
    f: Array,
    k: int,
    limit_us: int,
) -> tuple[Array, ...]:
    """Per-fix indicators and per-kept-trip measures (indicators/score docstrings).

    ``f`` holds the float thresholds: max_step_s, min_speed_kmh, harsh brake, accel,
    corner, speeding factor and offset, sustained s and m, night start and end hour,
    break seconds. ``hours``: the local hour per 15-minute slot from ``hour_lo`` when
    ``by_slot``, else per fix. Returns per fix ``accel``, ``lateral``, ``flags``
    (uint8 [7, n]: speeding, night, brake, accel, corner, sustained, over duration);
    per kept trip ``spell_start``, ``speeding_s``, ``speeding_m``, ``max_over``,
    ``night_m``, ``counts`` (uint32 [3, trips]: brakes, accels, corners) and ``over_s``.
    """
    max_step, min_speed, hb, ha, hc = f[0], f[1], f[2], f[3], f[4]
    sp_a, sp_b, sus_s, sus_m = f[5], f[6], f[7], f[8]
    ns, ne, break_s = f[9], f[10], f[11]
    n = spd.shape[0]
    accel = np.full(n, np.nan)
    lateral = np.full(n, np.nan)
    flags = np.zeros((7, n), np.uint8)
    # accel, and the per-step heading change / blocking rows of the yaw window
    gh = np.zeros(n)
    block = np.zeros(n, np.bool_)
    slow_prev = True
    for i in range(n):
        st = step_s[i]
        ok_step = st > 0 and st <= max_step
        sp = spd[i]
        if i > 0:
            pv = spd[i - 1]
            if ok_step:
                accel[i] = (sp * _KMH_TO_MPS - pv * _KMH_TO_MPS) / st
            if sp != sp:
                fast = pv >= min_speed
            elif pv != pv:
                fast = sp >= min_speed
            else:
                fast = max(sp, pv) >= min_speed
            dh = _wrap_deg(hdg[i] - hdg[i - 1])
        else:
            fast = sp >= min_speed
            dh = np.nan
        good = ok_step and dh == dh
        slow = not (sp >= min_speed)
        block[i] = (not good) or slow or slow_prev
        slow_prev = slow
        if good:
            gh[i] = dh
        if kept_pt[i]:
            a = accel[i]
            flags[2, i] = a <= hb and fast
            flags[3, i] = a >= ha and fast
            flags[0, i] = sp > limit[i] * sp_a + sp_b
            hr = hours[(tsu[i] - hour_lo) // SLOT_US] if by_slot else hours[i]
            if ns < ne:
                flags[1, i] = hr >= ns and hr < ne
            else:
                flags[1, i] = hr >= ns or hr < ne
    # lateral: the window's 2k steps added in order, valid when no blocking row in it
    if n > 2 * k:
        nb = 0  # blocking rows lo+1..hi
        for j in range(1, 2 * k + 1):
            nb += block[j]
        for i in range(k, n - k):
            lo = i - k
            hi = i + k
            if i > k:
                nb += block[hi]
                nb -= block[lo]
            if nb == 0:
                turn = gh[lo + 1]
                for j in range(2, 2 * k + 1):
                    turn += gh[lo + j]
                lat = spd[i] * _KMH_TO_MPS * abs(turn) * _DEG_PER_US / float(tsu[hi] - tsu[lo])
                lateral[i] = lat
                if kept_pt[i] and lat >= hc:
                    flags[4, i] = 1
    # sustained speeding: runs of speeding fixes within a trip, measured with running
    # sums over all speeding fixes of the batch (as indicators._run_flags)
    cs_s = 0.0
    cs_m = 0.0
    i = 0
    while i < n:
        if not flags[0, i]:
            i += 1
            continue
        a = i
        x_s = step_s[i] if step_s[i] == step_s[i] else 0.0
        x_m = step_m[i] if step_m[i] == step_m[i] else 0.0
        cs_s += x_s
        cs_m += x_m
        before_s = cs_s - x_s
        before_m = cs_m - x_m
        i += 1
        while i < n and flags[0, i] and step_s[i] == step_s[i]:
            # consecutive speeding fix of the same trip (step_s is null across trips)
            cs_s += step_s[i]
            cs_m += step_m[i] if step_m[i] == step_m[i] else 0.0
            i += 1
        if cs_s - before_s >= sus_s and cs_m - before_m >= sus_m:
            for j in range(a, i):
                flags[5, j] = 1
    # per kept trip: spells, over-duration flags and the measures
    nk = 0
    for t in range(first.shape[0]):
        nk += kept[t]
    spell_start = np.empty(nk, np.int64)
    speeding_s = np.empty(nk)
    speeding_m = np.empty(nk)
    max_over = np.empty(nk)
    night_m = np.empty(nk)
    counts = np.zeros((3, nk), np.uint32)
    over_s = np.empty(nk)
    sust = np.empty(n, np.bool_)
    night = np.empty(n, np.bool_)
    over = np.empty(n, np.bool_)
    r = 0
    prev_end = 0
    prev_first = 0
    spell = 0
    for t in range(first.shape[0]):
        if not kept[t]:
            continue
        a, b = first[t], last[t]
        # a new spell: first kept trip, another device, or a break (whole seconds,
        # as Polars' total_seconds) since the previous kept trip ended
        new_spell = (
            r == 0
            or dev[a] != dev[prev_first]
            or float((tsu[a] - prev_end) // 1_000_000) >= break_s
        )
        if new_spell:
            spell = tsu[a]
        spell_start[r] = spell
        mo = np.nan
        for i in range(a, b + 1):
            over[i] = tsu[i] - spell > limit_us
            flags[6, i] = over[i]
            sust[i] = flags[5, i]
            night[i] = flags[1, i]
            d = spd[i] - limit[i]
            if d == d and (mo != mo or d > mo):  # np.fmax: NaN ignored
                mo = d
            for c in range(3):
                if flags[2 + c, i] and not (i > a and flags[2 + c, i - 1]):
                    counts[c, r] += 1
        max_over[r] = mo
        speeding_s[r] = _slice_sum(step_s, sust, True, a, b)
        speeding_m[r] = _slice_sum(step_m, sust, True, a, b)
        night_m[r] = _slice_sum(step_m, night, True, a, b)
        over_s[r] = _slice_sum(step_s, over, True, a, b)
        prev_end = tsu[b]
        prev_first = a
        r += 1
    return (
        accel,
        lateral,
        flags,
        spell_start,
        speeding_s,
        speeding_m,
        max_over,
        night_m,
        counts,
        over_s,
    )
