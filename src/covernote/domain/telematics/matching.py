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

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

M_PER_DEG_LAT = 111_320.0
_CELL_ROW = 4_000_000  # same cell key as speed_limits
_ROW_BITS = 36
_ROW_MASK = (1 << _ROW_BITS) - 1
_MAX_KEY = np.iinfo(np.int64).max
_EMPTY = 1e9  # emission cost of an empty candidate slot
MAD_TO_SIGMA = 1.4826  # Gaussian sigma = 1.4826 x median absolute deviation

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


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
    """Up to ``p.candidates`` roads per fix, best emission first (vectorised).

    An estimated sigma is estimated per chain (``new_chain`` marks where each device's
    fixes start), so a device's result never depends on which other devices share its
    batch — the local and the Spark engines must agree fix for fix.
    """
    n = lat.shape[0]
    k = max(1, p.candidates)
    key = np.floor(lat / grid.cell_deg_lat).astype(np.int64) * _CELL_ROW + np.floor(
        lon / grid.cell_deg_lon
    ).astype(np.int64)
    if grid.cell_keys.shape[0] == 0 or n == 0:
        return _empty_candidates(n, k, max(p.sigma_m, p.sigma_min_m))
    pos = np.searchsorted(grid.cell_keys, key).clip(0, grid.cell_keys.shape[0] - 1)
    hit = grid.cell_keys[pos] == key
    cnt = np.where(hit, grid.cell_count[pos], 0)
    total = int(cnt.sum())
    pid = np.repeat(np.arange(n, dtype=np.int64), cnt)
    first = np.cumsum(cnt) - cnt
    row = np.arange(total, dtype=np.int64) + np.repeat(grid.cell_start[pos] - first, cnt)
    col = grid.seg_cols
    ax = (col[0][row] - lon[pid]) * col[2][row]
    ay = (col[1][row] - lat[pid]) * M_PER_DEG_LAT
    dx, dy, len2 = col[3][row], col[4][row], col[5][row]
    t = np.clip(-(ax * dx + ay * dy) / len2, 0.0, 1.0)
    ax += t * dx
    ay += t * dy
    d2 = ax * ax + ay * ay
    keep = np.flatnonzero(d2 <= p.search_radius_m**2)
    if keep.shape[0] == 0:
        return _empty_candidates(n, k, max(p.sigma_m, p.sigma_min_m))
    pid, t, row = pid[keep], t[keep], row[keep]
    d = np.sqrt(d2[keep])
    seglen = np.sqrt(len2[keep])
    road = col[8][row].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]])
    sizes = np.diff(np.r_[starts, pid.shape[0]])
    gpid = pid[starts]
    if p.sigma_m > 0:
        sigma_fix = np.full(pid.shape[0], p.sigma_m)
        sigma = p.sigma_m
    else:
        nearest = np.minimum.reduceat(d, starts)
        chain_of = (np.zeros(n, np.int64) if new_chain is None else np.cumsum(new_chain) - 1)[gpid]
        per_chain = _median_by(chain_of, nearest)
        sigma_chain = np.maximum(p.sigma_min_m, MAD_TO_SIGMA * per_chain)
        sigma_fix = np.repeat(sigma_chain[chain_of], sizes)
        sigma = float(np.median(sigma_chain[np.unique(chain_of)]))
    # heading disagreement (degrees); two-way roads take the closer direction
    h = np.where(speed_kmh >= p.heading_min_speed_kmh, heading, np.nan)[pid]
    diff = np.abs((h - col[7][row] + 540.0) % 360.0 - 180.0)
    against = ~grid.seg_oneway[row] & (diff > 90.0)
    diff = np.where(against, 180.0 - diff, diff)
    cost = (0.5 / sigma_fix**2) * d * d + p.heading_weight_per_deg * np.nan_to_num(diff, nan=0.0)
    s_geom = col[6][row] + t * seglen
    flip = grid.road_rev[road] ^ against
    length = grid.road_len[road]
    s = np.where(flip, length - s_geom, s_geom)
    q = np.minimum(cost * 1000.0, float(1 << 26)).astype(np.int64)
    keys = (q << _ROW_BITS) | np.arange(pid.shape[0], dtype=np.int64)
    out = _empty_candidates(n, k, sigma)
    for slot in range(k):
        m = np.minimum.reduceat(keys, starts)
        valid = m != _MAX_KEY
        if not valid.any():
            break
        at = (m & _ROW_MASK)[valid]
        who = gpid[valid]
        out.road[who, slot] = road[at]
        out.cost[who, slot] = cost[at]
        out.s[who, slot] = s[at]
        out.rem[who, slot] = length[at] - s[at]
        fl = flip[at][:, None]
        gs, ge = grid.road_start[road[at]], grid.road_end[road[at]]
        out.entry[who, slot] = np.where(fl, ge, gs)
        out.exit[who, slot] = np.where(fl, gs, ge)
        out.dist[who, slot] = d[at]
        chosen = np.full(starts.shape[0], -2, np.int64)
        chosen[valid] = road[at]
        keys[road == np.repeat(chosen, sizes)] = _MAX_KEY
    return out


def _median_by(group: I64, value: F64) -> F64:
    """Median of ``value`` per ``group`` id (indexed by group id; vectorised)."""
    size = int(group.max()) + 1 if group.shape[0] else 0
    order = np.lexsort((value, group))
    g, v = group[order], value[order]
    count = np.bincount(g, minlength=size)
    first = np.cumsum(count) - count
    lo = first + (count - 1) // 2
    hi = first + count // 2
    out = np.full(size, np.nan)
    has = count > 0
    out[has] = 0.5 * (v[lo[has]] + v[hi[has]])
    return out


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
    n, k = cand.road.shape
    if n == 0:
        return np.zeros(0, np.int64)
    chain = np.cumsum(new_chain) - 1
    starts = np.flatnonzero(new_chain)
    lens = np.diff(np.r_[starts, n])
    order = np.argsort(-lens, kind="stable")  # rank -> chain
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    step = np.arange(n) - starts[chain]
    maxlen = int(lens.max())
    # chains still running at step t (length > t)
    active = order.shape[0] - np.cumsum(np.bincount(lens, minlength=maxlen + 1))[:maxlen]
    offset = np.r_[0, np.cumsum(active)]
    tm_pos = offset[step] + rank[chain]
    src = np.empty(n, np.int64)
    src[tm_pos] = np.arange(n)  # time-major position -> original row
    road, em = cand.road[src], cand.cost[src]
    s, rem = cand.s[src], cand.rem[src]
    entry, exit_ = cand.entry[src], cand.exit[src]
    kx = (M_PER_DEG_LAT * np.cos(np.radians(lat)))[src]
    trav = np.nan_to_num(travel[src], nan=0.0)
    empty = road < 0
    bp = np.zeros((n, k), np.int8)
    last = np.zeros(n, np.int64)  # chosen slot per time-major row
    final = np.zeros(n, np.int64)  # argmin at each chain's last fix
    score = em[offset[0] : offset[0] + active[0]].copy()
    score -= score.min(axis=1, keepdims=True)
    for t in range(1, maxlen):
        a = int(active[t])
        cur = slice(int(offset[t]), int(offset[t]) + a)
        prv = slice(int(offset[t - 1]), int(offset[t - 1]) + a)
        ended = slice(int(offset[t - 1]) + a, int(offset[t]))
        final[ended] = np.argmin(score[a:], axis=1)
        same = road[prv][:, :, None] == road[cur][:, None, :]
        along = np.abs(s[cur][:, None, :] - s[prv][:, :, None])
        gx = (entry[cur][:, None, :, 0] - exit_[prv][:, :, None, 0]) * kx[cur][:, None, None]
        gy = (entry[cur][:, None, :, 1] - exit_[prv][:, :, None, 1]) * M_PER_DEG_LAT
        via = rem[prv][:, :, None] + np.sqrt(gx * gx + gy * gy) + s[cur][:, None, :]
        route = np.where(same, along, via)
        tc = np.abs(trav[cur][:, None, None] - route) / beta_m
        tc[empty[prv][:, :, None] | empty[cur][:, None, :]] = 0.0
        tot = score[:a, :, None] + tc
        arg = np.argmin(tot, axis=1)
        bp[cur] = arg
        score = np.take_along_axis(tot, arg[:, None, :], axis=1)[:, 0, :] + em[cur]
        score -= score.min(axis=1, keepdims=True)
    tail = slice(int(offset[maxlen - 1]), int(offset[maxlen - 1]) + int(active[maxlen - 1]))
    final[tail] = np.argmin(score, axis=1)
    st = final[tail]
    last[tail] = st
    for t in range(maxlen - 2, -1, -1):
        a_next = int(active[t + 1])
        cur = slice(int(offset[t]), int(offset[t]) + int(active[t]))
        nxt = int(offset[t + 1])
        prev_st = bp[nxt : nxt + a_next][np.arange(a_next), st].astype(np.int64)
        st = np.r_[prev_st, final[cur][a_next:]]
        last[cur] = st
    out = np.empty(n, np.int64)
    out[src] = last
    return out


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
    noisy positions (:func:`road_changes`).
    """
    cand = find_candidates(grid, lat, lon, speed_kmh, heading, p, new_chain)
    travel = travelled_m(lat, lon, speed_kmh, ts_s, new_chain, p.travel)
    slot = viterbi(cand, travel, new_chain, lat, p.beta_m)
    rows = np.arange(lat.shape[0])
    road, dist = cand.road[rows, slot], cand.dist[rows, slot]
    if p.travel == "speed":
        along = travel
    else:
        along = travelled_m(lat, lon, speed_kmh, ts_s, new_chain, "speed")
    road = road_changes(road, cand.s[rows, slot], cand.rem[rows, slot], along, new_chain)
    return road, dist


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
