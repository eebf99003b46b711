"""Posted speed limit per fix (YD-SCORE-1 speed indicator, YD-SPEED-1/2).

A road map (roads table: one row per way, WKT linestring in WGS84) is normalised
to limits in km/h *and* mph with their source, split into straight segments and
registered in a uniform grid (cell side ``cell_m``): each segment is listed in
every cell its bounding box, grown by ``search_radius_m``, touches. A fix looks up
its own cell only, so candidates are exactly the segments that may lie within the
search radius. Everything is Polars expressions -- there is no Python loop per
point; the per-road work (parsing, hashing) is proportional to the map size.

Matching cost = distance to the segment (m) + ``heading_weight_m_per_deg`` x the
angle between the fix heading and the segment bearing (either direction unless the
road is one-way; heading ignored below ``heading_min_speed_kmh``). The limit is then
smoothed along the trip with a centred rolling mode over ``smoothing_window`` fixes.
Distances use a local equirectangular projection per segment (x scaled by the cosine
of the segment's mid latitude), accurate to well under 0.1% over the 25 m search radius.

Map version = ``sha256`` of the normalised map (roads, limits, geometry) so that each
point can be traced to the exact map it was matched against.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.calibration import MatchCalibration, calibrate
from covernote.domain.telematics.matching import HmmParams, MatchGrid, match_roads
from covernote.domain.telematics.params import KMH_PER_MPH, SpeedLimitParams

M_PER_DEG_LAT = 111_320.0  # m per degree of latitude (mean; 0.5% tolerance is fine at 25 m)
_CELL_ROW = 4_000_000  # cell key = row * _CELL_ROW + column; |column| < 2e6 for cells >= 20 m
_COST_CM_SHIFT = 1 << 24  # key = cost in cm * 2^24 + road index (maps of < 16.7 M roads)
RULE = "YD-SCORE-1"


class LimitSource(StrEnum):
    MAXSPEED = "maxspeed"  # numeric OSM maxspeed ("30 mph", "50")
    MAXSPEED_TYPE = "maxspeed_type"  # UK implicit limit (GB:nsl_single, ...)
    MAP_KMH = "map_kmh"  # numeric speed_limit_kmh column of the map
    ROAD_CLASS = "road_class"  # fallback by highway class
    NONE = "none"  # road known, no limit derivable
    UNMATCHED = "unmatched"  # no road within the search radius
    SMOOTHED = "smoothed"  # replaced by the rolling mode of its neighbours along the trip
    CONDITIONAL = "conditional"  # a maxspeed:conditional time window in force (school zone)


@dataclass(frozen=True)
class RoadIndex:
    """A versioned, normalised road map and its grid index (build with :func:`build_road_index`)."""

    roads: pl.DataFrame  # road_idx, road_id, road_name, road_class, limit_kmh, limit_mph, limit_unit, limit_source, oneway
    cells: pl.DataFrame  # cell, road_idx, lon0, lat0, kx, dx, dy, len2, bearing, oneway
    cell_deg_lat: float
    cell_deg_lon: float
    map_version: str
    params: SpeedLimitParams
    #: NumPy form of ``cells`` plus road lengths/ends for the HMM matcher (None: not built)
    grid: MatchGrid | None = None
    #: time-window limits (``maxspeed:conditional``): road_idx, limit_kmh, days, start_min,
    #: end_min -- one row per window; None when the map has none
    conditions: pl.DataFrame | None = None


#: the clock a conditional limit's time window is read in (UK roads)
LOCAL_TZ = "Europe/London"
_NUM_RE = r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mph|km/h|kmh|kph)?\s*$"


def normalise_limits(roads: pl.DataFrame, params: SpeedLimitParams) -> pl.DataFrame:
    """Normalise each road's limit to km/h and mph with its source.

    Priority: numeric ``maxspeed`` (``"30 mph"`` = 30 mph; bare numbers are km/h as
    in OSM) > ``maxspeed`` holding an implicit-limit value (``"GB:nsl_single"``,
    ``"national"``) > ``maxspeed:type`` > numeric ``speed_limit_kmh`` > the road
    class fallback (``road_type``/``highway``, a ``highway.`` prefix is ignored).
    mph limits keep their exact mph value; km/h = mph x 1.609344.
    """
    cols = roads.columns

    def opt(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String) if name in cols else pl.lit(None, pl.String)

    maxspeed = opt("maxspeed").str.strip_chars()
    num = maxspeed.str.extract(_NUM_RE, 1).cast(pl.Float64)
    unit = maxspeed.str.extract(_NUM_RE, 2).str.to_lowercase()
    type_map = {k: float(v) for k, v in params.maxspeed_type_mph.items()}
    class_map = {k: float(v) for k, v in params.road_class_mph.items()}
    ms_as_type = maxspeed.replace_strict(type_map, default=None, return_dtype=pl.Float64)
    mtype = opt("maxspeed:type").str.strip_chars()
    mtype_mph = mtype.replace_strict(type_map, default=None, return_dtype=pl.Float64)
    cls_col = "road_type" if "road_type" in cols else "highway"
    road_class = opt(cls_col).str.replace(r"^highway\.", "")
    class_mph = road_class.replace_strict(class_map, default=None, return_dtype=pl.Float64)
    map_kmh = (
        pl.col("speed_limit_kmh").cast(pl.Float64)
        if "speed_limit_kmh" in cols
        else pl.lit(None, pl.Float64)
    )
    num_is_mph = unit == "mph"
    src = (
        pl.when(num.is_not_null())
        .then(pl.lit(LimitSource.MAXSPEED.value))
        .when(ms_as_type.is_not_null() | mtype_mph.is_not_null())
        .then(pl.lit(LimitSource.MAXSPEED_TYPE.value))
        .when(map_kmh.is_not_null())
        .then(pl.lit(LimitSource.MAP_KMH.value))
        .when(class_mph.is_not_null())
        .then(pl.lit(LimitSource.ROAD_CLASS.value))
        .otherwise(pl.lit(LimitSource.NONE.value))
    )
    type_mph = pl.coalesce(ms_as_type, mtype_mph)
    limit_mph = (
        pl.when(num.is_not_null() & num_is_mph.fill_null(False))
        .then(num)
        .when(num.is_not_null())
        .then(num / KMH_PER_MPH)
        .when(type_mph.is_not_null())
        .then(type_mph)
        .when(map_kmh.is_not_null())
        .then(map_kmh / KMH_PER_MPH)
        .otherwise(class_mph)
    )
    limit_kmh = (
        pl.when(num.is_not_null() & num_is_mph.fill_null(False).not_())
        .then(num)
        .when(src == LimitSource.MAP_KMH.value)
        .then(map_kmh)
        .otherwise(limit_mph * KMH_PER_MPH)
    )
    limit_unit = (
        pl.when(
            (num.is_not_null() & num_is_mph.fill_null(False).not_())
            | (src == LimitSource.MAP_KMH.value)
        )
        .then(pl.lit("km/h"))
        .when(src == LimitSource.NONE.value)
        .then(pl.lit(None, pl.String))
        .otherwise(pl.lit("mph"))
    )
    oneway_raw = opt("oneway").str.to_lowercase()
    oneway = (
        pl.when(oneway_raw.is_in(["yes", "true", "1", "-1"]))
        .then(pl.lit(True))
        .when(oneway_raw.is_in(["no", "false", "0"]))
        .then(pl.lit(False))
        # OSM implies oneway on motorways; others default to two-way.
        .otherwise(road_class.is_in(["motorway"]).fill_null(False))
    )
    id_col = "road_id" if "road_id" in cols else "edge_id"
    return roads.select(
        pl.col(id_col).cast(pl.String).alias("road_id"),
        opt("name").alias("road_name"),
        road_class.alias("road_class"),
        limit_kmh.alias("limit_kmh"),
        limit_mph.alias("limit_mph"),
        limit_unit.alias("limit_unit"),
        src.alias("limit_source"),
        oneway.alias("oneway"),
        (oneway_raw == "-1").fill_null(False).alias("reversed"),
        pl.col("geometry_wkt").cast(pl.String),
    )


def build_road_index(
    roads: pa.Table | pl.DataFrame,
    params: SpeedLimitParams,
    *,
    default_oneway: bool | None = None,
) -> RoadIndex:
    """Normalise, version and grid-index a roads table (fixture roads.parquet format).

    Required columns: ``edge_id`` or ``road_id``, ``geometry_wkt``. Optional:
    ``name``, ``road_type``/``highway``, ``speed_limit_kmh``, ``maxspeed``,
    ``maxspeed:type``, ``oneway``. ``default_oneway`` overrides the direction of
    roads whose ``oneway`` is not given (``True`` for maps that list each driving
    direction as its own row, like the SUMO fixture).
    """
    df = roads if isinstance(roads, pl.DataFrame) else pl.DataFrame(pl.from_arrow(roads))
    for need in ("geometry_wkt",):
        if need not in df.columns:
            raise DomainError(ErrorCode.REQUIRED, f"roads: column {need} missing", RULE, need)
    if "road_id" not in df.columns and "edge_id" not in df.columns:
        raise DomainError(ErrorCode.REQUIRED, "roads: column road_id missing", RULE, "road_id")
    norm = normalise_limits(df, params)
    if default_oneway is not None and "oneway" not in df.columns:
        norm = norm.with_columns(oneway=pl.lit(default_oneway))
    norm = norm.sort("road_id").with_row_index("road_idx")
    conditions = _time_windows(df, norm)
    canonical = norm.drop("road_idx").write_csv(float_precision=7)
    if conditions is not None:  # maps without conditional limits keep their version
        canonical += conditions.write_csv(float_precision=7)
    map_version = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    pts = (
        norm.select(
            "road_idx",
            "oneway",
            "reversed",
            xy=pl.col("geometry_wkt")
            .str.replace(r"^\s*LINESTRING\s*\(", "")
            .str.replace(r"\)\s*$", "")
            .str.split(","),
        )
        .with_columns(n=pl.col("xy").list.len())
        .explode("xy")
        .with_columns(pl.col("xy").str.strip_chars().str.split(" "))
        .with_columns(
            lon=pl.col("xy").list.get(0, null_on_oob=True).cast(pl.Float64, strict=False),
            lat=pl.col("xy").list.get(1, null_on_oob=True).cast(pl.Float64, strict=False),
        )
    )
    if pts.filter(pl.col("lon").is_null() | pl.col("lat").is_null()).height:
        raise DomainError(ErrorCode.INVALID, "roads: bad geometry_wkt", RULE, "geometry_wkt")
    segs = (
        pts.with_columns(
            lon1=pl.col("lon").shift(-1),
            lat1=pl.col("lat").shift(-1),
            same=pl.col("road_idx") == pl.col("road_idx").shift(-1),
        )
        .filter(pl.col("same"))
        .select("road_idx", "oneway", "reversed", lon0="lon", lat0="lat", lon1="lon1", lat1="lat1")
        .with_columns(kx=M_PER_DEG_LAT * ((pl.col("lat0") + pl.col("lat1")) / 2).radians().cos())
        .with_columns(
            dx=(pl.col("lon1") - pl.col("lon0")) * pl.col("kx"),
            dy=(pl.col("lat1") - pl.col("lat0")) * M_PER_DEG_LAT,
        )
        .with_columns(
            len2=pl.col("dx") ** 2 + pl.col("dy") ** 2,
            bearing=(
                pl.arctan2(pl.col("dx"), pl.col("dy")).degrees()
                + pl.when(pl.col("reversed")).then(180.0).otherwise(0.0)
                + 360.0
            )
            % 360.0,
        )
        .filter(pl.col("len2") > 0)
        .with_columns(seglen=pl.col("len2").sqrt())
        .with_columns(s0=pl.col("seglen").cum_sum().over("road_idx") - pl.col("seglen"))
    )
    lat_max = segs.select(pl.col("lat0").abs().max()).item() if segs.height else None
    lat_ref = float(lat_max) if lat_max is not None else 0.0
    cell_deg_lat = params.cell_m / M_PER_DEG_LAT
    # Columns narrow towards the poles: size them at the map's most poleward latitude.
    cell_deg_lon = params.cell_m / (M_PER_DEG_LAT * max(math.cos(math.radians(lat_ref)), 0.01))
    r_lat = params.search_radius_m / M_PER_DEG_LAT
    cells = (
        segs.with_columns(
            cy0=((pl.min_horizontal("lat0", "lat1") - r_lat) / cell_deg_lat).floor().cast(pl.Int64),
            cy1=((pl.max_horizontal("lat0", "lat1") + r_lat) / cell_deg_lat).floor().cast(pl.Int64),
            cx0=(
                (pl.min_horizontal("lon0", "lon1") - params.search_radius_m / pl.col("kx"))
                / cell_deg_lon
            )
            .floor()
            .cast(pl.Int64),
            cx1=(
                (pl.max_horizontal("lon0", "lon1") + params.search_radius_m / pl.col("kx"))
                / cell_deg_lon
            )
            .floor()
            .cast(pl.Int64),
        )
        .with_columns(cy=pl.int_ranges("cy0", pl.col("cy1") + 1))
        .explode("cy")
        .with_columns(cx=pl.int_ranges("cx0", pl.col("cx1") + 1))
        .explode("cx")
    )
    # Keep only cells whose centre lies within radius + half the cell diagonal of the
    # segment (bounding boxes of long diagonal segments would list far cells).
    reach = params.search_radius_m + params.cell_m * math.sqrt(0.5)
    cx_ax = (pl.col("lon0") - (pl.col("cx") + 0.5) * cell_deg_lon) * pl.col("kx")
    cy_ay = (pl.col("lat0") - (pl.col("cy") + 0.5) * cell_deg_lat) * M_PER_DEG_LAT
    tt = (-(cx_ax * pl.col("dx") + cy_ay * pl.col("dy")) / pl.col("len2")).clip(0, 1)
    cd2 = (cx_ax + tt * pl.col("dx")) ** 2 + (cy_ay + tt * pl.col("dy")) ** 2
    cells = (
        cells.filter(cd2 <= reach**2)
        .select(
            (pl.col("cy") * _CELL_ROW + pl.col("cx")).alias("cell"),
            pl.col("road_idx").cast(pl.Int64),
            "lon0",
            "lat0",
            "kx",
            "dx",
            "dy",
            "len2",
            "bearing",
            "oneway",
            "s0",
        )
        .sort("cell")
    )
    grid = _match_grid(norm, pts, segs, cells, cell_deg_lat, cell_deg_lon)
    return RoadIndex(
        roads=norm.drop("geometry_wkt", "reversed"),
        cells=cells,
        cell_deg_lat=cell_deg_lat,
        cell_deg_lon=cell_deg_lon,
        map_version=map_version,
        params=params,
        grid=grid,
        conditions=conditions,
    )


def _time_windows(df: pl.DataFrame, norm: pl.DataFrame) -> pl.DataFrame | None:
    """The roads' ``limit_conditions`` (parsed ``maxspeed:conditional``, see the OSM
    adapter) that are day/time windows, keyed by ``road_idx``; other conditions
    (``wet``, weights) cannot be known from a Smartbox and are left out."""
    dtype = df.schema.get("limit_conditions")
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return None  # no column, or only empty lists
    windows = (
        df.select(pl.col("road_id").cast(pl.String), "limit_conditions")
        .explode("limit_conditions")
        .unnest("limit_conditions")
        .filter(pl.col("start_min").is_not_null() & pl.col("limit_kmh").is_not_null())
        .join(norm.select("road_id", "road_idx"), on="road_id", how="inner")
        .select(
            "road_idx",
            pl.col("limit_kmh").cast(pl.Float64),
            pl.col("days").fill_null(127).cast(pl.Int32),
            pl.col("start_min").cast(pl.Int32),
            pl.col("end_min").cast(pl.Int32),
        )
        .sort("road_idx", "start_min", "end_min", "days", "limit_kmh")
    )
    return windows if windows.height else None


def apply_conditions(out: pl.DataFrame, road_idx: pl.Series, index: RoadIndex) -> pl.DataFrame:
    """Replace the posted limit where a time-window limit of the matched road is in force
    at the fix's local (UK) time -- e.g. a 20 mph school zone on weekday mornings
    (YD-SPEED-1). Several windows in force: the lowest limit. Needs ``ts``."""
    cond = index.conditions
    if cond is None or "ts" not in out.columns or out.height == 0:
        return out
    ts = out["ts"]
    if isinstance(ts.dtype, pl.Datetime) and ts.dtype.time_zone is None:
        ts = ts.dt.replace_time_zone("UTC")
    local = ts.dt.convert_time_zone(LOCAL_TZ)
    q = pl.DataFrame(
        {
            "_row": pl.int_range(out.height, eager=True),
            "road_idx": road_idx.cast(pl.Int64),
            "_dow": local.dt.weekday().cast(pl.Int32),  # Monday = 1
            "_min": (local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute().cast(pl.Int32)),
        }
    )
    m, start, end = pl.col("_min"), pl.col("start_min"), pl.col("end_min")
    in_window = (
        pl.when(start <= end).then((m >= start) & (m < end)).otherwise((m >= start) | (m < end))
    )
    on_day = (pl.col("days") // (pl.lit(2, pl.Int32) ** (pl.col("_dow") - 1))) % 2 == 1
    hits = (
        q.join(cond.with_columns(pl.col("road_idx").cast(pl.Int64)), on="road_idx", how="inner")
        .filter(in_window & on_day)
        .group_by("_row")
        .agg(pl.col("limit_kmh").min().alias("_cond"))
    )
    if hits.height == 0:
        return out
    c = q.select("_row").join(hits, on="_row", how="left", maintain_order="left")["_cond"]
    return out.with_columns(
        pl.when(c.is_not_null())
        .then(c)
        .otherwise(pl.col("speed_limit_kmh"))
        .alias("speed_limit_kmh"),
        pl.when(c.is_not_null())
        .then(pl.lit(LimitSource.CONDITIONAL.value))
        .otherwise(pl.col("limit_source"))
        .alias("limit_source"),
    )


def _match_grid(
    norm: pl.DataFrame,
    pts: pl.DataFrame,
    segs: pl.DataFrame,
    cells: pl.DataFrame,
    cell_deg_lat: float,
    cell_deg_lon: float,
) -> MatchGrid:
    """NumPy arrays for :mod:`matching`: cells as CSR, road lengths and end points."""
    n_roads = norm.height
    ends = pts.group_by("road_idx").agg(
        pl.col("lon").first().alias("lon_s"),
        pl.col("lat").first().alias("lat_s"),
        pl.col("lon").last().alias("lon_e"),
        pl.col("lat").last().alias("lat_e"),
    )
    lens = segs.group_by("road_idx").agg(pl.col("seglen").sum().alias("length"))
    road = (
        norm.select(pl.col("road_idx"), "reversed")
        .join(ends, on="road_idx", how="left")
        .join(lens, on="road_idx", how="left")
        .sort("road_idx")
        .fill_null(0.0)
    )
    keys, start, count = np.unique(cells["cell"].to_numpy(), return_index=True, return_counts=True)
    seg = cells.select(
        "lon0",
        "lat0",
        "kx",
        "dx",
        "dy",
        "len2",
        "s0",
        "bearing",
        pl.col("road_idx").cast(pl.Float64),
    ).to_numpy()
    assert road.height == n_roads
    return MatchGrid(
        cell_keys=keys.astype(np.int64),
        cell_start=start.astype(np.int64),
        cell_count=count.astype(np.int64),
        seg=np.ascontiguousarray(seg, dtype=np.float64),
        seg_oneway=cells["oneway"].to_numpy().astype(np.bool_),
        road_len=road["length"].to_numpy().astype(np.float64),
        road_rev=road["reversed"].to_numpy().astype(np.bool_),
        road_start=road.select("lon_s", "lat_s").to_numpy().astype(np.float64),
        road_end=road.select("lon_e", "lat_e").to_numpy().astype(np.float64),
        cell_deg_lat=cell_deg_lat,
        cell_deg_lon=cell_deg_lon,
    )


def _rolling_mode(df: pl.DataFrame, value: str, group: str, window: int) -> pl.Series:
    """Centred rolling mode of ``value`` within runs of equal ``group`` (ties -> centre value)."""
    half = window // 2
    offsets = list(range(-half, half + 1))
    v = {k: f"_v{k + half}" for k in offsets}
    s = {k: f"_s{k + half}" for k in offsets}
    tmp = df.select(
        pl.when(pl.col(group).shift(-k) == pl.col(group))
        .then(pl.col(value).shift(-k))
        .otherwise(None)
        .alias(v[k])
        for k in offsets
    )
    tmp = tmp.with_columns(
        pl.when(pl.col(v[k]).is_null())
        .then(-1)
        .otherwise(
            2 * pl.sum_horizontal((pl.col(v[k]) == pl.col(v[j])).fill_null(False) for j in offsets)
            + (1 if k == 0 else 0)
        )
        .alias(s[k])
        for k in offsets
    )
    best_score = pl.max_horizontal(pl.col(s[k]) for k in offsets)
    expr = pl.col(v[0])
    for k in reversed(offsets):
        if k != 0:
            expr = pl.when(pl.col(s[k]) == best_score).then(pl.col(v[k])).otherwise(expr)
    # The centre wins its ties: it has the odd bonus, so equality with best means it is best.
    expr = pl.when(pl.col(s[0]) == best_score).then(pl.col(v[0])).otherwise(expr)
    return tmp.select(expr.alias(value)).to_series()


class MatchMethod(StrEnum):
    HMM = "hmm"  # hidden-Markov matching along the trip (the matching package), the default
    HEADING = "heading"  # per fix: distance + heading cost, then a rolling mode of the limit


def hmm_params(p: SpeedLimitParams) -> HmmParams:
    """The matcher's parameters from the product configuration (YD-SCORE-3)."""
    return HmmParams(
        search_radius_m=p.search_radius_m,
        candidates=p.hmm_candidates,
        sigma_m=p.hmm_sigma_m,
        sigma_min_m=p.hmm_sigma_min_m,
        beta_m=p.hmm_beta_m,
        heading_weight_per_deg=p.hmm_heading_weight_per_deg,
        heading_min_speed_kmh=p.heading_min_speed_kmh,
        travel=p.hmm_travel,
        heading_hold=p.hmm_heading_hold,
        placement=p.hmm_placement,
        placement_fixes=p.hmm_placement_fixes,
        placement_drift_m=p.hmm_placement_drift_m,
        placement_junction_frac=p.hmm_placement_junction_frac,
        speed_lean=p.hmm_speed_lean,
        heading_lag_m=p.hmm_heading_lag_m,
        heading_sd_deg=p.hmm_heading_sd_deg,
        junction_shift_m=p.hmm_junction_shift_m,
        placement_turn_fixes=p.hmm_placement_turn_fixes,
        placement_reach_min_fixes=p.hmm_placement_reach_min_fixes,
        placement_turn_min_deg=p.hmm_placement_turn_min_deg,
        placement_turn_sd_frac=p.hmm_placement_turn_sd_frac,
        placement_turn_sd_min_m=p.hmm_placement_turn_sd_min_m,
    )


def match_limits(
    df: pl.DataFrame,
    index: RoadIndex,
    *,
    along: str | None = None,
    method: MatchMethod | str | None = None,
) -> pl.DataFrame:
    """Add ``speed_limit_kmh``, ``limit_source``, ``road_id``, ``road_name``, ``map_version``.

    ``df`` needs ``lat``, ``lon``, ``heading_deg``, ``speed_kmh`` (and ``ts`` for the
    HMM's speed-based travel distance). ``method`` (default: ``params.match_method``):

    * ``hmm``: hidden-Markov matching (:mod:`matching`) over each run of equal
      ``along`` values (a trip), rows in time order within it; without ``along``
      every fix is matched on its own (emission only).
    * ``heading``: the cheapest segment by distance + heading cost per fix, the limit
      then smoothed with a rolling mode over runs of equal ``along`` values.
    """
    m = MatchMethod(method if method is not None else index.params.match_method)
    if m is MatchMethod.HMM:
        return _match_hmm(df, index, along)
    return _match_heading(df, index, along)


_HmmInputs = tuple[
    MatchGrid,
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.bool_],
]


def _hmm_inputs(df: pl.DataFrame, index: RoadIndex, along: str | None) -> _HmmInputs:
    """The grid and the arrays :func:`matching.match_roads` reads, from a points frame."""
    grid = index.grid
    if grid is None:  # an index built elsewhere without the grid
        raise DomainError(ErrorCode.CONFIGURATION, "road index has no match grid", RULE, "grid")
    n = df.height
    arr = df.select(
        pl.col(c).cast(pl.Float64).fill_null(float("nan"))
        for c in ("lat", "lon", "speed_kmh", "heading_deg")
    )
    lat, lon, spd, hdg = (arr[c].to_numpy().astype(np.float64) for c in arr.columns)
    if "ts" in df.columns:
        ts_s = df.select(pl.col("ts").to_physical().cast(pl.Float64) / 1e6).to_series().to_numpy()
    else:
        ts_s = np.arange(n, dtype=np.float64)
    if along is not None:
        g = df.select(pl.col(along).ne_missing(pl.col(along).shift(1)).fill_null(True))
        new_chain = g.to_series().to_numpy().astype(np.bool_)
    else:
        new_chain = np.ones(n, np.bool_)
    if n:
        new_chain[0] = True
    return grid, lat, lon, np.nan_to_num(spd), hdg, ts_s, new_chain


def calibrate_matching(
    df: pl.DataFrame, index: RoadIndex, *, along: str | None = "device_id"
) -> MatchCalibration:
    """Calibrate the HMM matcher on a sample of points (ADR 0036): the fleet's speed
    timing and heading lag and noise, and the map's junction paths (see
    :mod:`calibration`). ``df`` as for :func:`match_limits`."""
    return calibrate(*_hmm_inputs(df, index, along), hmm_params(index.params))


def _match_hmm(df: pl.DataFrame, index: RoadIndex, along: str | None) -> pl.DataFrame:
    road_idx, _ = match_roads(*_hmm_inputs(df, index, along), hmm_params(index.params))
    matched = pl.Series("road_idx", road_idx).replace(-1, None)
    return apply_conditions(_attach_roads(df, matched, index), matched, index)


def _attach_roads(df: pl.DataFrame, road_idx: pl.Series, index: RoadIndex) -> pl.DataFrame:
    roads = index.roads.select(
        pl.col("road_idx").cast(pl.Int64),
        "road_id",
        "road_name",
        pl.col("limit_kmh").alias("_lim"),
        "limit_source",
    )
    m = (
        road_idx.cast(pl.Int64)
        .to_frame("road_idx")
        .join(roads, on="road_idx", how="left", maintain_order="left")
    )
    return df.with_columns(
        m["_lim"].alias("speed_limit_kmh"),
        m["limit_source"].fill_null(LimitSource.UNMATCHED.value).alias("limit_source"),
        m["road_id"].alias("road_id"),
        m["road_name"].alias("road_name"),
        pl.lit(index.map_version).alias("map_version"),
    )


def _match_heading(df: pl.DataFrame, index: RoadIndex, along: str | None) -> pl.DataFrame:
    p = index.params
    q = df.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_pid"),
        (
            (pl.col("lat") / index.cell_deg_lat).floor().cast(pl.Int64) * _CELL_ROW
            + (pl.col("lon") / index.cell_deg_lon).floor().cast(pl.Int64)
        ).alias("cell"),
        "lat",
        "lon",
        pl.when(pl.col("speed_kmh") >= p.heading_min_speed_kmh)
        .then(pl.col("heading_deg"))
        .otherwise(None)
        .alias("_h"),
    )
    c = q.join(index.cells, on="cell", how="inner")
    ax = (pl.col("lon0") - pl.col("lon")) * pl.col("kx")
    ay = (pl.col("lat0") - pl.col("lat")) * M_PER_DEG_LAT
    c = c.with_columns(ax=ax, ay=ay)
    t = (-(pl.col("ax") * pl.col("dx") + pl.col("ay") * pl.col("dy")) / pl.col("len2")).clip(0, 1)
    c = c.with_columns(t=t)
    d2 = (pl.col("ax") + pl.col("t") * pl.col("dx")) ** 2 + (
        pl.col("ay") + pl.col("t") * pl.col("dy")
    ) ** 2
    diff = ((pl.col("_h") - pl.col("bearing") + 540.0) % 360.0 - 180.0).abs()
    diff = pl.when(pl.col("oneway")).then(diff).otherwise(pl.min_horizontal(diff, 180.0 - diff))
    cost = d2.sqrt() + p.heading_weight_m_per_deg * diff.fill_null(0.0)
    key = (cost * 100.0).cast(pl.Int64) * _COST_CM_SHIFT + pl.col("road_idx")
    best = (
        c.filter(d2 <= p.search_radius_m**2)
        .group_by("_pid")
        .agg(key.min().alias("_k"))
        .select("_pid", (pl.col("_k") % _COST_CM_SHIFT).alias("road_idx"))
    )
    roads = index.roads.select(
        pl.col("road_idx").cast(pl.Int64),
        "road_id",
        "road_name",
        pl.col("limit_kmh").alias("_lim"),
        "limit_source",
    )
    m = (
        q.select("_pid")
        .join(best, on="_pid", how="left", maintain_order="left")
        .join(roads, on="road_idx", how="left", maintain_order="left")
    )
    out = df.with_columns(
        m["_lim"].alias("speed_limit_kmh"),
        m["limit_source"].fill_null(LimitSource.UNMATCHED.value).alias("limit_source"),
        m["road_id"].alias("road_id"),
        m["road_name"].alias("road_name"),
        pl.lit(index.map_version).alias("map_version"),
    )
    out = apply_conditions(out, m["road_idx"], index)
    if along is not None and p.smoothing_window > 1:
        smooth = _rolling_mode(out, "speed_limit_kmh", along, p.smoothing_window)
        out = out.with_columns(
            smooth.alias("speed_limit_kmh"),
            pl.when(pl.lit(smooth).ne_missing(pl.col("speed_limit_kmh")))
            .then(pl.lit(LimitSource.SMOOTHED.value))
            .otherwise(pl.col("limit_source"))
            .alias("limit_source"),
        )
    return out
