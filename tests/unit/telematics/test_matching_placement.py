"""Heading held while slow and road changes placed from both sides (YD-SCORE-1, ADR 0030)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.matching import (
    arc_factor,
    chain_sigma,
    place_changes,
    road_changes,
    usable_heading,
)
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.speed_limits import build_road_index, hmm_params, match_limits

from .test_matching import _line, _roads, _trip

ROOT = Path(__file__).resolve().parents[3]
TELEMATICS = ROOT / "config" / "products" / "telematics"


def _hmm(params, **kw):
    return dataclasses.replace(hmm_params(params.speed_limits), **kw)


def test_yd_score_1_heading_held_from_the_last_fix_at_speed_within_the_trip(params):
    heading = np.array([90.0, 95.0, 10.0, 20.0, 200.0, 30.0])
    speed = np.array([30.0, 30.0, 0.0, 1.0, 0.0, 30.0])
    new_chain = np.array([True, False, False, False, True, False])
    held = usable_heading(heading, speed, new_chain, _hmm(params, heading_hold=True))
    # slow fixes keep 95 (the trip's last heading at speed); a new trip does not inherit it
    np.testing.assert_array_equal(held, [90.0, 95.0, 95.0, 95.0, np.nan, 30.0])
    dropped = usable_heading(heading, speed, new_chain, _hmm(params, heading_hold=False))
    np.testing.assert_array_equal(dropped, [90.0, 95.0, np.nan, np.nan, np.nan, 30.0])


def test_yd_score_1_a_car_queued_at_a_junction_stays_on_its_road(params):
    """Stopped 4 m short of a junction, fixes scattered towards the cross road and the
    receiver's heading turning at random: the held heading keeps the street."""
    sl = dataclasses.replace(params.speed_limits, hmm_heading_hold=True, hmm_placement="both")
    idx = build_road_index(_roads(), sl)
    rng = np.random.default_rng(5)
    moving = [(300.0 + 10 * i, 0.0) for i in range(10)]
    stopped = [(396.0 + rng.normal(0, 4), rng.normal(0, 4)) for _ in range(20)]
    heading = [90.0] * 10 + list(rng.uniform(0, 360, 20))
    trip = _trip(moving + stopped, heading).with_columns(
        speed_kmh=np.r_[np.full(10, 36.0), np.zeros(20)]
    )
    out = match_limits(trip, idx, along="device_id")
    assert out["road_id"].to_list() == ["street"] * 30


@settings(max_examples=60, deadline=None)
@given(
    speed=st.floats(3.0, 30.0),
    len_a=st.floats(60.0, 300.0),
    gap=st.floats(0.0, 25.0),
    offset=st.floats(0.0, 0.99),
    wrong=st.integers(-2, 2),
)
def test_yd_score_1_without_noise_a_road_change_lands_at_the_new_roads_mouth(
    speed, len_a, gap, offset, wrong
):
    """Exact positions along two roads joined by a junction of ``gap`` metres; the
    matcher's change (``wrong`` fixes early or late) moves to the first fix past the
    mouth of the new road -- the junction belongs to the road left. Positions are
    along each road's line, past its ends too (a projection clipped to the road's end
    is biased by the clipped distance; see ADR 0030)."""
    n = int((len_a + gap) / speed) + 15
    c = (np.arange(n) + offset) * speed  # distance driven from A's mouth
    assume(np.abs(c - (len_a + gap)).min() > 1e-6)  # no fix exactly at the mouth (rounding)
    on_b = c >= len_a + gap
    first_b = int(np.argmax(on_b))
    cut = min(max(first_b + wrong, 1), n - 1)
    road = np.where(np.arange(n) < cut, 0, 1)
    s = np.where(road == 0, c, c - len_a - gap)
    rem = np.where(road == 0, len_a - s, 500.0 - s)
    travel = np.r_[np.nan, np.diff(c)]
    new_chain = np.zeros(n, np.bool_)
    new_chain[0] = True
    sigma = np.full(n, 0.5)
    out = place_changes(road, s, rem, travel, new_chain, np.full(n, gap), sigma, 12, 1.5, 0.1)
    np.testing.assert_array_equal(out, on_b.astype(np.int64))


def test_yd_score_1_placement_from_both_sides_beats_the_entry_alone_under_noise():
    """Many simulated changes under 5 m GPS noise along the road: fixes before and
    after the change both carry the mouth's position, so fewer fixes fall on the
    wrong side than when only the new road's first fixes place it (ADR 0020)."""
    rng = np.random.default_rng(11)
    wrong_both = wrong_entry = 0
    for _ in range(300):
        speed, len_a, gap = rng.uniform(4, 20), rng.uniform(80, 200), rng.uniform(3, 15)
        n = int((len_a + gap) / speed) + 12
        c = (np.arange(n) + rng.uniform()) * speed
        truth = (c >= len_a + gap).astype(np.int64)
        noise = rng.normal(0, 5, n)
        s = np.where(truth == 0, c + noise, c - len_a - gap + noise)
        rem = np.where(truth == 0, len_a - s, 500.0 - s)
        travel = np.r_[np.nan, np.diff(c)]
        new_chain = np.zeros(n, np.bool_)
        new_chain[0] = True
        sigma = chain_sigma(np.abs(rng.normal(0, 5, n)), new_chain)
        both = place_changes(truth, s, rem, travel, new_chain, np.full(n, gap), sigma, 12, 1.5, 0.1)
        entry = road_changes(truth, s, rem, travel, new_chain)
        wrong_both += int((both != truth).sum())
        wrong_entry += int((entry != truth).sum())
    assert wrong_both < wrong_entry


def test_yd_score_3_matching_versions_reproduce_their_own_method():
    """Results scored under 2026-12-10 keep the ADR 0020 placement and no heading
    hold; 2026-12-17 turns both on (ADR 0030)."""
    old = parse_params(tomllib.loads((TELEMATICS / "2026-12-10.toml").read_text()))
    new = parse_params(tomllib.loads((TELEMATICS / "2026-12-17.toml").read_text()))
    assert (old.speed_limits.hmm_placement, old.speed_limits.hmm_heading_hold) == ("entry", False)
    assert (new.speed_limits.hmm_placement, new.speed_limits.hmm_heading_hold) == ("both", True)
    assert new.version == "2026-12-17.1"


def test_yd_score_1_junction_path_is_the_arc_between_the_roads_bearings(params):
    """The road left's fixes place the change through the junction: a turn's path is
    the arc from A's exit bearing to B's entry bearing, (theta/2)/sin(theta/2) x chord."""
    roads = pl.DataFrame(
        {
            "road_id": ["a", "straight", "right", "back"],
            "maxspeed": ["30 mph"] * 4,
            "oneway": ["yes"] * 4,
            "geometry_wkt": [
                _line(0, 0, 100, 0),
                _line(110, 0, 200, 0),
                _line(105, -5, 105, -100),
                _line(100, 10, 0, 10),
            ],
        }
    )
    idx = build_road_index(roads, params.speed_limits)
    g = idx.grid
    ids = idx.roads.sort("road_idx")["road_id"].to_list()
    a = ids.index("a")
    road = np.array([a] + [ids.index(r) for r in ("straight", "right", "back")])
    entry, exit_ = g.road_start[road], g.road_end[road]
    f = arc_factor(g, road, np.full(4, a), entry, exit_[np.zeros(4, np.int64)])  # all from a
    np.testing.assert_allclose(f[1:], [1.0, (np.pi / 4) / np.sin(np.pi / 4), np.pi / 2], rtol=1e-6)
