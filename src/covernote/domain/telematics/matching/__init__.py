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

The package: :mod:`.search` (grid, candidates, Viterbi), :mod:`.junctions` (bearings,
arc, turn readings), :mod:`.placement` (where each change of road happened) and
:mod:`.match` (the two end to end). Code that swaps the search for another form (the
bench's NumPy reference) patches :mod:`.search`, which :mod:`.match` reads through.
"""

from covernote.domain.telematics.matching.junctions import (
    STRAIGHT_DEG,
    TURN_PART,
    TurnHints,
    _turn_readings,
    arc_factor,
    end_bearings,
    junction_bearings,
    shifted_gap,
    turn_estimates,
    turn_side,
)
from covernote.domain.telematics.matching.match import (
    _junctions,
    _Matched,
    _viterbi_stage,
    match_roads,
)
from covernote.domain.telematics.matching.placement import (
    ENTRY_EPS_M,
    ENTRY_FIXES,
    PLACE_SIGMA_MIN_M,
    Runs,
    _mouths,
    chain_sigma,
    place_changes,
    road_changes,
    runs_of,
    speed_step_change,
)
from covernote.domain.telematics.matching.search import (
    _CELL_ROW,
    _EMPTY,
    _MAX_KEY,
    _ROW_BITS,
    _ROW_MASK,
    F64,
    I64,
    M_PER_DEG_LAT,
    MAD_TO_SIGMA,
    PART_MIN_FIXES,
    Candidates,
    HmmParams,
    MatchGrid,
    _empty_candidates,
    find_candidates,
    travelled_m,
    usable_heading,
    viterbi,
)

__all__ = [
    "ENTRY_EPS_M",
    "ENTRY_FIXES",
    "F64",
    "I64",
    "MAD_TO_SIGMA",
    "M_PER_DEG_LAT",
    "PART_MIN_FIXES",
    "PLACE_SIGMA_MIN_M",
    "STRAIGHT_DEG",
    "TURN_PART",
    "_CELL_ROW",
    "_EMPTY",
    "_MAX_KEY",
    "_ROW_BITS",
    "_ROW_MASK",
    "Candidates",
    "HmmParams",
    "MatchGrid",
    "Runs",
    "TurnHints",
    "_Matched",
    "_empty_candidates",
    "_junctions",
    "_mouths",
    "_turn_readings",
    "_viterbi_stage",
    "arc_factor",
    "chain_sigma",
    "end_bearings",
    "find_candidates",
    "junction_bearings",
    "match_roads",
    "place_changes",
    "road_changes",
    "runs_of",
    "shifted_gap",
    "speed_step_change",
    "travelled_m",
    "turn_estimates",
    "turn_side",
    "usable_heading",
    "viterbi",
]
