"""Hidden-Markov map matching of fixes to roads (YD-SCORE-1 speed indicator, YD-SPEED-1/2).

After Newson & Krumm (2009), "Hidden Markov Map Matching Through Noise and
Sparseness" (the model behind Valhalla's Meili, OSRM's matcher and FMM):

* **States**: for each fix, up to ``hmm_candidates`` roads within ``search_radius_m``
  (the best segment of each road), in a driving direction (one-way roads: theirs;
  two-way roads: the one closer to the fix's heading).
* **Emission** cost (negative log-likelihood, up to a constant):
  ``0.5 (d / sigma)^2 + hmm_heading_weight_per_deg x heading disagreement``, d = the
  perpendicular distance. ``sigma`` is ``hmm_sigma_m`` or, when that is 0, estimated
  from the batch as N&K do: 1.4826 x the median distance of each fix to its nearest
  road (the median absolute deviation of a Gaussian), floored at ``hmm_sigma_min_m``.
* **Transition** cost: ``|travelled - route| / hmm_beta_m`` (N&K's exponential), where
  *travelled* is the distance between the fixes (``hmm_travel = "gps"``, N&K's
  great-circle distance) or the mean reported speed x the time step
  (``"speed"``; Doppler speed does not carry the position noise), and *route* is the
  distance along the network between the two candidates: along the road on the same
  road, else the rest of the first road + the straight gap from its exit to the
  entry of the second + the distance into the second. The gap stands in for the
  junction (SUMO/OSM maps list junctions as points or short internal lanes); roads
  that do not meet have a large gap, so it also acts as the connectivity test
  without a routing query.
* **Viterbi** per chain (runs of equal ``along`` value, e.g. a trip), all chains in
  lock-step: chains are sorted by length and laid out time-major, so step t of every
  chain still running is one contiguous slice; the loop is over time steps (the
  longest chain), never over points. Costs are renormalised each step.

Pure NumPy on arrays; no I/O. Candidate search uses the same grid as
:mod:`speed_limits` (the segments listed in a fix's own cell).
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics import _jit

M_PER_DEG_LAT = 111_320.0
_CELL_ROW = 4_000_000  # same cell key as speed_limits
_ROW_BITS = 36
_ROW_MASK = (1 << _ROW_BITS) - 1
_MAX_KEY = np.iinfo(np.int64).max
_EMPTY = 1e9  # emission cost of an empty candidate slot
MAD_TO_SIGMA = 1.4826  # Gaussian sigma = 1.4826 x median absolute deviation

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


#: fixes per part below which the compiled loops run on one thread
PART_MIN_FIXES = 50_000


def _parts(n: int) -> int:
    """How many threads to split ``n`` fixes over (the compiled loops release the GIL)."""
    return max(1, min(os.cpu_count() or 1, n // PART_MIN_FIXES))


def _run_all(jobs: list[Callable[[], None]]) -> None:
    if len(jobs) <= 1:
        for job in jobs:
            job()
        return
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for f in [pool.submit(job) for job in jobs]:
            f.result()


def _in_parts(n: int, job: Callable[[int, int], None]) -> None:
    """Run ``job(lo, hi)`` over ``0:n`` in contiguous parts, one thread each."""
    edges = [int(e) for e in np.linspace(0, n, _parts(n) + 1)]
    _run_all([functools.partial(job, lo, hi) for lo, hi in itertools.pairwise(edges)])


@dataclass(frozen=True)
class MatchGrid:
    """Segments listed per grid cell (CSR by sorted cell key) plus per-road geometry."""

    cell_keys: I64  # sorted unique cell keys
    cell_start: I64  # first segment row of each cell
    cell_count: I64  # segment rows of each cell
    seg: F64  # [rows, 9]: lon0, lat0, kx, dx, dy, len2, s0, bearing, road_idx
    seg_oneway: npt.NDArray[np.bool_]
    road_len: F64  # road length along its geometry, m
    road_rev: npt.NDArray[np.bool_]  # driving direction is against the geometry (oneway=-1)
    road_start: F64  # [roads, 2] lon, lat of the first geometry point
    road_end: F64  # [roads, 2] lon, lat of the last geometry point
    cell_deg_lat: float
    cell_deg_lon: float

    @property
    def seg_cols(self) -> list[F64]:
        """The columns of ``seg`` as contiguous arrays (gathers from them are faster)."""
        cached: list[F64] | None = self.__dict__.get("_cols")
        if cached is None:
            cached = [np.ascontiguousarray(self.seg[:, i]) for i in range(self.seg.shape[1])]
            object.__setattr__(self, "_cols", cached)
        return cached


@dataclass(frozen=True)
class HmmParams:
    search_radius_m: float
    candidates: int
    sigma_m: float  # 0 = estimate per chain (device) from its own fixes
    sigma_min_m: float
    beta_m: float
    heading_weight_per_deg: float
    heading_min_speed_kmh: float
    travel: str  # "speed" | "gps"
    #: below ``heading_min_speed_kmh`` keep the chain's last heading at speed (a car
    #: does not turn while stopped) instead of ignoring the heading (ADR 0030)
    heading_hold: bool = False
    #: where a change of road is placed: "entry" (the new road's first fixes, ADR 0020)
    #: or "both" (weighted fixes on both sides of the change, ADR 0030)
    placement: str = "entry"
    placement_fixes: int = 12  # "both": fixes used on each side of a change
    placement_drift_m: float = 1.5  # "both": speed-integration drift per fix of distance
    placement_junction_frac: float = 0.1  # "both": junction path error / straight gap
    #: "both": fixes on each side of a change whose heading, part way through a turn,
    #: tells how far through the junction the car was (0 = not used, ADR 0036)
    placement_turn_fixes: int = 0
    #: "both": also read the roads beyond the two either side of a change, through a
    #: road of at least this many fixes (0 = not)
    placement_reach_min_fixes: int = 0
    placement_turn_min_deg: float = 30.0  # turns smaller than this are not used
    placement_turn_sd_frac: float = 0.1  # sd of a turn estimate: this x the junction path
    placement_turn_sd_min_m: float = 0.5  # ... plus this, m
    #: calibration of the fleet and map (ADR 0036; :func:`calibrate`): how far each
    #: reported speed leans towards the step ending at its fix (0 = measured at the
    #: fix, the trapezoid; 0.5 = the mean over the step before it) ...
    speed_lean: float = 0.0
    heading_lag_m: float = 0.0  # ... how far the heading lags the position, m ...
    heading_sd_deg: float = 0.0  # ... the heading noise ...
    #: ... and the junction path's error against the arc, by turn: left, straight, right
    junction_shift_m: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Candidates:
    """K candidate slots per fix (road -1 = empty slot)."""

    road: I64  # [n, K]
    cost: F64  # [n, K] emission cost
    s: F64  # [n, K] distance from the road's entry in the driving direction, m
    rem: F64  # [n, K] distance left to the road's exit, m
    entry: F64  # [n, K, 2] lon, lat of the entry point
    exit: F64  # [n, K, 2] lon, lat of the exit point
    dist: F64  # [n, K] perpendicular distance, m
    sigma_m: float


def _empty_candidates(n: int, k: int, sigma: float) -> Candidates:
    return Candidates(
        road=np.full((n, k), -1, np.int64),
        cost=np.full((n, k), _EMPTY),
        s=np.zeros((n, k)),
        rem=np.zeros((n, k)),
        entry=np.zeros((n, k, 2)),
        exit=np.zeros((n, k, 2)),
        dist=np.full((n, k), np.inf),
        sigma_m=sigma,
    )


def find_candidates(
    grid: MatchGrid,
    lat: F64,
    lon: F64,
    speed_kmh: F64,
    heading: F64,
    p: HmmParams,
    new_chain: npt.NDArray[np.bool_] | None = None,
) -> Candidates:
    """Up to ``p.candidates`` roads per fix, best emission first (compiled loop, :mod:`_jit`).

    An estimated sigma is estimated per chain (``new_chain`` marks where each device's
    fixes start), so a device's result never depends on which other devices share its
    batch — the local and the Spark engines must agree fix for fix.
    """
    n = lat.shape[0]
    k = max(1, p.candidates)
    if grid.cell_keys.shape[0] == 0 or n == 0:
        return _empty_candidates(n, k, max(p.sigma_m, p.sigma_min_m))
    key = np.floor(lat / grid.cell_deg_lat).astype(np.int64) * _CELL_ROW + np.floor(
        lon / grid.cell_deg_lon
    ).astype(np.int64)
    pos = np.searchsorted(grid.cell_keys, key).clip(0, grid.cell_keys.shape[0] - 1)
    hit = grid.cell_keys[pos] == key
    col = grid.seg_cols
    r2 = float(p.search_radius_m**2)
    cells = (pos, hit, grid.cell_start, grid.cell_count)
    geom = (col[0], col[1], col[2], col[3], col[4], col[5])
    if p.sigma_m > 0:
        sigma = p.sigma_m
        sigma_fix = np.full(n, p.sigma_m)
        if not hit.any():
            return _empty_candidates(n, k, max(p.sigma_m, p.sigma_min_m))
    else:
        nearest = np.full(n, np.inf)
        _in_parts(
            n, lambda lo, hi: _jit.nearest_distance(*cells, *geom, lat, lon, r2, nearest, lo, hi)
        )
        has = np.flatnonzero(np.isfinite(nearest))
        if has.shape[0] == 0:
            return _empty_candidates(n, k, max(p.sigma_m, p.sigma_min_m))
        chain_all = np.zeros(n, np.int64) if new_chain is None else np.cumsum(new_chain) - 1
        chain_of = chain_all[has]
        per_chain = _jit.median_by_run(chain_of, nearest[has], int(chain_of[-1]) + 1)
        sigma_chain = np.maximum(p.sigma_min_m, MAD_TO_SIGMA * per_chain)
        sigma = float(np.median(sigma_chain[np.unique(chain_of)]))
        sigma_fix = np.full(n, sigma)
        sigma_fix[has] = sigma_chain[chain_of]
    h = usable_heading(heading, speed_kmh, new_chain, p)
    out = _empty_candidates(n, k, sigma)
    fixed = (
        *cells,
        *geom,
        col[6],
        col[7],
        col[8],
        grid.seg_oneway,
        grid.road_len,
        grid.road_rev,
        np.ascontiguousarray(grid.road_start),
        np.ascontiguousarray(grid.road_end),
        lat,
        lon,
        h,
        sigma_fix,
        float(p.heading_weight_per_deg),
        r2,
        out.road,
        out.cost,
        out.s,
        out.rem,
        out.entry,
        out.exit,
        out.dist,
    )
    _in_parts(n, lambda lo, hi: _jit.top_candidates(*fixed, lo, hi))
    return out


def usable_heading(
    heading: F64, speed_kmh: F64, new_chain: npt.NDArray[np.bool_] | None, p: HmmParams
) -> F64:
    """The heading each fix's emission uses (NaN = none).

    Below ``heading_min_speed_kmh`` the GPS heading is unreliable and is dropped; with
    ``heading_hold`` the chain's last heading at speed is kept instead (ADR 0030): a car
    cannot turn without moving, so a car queued at a junction still faces along its
    road, which tells the road it waits on from the cross street.
    """
    h = np.where(speed_kmh >= p.heading_min_speed_kmh, heading, np.nan)
    if not p.heading_hold or h.shape[0] == 0:
        return h
    rows = np.arange(h.shape[0])
    starts = np.zeros(h.shape[0], np.bool_) if new_chain is None else new_chain.copy()
    starts[0] = True
    first = np.maximum.accumulate(np.where(starts, rows, 0))  # the chain's first fix
    last = np.maximum.accumulate(np.where(np.isnan(h), -1, rows))  # last fix with a heading
    return np.where(last >= first, h[np.maximum(last, 0)], np.nan)


def travelled_m(
    lat: F64, lon: F64, speed_kmh: F64, ts_s: F64, new_chain: npt.NDArray[np.bool_], how: str
) -> F64:
    """Distance travelled since the previous fix of the chain (NaN at a chain start)."""
    prev = np.r_[0, np.arange(lat.shape[0] - 1)]
    if how == "gps":
        kx = M_PER_DEG_LAT * np.cos(np.radians(lat))
        dist = np.hypot((lon - lon[prev]) * kx, (lat - lat[prev]) * M_PER_DEG_LAT)
    else:
        dist = (speed_kmh + speed_kmh[prev]) / 7.2 * (ts_s - ts_s[prev])
    return np.where(new_chain, np.nan, dist)


def viterbi(
    cand: Candidates, travel: F64, new_chain: npt.NDArray[np.bool_], lat: F64, beta_m: float
) -> I64:
    """Most likely candidate slot per fix; chains start where ``new_chain`` is true."""
    n = cand.road.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(new_chain).astype(np.int64)
    if starts.shape[0] == 0 or starts[0] != 0:
        starts = np.r_[np.int64(0), starts]
    kx = M_PER_DEG_LAT * np.cos(np.radians(lat))
    trav = np.nan_to_num(travel, nan=0.0)
    out = np.zeros(n, np.int64)
    fixed = (cand.road, cand.cost, cand.s, cand.rem, cand.entry, cand.exit, kx, trav, starts)
    # parts by chain: cut the rows into equal parts, then move each cut to a chain start
    cuts = np.searchsorted(starts, np.linspace(0, n, _parts(n) + 1)[1:-1])
    bounds = [0, *sorted({int(c) for c in cuts}), starts.shape[0]]
    _run_all(
        [
            functools.partial(_jit.viterbi_chains, *fixed, beta_m, out, c0, c1)
            for c0, c1 in itertools.pairwise(bounds)
            if c1 > c0
        ]
    )
    return out


@dataclass(frozen=True)
class _Matched:
    """The Viterbi stage's result, before the changes of road are placed."""

    road: I64
    dist: F64
    s: F64
    rem: F64
    along: F64  # distance driven since the previous fix, from the reported speeds
    entry: F64  # [n, 2] the matched road's entry point
    exit: F64  # [n, 2] the matched road's exit point


def _viterbi_stage(
    grid: MatchGrid,
    lat: F64,
    lon: F64,
    speed_kmh: F64,
    heading: F64,
    ts_s: F64,
    new_chain: npt.NDArray[np.bool_],
    p: HmmParams,
) -> _Matched:
    cand = find_candidates(grid, lat, lon, speed_kmh, heading, p, new_chain)
    travel = travelled_m(lat, lon, speed_kmh, ts_s, new_chain, p.travel)
    slot = viterbi(cand, travel, new_chain, lat, p.beta_m)
    rows = np.arange(lat.shape[0])
    if p.travel == "speed":
        along = travel
    else:
        along = travelled_m(lat, lon, speed_kmh, ts_s, new_chain, "speed")
    return _Matched(
        road=cand.road[rows, slot],
        dist=cand.dist[rows, slot],
        s=cand.s[rows, slot],
        rem=cand.rem[rows, slot],
        along=along,
        entry=cand.entry[rows, slot],
        exit=cand.exit[rows, slot],
    )


def _junctions(grid: MatchGrid, m: _Matched, lat: F64) -> tuple[I64, F64, F64, F64]:
    """The fixes where the road changes, the junction path before each (per fix, 0
    elsewhere: the straight gap lengthened to the arc), and the bearings at which
    the road left is left and the new road entered (per change)."""
    road = m.road
    at = np.flatnonzero(np.r_[False, road[1:] != road[:-1]])
    entry, exit_ = m.entry[at], m.exit[at - 1]
    kx = M_PER_DEG_LAT * np.cos(np.radians(lat[at]))
    gap = np.zeros(lat.shape[0])
    gap[at] = np.hypot(
        (entry[:, 0] - exit_[:, 0]) * kx, (entry[:, 1] - exit_[:, 1]) * M_PER_DEG_LAT
    ) * arc_factor(grid, road[at], road[at - 1], entry, exit_)
    a_out, b_in = junction_bearings(grid, road[at], road[at - 1], entry, exit_)
    return at, gap, a_out, b_in


def match_roads(
    grid: MatchGrid,
    lat: F64,
    lon: F64,
    speed_kmh: F64,
    heading: F64,
    ts_s: F64,
    new_chain: npt.NDArray[np.bool_],
    p: HmmParams,
) -> tuple[I64, F64]:
    """Road index whose limit applies at each fix (-1 = no road within the radius) and
    the distance to the matched road (m).

    The Viterbi path says which roads were driven and in which order; *where* the car
    passed from one road to the next is then placed with the reported speeds, not the
    noisy positions (:func:`road_changes`, :func:`place_changes`). Every fix's result
    depends only on its own chain and the parameters (with their calibration), never
    on the other devices in the call.
    """
    m = _viterbi_stage(grid, lat, lon, speed_kmh, heading, ts_s, new_chain, p)
    road, dist, s, rem = m.road, m.dist, m.s, m.rem
    along = m.along
    if p.speed_lean:
        along = along + p.speed_lean * speed_step_change(speed_kmh, ts_s, new_chain)
    if p.placement == "both":
        at, gap, a_out, b_in = _junctions(grid, m, lat)
        sigma = chain_sigma(dist, new_chain)
        turn: TurnHints | None = None
        if p.placement_turn_fixes > 0 or any(p.junction_shift_m):
            turn = TurnHints(
                at=at,
                a_out=a_out,
                b_in=b_in,
                heading=np.where(speed_kmh >= p.heading_min_speed_kmh, heading, np.nan),
                heading_sd_deg=p.heading_sd_deg,
                heading_lag_m=p.heading_lag_m,
                junction_shift_m=p.junction_shift_m,
                fixes=p.placement_turn_fixes,
                min_turn_deg=p.placement_turn_min_deg,
                sd_frac=p.placement_turn_sd_frac,
                sd_min_m=p.placement_turn_sd_min_m,
            )
        road = place_changes(
            road,
            s,
            rem,
            along,
            new_chain,
            gap,
            sigma,
            p.placement_fixes,
            p.placement_drift_m,
            p.placement_junction_frac,
            turn,
            p.placement_reach_min_fixes,
        )
    else:
        road = road_changes(road, s, rem, along, new_chain)
    return road, dist


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


def speed_step_change(speed_kmh: F64, ts_s: F64, new_chain: npt.NDArray[np.bool_]) -> F64:
    """Per fix, ``dt x (v - v_prev)`` in metres (0 at a chain start): what one step's
    distance gains when the fix's own speed weighs ``0.5 + lean`` instead of a half."""
    prev = np.r_[0, np.arange(speed_kmh.shape[0] - 1)]
    d = (speed_kmh - speed_kmh[prev]) / 3.6 * (ts_s - ts_s[prev])
    return np.where(new_chain, 0.0, np.nan_to_num(d, nan=0.0))


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
    n = road.shape[0]
    rows = np.arange(n)
    chain = np.cumsum(new_chain) - 1  # new_chain[0] is true (as for road_changes)
    c = np.cumsum(np.nan_to_num(travel, nan=0.0))
    c = c - c[np.flatnonzero(new_chain)][chain]
    run_start = new_chain | np.r_[True, road[1:] != road[:-1]]
    run = np.cumsum(run_start) - 1
    starts = np.flatnonzero(run_start)
    n_runs = starts.shape[0]
    ends = np.r_[starts[1:], n]
    run_road = road[starts]
    # a change into run r (r >= 1): same chain, both roads known
    change = np.zeros(n_runs, np.bool_)
    change[1:] = ~new_chain[starts[1:]] & (run_road[1:] >= 0) & (run_road[:-1] >= 0)
    sig2 = sigma * sigma
    j_in = rows - starts[run]  # fixes since the run's first
    j_out = ends[run] - 1 - rows  # fixes before the run's last
    if turn is not None:
        gap = shifted_gap(gap, turn)
    # fixes of the new road (run r) estimate change r
    b = j_in < fixes
    wb = 1.0 / (sig2[b] + (drift_m * j_in[b]) ** 2)
    num = np.bincount(run[b], wb * (c[b] - s[b]), minlength=n_runs)
    den = np.bincount(run[b], wb, minlength=n_runs)
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
