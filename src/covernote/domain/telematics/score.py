"""Trip and period scores (YD-SCORE-2).

Each indicator has a *measure* per trip (higher = worse) and a linear curve

    score = 100 x max(0, 1 - measure / zero_at)

(100 = no exposure; 0 at or beyond ``zero_at``). Measures:

* speed: share of trip distance in sustained speeding episodes;
* eco: harsh events (braking + acceleration + cornering) per 100 km;
* night: share of trip distance driven at night;
* duration: share of trip time beyond the continuous-driving limit.

Overall = sum of weight x indicator score (weights normalised to 1). The period
score is the distance-weighted mean of the trips' overall scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from covernote.domain.decisions import Decision
from covernote.domain.telematics.indicators import event_starts
from covernote.domain.telematics.params import INDICATORS, TelematicsParams


def curve(measure: pl.Expr, zero_at: float) -> pl.Expr:
    """YD-SCORE-2 scoring curve: 100 at 0, linear down to 0 at ``zero_at``."""
    return (100.0 * (1.0 - measure / zero_at)).clip(0.0, 100.0)


def curve_value(measure: float, zero_at: float) -> float:
    """Scalar form of :func:`curve`."""
    return min(100.0, max(0.0, 100.0 * (1.0 - measure / zero_at)))


def trip_measures(points: pl.DataFrame) -> pl.DataFrame:
    """Aggregate per-fix indicators to one row of measures per kept trip (YD-SCORE-1).

    Keyed by ``_trip_seq`` when the points carry it (the kernel's integer trip
    number: rows are sorted by it, so the group-by runs over sorted slices), else by
    ``trip_id``; the ``trip_id`` column is carried when present.
    """
    if "_trip_seq" in points.columns:
        return _trip_measures_by_seq(points)
    step_s = pl.col("step_s").fill_null(0.0)
    step_m = pl.col("step_m").fill_null(0.0)
    key = "_trip_seq" if "_trip_seq" in points.columns else "trip_id"
    need = [
        "step_s", "step_m", "speed_kmh", "speed_limit_kmh", "is_sustained_speeding", "is_night",
        "is_harsh_brake", "is_harsh_accel", "is_harsh_corner", "is_over_duration",
    ]  # fmt: skip
    cols = list(
        dict.fromkeys(
            [
                key,
                *need,
                *(["_trip_seq"] if "_trip_seq" in points.columns else []),
                *(["trip_id"] if "trip_id" in points.columns else []),
            ]
        )
    )
    # Only the needed columns (the points frame is wide), then the in-trip fixes.
    pts = (
        points.lazy()
        .select(cols)
        .with_columns(
            _b=event_starts("is_harsh_brake"),
            _a=event_starts("is_harsh_accel"),
            _c=event_starts("is_harsh_corner"),
        )
        .filter(pl.col(key).is_not_null())
        .with_columns(pl.col(key).set_sorted() if key == "_trip_seq" else pl.col(key))
    )
    carry = [pl.col("trip_id").first()] if key != "trip_id" and "trip_id" in cols else []
    return (
        pts.group_by(key, maintain_order=True)
        .agg(
            *carry,
            pl.when(pl.col("is_sustained_speeding"))
            .then(step_s)
            .otherwise(0.0)
            .sum()
            .alias("speeding_s"),
            pl.when(pl.col("is_sustained_speeding"))
            .then(step_m)
            .otherwise(0.0)
            .sum()
            .alias("speeding_m"),
            (pl.col("speed_kmh") - pl.col("speed_limit_kmh")).max().alias("max_over_limit_kmh"),
            pl.when(pl.col("is_night")).then(step_m).otherwise(0.0).sum().alias("night_m"),
            pl.col("_b").sum().cast(pl.UInt32).alias("harsh_brakes"),
            pl.col("_a").sum().cast(pl.UInt32).alias("harsh_accels"),
            pl.col("_c").sum().cast(pl.UInt32).alias("harsh_corners"),
            pl.when(pl.col("is_over_duration"))
            .then(step_s)
            .otherwise(0.0)
            .sum()
            .alias("over_duration_s"),
        )
        .collect(engine="in-memory")
    )


def _event_starts(
    flag: npt.NDArray[np.bool_], same: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """:func:`indicators.event_starts` on arrays: first fix of each run within a trip."""
    prev = np.zeros_like(flag)
    prev[1:] = flag[:-1]
    out: npt.NDArray[np.bool_] = flag & ~(prev & same)
    return out


def _trip_measures_by_seq(points: pl.DataFrame) -> pl.DataFrame:
    """:func:`trip_measures` keyed by the integer trip number: the in-trip rows are
    contiguous per trip, so every measure is one ``reduceat`` over the trip slices."""
    seq_col = points["_trip_seq"]
    ok = seq_col.is_not_null().to_numpy()
    seq = seq_col.fill_null(0).to_numpy()
    same = np.r_[False, (seq[1:] == seq[:-1]) & ok[1:] & ok[:-1]]
    rows = np.flatnonzero(ok)
    if rows.shape[0] == 0:
        schema: dict[str, Any] = {"_trip_seq": pl.Int64}
        if "trip_id" in points.columns:
            schema["trip_id"] = pl.String
        schema.update(
            {c: pl.Float64 for c in ("speeding_s", "speeding_m", "max_over_limit_kmh", "night_m")}
        )
        schema.update({c: pl.UInt32 for c in ("harsh_brakes", "harsh_accels", "harsh_corners")})
        schema["over_duration_s"] = pl.Float64
        return pl.DataFrame(schema=schema)

    def arr(name: str) -> npt.NDArray[np.float64]:
        return points[name].cast(pl.Float64).fill_null(0.0).to_numpy()[rows]

    def flag(name: str) -> npt.NDArray[np.bool_]:
        return points[name].fill_null(False).to_numpy()

    sub_seq = seq[rows]
    starts = np.flatnonzero(np.r_[True, sub_seq[1:] != sub_seq[:-1]])
    step_s, step_m = arr("step_s"), arr("step_m")
    sust, night, over = (
        flag("is_sustained_speeding")[rows],
        flag("is_night")[rows],
        flag("is_over_duration")[rows],
    )
    over_limit = (
        points["speed_kmh"].cast(pl.Float64).to_numpy()
        - points["speed_limit_kmh"].cast(pl.Float64).to_numpy()
    )[rows]

    def total(x: npt.NDArray[np.float64], m: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        return np.add.reduceat(np.where(m, x, 0.0), starts)

    def count(name: str) -> npt.NDArray[np.uint32]:
        ev = _event_starts(flag(name), same)[rows]
        return np.add.reduceat(ev.astype(np.uint32), starts).astype(np.uint32)

    out: dict[str, Any] = {"_trip_seq": sub_seq[starts]}
    if "trip_id" in points.columns:
        out["trip_id"] = points["trip_id"].gather(rows[starts])
    out.update(
        speeding_s=total(step_s, sust),
        speeding_m=total(step_m, sust),
        max_over_limit_kmh=pl.Series(np.fmax.reduceat(over_limit, starts), nan_to_null=True),
        night_m=total(step_m, night),
        harsh_brakes=count("is_harsh_brake"),
        harsh_accels=count("is_harsh_accel"),
        harsh_corners=count("is_harsh_corner"),
        over_duration_s=total(step_s, over),
    )
    return pl.DataFrame(out)


def score_trips(trips: pl.DataFrame, params: TelematicsParams) -> pl.DataFrame:
    """Add the shares, the per-indicator scores and the overall score (YD-SCORE-2)."""
    dist = pl.col("distance_m")
    dur = pl.col("duration_s")
    t = trips.with_columns(
        speeding_share=pl.when(dist > 0).then(pl.col("speeding_m") / dist).otherwise(0.0),
        night_share=pl.when(dist > 0).then(pl.col("night_m") / dist).otherwise(0.0),
        harsh_per_100km=pl.when(dist > 0)
        .then(
            (pl.col("harsh_brakes") + pl.col("harsh_accels") + pl.col("harsh_corners")).cast(
                pl.Float64
            )
            / (dist / 100_000.0)
        )
        .otherwise(0.0),
        over_duration_share=pl.when(dur > 0).then(pl.col("over_duration_s") / dur).otherwise(0.0),
    )
    z = params.score.zero_at
    measure = {
        "speed": pl.col("speeding_share"),
        "eco": pl.col("harsh_per_100km"),
        "night": pl.col("night_share"),
        "duration": pl.col("over_duration_share"),
    }
    t = t.with_columns(curve(measure[n], z[n]).alias(f"score_{n}") for n in INDICATORS)
    w = params.score.weights
    overall = pl.sum_horizontal(pl.col(f"score_{n}") * w[n] for n in INDICATORS)
    return t.with_columns(score_overall=overall)


def period_score(trips: pl.DataFrame, params: TelematicsParams | None = None) -> Decision:
    """The period score (YD-SCORE-2), as a Decision.

    Without ``params`` (or with ``score.eco_basis = "trip"``): the distance-weighted mean
    of the trips' overall scores. With ``eco_basis = "period"`` the eco indicator is rated
    once over the period -- harsh events per 100 km over all the period's driving -- so a
    short trip with one harsh brake weighs by its distance instead of scoring 0; the
    other indicators stay distance-weighted means of the trip scores. The overall trip
    score is linear in the indicator scores, so the period score is
    ``sum_n weight_n x period score_n`` either way.
    """
    d = Decision(outcome="scored")
    total_m = float(trips["distance_m"].sum() or 0.0) if trips.height else 0.0
    if total_m <= 0:
        d.outcome = "no_driving"
        d.step("YD-SCORE-2", "No distance driven in the period: no score", trips=trips.height)
        d.data["score"] = None
        return d
    weighted = float((trips["score_overall"] * trips["distance_m"]).sum())
    score = weighted / total_m
    if params is None or params.score.eco_basis != "period":
        d.step(
            "YD-SCORE-2",
            "Period score = distance-weighted mean of trip overall scores",
            value=round(score, 2),
            trips=trips.height,
            distance_m=round(total_m, 1),
        )
        d.data["score"] = score
        return d
    w_eco = params.score.weights["eco"]
    trip_eco = float((trips["score_eco"] * trips["distance_m"]).sum()) / total_m
    events = int(
        sum(int(trips[c].sum() or 0) for c in ("harsh_brakes", "harsh_accels", "harsh_corners"))
    )
    rate = events / (total_m / 100_000.0)
    eco = curve_value(rate, params.score.zero_at["eco"])
    score = score - w_eco * trip_eco + w_eco * eco
    d.step(
        "YD-SCORE-2",
        "Eco rated over the period: harsh events per 100 km of all the period's driving",
        harsh_events=events,
        distance_km=round(total_m / 1000.0, 2),
        per_100km=round(rate, 2),
        zero_at=params.score.zero_at["eco"],
        score_eco=round(eco, 2),
    )
    d.step(
        "YD-SCORE-2",
        "Period score = weighted sum of the period indicator scores (speed, night, duration: "
        "distance-weighted means of the trip scores; eco: over the period)",
        value=round(score, 2),
        trips=trips.height,
        distance_m=round(total_m, 1),
    )
    d.data["score"] = score
    d.data["score_eco"] = eco
    return d
