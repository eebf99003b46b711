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


def period_score(trips: pl.DataFrame) -> Decision:
    """Distance-weighted mean of the trips' overall scores (YD-SCORE-2), as a Decision."""
    d = Decision(outcome="scored")
    total_m = float(trips["distance_m"].sum() or 0.0) if trips.height else 0.0
    if total_m <= 0:
        d.outcome = "no_driving"
        d.step("YD-SCORE-2", "No distance driven in the period: no score", trips=trips.height)
        d.data["score"] = None
        return d
    weighted = float((trips["score_overall"] * trips["distance_m"]).sum())
    score = weighted / total_m
    d.step(
        "YD-SCORE-2",
        "Period score = distance-weighted mean of trip overall scores",
        value=round(score, 2),
        trips=trips.height,
        distance_m=round(total_m, 1),
    )
    d.data["score"] = score
    return d
