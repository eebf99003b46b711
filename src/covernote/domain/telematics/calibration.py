"""Calibration of the map matcher for a fleet and a map (YD-SCORE-1, ADR 0036).

The placement of each change of road (:func:`matching.place_changes`) reads the
reported speeds, the headings through a turn and the junction paths. How a fleet's
receivers time their speeds and headings, how noisy the headings are, and how the
paths through a map's junctions differ from the arc between its roads are properties
of the devices and of the map, not of one trip: :func:`calibrate` estimates them from
a sample of fixes (``covernote telematics calibrate``), and they go into the product's
parameters (a new version, YD-SCORE-3). The matcher then applies them as constants,
so that a device's result never depends on which other devices share its batch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics import _jit
from covernote.domain.telematics.matching import (
    ENTRY_EPS_M,
    F64,
    I64,
    MAD_TO_SIGMA,
    HmmParams,
    MatchGrid,
    TurnHints,
    _junctions,
    _mouths,
    _turn_readings,
    _viterbi_stage,
    chain_sigma,
    runs_of,
    shifted_gap,
    speed_step_change,
    turn_side,
)
from covernote.domain.telematics.params import SpeedLimitParams

#: least information (sum of squared within-run speed-change terms, m^2) for the
#: speed timing; below it the sample gives 0 (the trapezoid rule)
LEAN_MIN_INFO_M2 = 2_500.0
LEAN_RUN_MIN_FIXES = 5  # runs shorter than this do not inform the estimate
LEAN_MARGIN_SIGMAS = 3.0  # fixes nearer a road end than this many GPS sigmas are left out
GAP_MIN_CHANGES = 20  # changes of one turn direction a sample needs to correct its paths
GAP_MAX_SIGMA_M = 12.5  # noisier samples keep the arc (their Viterbi turns mislead)
GAP_MARGIN_SIGMAS = 2.0  # fixes this many GPS sigmas inside their road inform the correction
HEADING_CLEAR_FIXES = 4  # fixes this near a change of road do not inform the heading noise
TURN_MIN_CHANGES = 20  # turns a sample needs for the heading lag; fewer: turn hints off


@dataclass(frozen=True)
class MatchCalibration:
    """What :func:`calibrate` found, with what it was found from."""

    speed_lean: float
    heading_lag_m: float | None  # None: too few turns, the turn hints stay off
    heading_sd_deg: float
    junction_shift_m: tuple[float, float, float]  # left, straight, right
    fixes: int
    changes: tuple[int, int, int]  # changes read for each junction shift
    turns: int  # changes whose heading was read for the lag
    sigma_m: float  # the sample's median GPS noise
    lean_info_m2: float  # what the speed timing was read from (< LEAN_MIN_INFO_M2: not read)

    def applied_to(self, sl: SpeedLimitParams) -> SpeedLimitParams:
        """``sl`` with this calibration's values (the turn hints off without a lag)."""
        return replace(
            sl,
            hmm_speed_lean=self.speed_lean,
            hmm_heading_sd_deg=self.heading_sd_deg,
            hmm_junction_shift_m=self.junction_shift_m,
            hmm_heading_lag_m=self.heading_lag_m or 0.0,
            hmm_placement_turn_fixes=(
                sl.hmm_placement_turn_fixes if self.heading_lag_m is not None else 0
            ),
        )

    def toml(self) -> str:
        """The ``[speed_limits]`` keys for a new version of the product's parameters."""
        left, straight, right = self.junction_shift_m
        lean_note = (
            ""
            if self.lean_info_m2 >= LEAN_MIN_INFO_M2
            else "  # too little driving to read the speed timing: 0 keeps the trapezoid"
        )
        lines = [
            f"hmm_speed_lean = {self.speed_lean:.3f}{lean_note}",
            f"hmm_heading_sd_deg = {self.heading_sd_deg:.2f}",
            f"hmm_junction_shift_m = [{left:.2f}, {straight:.2f}, {right:.2f}]"
            "  # left, straight on, right",
        ]
        if self.heading_lag_m is None:
            lines.append("hmm_placement_turn_fixes = 0  # too few turns to calibrate the heading")
        else:
            lines.append(f"hmm_heading_lag_m = {self.heading_lag_m:.2f}")
        return "\n".join(lines)


def calibrate(
    grid: MatchGrid,
    lat: F64,
    lon: F64,
    speed_kmh: F64,
    heading: F64,
    ts_s: F64,
    new_chain: npt.NDArray[np.bool_],
    p: HmmParams,
) -> MatchCalibration:
    """Estimate the speed timing, the junction paths' error, the heading noise and the
    heading's lag from a sample of fixes (chains start where ``new_chain`` is true),
    matched with ``p`` (its own calibration values are not used)."""
    m = _viterbi_stage(grid, lat, lon, speed_kmh, heading, ts_s, new_chain, p)
    n = lat.shape[0]
    if n == 0:
        return MatchCalibration(0.0, None, 0.0, (0.0, 0.0, 0.0), 0, (0, 0, 0), 0, 0.0, 0.0)
    lean, lean_info = speed_lean_fit(
        m.road, m.s, m.rem, m.dist, m.along, speed_kmh, ts_s, new_chain
    )
    along = m.along + lean * speed_step_change(speed_kmh, ts_s, new_chain)
    at, gap, a_out, b_in = _junctions(grid, m, lat)
    sigma = chain_sigma(m.dist, new_chain)
    usable = np.where(speed_kmh >= p.heading_min_speed_kmh, heading, np.nan)
    hints = TurnHints(
        at=at,
        a_out=a_out,
        b_in=b_in,
        heading=usable,
        heading_sd_deg=heading_noise_deg(usable, m.road, new_chain, at),
        heading_lag_m=0.0,
        junction_shift_m=(0.0, 0.0, 0.0),
        fixes=p.placement_turn_fixes or 4,
        min_turn_deg=p.placement_turn_min_deg,
        sd_frac=p.placement_turn_sd_frac,
        sd_min_m=p.placement_turn_sd_min_m,
    )
    shifts, counts = junction_shifts(
        m.road,
        m.s,
        m.rem,
        along,
        new_chain,
        gap,
        sigma,
        p.placement_fixes,
        p.placement_drift_m,
        hints,
    )
    hints = replace(hints, junction_shift_m=shifts)
    # the mouths from the positions alone, then how far the headings read them off
    mouth, run, change, c, _ = _mouths(
        m.road, m.s, m.rem, along, new_chain, gap, sigma, p.placement_fixes,
        p.placement_drift_m, p.placement_junction_frac, replace(hints, fixes=0),
        p.placement_reach_min_fixes,
    )  # fmt: skip
    e, has, _ = _turn_readings(c, shifted_gap(gap, hints), new_chain, hints)
    pos = mouth[run[at]] if at.shape[0] else np.zeros(0)
    ok = has & np.isfinite(pos)[None, :] & change[run[at]][None, :]
    turns = int(ok.any(axis=0).sum())
    lag = float(np.median((e - pos[None, :])[ok])) if turns >= TURN_MIN_CHANGES else None
    return MatchCalibration(
        speed_lean=lean,
        heading_lag_m=lag,
        heading_sd_deg=hints.heading_sd_deg,
        junction_shift_m=shifts,
        fixes=n,
        changes=counts,
        turns=turns,
        sigma_m=float(np.median(sigma)),
        lean_info_m2=lean_info,
    )


def speed_lean(
    road: I64,
    s: F64,
    rem: F64,
    dist: F64,
    travel: F64,
    speed_kmh: F64,
    ts_s: F64,
    new_chain: npt.NDArray[np.bool_],
) -> float:
    """:func:`speed_lean_fit`'s lean alone."""
    return speed_lean_fit(road, s, rem, dist, travel, speed_kmh, ts_s, new_chain)[0]


def speed_lean_fit(
    road: I64,
    s: F64,
    rem: F64,
    dist: F64,
    travel: F64,
    speed_kmh: F64,
    ts_s: F64,
    new_chain: npt.NDArray[np.bool_],
) -> tuple[float, float]:
    """How far a sample's reported speeds lean towards the step that ends at their fix
    (ADR 0036): the step's distance is ``dt x ((0.5 + lean) v + (0.5 - lean) v_prev)``.

    0 is a speed measured at the fix (the trapezoid rule); 0.5 is a speed averaged
    over the second before it, as a simulator with Euler steps (SUMO's default) or a
    receiver that reports the mean speed since the last fix gives. Along one road the
    offset ``s`` of each fix into the road is the distance driven since its entry, so
    ``s - C`` (C: the trapezoid distance driven) is constant on a run plus the GPS
    noise plus ``lean x Z`` (Z: the cumulative ``dt x (v - v_prev)``). ``lean`` is the
    least-squares slope of ``s - C`` on ``Z`` within runs (fixes whose projection is
    not clipped to a road end), over the whole sample (one fleet reports one way),
    clipped to [-0.5, 0.5]; 0 without enough information (:data:`LEAN_MIN_INFO_M2`).
    Returns the lean and that information (the sum of squared ``Z`` deviations, m^2).
    """
    n = road.shape[0]
    if n == 0:
        return 0.0, 0.0
    chain = np.cumsum(new_chain) - 1
    chain -= chain[0]
    starts = np.flatnonzero(new_chain)
    if starts.shape[0] == 0 or starts[0] != 0:
        starts = np.r_[0, starts]
    c = np.cumsum(np.nan_to_num(travel, nan=0.0))
    c = c - c[starts][chain]
    z = np.cumsum(speed_step_change(speed_kmh, ts_s, new_chain))
    z = z - z[starts][chain]
    run_start = new_chain | np.r_[True, road[1:] != road[:-1]]
    run = np.cumsum(run_start) - 1
    n_runs = int(run[-1]) + 1
    # only fixes well inside their road: near an end the projection is clipped, and the
    # clipping (which depends on each fix's noise) would bias the slope. "Inside" is
    # judged from the distance driven since the run's entry (its median estimate), not
    # from the fix's own noisy offset, which would truncate the noise instead.
    inside = (road >= 0) & (s > ENTRY_EPS_M) & (rem > ENTRY_EPS_M) & np.isfinite(s)
    if not inside.any():
        return 0.0, 0.0
    entry = np.asarray(_jit.median_by_run(run[inside], (c - s)[inside], n_runs), np.float64)
    s_hat = c - entry[run]
    margin = LEAN_MARGIN_SIGMAS * chain_sigma(dist, new_chain)
    ok = inside & (s_hat > margin) & (s + rem - s_hat > margin)
    cnt = np.bincount(run[ok], minlength=n_runs)
    ok &= cnt[run] >= LEAN_RUN_MIN_FIXES
    cnt = np.bincount(run[ok], minlength=n_runs)
    if not ok.any():
        return 0.0, 0.0
    r, y, x = run[ok], (s - c)[ok], z[ok]
    k = np.maximum(cnt, 1).astype(np.float64)
    y = y - (np.bincount(r, y, minlength=n_runs) / k)[r]
    x = x - (np.bincount(r, x, minlength=n_runs) / k)[r]
    info = float(np.dot(x, x))
    if info < LEAN_MIN_INFO_M2:
        return 0.0, info
    return float(np.clip(np.dot(x, y) / info, -0.5, 0.5)), info


def heading_noise_deg(heading: F64, road: I64, new_chain: npt.NDArray[np.bool_], at: I64) -> float:
    """A sample's heading noise, degrees: on one road, away from its ends, the heading
    should not change between consecutive fixes, so the robust spread of those changes
    (1.4826 x their median absolute value, over sqrt 2) estimates it. Bends in the
    road count as noise, which only makes the turn hints more modest."""
    n = heading.shape[0]
    if n < 2:
        return 0.0
    near = np.zeros(n, np.bool_)
    for off in range(-HEADING_CLEAR_FIXES, HEADING_CLEAR_FIXES + 1):
        near[np.clip(at + off, 0, n - 1)] = True
    d = (heading[1:] - heading[:-1] + 540.0) % 360.0 - 180.0
    ok = ~new_chain[1:] & (road[1:] == road[:-1]) & (road[1:] >= 0) & ~near[1:] & np.isfinite(d)
    if not ok.any():
        return 0.0
    return float(MAD_TO_SIGMA * np.median(np.abs(d[ok])) / np.sqrt(2.0))


def junction_shifts(
    road: I64,
    s: F64,
    rem: F64,
    travel: F64,
    new_chain: npt.NDArray[np.bool_],
    gap: F64,
    sigma: F64,
    fixes: int,
    drift_m: float,
    h: TurnHints,
) -> tuple[tuple[float, float, float], tuple[int, int, int]]:
    """The junction path's error against the arc, by turn direction (left, straight,
    right), and the changes each was read from.

    At each change the fixes of the new road alone place its mouth (``C - s``) and the
    fixes of the road left alone place where that road was left (``C + rem``); the
    difference is the path driven through the junction. The arc is right for a single
    lane; where a road has several lanes and the map draws its centre line, turning
    one way is shorter than the arc and the other way longer. Per direction the
    median difference between the observed and the modelled path over at least
    :data:`GAP_MIN_CHANGES` changes (else 0). Only fixes that a first estimate puts
    :data:`GAP_MARGIN_SIGMAS` inside both ends of their road count (a projection
    clipped to a road end is biased). Above :data:`GAP_MAX_SIGMA_M` of GPS noise the
    Viterbi path around turns is too unsure to learn from and the arc is kept."""
    zero = ((0.0, 0.0, 0.0), (0, 0, 0))
    n = road.shape[0]
    if n == 0 or float(np.median(sigma)) > GAP_MAX_SIGMA_M:
        return zero
    rs = runs_of(road, travel, new_chain)
    c, run, change, j_in, j_out = rs.c, rs.run, rs.change, rs.j_in, rs.j_out
    n_runs = rs.starts.shape[0]
    sig2 = sigma * sigma
    margin = GAP_MARGIN_SIGMAS * sigma
    length = s + rem
    b = j_in < fixes
    a = (j_out < fixes) & (run + 1 < n_runs)
    b_num: F64 = np.zeros(n_runs)
    b_den: F64 = np.zeros(n_runs)
    a_num: F64 = np.zeros(n_runs)
    a_den: F64 = np.zeros(n_runs)
    # twice: first from every fix; then only from fixes that the first estimate puts
    # well inside their road (leaving out clipped fixes by their own offset would
    # bias the rest)
    for _ in range(2):
        wb = 1.0 / (sig2[b] + (drift_m * j_in[b]) ** 2)
        b_num = np.bincount(run[b], wb * (c[b] - s[b]), minlength=n_runs).astype(np.float64)
        b_den = np.bincount(run[b], wb, minlength=n_runs).astype(np.float64)
        wa = 1.0 / (sig2[a] + (drift_m * j_out[a]) ** 2)
        a_num = np.bincount(run[a] + 1, wa * (c[a] + rem[a]), minlength=n_runs).astype(np.float64)
        a_den = np.bincount(run[a] + 1, wa, minlength=n_runs).astype(np.float64)
        b_mouth = b_num / np.where(b_den > 0, b_den, 1.0)
        a_exit = a_num / np.where(a_den > 0, a_den, 1.0)
        s_hat = c - b_mouth[run]
        b &= (s_hat > margin) & (length - s_hat > margin) & (b_den[run] > 0)
        nxt = np.minimum(run + 1, n_runs - 1)
        rem_hat = a_exit[nxt] - c
        a &= (rem_hat > margin) & (length - rem_hat > margin) & (a_den[nxt] > 0)
    r_at = run[h.at]
    ok = change[r_at] & (b_den[r_at] > 0) & (a_den[r_at] > 0)
    observed = b_num[r_at] / np.where(ok, b_den[r_at], 1.0) - a_num[r_at] / np.where(
        ok, a_den[r_at], 1.0
    )
    side = turn_side(h.a_out, h.b_in)
    shifts: list[float] = []
    counts: list[int] = []
    for d in (-1, 0, 1):
        k = ok & (side == d)
        counts.append(int(k.sum()))
        shifts.append(
            float(np.median(observed[k] - gap[h.at][k])) if k.sum() >= GAP_MIN_CHANGES else 0.0
        )
    return (shifts[0], shifts[1], shifts[2]), (counts[0], counts[1], counts[2])
