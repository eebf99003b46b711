"""Where a change of road happened (YD-SCORE-1, ADR 0020, 0030, 0036): the distance
driven from the reported speeds against each fix's offset along its road, from both
sides of the change, the roads beyond and the headings in a turn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics import _jit
from covernote.domain.telematics.matching.junctions import (
    TurnHints,
    shifted_gap,
    turn_estimates,
)
from covernote.domain.telematics.matching.search import F64, I64, MAD_TO_SIGMA


def speed_step_change(speed_kmh: F64, ts_s: F64, new_chain: npt.NDArray[np.bool_]) -> F64:
    """Per fix, ``dt x (v - v_prev)`` in metres (0 at a chain start): what one step's
    distance gains when the fix's own speed weighs ``0.5 + lean`` instead of a half."""
    prev = np.r_[0, np.arange(speed_kmh.shape[0] - 1)]
    d = (speed_kmh - speed_kmh[prev]) / 3.6 * (ts_s - ts_s[prev])
    return np.where(new_chain, 0.0, np.nan_to_num(d, nan=0.0))


PLACE_SIGMA_MIN_M = 0.5  # floor of the placement's noise estimate (exact positions: no 0)


def chain_sigma(dist: F64, new_chain: npt.NDArray[np.bool_]) -> F64:
    """Per fix, its chain's GPS sigma: 1.4826 x the median distance of the chain's fixes
    to their matched road (N&K's estimator, as for the emission, but of the matched
    road and floored only at :data:`PLACE_SIGMA_MIN_M`)."""
    n = dist.shape[0]
    if n == 0:
        return np.zeros(0)
    chain = np.cumsum(new_chain) - 1
    chain -= chain[0]
    has = np.isfinite(dist)
    med: F64 = np.full(int(chain[-1]) + 1, np.nan)
    if has.any():
        med = np.asarray(_jit.median_by_run(chain[has], dist[has], int(chain[-1]) + 1), np.float64)
    sig: F64 = np.nan_to_num(MAD_TO_SIGMA * med[chain], nan=PLACE_SIGMA_MIN_M)
    return np.maximum(PLACE_SIGMA_MIN_M, sig)


@dataclass(frozen=True)
class Runs:
    """A matched path cut into runs of one road (see :func:`runs_of`)."""

    rows: I64  # 0 .. n - 1
    c: F64  # distance driven since the chain's first fix
    run: I64  # run of each fix
    starts: I64  # first fix of each run
    ends: I64  # one past the last fix of each run
    run_road: I64  # road of each run
    change: npt.NDArray[np.bool_]  # the run starts with a change of road (same chain, both known)
    j_in: I64  # per fix: fixes since its run's first
    j_out: I64  # per fix: fixes before its run's last


def runs_of(road: I64, travel: F64, new_chain: npt.NDArray[np.bool_]) -> Runs:
    """The runs of one road along the chains (``new_chain[0]`` true), with the distance
    driven ``C`` (cumulative ``travel``) from each chain's first fix."""
    n = road.shape[0]
    rows = np.arange(n)
    chain = np.cumsum(new_chain) - 1
    c = np.cumsum(np.nan_to_num(travel, nan=0.0))
    c = c - c[np.flatnonzero(new_chain)][chain]
    run_start = new_chain | np.r_[True, road[1:] != road[:-1]]
    run = np.cumsum(run_start) - 1
    starts = np.flatnonzero(run_start)
    ends = np.r_[starts[1:], n]
    run_road = road[starts]
    change = np.zeros(starts.shape[0], np.bool_)
    change[1:] = ~new_chain[starts[1:]] & (run_road[1:] >= 0) & (run_road[:-1] >= 0)
    return Runs(
        rows=rows,
        c=c,
        run=run,
        starts=starts,
        ends=ends,
        run_road=run_road,
        change=change,
        j_in=rows - starts[run],
        j_out=ends[run] - 1 - rows,
    )


def place_changes(
    road: I64,
    s: F64,
    rem: F64,
    travel: F64,
    new_chain: npt.NDArray[np.bool_],
    gap: F64,
    sigma: F64,
    fixes: int,
    drift_m: float,
    junction_frac: float = 0.0,
    turn: TurnHints | None = None,
    reach: int = 0,
) -> I64:
    """Move each change of road to where the car entered the new road, placed from the
    fixes on both sides of the change (YD-SCORE-1, ADR 0030).

    As in :func:`road_changes` the distance driven ``C`` (cumulative speed x time)
    is nearly noise-free and each fix's offset into its road carries the GPS noise.
    Every fix of the new road B estimates the distance driven at B's mouth as
    ``C - s``; every fix of the road left, A, as ``C + rem + gap`` (the rest of A,
    then the junction: the straight gap from A's exit to B's entry lengthened to the
    arc that turns from A's bearing to B's, :func:`arc_factor`). Up to ``fixes``
    fixes on each side, nearest the change first, are averaged with weights
    ``1 / (sigma^2 + (drift_m x j)^2)``, j = 0, 1, ... fixes away from the change:
    the GPS noise (sigma of the chain, :func:`chain_sigma`) plus the error of the
    speed integration, which grows with the distance driven; fixes of A add the
    error of the junction model, ``junction_frac x gap`` (the map has no junction
    lanes; a real path is not exactly the arc). A limit applies from its road's mouth: fixes
    before the estimate belong to A, from it on to B.

    With ``turn`` (ADR 0036) the junction paths take the calibrated error of the arc per
    turn direction (:func:`shifted_gap`) and fixes part way through a turn add readings
    from their heading (:func:`turn_estimates`); with ``reach`` > 0 the fixes of the road
    beyond each neighbour add readings through that neighbour's length and junction,
    where the neighbour's run has at least ``reach`` fixes.
    """
    if road.shape[0] == 0:
        return road
    mouth, run, change, c, run_road = _mouths(
        road, s, rem, travel, new_chain, gap, sigma, fixes, drift_m, junction_frac, turn, reach
    )
    out = road.copy()
    prev_road = np.r_[-1, run_road[:-1]]
    early = change[run] & (c < mouth[run])
    out[early] = prev_road[run][early]
    next_change = np.r_[change[1:], False]
    next_mouth = np.r_[mouth[1:], np.nan]
    next_road = np.r_[run_road[1:], -1]
    late = next_change[run] & (c >= next_mouth[run])
    out[late] = next_road[run][late]
    return out


def _mouths(
    road: I64,
    s: F64,
    rem: F64,
    travel: F64,
    new_chain: npt.NDArray[np.bool_],
    gap: F64,
    sigma: F64,
    fixes: int,
    drift_m: float,
    junction_frac: float,
    turn: TurnHints | None,
    reach: int,
) -> tuple[F64, I64, npt.NDArray[np.bool_], F64, I64]:
    """:func:`place_changes`' estimate: per run, the distance driven at its road's mouth
    (NaN where the run does not start with a change of road); with the run of each
    fix, which runs start with a change, the distance driven ``C`` and each run's road."""
    rs = runs_of(road, travel, new_chain)
    rows, c, run, starts, ends, run_road, change = (
        rs.rows, rs.c, rs.run, rs.starts, rs.ends, rs.run_road, rs.change
    )  # fmt: skip
    n_runs, j_in, j_out = starts.shape[0], rs.j_in, rs.j_out
    sig2 = sigma * sigma
    if turn is not None:
        gap = shifted_gap(gap, turn)
    # fixes of the new road (run r) estimate change r
    b = j_in < fixes
    wb = 1.0 / (sig2[b] + (drift_m * j_in[b]) ** 2)
    num = np.bincount(run[b], wb * (c[b] - s[b]), minlength=n_runs).astype(np.float64)
    den = np.bincount(run[b], wb, minlength=n_runs).astype(np.float64)
    # fixes of the road left (run r - 1) estimate change r
    a = (j_out < fixes) & (run + 1 < n_runs)
    nxt = run[a] + 1
    wa = 1.0 / (sig2[a] + (drift_m * j_out[a]) ** 2 + (junction_frac * gap[starts[nxt]]) ** 2)
    num += np.bincount(nxt, wa * (c[a] + rem[a] + gap[starts[nxt]]), minlength=n_runs)
    den += np.bincount(nxt, wa, minlength=n_runs)
    if reach > 0:
        # one road further each way, through its whole length and its junction: fixes
        # of run r + 1 estimate change r, fixes of run r - 2 too, where the road between
        # has at least ``reach`` fixes (a run of one or two fixes is often a flicker of
        # the Viterbi path, whose length would mislead; ADR 0036)
        length = (s + rem)[starts]
        jg = gap[starts]  # the junction path before each run (where it is a change)
        chg_next = np.r_[change[1:], False]
        q = run
        b2 = (q >= 1) & change[q] & change[np.maximum(q - 1, 0)]
        j2 = rows - starts[np.maximum(q - 1, 0)]
        size = ends - starts
        b2 &= (j2 < fixes) & (size[np.maximum(q - 1, 0)] >= reach)
        tgt = q[b2] - 1
        w2 = 1.0 / (sig2[b2] + (drift_m * j2[b2]) ** 2 + (junction_frac * jg[q[b2]]) ** 2)
        est = c[b2] - s[b2] - jg[q[b2]] - length[tgt]
        num += np.bincount(tgt, w2 * est, minlength=n_runs)
        den += np.bincount(tgt, w2, minlength=n_runs)
        a2 = (q + 2 < n_runs) & chg_next[q] & chg_next[np.minimum(q + 1, n_runs - 1)]
        j3 = starts[np.minimum(q + 2, n_runs - 1)] - 1 - rows
        a2 &= (j3 < fixes) & (size[np.minimum(q + 1, n_runs - 1)] >= reach)
        tgt = q[a2] + 2
        mid = q[a2] + 1
        w3 = 1.0 / (
            sig2[a2]
            + (drift_m * j3[a2]) ** 2
            + (junction_frac * jg[mid]) ** 2
            + (junction_frac * jg[tgt]) ** 2
        )
        est = c[a2] + rem[a2] + jg[mid] + length[mid] + jg[tgt]
        num += np.bincount(tgt, w3 * est, minlength=n_runs)
        den += np.bincount(tgt, w3, minlength=n_runs)
    mouth = np.where(change & (den > 0), num / np.where(den > 0, den, 1.0), np.nan)
    if turn is not None and turn.fixes > 0:
        run_of_at = run[turn.at]
        t_num, t_den = turn_estimates(c, gap, new_chain, turn)
        use = change[run_of_at] & (t_den > 0)
        num[run_of_at[use]] += t_num[use]
        den[run_of_at[use]] += t_den[use]
        mouth = np.where(change & (den > 0), num / np.where(den > 0, den, 1.0), np.nan)
    return mouth, run, change, c, run_road


ENTRY_EPS_M = 0.01  # a projection this close to a road's end was clipped to it
ENTRY_FIXES = 3  # fixes of a road used to place where the car entered it


def road_changes(road: I64, s: F64, rem: F64, travel: F64, new_chain: npt.NDArray[np.bool_]) -> I64:
    """Move each change of road to where the car entered the new road (YD-SCORE-1).

    A limit applies from the mouth of its road; the junction before it still belongs
    to the road being left (the map has no junction-internal lanes). Along a chain the
    distance driven ``C`` (cumulative ``travel``, from the reported speed) is nearly
    noise-free, while each fix's offset ``s`` into its road carries the GPS noise. On a
    run of fixes on one road ``C - s`` is the distance driven at the road's entry; its
    mean over the first :data:`ENTRY_FIXES` fixes whose projection is inside the road
    (not clipped to an end) places the entry. Fixes of the run before that point go to
    the previous road, fixes of the previous run after it to this road.
    """
    n = road.shape[0]
    if n == 0:
        return road
    chain = np.cumsum(new_chain) - 1
    c = np.cumsum(np.nan_to_num(travel, nan=0.0))
    c = c - c[np.flatnonzero(new_chain)][chain]
    run_start = new_chain | np.r_[True, road[1:] != road[:-1]]
    run = np.cumsum(run_start) - 1
    starts = np.flatnonzero(run_start)
    valid = (s > ENTRY_EPS_M) & (rem > ENTRY_EPS_M) & (road >= 0)
    cv = np.cumsum(valid)
    before: I64 = (cv - valid)[starts][run]  # valid fixes of the runs before this one
    use = valid & (cv - before <= ENTRY_FIXES)
    num = np.add.reduceat(np.where(use, c - s, 0.0), starts)
    cnt = np.add.reduceat(use.astype(np.int64), starts)
    entry = np.where(cnt > 0, num / np.maximum(cnt, 1), np.nan)
    run_road = road[starts]
    first_of_chain = new_chain[starts]
    # previous run (same chain) and next run (same chain) of each run
    prev_road = np.where(first_of_chain, -1, np.r_[-1, run_road[:-1]])
    next_first = np.r_[first_of_chain[1:], True]
    next_road = np.where(next_first, -1, np.r_[run_road[1:], -1])
    next_entry = np.where(next_first, np.nan, np.r_[entry[1:], np.nan])
    out = road.copy()
    early = (c < entry[run]) & (prev_road[run] >= 0) & (road >= 0)
    out[early] = prev_road[run][early]
    late = (c >= next_entry[run]) & (next_road[run] >= 0) & (road >= 0)
    out[late] = next_road[run][late]
    return out
