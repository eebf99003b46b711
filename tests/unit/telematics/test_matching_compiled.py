"""The compiled matcher loops equal the vectorised NumPy forms fix for fix (YD-SCORE-1).

Issue 14 moved the HMM matcher's candidate search and Viterbi into compiled loops for
speed; the candidates, the chosen slot per fix and so the posted limit must not move.
Checked on the a10kw fixture with and without GPS noise and on random streams.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.domain.telematics.matching import find_candidates, travelled_m, viterbi
from covernote.domain.telematics.speed_limits import build_road_index, hmm_params

from . import reference_matching as ref
from .conftest import FIXTURE, M_PER_DEG


@pytest.fixture(scope="module")
def a10kw(params):
    pts = pl.read_parquet(FIXTURE / "points.parquet").head(60_000)
    roads = pl.read_parquet(FIXTURE / "roads.parquet")
    idx = build_road_index(roads, params.speed_limits, default_oneway=True)
    return pts, idx


def _arrays(pts: pl.DataFrame, noise_m: float, seed: int):
    rng = np.random.default_rng(seed)
    lat = pts["lat"].to_numpy().astype(np.float64)
    lon = pts["lon"].to_numpy().astype(np.float64)
    lat = lat + rng.normal(0, noise_m, lat.shape[0]) / M_PER_DEG
    lon = lon + rng.normal(0, noise_m, lon.shape[0]) / (M_PER_DEG * np.cos(np.radians(lat)))
    spd = np.nan_to_num(pts["speed_kmh"].to_numpy().astype(np.float64))
    hdg = pts["heading_deg"].to_numpy().astype(np.float64)
    ts = pts.select(pl.col("ts").to_physical().cast(pl.Float64) / 1e6).to_series().to_numpy()
    dev = pts["device_id"].to_numpy()
    new_chain = np.r_[True, dev[1:] != dev[:-1]]
    return lat, lon, spd, hdg, ts, new_chain


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.road, b.road)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.s, b.s)
    np.testing.assert_array_equal(a.rem, b.rem)
    np.testing.assert_array_equal(a.entry, b.entry)
    np.testing.assert_array_equal(a.exit, b.exit)
    np.testing.assert_array_equal(a.dist, b.dist)
    assert a.sigma_m == b.sigma_m


@pytest.mark.parametrize("noise_m", [0.0, 5.0, 15.0])
def test_yd_score_1_compiled_matcher_equals_numpy_reference_on_a10kw(a10kw, params, noise_m):
    pts, idx = a10kw
    lat, lon, spd, hdg, ts, new_chain = _arrays(pts, noise_m, seed=7)
    p = hmm_params(idx.params)
    got = find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    want = ref.find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    _same(got, want)
    assert (got.road[:, 1] >= 0).mean() > 0.3  # the test sees real choices between roads
    travel = travelled_m(lat, lon, spd, ts, new_chain, p.travel)
    np.testing.assert_array_equal(
        viterbi(got, travel, new_chain, lat, p.beta_m),
        ref.viterbi(want, travel, new_chain, lat, p.beta_m),
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 400),
    chains=st.integers(1, 6),
    sigma=st.sampled_from([0.0, 4.0]),
)
def test_yd_score_1_compiled_matcher_equals_reference_on_random_streams(
    a10kw, seed, n, chains, sigma
):
    """Random walks over the fixture's area: stray fixes, chain breaks, slow fixes."""
    import dataclasses

    pts, idx = a10kw
    rng = np.random.default_rng(seed)
    base = pts.sample(n=1, seed=seed % 1000)
    lat0, lon0 = float(base["lat"][0]), float(base["lon"][0])
    lat = lat0 + np.cumsum(rng.normal(0, 8, n)) / M_PER_DEG
    lon = lon0 + np.cumsum(rng.normal(0, 8, n)) / (M_PER_DEG * 0.61)
    spd = rng.uniform(0, 60, n)
    hdg = rng.uniform(0, 360, n)
    new_chain = np.zeros(n, np.bool_)
    new_chain[rng.choice(n, size=min(n, chains), replace=False)] = True
    new_chain[0] = True
    p = dataclasses.replace(hmm_params(idx.params), sigma_m=sigma)
    got = find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    want = ref.find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    np.testing.assert_array_equal(got.road, want.road)
    np.testing.assert_array_equal(got.cost, want.cost)
    np.testing.assert_array_equal(got.dist, want.dist)
    travel = travelled_m(lat, lon, spd, np.arange(n, dtype=np.float64), new_chain, p.travel)
    np.testing.assert_array_equal(
        viterbi(got, travel, new_chain, lat, p.beta_m),
        ref.viterbi(want, travel, new_chain, lat, p.beta_m),
    )


def test_yd_score_1_matcher_split_over_threads_equals_one_thread(a10kw, monkeypatch):
    """Large batches run the compiled loops on several threads, split by fixes (candidates)
    and by whole chains (Viterbi); the answer must not depend on the split."""
    from covernote.domain.telematics.matching import search

    pts, idx = a10kw
    lat, lon, spd, hdg, ts, new_chain = _arrays(pts, 5.0, seed=3)
    p = hmm_params(idx.params)
    monkeypatch.setattr(search.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(search, "PART_MIN_FIXES", 7_000)
    assert search._parts(lat.shape[0]) == 4
    got = find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    want = ref.find_candidates(idx.grid, lat, lon, spd, hdg, p, new_chain)
    _same(got, want)
    travel = travelled_m(lat, lon, spd, ts, new_chain, p.travel)
    np.testing.assert_array_equal(
        viterbi(got, travel, new_chain, lat, p.beta_m),
        ref.viterbi(want, travel, new_chain, lat, p.beta_m),
    )


def test_yd_score_1_score_points_on_threads_equals_one_thread(a10kw, params):
    """A large batch is scored in slices of whole devices on several threads; the
    points and trips out are the same, row for row, as on one thread (every step works
    device by device, as the Spark engine relies on). Quarantined rows included."""
    from datetime import UTC, datetime

    from covernote.domain.telematics.kernel import device_parts, score_points

    pts, idx = a10kw
    pts = pts.with_columns(  # a few implausible fixes, so quarantine is crossed too
        lat=pl.when(pl.int_range(pl.len()) % 997 == 0).then(95.0).otherwise(pl.col("lat"))
    )
    now = datetime(2100, 1, 1, tzinfo=UTC)
    one_p, one_t = score_points(pts, idx, params, now=now, workers=1)
    parts = device_parts(pts.sort("device_id", "ts"), 3)
    assert len(parts) == 3 and sum(p.height for p in parts) == pts.height
    assert not set(parts[0]["device_id"]) & set(parts[1]["device_id"])
    many_p, many_t = score_points(pts, idx, params, now=now, workers=3)
    assert one_p.equals(many_p, null_equal=True)
    assert one_t.equals(many_t, null_equal=True)
    assert one_t.height > 10 and one_p["plausibility_reason"].is_not_null().any()
