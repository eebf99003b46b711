"""The timing of reported speeds and the heading through a turn (YD-SCORE-1, ADR 0036)."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.calibration import heading_noise_deg, speed_lean
from covernote.domain.telematics.matching import TurnHints, place_changes, travelled_m
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.speed_limits import (
    build_road_index,
    calibrate_matching,
    match_limits,
)

from .conftest import M_PER_DEG
from .test_matching import KX, LAT0, LON0, _line

ROOT = Path(__file__).resolve().parents[3]
TELEMATICS = ROOT / "config" / "products" / "telematics"


def _drive(rule: str, n_runs: int, noise_m: float, seed: int):
    """One chain over ``n_runs`` roads of 150-400 m driven with speeds that rise and
    fall; positions integrated by ``rule``: "euler" (a step covers the speed reported
    at its end), "trapezoid" (the mean of both ends) or "ahead" (the speed reported at
    its start). Returns what :func:`speed_lean` reads."""
    rng = np.random.default_rng(seed)
    lengths = rng.uniform(150, 400, n_runs)
    ends = np.cumsum(lengths)
    t = np.arange(int(ends[-1] / 4))
    v = 8.0 + 6.0 * np.sin(t / 9.0) + rng.normal(0, 0.5, t.shape[0]).cumsum() * 0.05
    v = np.clip(v, 0.5, 20.0)
    step = {"euler": v, "trapezoid": (v + np.r_[v[0], v[:-1]]) / 2, "ahead": np.r_[v[0], v[:-1]]}
    p = np.cumsum(np.r_[0.0, step[rule][1:]])
    keep = p < ends[-1] - 1
    p, v, t = p[keep], v[keep], t[keep]
    road = np.searchsorted(ends, p, side="right")
    start = np.r_[0.0, ends[:-1]][road]
    s_true = p - start
    s = np.clip(s_true + rng.normal(0, noise_m, p.shape[0]), 0.0, lengths[road])
    rem = lengths[road] - s
    dist = np.abs(rng.normal(0, max(noise_m, 0.5), p.shape[0]))
    new_chain = np.zeros(p.shape[0], np.bool_)
    new_chain[0] = True
    lat = np.zeros(p.shape[0])
    travel = travelled_m(lat, lat, v * 3.6, t.astype(np.float64), new_chain, "speed")
    return road, s, rem, dist, travel, v * 3.6, t.astype(np.float64), new_chain


def test_yd_score_1_speed_timing_is_estimated_from_the_batchs_own_fixes():
    """Speeds averaged over the second before the fix (SUMO's Euler steps) lean 0.5,
    speeds measured at the fix (trapezoid) 0, speeds of the step ahead -0.5 -- read
    from the fixes' offsets along their roads, under 5 m of GPS noise too."""
    for rule, want in (("euler", 0.5), ("trapezoid", 0.0), ("ahead", -0.5)):
        for noise in (0.0, 5.0):
            got = speed_lean(*_drive(rule, 40, noise, seed=3))
            assert abs(got - want) < 0.06, (rule, noise, got)


def test_yd_score_1_too_little_driving_keeps_the_midpoint_rule():
    road, s, rem, dist, travel, spd, ts, new_chain = _drive("euler", 1, 5.0, seed=4)
    k = 12
    assert (
        speed_lean(road[:k], s[:k], rem[:k], dist[:k], travel[:k], spd[:k], ts[:k], new_chain[:k])
        == 0.0
    )


def test_yd_score_1_heading_noise_is_read_from_driving_along_one_road():
    rng = np.random.default_rng(9)
    n = 4000
    road = np.repeat(np.arange(40), n // 40)
    bearing = rng.uniform(0, 360, 40)[road]
    new_chain = np.zeros(n, np.bool_)
    new_chain[0] = True
    at = np.flatnonzero(np.r_[False, road[1:] != road[:-1]])
    assert heading_noise_deg(bearing, road, new_chain, at) < 1e-9
    noisy = (bearing + rng.normal(0, 3.0, n)) % 360.0
    assert 2.6 < heading_noise_deg(noisy, road, new_chain, at) < 3.4


# --- a left turn through an unmapped junction --------------------------------------
# Road "a" runs east to x = 100; the junction is a quarter circle of radius 10 m
# centred at (100, 10); road "b" runs north from (110, 10). The junction belongs to
# the road left (a, 30 mph); b is 60 mph.
ARC = np.pi * 10.0 / 2.0


def _where(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and the driving bearing (degrees) at distance ``p`` along the path."""
    on_arc = (p > 100.0) & (p < 100.0 + ARC)
    ang = np.clip((p - 100.0) / 10.0, 0.0, np.pi / 2)  # turned so far, radians
    x = np.where(p <= 100.0, p, np.where(on_arc, 100.0 + 10.0 * np.sin(ang), 110.0))
    y = np.where(
        p <= 100.0, 0.0, np.where(on_arc, 10.0 - 10.0 * np.cos(ang), p - 100.0 - ARC + 10.0)
    )
    return x, y, 90.0 - np.degrees(ang)


def _turns(
    n_cars: int, noise_m: float, heading_lag_m: float, seed: int
) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    frames, truth = [], []
    for car in range(n_cars):
        p, v, ps, vs = rng.uniform(0, 10), 12.0, [], []
        while p < 260.0:
            v = min(13.0, 4.0 + 0.09 * abs(p - 108.0))  # slows for the turn
            p += v  # Euler step: the step covers the speed reported at its end
            ps.append(p)
            vs.append(v)
        pa, va = np.array(ps), np.array(vs)
        x, y, _ = _where(pa)
        _, _, h = _where(pa - heading_lag_m)
        x, y = x + rng.normal(0, noise_m, x.shape[0]), y + rng.normal(0, noise_m, x.shape[0])
        frames.append(
            pl.DataFrame(
                {
                    "device_id": [f"car{car:03d}"] * pa.shape[0],
                    "ts": [t0 + timedelta(seconds=i) for i in range(pa.shape[0])],
                    "lat": LAT0 + y / M_PER_DEG,
                    "lon": LON0 + x / KX,
                    "speed_kmh": va * 3.6,
                    "heading_deg": h % 360.0,
                }
            )
        )
        truth.append(np.where(pa < 100.0 + ARC, 48.3, 96.6))
    df = pl.concat(frames).with_columns(pl.col("ts").dt.cast_time_unit("us"))
    return df, np.concatenate(truth)


def _junction_roads() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "road_id": ["a", "b"],
            "maxspeed": ["30 mph", "60 mph"],
            "oneway": ["yes", "yes"],
            "geometry_wkt": [_line(0, 0, 100, 0), _line(110, 10, 110, 300)],
        }
    )


def _wrong(df: pl.DataFrame, truth: np.ndarray, sl) -> int:
    got = match_limits(df, build_road_index(_junction_roads(), sl), along="device_id")
    return int((np.abs(got["speed_limit_kmh"].to_numpy() - truth) > 0.5).sum())


def _calibrated(sl, sample: pl.DataFrame, roads: pl.DataFrame | None = None):
    """``sl`` with the calibration read from ``sample`` (turn hints off without a lag)."""
    cal = calibrate_matching(
        sample, build_road_index(_junction_roads() if roads is None else roads, sl)
    )
    return cal, cal.applied_to(sl)


def test_yd_score_1_calibration_reads_the_fleets_speed_timing_and_heading_lag(params):
    """60 cars calibrate: their speeds are Euler steps (lean 0.5) and their heading lags
    2.5 m behind the position; the calibration finds both (ADR 0036)."""
    sample, _ = _turns(60, 5.0, 2.5, seed=20)
    cal, _ = _calibrated(params.speed_limits, sample)
    assert abs(cal.speed_lean - 0.5) < 0.05
    assert cal.heading_lag_m is not None and abs(cal.heading_lag_m - 2.5) < 0.6
    assert cal.heading_sd_deg < 1.0
    assert cal.changes[0] >= 20 and cal.turns >= 20  # all the changes are left turns


def test_yd_score_1_the_heading_through_a_turn_places_the_change_of_limit(params):
    """120 other cars turn left under 5 m of GPS noise: with the calibration, reading how
    far through the turn each heading is puts fewer fixes on the wrong side of the new
    road's mouth than the positions alone; and from the positions alone, the calibrated
    speed timing puts fewer there than the trapezoid."""
    sample, _ = _turns(60, 5.0, 2.5, seed=20)
    _, sl = _calibrated(params.speed_limits, sample)
    df, truth = _turns(120, 5.0, 2.5, seed=21)
    both = _wrong(df, truth, sl)
    no_turns = _wrong(df, truth, dataclasses.replace(sl, hmm_placement_turn_fixes=0))
    midpoint = _wrong(
        df, truth, dataclasses.replace(sl, hmm_placement_turn_fixes=0, hmm_speed_lean=0.0)
    )
    assert both < no_turns < midpoint


def test_yd_score_1_a_noisy_heading_costs_the_turn_hints_little(params):
    """With 10 degrees of heading noise (which the calibration reads from the straight
    driving) the turn hints weigh less and never do much worse than leaving them out."""
    rng = np.random.default_rng(23)

    def blur(df: pl.DataFrame) -> pl.DataFrame:
        noise = pl.Series(rng.normal(0, 10.0, df.height))
        return df.with_columns(heading_deg=(pl.col("heading_deg") + noise) % 360.0)

    sample, _ = _turns(60, 5.0, 2.5, seed=20)
    cal, sl = _calibrated(params.speed_limits, blur(sample))
    assert 7.0 < cal.heading_sd_deg < 13.0
    df, truth = _turns(120, 5.0, 2.5, seed=22)
    df = blur(df)
    with_hints = _wrong(df, truth, sl)
    without = _wrong(df, truth, dataclasses.replace(sl, hmm_placement_turn_fixes=0))
    assert with_hints <= without * 1.1 + 2


def test_yd_score_1_calibration_reads_a_junction_path_shorter_than_the_arc(params):
    """The map draws road a 5 m into the junction (as a centre line drawn to the
    junction's middle would): the path from a's drawn end to b's mouth is 10.7 m while
    the arc between them is 12.4 m; the calibration reads the difference for left
    turns and nothing for the directions it never saw."""
    roads = _junction_roads().with_columns(
        geometry_wkt=pl.Series([_line(0, 0, 105, 0), _line(110, 10, 110, 300)])
    )
    sample, _ = _turns(80, 2.0, 2.5, seed=24)
    cal, _ = _calibrated(params.speed_limits, sample, roads)
    true_path = (100.0 + ARC) - 105.0
    chord = np.hypot(5.0, 10.0)
    arc = chord * (np.pi / 4) / np.sin(np.pi / 4)
    assert abs(cal.junction_shift_m[0] - (true_path - arc)) < 0.5
    assert cal.junction_shift_m[1:] == (0.0, 0.0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), fixes=st.integers(1, 6), sd=st.floats(0.0, 20.0))
def test_yd_score_1_turn_hints_only_move_a_change_between_its_two_roads(seed, fixes, sd):
    """Whatever the headings say, a fix only ever moves to the road before or after its
    run in the Viterbi path -- never to a road the path does not drive."""
    rng = np.random.default_rng(seed)
    n = 200
    road = np.repeat(rng.integers(0, 50, 10), 20)
    s = rng.uniform(0, 100, n)
    rem = rng.uniform(0, 100, n)
    travel = np.r_[np.nan, rng.uniform(0, 15, n - 1)]
    new_chain = np.zeros(n, np.bool_)
    new_chain[0] = True
    new_chain[100] = rng.random() < 0.5
    at = np.flatnonzero(np.r_[False, road[1:] != road[:-1]])
    gap = np.zeros(n)
    gap[at] = rng.uniform(0, 30, at.shape[0])
    hints = TurnHints(
        at=at,
        a_out=rng.uniform(0, 360, at.shape[0]),
        b_in=rng.uniform(0, 360, at.shape[0]),
        heading=rng.uniform(0, 360, n),
        heading_sd_deg=sd,
        heading_lag_m=float(rng.uniform(-3, 3)),
        junction_shift_m=(float(rng.uniform(-3, 3)), 0.0, float(rng.uniform(-3, 3))),
        fixes=fixes,
        min_turn_deg=30.0,
        sd_frac=0.1,
        sd_min_m=0.5,
    )
    out = place_changes(road, s, rem, travel, new_chain, gap, np.full(n, 5.0), 30, 0.5, 0.1, hints)
    run_start = np.r_[True, road[1:] != road[:-1]]
    run = np.cumsum(run_start) - 1
    run_roads = road[run_start]
    before = np.r_[-1, run_roads[:-1]][run]
    after = np.r_[run_roads[1:], -1][run]
    assert np.all((out == road) | (out == before) | (out == after))


def test_yd_score_3_2026_12_24_applies_a_calibration_and_reads_turns():
    """Results scored under 2026-12-17 keep the trapezoid, the arc and no turn hints
    (ADR 0030); 2026-12-24 carries the UK demo town's calibration (ADR 0036)."""
    old = parse_params(tomllib.loads((TELEMATICS / "2026-12-17.toml").read_text()))
    new = parse_params(tomllib.loads((TELEMATICS / "2026-12-24.toml").read_text()))
    o, n = old.speed_limits, new.speed_limits
    assert (o.hmm_speed_lean, o.hmm_placement_turn_fixes, o.hmm_junction_shift_m) == (
        0.0,
        0,
        (0.0, 0.0, 0.0),
    )
    assert (n.hmm_speed_lean, n.hmm_placement_turn_fixes) == (0.5, 4)
    assert n.hmm_heading_lag_m > 0 and len(n.hmm_junction_shift_m) == 3
    assert (o.hmm_placement_fixes, o.hmm_placement_drift_m) == (12, 1.5)
    assert (n.hmm_placement_fixes, n.hmm_placement_drift_m) == (30, 0.5)
    assert new.version == "2026-12-24.1"


def test_yd_score_1_calibration_says_when_it_could_not_read_the_speed_timing(params):
    """Three cars are too little driving to read the speed timing: the keys keep the
    trapezoid and say why, and a sample without 20 turns leaves the turn hints off."""
    sample, _ = _turns(3, 5.0, 2.5, seed=25)
    cal, applied = _calibrated(params.speed_limits, sample)
    assert cal.speed_lean == 0.0 and cal.lean_info_m2 < 2_500.0
    assert cal.heading_lag_m is None and applied.hmm_placement_turn_fixes == 0
    text = cal.toml()
    assert "too little driving" in text
    assert "hmm_placement_turn_fixes = 0" in text
    keys = tomllib.loads(text)
    assert keys["hmm_speed_lean"] == 0.0
