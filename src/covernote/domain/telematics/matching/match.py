"""The matcher end to end (YD-SCORE-1): Viterbi over the candidate roads, then each
change of road placed (:mod:`placement`) with the calibration in the parameters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from covernote.domain.telematics.matching import search
from covernote.domain.telematics.matching.junctions import (
    TurnHints,
    arc_factor,
    junction_bearings,
)
from covernote.domain.telematics.matching.placement import (
    chain_sigma,
    place_changes,
    road_changes,
    speed_step_change,
)
from covernote.domain.telematics.matching.search import (
    F64,
    I64,
    M_PER_DEG_LAT,
    HmmParams,
    MatchGrid,
    travelled_m,
)


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
    cand = search.find_candidates(grid, lat, lon, speed_kmh, heading, p, new_chain)
    travel = travelled_m(lat, lon, speed_kmh, ts_s, new_chain, p.travel)
    slot = search.viterbi(cand, travel, new_chain, lat, p.beta_m)
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
