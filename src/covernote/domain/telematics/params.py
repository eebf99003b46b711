"""Telematics parameters (YD-SCORE-3): parsed from the product TOML into frozen dataclasses.

The domain never reads the file: the caller loads it with ``tomllib`` and passes the
mapping to :func:`parse_params`. A missing or ill-typed key raises a
:class:`DomainError` naming the dotted key. Units are in the field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-SCORE-3"
KMH_PER_MPH = 1.609344  # exact, international mile

T = TypeVar("T")


@dataclass(frozen=True)
class TripParams:
    """Trip segmentation (YD-SCORE-1), Traccar defaults."""

    stop_min_s: int
    gap_max_s: int
    min_trip_distance_m: float
    min_trip_duration_s: int
    moving_min_kmh: float
    max_step_s: int


@dataclass(frozen=True)
class PlausibilityParams:
    max_implied_speed_kmh: float


@dataclass(frozen=True)
class SpeedLimitParams:
    """Map matching and limit normalisation."""

    cell_m: float
    search_radius_m: float
    heading_weight_m_per_deg: float
    heading_min_speed_kmh: float
    smoothing_window: int
    maxspeed_type_mph: Mapping[str, float]
    road_class_mph: Mapping[str, float]
    #: "hmm" (hidden-Markov matching along the trip) or "heading" (per-fix cost + mode)
    match_method: str = "heading"  # a version without the key keeps the method it was scored with
    hmm_candidates: int = 4  # roads kept per fix
    hmm_sigma_m: float = 0.0  # GPS noise sigma, m; 0 = estimate from the batch (N&K)
    hmm_sigma_min_m: float = 3.0  # floor of the estimated sigma, m
    hmm_beta_m: float = 3.0  # transition scale, m (N&K exponential)
    hmm_heading_weight_per_deg: float = 0.05  # emission cost per degree of heading disagreement
    hmm_travel: str = "speed"  # "speed" (mean speed x dt) or "gps" (distance between fixes)


@dataclass(frozen=True)
class SpeedingParams:
    tolerance_pct: float
    tolerance_mph: float
    sustained_min_s: int
    sustained_min_m: float


@dataclass(frozen=True)
class EventParams:
    harsh_brake_mps2: float
    harsh_accel_mps2: float
    harsh_corner_mps2: float
    min_speed_kmh: float
    #: fixes in the centred window over which the yaw rate is taken (odd, >= 3)
    yaw_window_fixes: int


@dataclass(frozen=True)
class NightParams:
    start_hour: int
    end_hour: int
    timezone: str


@dataclass(frozen=True)
class DurationParams:
    max_continuous_min: int
    break_min: int


@dataclass(frozen=True)
class ScoreParams:
    """YD-SCORE-2: weights (normalised) and the measure at which each indicator scores 0."""

    weights: Mapping[str, float]
    zero_at: Mapping[str, float]
    #: "trip": eco = mean of per-trip rates; "period": harsh events per 100 km over all the
    #: period's driving (YD-SCORE-2, 2026-12-10). Versions without the key keep "trip".
    eco_basis: str = "trip"


@dataclass(frozen=True)
class AlertParams:
    """YD-SPEED-1/2. ``significant_bands`` = ((max posted limit mph, speed at or above mph), ...)."""

    consistent_alerts_before_notice: int
    consistent_trip_share: float
    significant_alerts_before_notice: int
    significant_table: str
    significant_bands: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TelematicsParams:
    version: str
    trips: TripParams
    plausibility: PlausibilityParams
    speed_limits: SpeedLimitParams
    speeding: SpeedingParams
    events: EventParams
    night: NightParams
    duration: DurationParams
    score: ScoreParams
    alerts: AlertParams


INDICATORS = ("speed", "eco", "night", "duration")


def _err(key: str, message: str) -> DomainError:
    return DomainError(ErrorCode.CONFIGURATION, f"{key}: {message}", rule=RULE, field=key)


def _get(doc: Mapping[str, Any], key: str) -> Any:
    node: Any = doc
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise _err(key, "missing")
        node = node[part]
    return node


def _num(doc: Mapping[str, Any], key: str, *, positive: bool = False) -> float:
    v = _get(doc, key)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _err(key, f"expected a number, got {v!r}")
    if positive and v <= 0:
        raise _err(key, f"must be > 0, got {v!r}")
    return float(v)


def _int(doc: Mapping[str, Any], key: str, *, lo: int = 0, hi: int | None = None) -> int:
    v = _get(doc, key)
    if isinstance(v, bool) or not isinstance(v, int):
        raise _err(key, f"expected an integer, got {v!r}")
    if v < lo or (hi is not None and v > hi):
        raise _err(key, f"out of range [{lo}, {hi}]: {v!r}")
    return int(v)


def _str(doc: Mapping[str, Any], key: str) -> str:
    v = _get(doc, key)
    if not isinstance(v, str) or not v:
        raise _err(key, f"expected a non-empty string, got {v!r}")
    return v


def _num_table(doc: Mapping[str, Any], key: str) -> dict[str, float]:
    v = _get(doc, key)
    if not isinstance(v, Mapping) or not v:
        raise _err(key, "expected a non-empty table")
    return {str(k): _num(v, str(k), positive=True) for k in v}


def _odd_window(doc: Mapping[str, Any], key: str) -> int:
    v = _int(doc, key, lo=3, hi=31)
    if v % 2 == 0:
        raise _err(key, f"must be odd (a centred window), got {v!r}")
    return v


def _bands(doc: Mapping[str, Any], key: str) -> tuple[tuple[float, float], ...]:
    table = _num_table(doc, key)
    bands: list[tuple[float, float]] = []
    for k, speed in table.items():
        try:
            limit = float(k)
        except ValueError:
            raise _err(f"{key}.{k}", "posted limit key must be a number (mph)") from None
        if speed <= limit:
            raise _err(f"{key}.{k}", "significant speed must exceed the posted limit")
        bands.append((limit, speed))
    return tuple(sorted(bands))


def _hmm_params(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Optional ``speed_limits`` keys of the matcher (defaults = the dataclass's)."""
    sl = _get(doc, "speed_limits")
    out: dict[str, Any] = {}
    if "match_method" in sl:
        method = _str(doc, "speed_limits.match_method")
        if method not in ("hmm", "heading"):
            raise _err("speed_limits.match_method", f"expected hmm or heading, got {method!r}")
        out["match_method"] = method
    if "hmm_travel" in sl:
        travel = _str(doc, "speed_limits.hmm_travel")
        if travel not in ("speed", "gps"):
            raise _err("speed_limits.hmm_travel", f"expected speed or gps, got {travel!r}")
        out["hmm_travel"] = travel
    if "hmm_candidates" in sl:
        out["hmm_candidates"] = _int(doc, "speed_limits.hmm_candidates", lo=1, hi=16)
    for key in ("hmm_sigma_m", "hmm_heading_weight_per_deg"):
        if key in sl:
            out[key] = _num(doc, f"speed_limits.{key}")
    for key in ("hmm_sigma_min_m", "hmm_beta_m"):
        if key in sl:
            out[key] = _num(doc, f"speed_limits.{key}", positive=True)
    return out


ECO_BASES = ("trip", "period")


def _eco_basis(doc: Mapping[str, Any]) -> str:
    score = doc.get("score", {})
    if not isinstance(score, Mapping) or "eco_basis" not in score:
        return "trip"
    value = score["eco_basis"]
    if value not in ECO_BASES:
        raise _err("score.eco_basis", f"must be one of {', '.join(ECO_BASES)}")
    return str(value)


def parse_params(doc: Mapping[str, Any]) -> TelematicsParams:
    """Parse the telematics product configuration (YD-SCORE-3)."""
    weights = _num_table(doc, "score.weights")
    zero_at = _num_table(doc, "score.zero_at")
    for name in INDICATORS:
        if name not in weights:
            raise _err(f"score.weights.{name}", "missing")
        if name not in zero_at:
            raise _err(f"score.zero_at.{name}", "missing")
    total = sum(weights[n] for n in INDICATORS)
    table_name = _str(doc, "alerts.significant_table")
    tables = _get(doc, "alerts.tables")
    if not isinstance(tables, Mapping) or table_name not in tables:
        raise _err("alerts.significant_table", f"no table alerts.tables.{table_name}")
    night_start = _int(doc, "night.start_hour", hi=23)
    night_end = _int(doc, "night.end_hour", hi=23)
    return TelematicsParams(
        version=_str(doc, "product.version" if "product" in doc else "version"),
        trips=TripParams(
            stop_min_s=_int(doc, "trips.stop_min_s", lo=1),
            gap_max_s=_int(doc, "trips.gap_max_s", lo=1),
            min_trip_distance_m=_num(doc, "trips.min_trip_distance_m"),
            min_trip_duration_s=_int(doc, "trips.min_trip_duration_s"),
            moving_min_kmh=_num(doc, "trips.moving_min_kmh"),
            max_step_s=_int(doc, "trips.max_step_s", lo=1),
        ),
        plausibility=PlausibilityParams(
            max_implied_speed_kmh=_num(doc, "plausibility.max_implied_speed_kmh", positive=True)
        ),
        speed_limits=SpeedLimitParams(
            cell_m=_num(doc, "speed_limits.cell_m", positive=True),
            search_radius_m=_num(doc, "speed_limits.search_radius_m", positive=True),
            heading_weight_m_per_deg=_num(doc, "speed_limits.heading_weight_m_per_deg"),
            heading_min_speed_kmh=_num(doc, "speed_limits.heading_min_speed_kmh"),
            smoothing_window=_int(doc, "speed_limits.smoothing_window", lo=1),
            maxspeed_type_mph=_num_table(doc, "speed_limits.maxspeed_type_mph"),
            road_class_mph=_num_table(doc, "speed_limits.road_class_mph"),
            **_hmm_params(doc),
        ),
        speeding=SpeedingParams(
            tolerance_pct=_num(doc, "speeding.tolerance_pct"),
            tolerance_mph=_num(doc, "speeding.tolerance_mph"),
            sustained_min_s=_int(doc, "speeding.sustained_min_s"),
            sustained_min_m=_num(doc, "speeding.sustained_min_m"),
        ),
        events=EventParams(
            harsh_brake_mps2=_num(doc, "events.harsh_brake_mps2"),
            harsh_accel_mps2=_num(doc, "events.harsh_accel_mps2", positive=True),
            harsh_corner_mps2=_num(doc, "events.harsh_corner_mps2", positive=True),
            min_speed_kmh=_num(doc, "events.min_speed_kmh"),
            yaw_window_fixes=_odd_window(doc, "events.yaw_window_fixes"),
        ),
        night=NightParams(
            start_hour=night_start,
            end_hour=night_end,
            timezone=_str(doc, "night.timezone"),
        ),
        duration=DurationParams(
            max_continuous_min=_int(doc, "duration.max_continuous_min", lo=1),
            break_min=_int(doc, "duration.break_min", lo=1),
        ),
        score=ScoreParams(
            weights={n: weights[n] / total for n in INDICATORS},
            zero_at={n: zero_at[n] for n in INDICATORS},
            eco_basis=_eco_basis(doc),
        ),
        alerts=AlertParams(
            consistent_alerts_before_notice=_int(
                doc, "alerts.consistent_alerts_before_notice", lo=3
            ),
            consistent_trip_share=_num(doc, "alerts.consistent_trip_share", positive=True),
            significant_alerts_before_notice=_int(
                doc, "alerts.significant_alerts_before_notice", lo=1
            ),
            significant_table=table_name,
            significant_bands=_bands(doc, f"alerts.tables.{table_name}"),
        ),
    )
