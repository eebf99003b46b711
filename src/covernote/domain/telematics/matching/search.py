"""Candidate roads and the Viterbi path (YD-SCORE-1): the grid, the emission and
transition model and the compiled loops that search and decode (ADR 0020, 0029)."""

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
