"""Road maps from OSM extracts (issue 6 deliver 3, issue 14; YD-SPEED-1 posted limits).

Every extract is written by the test: the hand-made UK XML in ``data/`` and small
ones built here, each also converted to PBF with osmium (pyosmium, a runtime
dependency) so that both readers are checked on the same ways.
"""

from __future__ import annotations

from pathlib import Path

import osmium
import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.domain.telematics.speed_limits import build_road_index
from covernote.telematics.adapters.osm import read_osm_roads, reader_for

UK_XML = Path(__file__).resolve().parent / "data/uk_tiny.osm"
MPH = 1.609344


@pytest.fixture(scope="module")
def classes(params):
    return set(params.speed_limits.road_class_mph)


@pytest.fixture(scope="module")
def uk_pbf(tmp_path_factory) -> Path:
    return to_pbf(UK_XML, tmp_path_factory.mktemp("osm") / "uk_tiny.osm.pbf")


def to_pbf(xml: Path, out: Path) -> Path:
    """The same extract as PBF, written by osmium."""
    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
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


def test_yd_speed_1_uk_pbf_reads_like_the_xml(uk_pbf, classes):
    assert reader_for(uk_pbf) == "osmium"
    assert read_osm_roads(uk_pbf, classes).equals(read_osm_roads(UK_XML, classes))


def test_yd_speed_1_corrupt_pbf_is_refused(tmp_path, classes):
    pbf = tmp_path / "x.osm.pbf"
    pbf.write_bytes(b"PBF? not really")
    with pytest.raises(DomainError, match="not a readable OSM PBF") as exc:
        read_osm_roads(pbf, classes)
    assert exc.value.field == "osm"


def test_yd_speed_1_broken_osm_xml_is_refused(tmp_path, classes):
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id='1' lat='x' lon='0'/></osm>")
    with pytest.raises(DomainError) as exc:
        read_osm_roads(bad, classes)
    assert exc.value.field == "osm"


# --- issue 14: limits in full (direction, time windows, variable, UK implicit types) ----

NODES = "".join(
    f'<node id="{i}" version="1" lat="{51.5 + i * 0.001:.7f}" lon="-0.1000000"/>'
    for i in range(1, 21)
)
FULL_LIMITS = f"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="covernote tests">{NODES}
<way id="2001" version="1"><nd ref="1"/><nd ref="2"/>
  <tag k="highway" v="primary"/><tag k="maxspeed:forward" v="40 mph"/>
  <tag k="maxspeed:backward" v="30 mph"/></way>
<way id="2002" version="1"><nd ref="3"/><nd ref="4"/>
  <tag k="highway" v="secondary"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="40 mph"/>
  <tag k="maxspeed:forward" v="30 mph"/></way>
<way id="2003" version="1"><nd ref="5"/><nd ref="6"/>
  <tag k="highway" v="residential"/><tag k="maxspeed" v="30 mph"/>
  <tag k="maxspeed:conditional" v="20 mph @ (Mo-Fr 08:00-09:30,14:30-16:00)"/></way>
<way id="2004" version="1"><nd ref="7"/><nd ref="8"/>
  <tag k="highway" v="motorway"/><tag k="maxspeed" v="70 mph"/>
  <tag k="maxspeed:variable" v="peak_traffic"/></way>
<way id="2005" version="1"><nd ref="9"/><nd ref="10"/>
  <tag k="highway" v="primary"/><tag k="maxspeed:type" v="GB:nsl_single"/></way>
<way id="2006" version="1"><nd ref="11"/><nd ref="12"/>
  <tag k="highway" v="trunk"/><tag k="maxspeed" v="national"/>
  <tag k="maxspeed:type" v="GB:nsl_dual"/></way>
<way id="2007" version="1"><nd ref="13"/><nd ref="14"/>
  <tag k="highway" v="motorway"/><tag k="maxspeed:type" v="GB:motorway"/></way>
<way id="2008" version="1"><nd ref="15"/><nd ref="16"/>
  <tag k="highway" v="residential"/><tag k="maxspeed:type" v="GB:zone20"/></way>
<way id="2009" version="1"><nd ref="17"/><nd ref="18"/>
  <tag k="highway" v="residential"/><tag k="source:maxspeed" v="GB:zone30"/></way>
<way id="2010" version="1"><nd ref="19"/><nd ref="20"/>
  <tag k="highway" v="tertiary"/><tag k="maxspeed" v="50 mph"/>
  <tag k="maxspeed:conditional" v="30 mph @ wet; 40 mph @ (22:00-06:00)"/></way>
</osm>
"""


@pytest.fixture(params=["xml", "pbf"])
def full_limits(request, tmp_path) -> Path:
    """The limits extract as OSM XML and as PBF (both readers must agree)."""
    xml = tmp_path / "limits.osm"
    xml.write_text(FULL_LIMITS)
    return xml if request.param == "xml" else to_pbf(xml, tmp_path / "limits.osm.pbf")


def _limits(path: Path, params, classes) -> tuple[pl.DataFrame, dict[str, dict]]:
    roads = read_osm_roads(path, classes)
    index = build_road_index(roads, params.speed_limits)
    return roads, {r["road_id"]: r for r in index.roads.iter_rows(named=True)}


def test_yd_speed_1_maxspeed_forward_backward_gives_one_row_per_direction(
    full_limits, params, classes
):
    roads, by_id = _limits(full_limits, params, classes)
    assert "2001" not in by_id
    fwd, bwd = by_id["2001:forward"], by_id["2001:backward"]
    assert (fwd["limit_mph"], fwd["oneway"], bwd["limit_mph"], bwd["oneway"]) == (
        40,
        True,
        30,
        True,
    )
    rows = roads.filter(pl.col("road_id").str.starts_with("2001:")).sort("road_id")
    assert rows["oneway"].to_list() == ["-1", "yes"]  # backward runs against the node order
    assert rows["geometry_wkt"].n_unique() == 1  # same way, the direction is in oneway


def test_yd_speed_1_directional_limit_of_a_oneway_road_is_its_direction_of_travel(
    full_limits, params, classes
):
    _, by_id = _limits(full_limits, params, classes)
    assert by_id["2002"]["limit_mph"] == 30 and by_id["2002"]["oneway"] is True


def test_yd_speed_1_maxspeed_conditional_school_zone_is_parsed_into_windows(
    full_limits, params, classes
):
    roads, by_id = _limits(full_limits, params, classes)
    row = roads.filter(pl.col("road_id") == "2003").row(0, named=True)
    assert row["maxspeed:conditional"] == "20 mph @ (Mo-Fr 08:00-09:30,14:30-16:00)"
    mo_fr = 0b0011111
    assert [
        (c["limit_mph"], c["days"], c["start_min"], c["end_min"]) for c in row["limit_conditions"]
    ] == [(20.0, mo_fr, 8 * 60, 9 * 60 + 30), (20.0, mo_fr, 14 * 60 + 30, 16 * 60)]
    assert row["limit_conditions"][0]["limit_kmh"] == pytest.approx(20 * MPH)
    assert by_id["2003"]["limit_mph"] == 30  # the posted limit outside the windows


def test_yd_speed_1_maxspeed_conditional_keeps_other_conditions_and_night_windows(
    full_limits, classes
):
    roads = read_osm_roads(full_limits, classes)
    conds = roads.filter(pl.col("road_id") == "2010")["limit_conditions"].item().to_list()
    wet, night = conds
    assert (wet["limit_mph"], wet["days"], wet["condition"]) == (30.0, None, "wet")
    assert (night["limit_mph"], night["days"], night["start_min"], night["end_min"]) == (
        40.0,
        0b1111111,
        22 * 60,
        6 * 60,
    )


def test_yd_speed_1_maxspeed_variable_is_kept_with_the_posted_limit(full_limits, params, classes):
    roads, by_id = _limits(full_limits, params, classes)
    row = roads.filter(pl.col("road_id") == "2004").row(0, named=True)
    assert row["maxspeed:variable"] == "peak_traffic"
    assert by_id["2004"]["limit_mph"] == 70 and by_id["2004"]["limit_source"] == "maxspeed"


@pytest.mark.parametrize(
    ("road_id", "mph"),
    [("2005", 60), ("2006", 70), ("2007", 70), ("2008", 20), ("2009", 30)],
    ids=["GB:nsl_single", "national+GB:nsl_dual", "GB:motorway", "GB:zone20", "GB:zone30"],
)
def test_yd_speed_1_uk_implicit_limit_types(full_limits, params, classes, road_id, mph):
    _, by_id = _limits(full_limits, params, classes)
    assert by_id[road_id]["limit_mph"] == mph
    assert by_id[road_id]["limit_kmh"] == pytest.approx(mph * MPH)


def test_yd_speed_1_directional_rows_match_the_side_being_driven(params, classes, tmp_path):
    """The kernel's heading match picks the row of the direction of travel."""
    from datetime import UTC, datetime

    from covernote.domain.telematics.speed_limits import match_limits

    xml = tmp_path / "limits.osm"
    xml.write_text(FULL_LIMITS)
    index = build_road_index(read_osm_roads(xml, classes), params.speed_limits)
    t = datetime(2026, 3, 2, 12, tzinfo=UTC)
    pts = pl.DataFrame(
        {
            "device_id": ["a", "b"],
            "ts": [t, t],
            "lat": [51.5015, 51.5015],
            "lon": [-0.1, -0.1],
            "speed_kmh": [50.0, 50.0],
            "heading_deg": [0.0, 180.0],  # node order runs north
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))
    got = match_limits(pts, index).sort("device_id")
    assert got["road_id"].to_list() == ["2001:forward", "2001:backward"]
    assert got["speed_limit_kmh"].to_list() == pytest.approx([40 * MPH, 30 * MPH])


def test_yd_speed_1_school_zone_from_osm_is_applied_to_fixes_in_its_window(
    full_limits, params, classes
):
    """From the OSM tag to the fix: way 2003 (30 mph, 20 mph Mo-Fr 08:00-09:30 and
    14:30-16:00) read by the adapter, indexed, and matched at school-run times."""
    from datetime import UTC, datetime, timedelta

    from covernote.domain.telematics.speed_limits import LimitSource, match_limits

    roads = read_osm_roads(full_limits, classes)
    index = build_road_index(roads, params.speed_limits)
    assert index.conditions is not None
    road = index.roads.filter(pl.col("road_id") == "2003").row(0, named=True)
    g = roads.filter(pl.col("road_id") == "2003")["geometry_wkt"][0]
    (lon0, lat0), (lon1, lat1) = (
        tuple(float(v) for v in p.split()) for p in g[g.index("(") + 1 : -1].split(",")
    )

    def fixes(at: datetime) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "device_id": ["d"] * 3,
                "ts": [at + timedelta(seconds=i) for i in range(3)],
                "lat": [lat0 + (lat1 - lat0) * f for f in (0.4, 0.5, 0.6)],
                "lon": [lon0 + (lon1 - lon0) * f for f in (0.4, 0.5, 0.6)],
                "speed_kmh": [0.0] * 3,
                "heading_deg": [0.0] * 3,
            }
        ).with_columns(pl.col("ts").dt.cast_time_unit("us"))

    school_run = match_limits(
        fixes(datetime(2026, 12, 9, 15, 0, tzinfo=UTC)), index, along="device_id"
    )
    evening = match_limits(
        fixes(datetime(2026, 12, 9, 18, 0, tzinfo=UTC)), index, along="device_id"
    )
    assert set(school_run["road_id"]) == set(evening["road_id"]) == {road["road_id"]}
    assert school_run["speed_limit_kmh"].to_list() == pytest.approx([20 * MPH] * 3)
    assert set(school_run["limit_source"]) == {LimitSource.CONDITIONAL.value}
    assert evening["speed_limit_kmh"].to_list() == pytest.approx([30 * MPH] * 3)
