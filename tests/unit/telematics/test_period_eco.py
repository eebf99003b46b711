"""YD-SCORE-2 (version 2026-12-10): eco is rated over the period's driving, not per trip."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.domain.telematics.params import TelematicsParams, parse_params
from covernote.domain.telematics.score import curve_value, period_score

ROOT = Path(__file__).resolve().parents[3]
PERIOD_TOML = ROOT / "config/products/telematics/2026-12-10.toml"


@pytest.fixture(scope="module")
def period_params() -> TelematicsParams:
    with PERIOD_TOML.open("rb") as fh:
        return parse_params(tomllib.load(fh))


def _trips(rows: list[tuple[float, int, float]]) -> pl.DataFrame:
    """(distance_m, harsh brakes, trip eco score) per trip; other indicators all 100."""
    df = pl.DataFrame(
        {
            "distance_m": [r[0] for r in rows],
            "harsh_brakes": [r[1] for r in rows],
            "harsh_accels": [0] * len(rows),
            "harsh_corners": [0] * len(rows),
            "score_eco": [r[2] for r in rows],
        }
    )
    return df


def _with_overall(df: pl.DataFrame, p: TelematicsParams) -> pl.DataFrame:
    w = p.score.weights
    return df.with_columns(
        score_overall=100.0 * (w["speed"] + w["night"] + w["duration"])
        + w["eco"] * pl.col("score_eco")
    )


def test_yd_score_2_short_trip_with_one_harsh_brake_does_not_zero_the_period_eco(period_params):
    # A 1.8 km trip with one harsh brake is 55.6 events per 100 km: that trip's eco is 0.
    # Over a period with 48.2 km of other, calm driving the rate is 2 per 100 km.
    trip_eco = curve_value(1 / 0.018, period_params.score.zero_at["eco"])
    assert trip_eco == 0.0
    trips = _with_overall(
        _trips([(1_800.0, 1, trip_eco)] + [(4_820.0, 0, 100.0)] * 10), period_params
    )
    d = period_score(trips, period_params)
    assert d.data["score_eco"] == pytest.approx(
        curve_value(2.0, period_params.score.zero_at["eco"])
    )
    assert d.data["score_eco"] == pytest.approx(90.0)
    step = d.steps[0]
    assert step.rule == "YD-SCORE-2"
    assert step.inputs["harsh_events"] == 1
    assert step.inputs["per_100km"] == pytest.approx(2.0)


def test_yd_score_2_period_score_is_the_weighted_sum_of_period_indicator_scores(period_params):
    trips = _with_overall(_trips([(1_800.0, 1, 0.0), (48_200.0, 0, 100.0)]), period_params)
    d = period_score(trips, period_params)
    w = period_params.score.weights
    expected = 100.0 * (w["speed"] + w["night"] + w["duration"]) + w["eco"] * 90.0
    assert d.data["score"] == pytest.approx(expected)


def test_yd_score_2_period_eco_does_not_depend_on_how_the_driving_splits_into_trips(
    period_params,
):
    # The same 50 km and 2 harsh brakes, as 2 trips or as 5: per-trip rates give
    # different period scores; the period rate (4 per 100 km) does not.
    zero_at = period_params.score.zero_at["eco"]

    def trips_of(rows: list[tuple[float, int]]) -> pl.DataFrame:
        eco = [curve_value(n / (m / 100_000.0), zero_at) for m, n in rows]
        return _with_overall(
            _trips([(m, n, e) for (m, n), e in zip(rows, eco, strict=True)]), period_params
        )

    two = trips_of([(25_000.0, 1), (25_000.0, 1)])
    five = trips_of([(2_000.0, 1), (2_000.0, 1), (15_000.0, 0), (15_000.0, 0), (16_000.0, 0)])
    assert period_score(two).data["score"] != pytest.approx(period_score(five).data["score"])
    a, b = period_score(two, period_params), period_score(five, period_params)
    assert a.data["score"] == pytest.approx(b.data["score"])
    assert a.data["score_eco"] == pytest.approx(curve_value(4.0, zero_at))


def test_yd_score_2_period_eco_reaches_zero_at_the_same_rate_as_a_trip(period_params):
    zero_at = period_params.score.zero_at["eco"]
    # 10 events over 50 km = 20 per 100 km: zero, whatever the split into trips
    trips = _with_overall(_trips([(25_000.0, 5, 0.0), (25_000.0, 5, 0.0)]), period_params)
    assert period_score(trips, period_params).data["score_eco"] == curve_value(20.0, zero_at)
    assert curve_value(20.0, zero_at) == 0.0


def test_yd_score_3_versions_without_eco_basis_keep_the_per_trip_eco():
    with (ROOT / "config/products/telematics/2026-12-03.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    assert "eco_basis" not in doc["score"]
    assert parse_params(doc).score.eco_basis == "trip"


def test_yd_score_3_unknown_eco_basis_names_the_key(doc):
    bad = {**doc, "score": {**doc["score"], "eco_basis": "weekly"}}
    with pytest.raises(DomainError) as exc:
        parse_params(bad)
    assert exc.value.field == "score.eco_basis"
