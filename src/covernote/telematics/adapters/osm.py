"""Road maps from OpenStreetMap extracts (issue 6 deliver 3, issue 14; YD-SPEED-1/2).

Turns the car-drivable ways of an OSM extract into the roads table that
:func:`covernote.domain.telematics.speed_limits.build_road_index` takes. Columns
(:data:`ROADS_SCHEMA`): ``road_id``, ``name``, ``highway``, ``maxspeed``,
``maxspeed:type``, ``oneway``, ``maxspeed:variable``, ``maxspeed:conditional`` (the raw
tag), ``limit_conditions`` (that tag parsed, see :func:`parse_conditional`) and
``geometry_wkt`` (``LINESTRING (lon lat, ...)`` in WGS84, node order). The kernel reads
the first six and the geometry; the other three are carried for it (known gap: the
kernel does not apply time windows yet -- ``docs/decisions/telematics.md``).

Tag handling (the limit itself is normalised in the domain, ``normalise_limits``):

* kept: ways whose ``highway`` is one of ``classes`` (default: the road classes of the
  product config's ``speed_limits.road_class_mph``, i.e. roads open to cars), unless
  ``area=yes``; ways with fewer than 2 nodes with a location are skipped;
* ``maxspeed:type`` falls back to ``source:maxspeed`` (UK mapping often carries
  ``GB:nsl_single`` etc. there); a bare ``maxspeed=national`` gives way to a specific
  type (``GB:nsl_dual`` is 70, not the 60 ``national`` alone means); UK zones
  (``GB:zone20``, ``GB:zone30``, ...) become that many mph;
* **per direction**: ``maxspeed:forward`` / ``maxspeed:backward`` on a two-way road give
  two one-way rows over the same geometry, ``<id>:forward`` (node order, ``oneway=yes``)
  and ``<id>:backward`` (``oneway=-1``), each with its own limit -- the existing
  roads-table columns, so the kernel's heading match picks the side being driven; on a
  one-way road the tag of the direction of travel wins;
* ``oneway`` as tagged (``yes``/``no``/``-1``); an untagged ``junction=roundabout``
  is one-way (OSM implies it).

Readers: ``.osm``/``.xml`` with the standard library (``xml.etree``); ``.pbf`` with
pyosmium (``osmium``, a runtime dependency: small, no GDAL).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-SPEED-1"
KMH_PER_MPH = 1.609344
TAGS = ("name", "highway", "maxspeed", "maxspeed:type", "oneway")
EXTRA = ("maxspeed:variable", "maxspeed:conditional")
#: One parsed ``maxspeed:conditional`` rule: a limit and when it applies. ``days`` is a
#: bit mask (Monday = 1 ... Sunday = 64), ``start_min``/``end_min`` minutes after
#: local midnight (end exclusive; a window past midnight has end < start); a rule
#: with another condition (``wet``, ``weight>7.5``) has them null and ``condition`` set.
CONDITION = pl.Struct(
    {
        "limit_kmh": pl.Float64,
        "limit_mph": pl.Float64,
        "days": pl.Int32,
        "start_min": pl.Int32,
        "end_min": pl.Int32,
        "condition": pl.String,
    }
)
ROADS_SCHEMA: dict[str, Any] = {
    "road_id": pl.String,
    **{t: pl.String for t in (*TAGS, *EXTRA)},
    "limit_conditions": pl.List(CONDITION),
    "geometry_wkt": pl.String,
}
#: extra tags read only to derive the ones above
_AUX = ("source:maxspeed", "junction", "area", "maxspeed:forward", "maxspeed:backward")

Way = tuple[int, Mapping[str, str], Sequence[Sequence[tuple[float, float]]]]
"""(way id, tags, parts); a part is a list of (lon, lat)."""

_ZONE = re.compile(r"^(?:GB|UK):zone(\d+)$", re.IGNORECASE)
_LIMIT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)
_DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_DAY_RANGE = re.compile(r"^(mo|tu|we|th|fr|sa|su)(?:-(mo|tu|we|th|fr|sa|su))?$", re.IGNORECASE)
_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
ALL_DAYS = 0b1111111  # Monday (bit 0) .. Sunday (bit 6)
_IMPLICIT_GENERIC = {"national", "gb:national", "uk:national"}


def _wkt(coords: Sequence[tuple[float, float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{x:.7f} {y:.7f}" for x, y in coords) + ")"


def _zone_mph(value: str | None) -> str | None:
    """``GB:zone20`` -> ``"20 mph"`` (a UK 20 mph zone); anything else -> None."""
    m = _ZONE.match(value.strip()) if value else None
    return f"{m.group(1)} mph" if m else None


def _limit(value: str) -> tuple[float, float] | None:
    """``"20 mph"`` -> (km/h, mph); a bare number is km/h (OSM); None if not numeric."""
    m = _LIMIT.match(value)
    if not m:
        return None
    n = float(m.group(1))
    if (m.group(2) or "").lower() == "mph":
        return n * KMH_PER_MPH, n
    return n, n / KMH_PER_MPH


def _days_mask(spec: str) -> int | None:
    mask = 0
    for part in spec.split(","):
        m = _DAY_RANGE.match(part.strip())
        if not m:
            return None
        a = _DAYS.index(m.group(1).lower())
        b = _DAYS.index((m.group(2) or m.group(1)).lower())
        days = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
        for d in days:
            mask |= 1 << d
    return mask


def _windows(condition: str) -> list[tuple[int, int, int]] | None:
    """``"Mo-Fr 08:00-09:30,14:30-16:00"`` -> [(days, start_min, end_min), ...]; None when
    the condition is not a (days +) time-window rule (the opening_hours subset we read)."""
    rules: list[tuple[int, int, int]] = []
    for rule in condition.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        head, _, rest = rule.partition(" ")
        days = _days_mask(head)
        if days is None:  # no day part: every day
            days, rest = ALL_DAYS, rule
        elif not rest.strip():  # days only: all day
            rules.append((days, 0, 24 * 60))
            continue
        for span in rest.split(","):
            m = _TIME_RANGE.match(span.strip())
            if not m:
                return None
            h1, m1, h2, m2 = (int(g) for g in m.groups())
            if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
                return None
            rules.append((days, h1 * 60 + m1, h2 * 60 + m2))
    return rules or None


def _split_rules(tag: str) -> list[tuple[str, str]]:
    """``"20 mph @ (Mo-Fr 08:00-09:30); 30 mph @ wet"`` -> [(limit, condition), ...]
    (semicolons inside parentheses belong to the condition)."""
    out: list[tuple[str, str]] = []
    depth, start = 0, 0
    pieces: list[str] = []
    for i, ch in enumerate(tag):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            pieces.append(tag[start:i])
            start = i + 1
    pieces.append(tag[start:])
    for piece in pieces:
        if "@" not in piece:
            continue
        value, cond = piece.split("@", 1)
        cond = cond.strip()
        if cond.startswith("(") and cond.endswith(")"):
            cond = cond[1:-1].strip()
        out.append((value.strip(), cond))
    return out


def parse_conditional(tag: str | None) -> list[dict[str, Any]]:
    """Parse ``maxspeed:conditional`` (OSM conditional restrictions) into :data:`CONDITION`
    rows, one per time window; a limit that is not a number is left out, a condition that
    is not a day/time window is kept whole in ``condition`` (e.g. ``wet``)."""
    if not tag:
        return []
    rows: list[dict[str, Any]] = []
    for value, cond in _split_rules(tag):
        limit = _limit(_zone_mph(value) or value)
        if limit is None:
            continue
        kmh, mph = limit
        windows = _windows(cond)
        if windows is None:
            rows.append(
                {"limit_kmh": kmh, "limit_mph": mph, "days": None, "start_min": None,
                 "end_min": None, "condition": cond}
            )  # fmt: skip
            continue
        for days, start, end in windows:
            rows.append(
                {"limit_kmh": kmh, "limit_mph": mph, "days": days, "start_min": start,
                 "end_min": end, "condition": cond}
            )  # fmt: skip
    return rows


def _directional(tags: Mapping[str, str], oneway: str | None) -> list[tuple[str, str, str | None]]:
    """[(road-id suffix, oneway, maxspeed)] -- two rows when the limit depends on direction."""
    fwd, bwd = tags.get("maxspeed:forward"), tags.get("maxspeed:backward")
    base = tags.get("maxspeed")
    if not fwd and not bwd:
        return [("", oneway or "", base)]
    if oneway in ("yes", "true", "1"):
        return [("", oneway, fwd or base)]
    if oneway == "-1":
        return [("", oneway, bwd or base)]
    return [(":forward", "yes", fwd or base), (":backward", "-1", bwd or base)]


def roads_from_ways(ways: Iterable[Way], classes: Collection[str]) -> pl.DataFrame:
    """The roads table (:data:`ROADS_SCHEMA`) from ways already read from a file."""
    rows: dict[str, list[Any]] = {c: [] for c in ROADS_SCHEMA}
    for way_id, tags, parts in ways:
        highway = tags.get("highway")
        if highway not in classes or tags.get("area") == "yes":
            continue
        mtype = tags.get("maxspeed:type") or tags.get("source:maxspeed")
        oneway = tags.get("oneway")
        if oneway is None and tags.get("junction") == "roundabout":
            oneway = "yes"
        conditional = tags.get("maxspeed:conditional")
        conditions = parse_conditional(conditional)
        for suffix, direction, maxspeed in _directional(tags, oneway):
            zone = _zone_mph(maxspeed) or (None if maxspeed else _zone_mph(mtype))
            if zone:
                maxspeed = zone
            elif maxspeed and maxspeed.strip().lower() in _IMPLICIT_GENERIC and mtype:
                maxspeed = None  # "national" + a specific type: the type decides
            values = {
                **{t: tags.get(t) for t in TAGS},
                "maxspeed": maxspeed,
                "maxspeed:type": mtype,
                "oneway": direction or None,
                "maxspeed:variable": tags.get("maxspeed:variable"),
                "maxspeed:conditional": conditional,
            }
            k = 0
            for part in parts:
                if len(part) < 2:
                    continue
                rid = str(way_id) if k == 0 else f"{way_id}#{k}"
                rows["road_id"].append(rid + suffix)
                for t in (*TAGS, *EXTRA):
                    rows[t].append(values[t])
                rows["limit_conditions"].append(conditions)
                rows["geometry_wkt"].append(_wkt(part))
                k += 1
    return pl.DataFrame(rows, schema=ROADS_SCHEMA)


def _ways_from_xml(path: Path) -> list[Way]:
    """Ways of an OSM XML file (nodes must precede the ways that use them, as OSM writes)."""
    nodes: dict[str, tuple[float, float]] = {}
    ways: list[Way] = []
    try:
        # A local file from a data team. expat >= 2.4 (2.5 here) limits entity
        # amplification and ElementTree never fetches external entities; defusedxml is
        # not installed in this build.
        for _, el in ET.iterparse(path, events=("end",)):  # noqa: S314
            if el.tag == "node":
                nodes[el.attrib["id"]] = (float(el.attrib["lon"]), float(el.attrib["lat"]))
                el.clear()
            elif el.tag == "way":
                tags = {t.attrib["k"]: t.attrib["v"] for t in el.iter("tag")}
                coords = [nodes[n.attrib["ref"]] for n in el.iter("nd") if n.attrib["ref"] in nodes]
                ways.append((int(el.attrib["id"]), tags, [coords]))
                el.clear()
    except (ET.ParseError, KeyError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID, f"{path}: not OSM XML ({exc})", RULE, "osm") from exc
    return ways


def _ways_from_osmium(path: Path, classes: Collection[str]) -> list[Way]:
    import osmium  # type: ignore[import-not-found,import-untyped,unused-ignore]

    ways: list[Way] = []
    fp = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for obj in fp:
        if not isinstance(obj, osmium.osm.Way) or obj.tags.get("highway") not in classes:
            continue
        w = obj
        tags = {t.k: t.v for t in w.tags}
        coords = [(n.lon, n.lat) for n in w.nodes if n.location.valid()]
        ways.append((int(w.id), tags, [coords]))
    return ways


def reader_for(path: Path) -> str:
    """Which reader :func:`read_osm_roads` uses for ``path``: ``xml`` or ``osmium``."""
    suffixes = "".join(path.suffixes[-2:]).lower()
    return "xml" if suffixes.endswith((".osm", ".xml")) else "osmium"


def read_osm_roads(
    path: str | Path, classes: Collection[str], *, reader: str | None = None
) -> pl.DataFrame:
    """Read an OSM extract (.osm.pbf, or .osm XML) into the roads table (:data:`ROADS_SCHEMA`).

    ``classes`` = the ``highway`` values to keep (normally the keys of
    ``params.speed_limits.road_class_mph``). ``reader`` forces ``xml`` or ``osmium``
    (default: :func:`reader_for`).
    """
    p = Path(path)
    if not p.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, f"{p} not found", RULE, "osm")
    which = reader or reader_for(p)
    if which == "xml":
        ways = _ways_from_xml(p)
    elif which == "osmium":
        try:
            ways = _ways_from_osmium(p, classes)
        except Exception as exc:  # the readers raise their own types on a corrupt file
            raise DomainError(
                ErrorCode.INVALID, f"{p}: not a readable OSM PBF ({exc})", RULE, "osm"
            ) from exc
    else:
        raise DomainError(ErrorCode.INVALID, f"unknown OSM reader {which!r}", RULE, "osm")
    return roads_from_ways(ways, set(classes))
