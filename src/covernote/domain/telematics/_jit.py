"""Compiled loops of the map matcher (YD-SCORE-1, issue 14; ADR 0021-telematics-jit).

The HMM matcher's two hot loops -- the candidate search over the segments listed in
each fix's grid cell, and Viterbi over each chain -- written as plain loops compiled
by Numba. The vectorised NumPy forms they replace materialised one row per (fix,
segment) pair (tens per fix) and one K x K block per step; the loops keep a fix's K
best roads in registers instead. The arithmetic is written operation for operation
as the NumPy forms were, so results are the same fix for fix (tested against a
NumPy reference in ``tests/unit/telematics``).

Compiled on first use and cached beside this module (``cache=True``); a machine
without a writable cache compiles once per process (about two seconds).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

M_PER_DEG_LAT = 111_320.0
EMPTY_COST = 1e9  # emission cost of an empty candidate slot
_ROW_BITS = 36
_Q_MAX = float(1 << 26)

Array = Any  # NumPy arrays; Numba compiles against their dtypes


@njit(cache=True, nogil=True, inline="always")
def _mod360(x: float) -> float:  # pragma: no cover - compiled
    """``x % 360.0`` with Python's semantics, without the libm ``fmod`` call.

    For 0 <= x < 1440 each subtraction of 360 is exact (both are multiples of the
    larger one's ulp), so the result equals ``fmod``'s, which is exact too; other
    values take the general path.
    """
    if 0.0 <= x < 1440.0:
        while x >= 360.0:
            x -= 360.0
        return x
    return x % 360.0


@njit(cache=True, nogil=True, inline="always")
def _foot(  # pragma: no cover - compiled
    lon0: float,
    lat0: float,
    kx: float,
    dx: float,
    dy: float,
    len2: float,
    lon: float,
    lat: float,
) -> tuple[float, float]:
    """Where the fix's perpendicular meets the segment (``t`` in 0..1 along it) and the
    squared distance (m^2) to that point; local metres from the segment's start."""
    ax = (lon0 - lon) * kx
    ay = (lat0 - lat) * M_PER_DEG_LAT
    t = -(ax * dx + ay * dy) / len2
    t = min(max(t, 0.0), 1.0)
    ax += t * dx
    ay += t * dy
    return t, ax * ax + ay * ay


@njit(cache=True, nogil=True)
def nearest_distance(  # pragma: no cover - compiled
    pos: Array,
    hit: Array,
    cell_start: Array,
    cell_count: Array,
    lon0: Array,
    lat0: Array,
    kx: Array,
    dx: Array,
    dy: Array,
    len2: Array,
    lat: Array,
    lon: Array,
    r2: float,
    out: Array,
    lo: int,
    hi: int,
) -> None:
    """Distance (m) from fixes ``lo:hi`` to their nearest segment within the radius,
    written to ``out`` (left as it is -- inf -- where there is none)."""
    for i in range(lo, hi):
        if not hit[i]:
            continue
        c = pos[i]
        best = np.inf
        for r in range(cell_start[c], cell_start[c] + cell_count[c]):
            _t, d2 = _foot(lon0[r], lat0[r], kx[r], dx[r], dy[r], len2[r], lon[i], lat[i])
            if d2 <= r2 and d2 < best:
                best = d2
        if best < np.inf:
            out[i] = math.sqrt(best)


@njit(cache=True, nogil=True)
def top_candidates(  # pragma: no cover - compiled
    pos: Array,
    hit: Array,
    cell_start: Array,
    cell_count: Array,
    lon0: Array,
    lat0: Array,
    kx: Array,
    dx: Array,
    dy: Array,
    len2: Array,
    s0: Array,
    bearing: Array,
    seg_road: Array,
    seg_oneway: Array,
    road_len: Array,
    road_rev: Array,
    road_start: Array,
    road_end: Array,
    lat: Array,
    lon: Array,
    heading: Array,
    sigma_fix: Array,
    heading_weight: float,
    r2: float,
    road_o: Array,
    cost_o: Array,
    s_o: Array,
    rem_o: Array,
    entry_o: Array,
    exit_o: Array,
    dist_o: Array,
    lo: int,
    hi: int,
) -> None:
    """Up to ``k`` distinct roads for each fix ``lo:hi``, cheapest emission first,
    written to the ``*_o`` arrays (``[n, k]``, pre-filled as empty slots).

    Each road counts once, at its cheapest segment; ties go to the segment listed
    first. ``heading`` is NaN where the fix is too slow for its heading to count.
    """
    k = road_o.shape[1]
    keys = np.empty(k, np.int64)
    flips = np.zeros(k, np.bool_)
    roads = np.empty(k, np.int64)
    costs = np.empty(k)
    ss = np.empty(k)
    rems = np.empty(k)
    dists = np.empty(k)
    for i in range(lo, hi):
        if not hit[i]:
            continue
        c = pos[i]
        inv = 0.5 / sigma_fix[i] ** 2
        h = heading[i]
        slow = math.isnan(h)
        used = 0
        seen = 0
        for r in range(cell_start[c], cell_start[c] + cell_count[c]):
            t, d2 = _foot(lon0[r], lat0[r], kx[r], dx[r], dy[r], len2[r], lon[i], lat[i])
            if not d2 <= r2:
                continue
            seen += 1
            d = math.sqrt(d2)
            road = np.int64(seg_road[r])
            if slow:  # no heading: no disagreement, and a two-way road is taken as drawn
                diff = 0.0
                against = False
            else:
                diff = abs(_mod360(h - bearing[r] + 540.0) - 180.0)
                against = (not seg_oneway[r]) and diff > 90.0
                if against:
                    diff = 180.0 - diff
            cost = inv * d * d + heading_weight * diff
            q = np.int64(min(cost * 1000.0, _Q_MAX))
            key = (q << _ROW_BITS) | np.int64(seen)
            # where this road already sits, or where a new road would go
            at = -1
            for j in range(used):
                if roads[j] == road:
                    at = j
                    break
            if at >= 0:
                if key >= keys[at]:
                    continue
            elif used < k:
                at = used
                used += 1
            elif key < keys[k - 1]:
                at = k - 1
            else:
                continue
            # move the slots between the new place and ``at`` down by one
            j = at
            while j > 0 and keys[j - 1] > key:
                keys[j] = keys[j - 1]
                flips[j] = flips[j - 1]
                roads[j] = roads[j - 1]
                costs[j] = costs[j - 1]
                ss[j] = ss[j - 1]
                rems[j] = rems[j - 1]
                dists[j] = dists[j - 1]
                j -= 1
            seglen = math.sqrt(len2[r])
            s_geom = s0[r] + t * seglen
            flip = road_rev[road] != against
            length = road_len[road]
            sv = length - s_geom if flip else s_geom
            keys[j] = key
            flips[j] = flip
            roads[j] = road
            costs[j] = cost
            ss[j] = sv
            rems[j] = length - sv
            dists[j] = d
        for j in range(used):
            rd = roads[j]
            road_o[i, j] = rd
            cost_o[i, j] = costs[j]
            s_o[i, j] = ss[j]
            rem_o[i, j] = rems[j]
            dist_o[i, j] = dists[j]
            first, last = (road_end, road_start) if flips[j] else (road_start, road_end)
            entry_o[i, j, 0] = first[rd, 0]
            entry_o[i, j, 1] = first[rd, 1]
            exit_o[i, j, 0] = last[rd, 0]
            exit_o[i, j, 1] = last[rd, 1]


@njit(cache=True, nogil=True)
def viterbi_chains(  # pragma: no cover - compiled
    road: Array,
    em: Array,
    s: Array,
    rem: Array,
    entry: Array,
    exit_: Array,
    kx: Array,
    trav: Array,
    starts: Array,
    beta_m: float,
    out: Array,
    c0: int,
    c1: int,
) -> None:
    """Most likely candidate slot per fix of chains ``c0:c1`` (chain ``c`` runs from
    ``starts[c]`` to the next start), written to ``out``.

    Costs are renormalised at each step (the cheapest state at 0); ties go to the
    first slot, as ``argmin`` does.
    """
    n, k = road.shape
    n_chains = starts.shape[0]
    base = starts[c0]
    bp = np.zeros(((starts[c1] if c1 < n_chains else n) - base, k), np.int64)
    score = np.empty(k)
    new = np.empty(k)
    for c in range(c0, c1):
        a = starts[c]
        b = starts[c + 1] if c + 1 < n_chains else n
        lo = np.inf
        for j in range(k):
            score[j] = em[a, j]
            lo = min(lo, score[j])
        for j in range(k):
            score[j] -= lo
        for i in range(a + 1, b):
            p = i - 1
            lo = np.inf
            for j in range(k):
                best = np.inf
                arg = 0
                for m in range(k):
                    if road[p, m] < 0 or road[i, j] < 0:
                        tc = 0.0
                    else:
                        if road[p, m] == road[i, j]:
                            route = abs(s[i, j] - s[p, m])
                        else:
                            gx = (entry[i, j, 0] - exit_[p, m, 0]) * kx[i]
                            gy = (entry[i, j, 1] - exit_[p, m, 1]) * M_PER_DEG_LAT
                            route = rem[p, m] + math.sqrt(gx * gx + gy * gy) + s[i, j]
                        tc = abs(trav[i] - route) / beta_m
                    tot = score[m] + tc
                    if tot < best:
                        best = tot
                        arg = m
                bp[i - base, j] = arg
                new[j] = best + em[i, j]
                lo = min(lo, new[j])
            for j in range(k):
                score[j] = new[j] - lo
        st = 0
        for j in range(1, k):
            if score[j] < score[st]:
                st = j
        out[b - 1] = st
        for i in range(b - 1, a, -1):
            st = bp[i - base, st]
            out[i - 1] = st


@njit(cache=True, nogil=True)
def median_by_run(group: Array, value: Array, size: int) -> Array:  # pragma: no cover
    """Median of ``value`` per ``group`` id, ``group`` ascending (runs); NaN for no value."""
    out = np.full(size, np.nan)
    n = group.shape[0]
    a = 0
    while a < n:
        b = a + 1
        while b < n and group[b] == group[a]:
            b += 1
        v = np.sort(value[a:b])
        m = b - a
        out[group[a]] = 0.5 * (v[(m - 1) // 2] + v[m // 2])
        a = b
    return out
