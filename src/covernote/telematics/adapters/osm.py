"""Road maps from OpenStreetMap extracts (issue 6 deliver 3; YD-SCORE-1 speed, YD-SPEED-1/2).

Turns the car-drivable ways of an OSM extract into the roads table that
:func:`covernote.domain.telematics.speed_limits.build_road_index` takes: one row per
way (per part, for the rare multi-part geometry) with

``road_id`` (OSM way id, ``"<id>#<part>"`` for parts after the first), ``name``,
``highway``, ``maxspeed``, ``maxspeed:type``, ``oneway``, ``geometry_wkt``
(``LINESTRING (lon lat, ...)`` in WGS84, in the way's node order).

Tag handling (the limit itself is normalised in the domain, ``normalise_limits``):

* kept: ways whose ``highway`` is one of ``classes`` (default: the road classes of the
  product config's ``speed_limits.road_class_mph``, i.e. roads open to cars), unless
  ``area=yes``; ways with fewer than 2 nodes with a location are skipped;
* ``maxspeed:type`` falls back to ``source:maxspeed`` (the UK mapping often carries
  ``GB:nsl_single`` etc. there);
* ``oneway`` as tagged (``yes``/``no``/``-1``); an untagged ``junction=roundabout``
  is one-way (OSM implies it). Directional ``maxspeed:forward/backward`` are not read
  (known gap: the larger of the two is usually in ``maxspeed``).

Readers, first available wins: ``.osm``/``.xml`` files with the standard library
(``xml.etree``, no dependency); ``.pbf`` with **pyrosm** if importable, else
**pyosmium** (``osmium``). Neither is a project dependency: without them a PBF gives
a CONFIGURATION :class:`DomainError` naming both.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-SPEED-1"
TAGS = ("name", "highway", "maxspeed", "maxspeed:type", "oneway")
ROADS_SCHEMA: dict[str, Any] = {
    "road_id": pl.String,
    **{t: pl.String for t in TAGS},
    "geometry_wkt": pl.String,
}
#: extra tags read only to derive the ones above
_AUX = ("source:maxspeed", "junction", "area")

Way = tuple[int, Mapping[str, str], Sequence[Sequence[tuple[float, float]]]]
"""(way id, tags, parts); a part is a list of (lon, lat)."""


def _wkt(coords: Sequence[tuple[float, float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{x:.7f} {y:.7f}" for x, y in coords) + ")"


def roads_from_ways(ways: Iterable[Way], classes: Collection[str]) -> pl.DataFrame:
    """The roads table (:data:`ROADS_SCHEMA`) from ways already read from a file."""
    rows: dict[str, list[str | None]] = {c: [] for c in ROADS_SCHEMA}
    for way_id, tags, parts in ways:
        highway = tags.get("highway")
        if highway not in classes or tags.get("area") == "yes":
            continue
        mtype = tags.get("maxspeed:type") or tags.get("source:maxspeed")
        oneway = tags.get("oneway")
        if oneway is None and tags.get("junction") == "roundabout":
            oneway = "yes"
        values = {**{t: tags.get(t) for t in TAGS}, "maxspeed:type": mtype, "oneway": oneway}
        k = 0
        for part in parts:
            if len(part) < 2:
                continue
            rows["road_id"].append(str(way_id) if k == 0 else f"{way_id}#{k}")
            for t in TAGS:
                rows[t].append(values[t])
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


def _ways_from_pyrosm(path: Path, classes: Collection[str]) -> list[Way]:
    import pyrosm  # type: ignore[import-not-found,import-untyped,unused-ignore]
    import shapely  # type: ignore[import-not-found,import-untyped,unused-ignore]

    osm = pyrosm.OSM(str(path))
    gdf = osm.get_data_by_custom_criteria(
        custom_filter={"highway": sorted(classes)},
        filter_type="keep",
        keep_nodes=False,
        keep_relations=False,
        keep_ways=True,
        extra_attributes=["maxspeed:type", *_AUX],
    )
    if gdf is None or len(gdf) == 0:
        return []
    cols = [c for c in (*TAGS, *_AUX) if c in gdf.columns]
    records = gdf[cols].astype(object).where(gdf[cols].notna(), None).to_dict("records")
    ways: list[Way] = []
    for way_id, rec, geom in zip(gdf["id"].tolist(), records, gdf.geometry, strict=True):
        tags = {k: str(v) for k, v in rec.items() if v is not None}
        if geom is None or geom.is_empty:
            continue
        kind = geom.geom_type
        if kind == "Polygon":  # a closed way (e.g. a roundabout) read as an area
            lines = [geom.exterior]
        elif kind.startswith("Multi"):
            lines = list(geom.geoms)
        else:
            lines = [geom]
        parts = [[(float(x), float(y)) for x, y in shapely.get_coordinates(g)] for g in lines]
        ways.append((int(way_id), tags, parts))
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


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def reader_for(path: Path) -> str:
    """Which reader :func:`read_osm_roads` uses for ``path``: ``xml``, ``pyrosm`` or ``osmium``."""
    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith((".osm", ".xml")):
        return "xml"
    if _importable("pyrosm"):
        return "pyrosm"
    if _importable("osmium"):
        return "osmium"
    raise DomainError(
        ErrorCode.CONFIGURATION,
        f"{path}: reading an OSM PBF needs pyrosm or osmium (pyosmium), neither is "
        "installed in this build: install one, or give the extract as OSM XML (.osm)",
        RULE,
        "osm",
    )


def read_osm_roads(
    path: str | Path, classes: Collection[str], *, reader: str | None = None
) -> pl.DataFrame:
    """Read an OSM extract (.osm.pbf, or .osm XML) into the roads table (:data:`ROADS_SCHEMA`).

    ``classes`` = the ``highway`` values to keep (normally the keys of
    ``params.speed_limits.road_class_mph``). ``reader`` forces ``xml``, ``pyrosm``
    or ``osmium`` (default: :func:`reader_for`).
    """
    p = Path(path)
    if not p.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, f"{p} not found", RULE, "osm")
    which = reader or reader_for(p)
    if which == "xml":
        ways = _ways_from_xml(p)
    elif which in ("pyrosm", "osmium"):
        read = _ways_from_pyrosm if which == "pyrosm" else _ways_from_osmium
        try:
            ways = read(p, classes)
        except ImportError:
            raise
        except Exception as exc:  # the readers raise their own types on a corrupt file
            raise DomainError(
                ErrorCode.INVALID, f"{p}: not a readable OSM PBF ({exc})", RULE, "osm"
            ) from exc
    else:
        raise DomainError(ErrorCode.INVALID, f"unknown OSM reader {which!r}", RULE, "osm")
    return roads_from_ways(ways, set(classes))
