"""Telematics parameters (YD-SCORE-3): parsed from the product TOML into frozen dataclasses.

The domain never reads the file: the caller loads it with ``tomllib`` and passes the
mapping to :func:`parse_params`, which checks it with the pydantic model
:class:`TelematicsFile` (ADR 0025). A missing, unknown or ill-typed key raises a
:class:`DomainError` naming the file and the dotted key. Units are in the field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from covernote.domain.config_model import (
    ConfigModel,
    Count,
    IsoDate,
    PositiveCount,
    Text,
    config_error,
    validate,
)
from covernote.domain.errors import DomainError

RULE = "YD-SCORE-3"
KMH_PER_MPH = 1.609344  # exact, international mile


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
    #: keep the trip's last heading at speed below heading_min_speed_kmh (ADR 0030)
    hmm_heading_hold: bool = False
    #: road changes placed from the new road's first fixes ("entry", ADR 0020) or from
    #: weighted fixes on both sides ("both", ADR 0030)
    hmm_placement: str = "entry"
    hmm_placement_fixes: int = 12  # "both": fixes per side
    hmm_placement_drift_m: float = 1.5  # "both": speed-integration drift per fix, m
    hmm_placement_junction_frac: float = 0.1  # "both": junction path error / straight gap
    #: calibration of the fleet and map (ADR 0036, ``covernote telematics calibrate``)
    hmm_speed_lean: float = 0.0  # 0: speeds measured at the fix; 0.5: mean over the step before
    hmm_heading_lag_m: float = 0.0  # how far the heading lags the position, m
    hmm_heading_sd_deg: float = 0.0  # heading noise, degrees
    hmm_junction_shift_m: tuple[float, float, float] = (0.0, 0.0, 0.0)  # left, straight, right
    hmm_placement_turn_fixes: int = 0  # "both": fixes per side read for the heading in a turn
    hmm_placement_reach_min_fixes: int = (
        0  # "both": read one road further, through >= this many fixes
    )
    hmm_placement_turn_min_deg: float = 30.0
    hmm_placement_turn_sd_frac: float = 0.1
    hmm_placement_turn_sd_min_m: float = 0.5


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


# --------------------------------------------------------------------------- the file's shape
# Physical thresholds are floats (m, s, km/h, m/s²), never money; ints are accepted for them.

PosFloat = Annotated[float, Field(gt=0)]
Hour = Annotated[int, Field(ge=0, le=23)]


class _Product(ConfigModel):
    code: Literal["telematics"]
    version: Text
    effective_from: IsoDate


class _Trips(ConfigModel):
    stop_min_s: PositiveCount
    gap_max_s: PositiveCount
    min_trip_distance_m: float
    min_trip_duration_s: Count
    moving_min_kmh: float
    max_step_s: PositiveCount


class _Plausibility(ConfigModel):
    max_implied_speed_kmh: PosFloat


_SL = SpeedLimitParams(0, 0, 0, 0, 0, {}, {})  # the defaults of the optional matcher keys


class _SpeedLimits(ConfigModel):
    cell_m: PosFloat
    search_radius_m: PosFloat
    heading_weight_m_per_deg: float
    heading_min_speed_kmh: float
    smoothing_window: PositiveCount
    maxspeed_type_mph: dict[str, PosFloat] = Field(min_length=1)
    road_class_mph: dict[str, PosFloat] = Field(min_length=1)
    match_method: Literal["hmm", "heading"] = "heading"
    hmm_candidates: Annotated[int, Field(ge=1, le=16)] = _SL.hmm_candidates
    hmm_sigma_m: float = _SL.hmm_sigma_m
    hmm_sigma_min_m: PosFloat = _SL.hmm_sigma_min_m
    hmm_beta_m: PosFloat = _SL.hmm_beta_m
    hmm_heading_weight_per_deg: float = _SL.hmm_heading_weight_per_deg
    hmm_travel: Literal["speed", "gps"] = "speed"
    hmm_heading_hold: bool = _SL.hmm_heading_hold
    hmm_placement: Literal["entry", "both"] = "entry"
    hmm_placement_fixes: Annotated[int, Field(ge=1, le=100)] = _SL.hmm_placement_fixes
    hmm_placement_drift_m: PosFloat = _SL.hmm_placement_drift_m
    hmm_placement_junction_frac: Annotated[float, Field(ge=0.0)] = _SL.hmm_placement_junction_frac
    hmm_speed_lean: Annotated[float, Field(ge=-0.5, le=0.5)] = _SL.hmm_speed_lean
    hmm_heading_lag_m: Annotated[float, Field(ge=-50.0, le=50.0)] = _SL.hmm_heading_lag_m
    hmm_heading_sd_deg: Annotated[float, Field(ge=0.0, le=90.0)] = _SL.hmm_heading_sd_deg
    hmm_junction_shift_m: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: list(_SL.hmm_junction_shift_m)
    )
    hmm_placement_turn_fixes: Annotated[int, Field(ge=0, le=20)] = _SL.hmm_placement_turn_fixes
    hmm_placement_reach_min_fixes: Annotated[int, Field(ge=0, le=100)] = (
        _SL.hmm_placement_reach_min_fixes
    )
    hmm_placement_turn_min_deg: Annotated[float, Field(ge=0.0, le=180.0)] = (
        _SL.hmm_placement_turn_min_deg
    )
    hmm_placement_turn_sd_frac: Annotated[float, Field(ge=0.0)] = _SL.hmm_placement_turn_sd_frac
    hmm_placement_turn_sd_min_m: PosFloat = _SL.hmm_placement_turn_sd_min_m


class _Speeding(ConfigModel):
    tolerance_pct: float
    tolerance_mph: float
    sustained_min_s: Count
    sustained_min_m: float


class _Events(ConfigModel):
    harsh_brake_mps2: float
    harsh_accel_mps2: PosFloat
    harsh_corner_mps2: PosFloat
    min_speed_kmh: float
    yaw_window_fixes: Annotated[int, Field(ge=3, le=31)]


class _Night(ConfigModel):
    start_hour: Hour
    end_hour: Hour
    timezone: Text


class _Duration(ConfigModel):
    max_continuous_min: PositiveCount
    break_min: PositiveCount


class _Score(ConfigModel):
    weights: dict[str, PosFloat]  # one per INDICATORS name
    zero_at: dict[str, PosFloat]
    eco_basis: Literal["trip", "period"] = "trip"


class _Alerts(ConfigModel):
    consistent_alerts_before_notice: Annotated[int, Field(ge=3)]
    consistent_trip_share: PosFloat
    significant_alerts_before_notice: PositiveCount
    significant_table: Text
    tables: dict[str, dict[str, PosFloat]]


class TelematicsFile(ConfigModel):
    """``config/products/telematics/<effective_from>.toml``."""

    product: _Product | None = None
    version: Text | None = None  # a bare document (tests, calculators) may carry it here
    trips: _Trips
    plausibility: _Plausibility
    speed_limits: _SpeedLimits
    speeding: _Speeding
    events: _Events
    night: _Night
    duration: _Duration
    score: _Score
    alerts: _Alerts


ECO_BASES = ("trip", "period")


def _bands(table: Mapping[str, float], key: str, fail: Any) -> tuple[tuple[float, float], ...]:
    bands: list[tuple[float, float]] = []
    for k, speed in table.items():
        try:
            limit = float(k)
        except ValueError:
            raise fail(f"{key}.{k}", "posted limit key must be a number (mph)") from None
        if speed <= limit:
            raise fail(f"{key}.{k}", "significant speed must exceed the posted limit")
        bands.append((limit, speed))
    return tuple(sorted(bands))


def parse_params(
    doc: Mapping[str, Any], source: str = "telematics configuration"
) -> TelematicsParams:
    """Parse the telematics product configuration (YD-SCORE-3)."""
    f = validate(TelematicsFile, doc, source, rule=RULE)

    def fail(key: str, reason: str) -> DomainError:
        return config_error(source, key, reason, RULE)

    for table, given in (("weights", f.score.weights), ("zero_at", f.score.zero_at)):
        for name in sorted(set(given) - set(INDICATORS)):
            raise fail(f"score.{table}.{name}", "is not a known key")
        for name in INDICATORS:
            if name not in given:
                raise fail(f"score.{table}.{name}", "is missing")
    if f.events.yaw_window_fixes % 2 == 0:
        raise fail("events.yaw_window_fixes", "must be odd (a centred window)")
    table_name = f.alerts.significant_table
    if table_name not in f.alerts.tables:
        raise fail("alerts.significant_table", f"no table alerts.tables.{table_name}")
    version = f.product.version if f.product is not None else f.version
    if version is None:
        raise fail("product.version", "is missing")
    weights = f.score.weights
    total = sum(weights[n] for n in INDICATORS)
    return TelematicsParams(
        version=version,
        trips=TripParams(**f.trips.model_dump()),
        plausibility=PlausibilityParams(**f.plausibility.model_dump()),
        speed_limits=SpeedLimitParams(
            **{
                **f.speed_limits.model_dump(),
                "hmm_junction_shift_m": tuple(f.speed_limits.hmm_junction_shift_m),
            }
        ),
        speeding=SpeedingParams(**f.speeding.model_dump()),
        events=EventParams(**f.events.model_dump()),
        night=NightParams(**f.night.model_dump()),
        duration=DurationParams(**f.duration.model_dump()),
        score=ScoreParams(
            weights={n: weights[n] / total for n in INDICATORS},
            zero_at={n: f.score.zero_at[n] for n in INDICATORS},
            eco_basis=f.score.eco_basis,
        ),
        alerts=AlertParams(
            consistent_alerts_before_notice=f.alerts.consistent_alerts_before_notice,
            consistent_trip_share=f.alerts.consistent_trip_share,
            significant_alerts_before_notice=f.alerts.significant_alerts_before_notice,
            significant_table=table_name,
            significant_bands=_bands(
                f.alerts.tables[table_name], f"alerts.tables.{table_name}", fail
            ),
        ),
    )
