"""The vectorised NumPy forms of the matcher's candidate search and Viterbi, as they
were before the compiled loops (issue 14): the reference the compiled loops must equal
fix for fix. Test code only."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics.matching import (
    _CELL_ROW,
    _MAX_KEY,
    _ROW_BITS,
    _ROW_MASK,
    M_PER_DEG_LAT,
    MAD_TO_SIGMA,
    Candidates,
    HmmParams,
    MatchGrid,
    _empty_candidates,
    usable_heading,
)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


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
    h = usable_heading(heading, speed_kmh, new_chain, p)[pid]
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
