"""The junction between two matched roads (YD-SCORE-1, ADR 0030, 0036): the bearings
at which one road is left and the next entered, the arc between them, the calibrated
path correction by turn direction, and the mouth read from the heading in a turn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics.matching.search import F64, I64, MatchGrid


def end_bearings(grid: MatchGrid) -> tuple[F64, F64]:
    """Per road, the geometric bearing (degrees, along the drawn geometry) of its first
    and of its last segment (NaN for a road without segments). Cached on the grid."""
    cached: tuple[F64, F64] | None = grid.__dict__.get("_end_bearings")
    if cached is None:
        seg = grid.seg
        road = seg[:, 8].astype(np.int64)
        n_roads = grid.road_len.shape[0]
        # the bearing column is the driving direction: + 180 on roads drawn against it
        geo = (seg[:, 7] - np.where(grid.road_rev[road], 180.0, 0.0) + 360.0) % 360.0
        first, last = np.full(n_roads, np.nan), np.full(n_roads, np.nan)
        is_first = seg[:, 6] == 0.0
        first[road[is_first]] = geo[is_first]
        is_last = np.abs(seg[:, 6] + np.sqrt(seg[:, 5]) - grid.road_len[road]) < 1e-6
        last[road[is_last]] = geo[is_last]
        cached = (first, last)
        object.__setattr__(grid, "_end_bearings", cached)
    return cached


def junction_bearings(
    grid: MatchGrid, road: I64, prev_road: I64, entry: F64, exit_: F64
) -> tuple[F64, F64]:
    """The bearing (degrees) at which ``prev_road`` is left at ``exit_`` and the one at
    which ``road`` is entered at ``entry`` (NaN where a road has no segments)."""
    first, last = end_bearings(grid)
    r = np.maximum(road, 0)
    rp = np.maximum(prev_road, 0)
    b_at_start = np.all(entry == grid.road_start[r], axis=1)  # entered at the drawn start
    a_at_end = np.all(exit_ == grid.road_end[rp], axis=1)  # left at the drawn end
    b_in = np.where(b_at_start, first[r], last[r] + 180.0) % 360.0
    a_out = np.where(a_at_end, last[rp], first[rp] + 180.0) % 360.0
    return a_out, b_in


def arc_factor(grid: MatchGrid, road: I64, prev_road: I64, entry: F64, exit_: F64) -> F64:
    """Length of the path through the junction from ``prev_road`` (left at ``exit_``)
    into ``road`` (entered at ``entry``) over the straight gap: a circular arc leaving
    along the first road's exit bearing and joining the second along its entry
    bearing, turn angle theta, is
    ``(theta / 2) / sin(theta / 2)`` times its chord (1 straight on, 1.11 at a right
    angle, pi / 2 for a U-turn). 1 where a bearing is unknown."""
    a_out, b_in = junction_bearings(grid, road, prev_road, entry, exit_)
    theta = np.radians(np.abs((b_in - a_out + 540.0) % 360.0 - 180.0))
    half = np.maximum(theta, 1e-9) / 2.0
    f = np.where(theta > 1e-9, half / np.sin(half), 1.0)
    return np.where(np.isfinite(f), f, 1.0)


@dataclass(frozen=True)
class TurnHints:
    """What :func:`place_changes` needs to read the junctions: the bearings at each
    change, the headings, and the calibration of both (ADR 0036)."""

    at: I64  # fixes where the road changes (the new road's first fix)
    a_out: F64  # per change: bearing at which the road left is left, degrees
    b_in: F64  # per change: bearing at which the new road is entered, degrees
    heading: F64  # per fix: usable heading (NaN = none)
    heading_sd_deg: float  # calibrated heading noise
    heading_lag_m: float  # calibrated lag of the heading behind the position
    junction_shift_m: tuple[float, float, float]  # path error by turn: left, straight, right
    fixes: int  # fixes each side read for the heading in a turn (0 = none)
    min_turn_deg: float
    sd_frac: float
    sd_min_m: float


STRAIGHT_DEG = 30.0  # turns smaller than this are "straight on" for the path correction
TURN_PART = (0.1, 0.9)  # at least this far through the turn (clear of the roads' own headings)


def turn_side(a_out: F64, b_in: F64) -> I64:
    """Per change: -1 a left turn, 0 straight on (within :data:`STRAIGHT_DEG`), 1 right."""
    turn = (b_in - a_out + 540.0) % 360.0 - 180.0
    side = np.where(np.abs(turn) <= STRAIGHT_DEG, 0, np.sign(turn))
    return np.where(np.isfinite(turn), side, 0).astype(np.int64)


def shifted_gap(gap: F64, h: TurnHints) -> F64:
    """The junction paths with the calibrated error of the arc added per turn direction
    (never below 0): on a road drawn on its centre line with several lanes, turning one
    way is shorter than the arc and the other way longer (ADR 0036)."""
    if not any(h.junction_shift_m) or h.at.shape[0] == 0:
        return gap
    out = gap.copy()
    shift = np.asarray(h.junction_shift_m, np.float64)[turn_side(h.a_out, h.b_in) + 1]
    out[h.at] = np.maximum(0.0, gap[h.at] + shift)
    return out


def _turn_readings(
    c: F64, gap: F64, new_chain: npt.NDArray[np.bool_], h: TurnHints
) -> tuple[F64, npt.NDArray[np.bool_], F64]:
    """For each change and each of the ``2 x h.fixes`` fixes around it, the mouth read
    from the heading (before the lag), whether that fix is part way through a turn,
    and the sd of a reading per change (see :func:`turn_estimates`)."""
    n = c.shape[0]
    turn = (h.b_in - h.a_out + 540.0) % 360.0 - 180.0
    big = np.abs(turn) >= h.min_turn_deg
    g = gap[h.at]
    # heading noise: a fix must have turned clear of both roads' bearings by three of
    # its sigmas, and the reading's sd grows by the noise's share of the turn
    f_noise = h.heading_sd_deg / np.maximum(np.abs(turn), 1e-9)
    f_lo = np.maximum(TURN_PART[0], 3.0 * f_noise)
    chains = np.cumsum(new_chain)
    est, which = [], []
    for off in range(-h.fixes, h.fixes):
        i = h.at + off
        inside = (i >= 0) & (i < n)
        i = np.clip(i, 0, n - 1)
        # the same chain: no chain start after the earlier of the two fixes
        same = chains[np.maximum(i, h.at)] == chains[np.minimum(i, h.at)]
        f = ((h.heading[i] - h.a_out + 540.0) % 360.0 - 180.0) / np.where(big, turn, np.nan)
        ok = inside & same & big & (f > f_lo) & (f < 1.0 - f_lo)
        est.append(np.where(ok, c[i] + (1.0 - f) * g, np.nan))
        which.append(ok)
    sd = (h.sd_frac + f_noise) * g + h.sd_min_m
    if not est:
        k = h.at.shape[0]
        return np.zeros((0, k)), np.zeros((0, k), np.bool_), sd
    return np.stack(est), np.stack(which), sd


def turn_estimates(
    c: F64, gap: F64, new_chain: npt.NDArray[np.bool_], h: TurnHints
) -> tuple[F64, F64]:
    """Per change (indexed like ``h.at``), the weighted sum and the sum of weights of the
    mouth estimates from the heading of fixes part way through a turn (ADR 0036).

    Through a junction the heading turns from the bearing the road left is left at to
    the bearing the new road is entered at over the junction path (``gap``); a fix
    whose heading has turned a fraction ``f`` of the way is about ``f x gap`` into the
    junction, so the new road's mouth is at ``C + (1 - f) x gap``, less the distance
    by which the heading lags the position (a vehicle's angle taken from its rear to
    its front, a receiver's filter: calibrated, :func:`calibrate`). Each reading
    weighs ``1 / ((sd_frac + heading noise / turn) x gap + sd_min)^2``.
    """
    k = h.at.shape[0]
    if k == 0 or h.fixes == 0:
        return np.zeros(k), np.zeros(k)
    e, has, sd = _turn_readings(c, gap, new_chain, h)
    w = 1.0 / sd**2
    num = np.where(has, (e - h.heading_lag_m) * w[None, :], 0.0).sum(axis=0)
    den = has.sum(axis=0) * w
    return num, den
