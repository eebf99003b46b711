"""``covernote telematics score|ingest`` (YD-SCORE-1..2, YD-DATA-1) on a slice of the fixture."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from covernote.cli.management.commands.telematics import device_chunks
from covernote.telematics.adapters.store import read_points

from .conftest import FIXTURE

ROADS = FIXTURE / "roads.parquet"
ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-04-01T00:00:00+00:00"


@pytest.fixture
def points_file(tmp_path, fixture_slice) -> Path:
    p = tmp_path / "points.parquet"
    fixture_slice.write_parquet(p)
    return p


def test_yd_score_2_score_writes_points_and_trips(tmp_path, points_file, fixture_slice, capsys):
    out = tmp_path / "scored"
    call_command(
        "telematics", "score", "--points", str(points_file), "--roads", str(ROADS),
        "--out", str(out), "--now", NOW, "--no-progress",
    )  # fmt: skip
    summary = capsys.readouterr().out.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith(f"scored {fixture_slice.height:,} points")
    pts = pl.read_parquet(out / "points.parquet")
    trips = pl.read_parquet(out / "trips.parquet")
    assert pts.height == fixture_slice.height
    for col in (*fixture_slice.columns, "speed_limit_kmh", "limit_source", "trip_id",
                "accel_mps2", "is_harsh_brake", "is_speeding", "is_night"):  # fmt: skip
        assert col in pts.columns
    for col in ("device_id", "start_ts", "end_ts", "distance_m", "duration_s",
                "speeding_share", "score_speed", "score_overall"):  # fmt: skip
        assert col in trips.columns
    # One row per trip, each a trip of the points file, its start/end its fixes' first/last.
    assert trips["trip_id"].n_unique() == trips.height
    span = (
        pts.filter(pl.col("trip_id").is_not_null())
        .group_by("trip_id")
        .agg(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b"))
    )
    both = trips.join(span, on="trip_id", how="inner")
    assert both.height == trips.height
    assert (both["start_ts"] == both["a"]).all() and (both["end_ts"] == both["b"]).all()
    assert ((trips["score_overall"] >= 0) & (trips["score_overall"] <= 100)).all()


def test_yd_score_1_score_chunks_give_the_same_result_as_one_call(fixture_slice):
    chunks = device_chunks(fixture_slice, 1000)
    assert len(chunks) > 2
    assert pl.concat(chunks).equals(fixture_slice)
    for c in chunks[1:]:  # every cut falls between two devices
        assert c["device_id"][0] not in chunks[0]["device_id"].to_list()


@pytest.mark.parametrize("problem", ["corrupt", "missing_column"])
def test_yd_score_1_bad_file_is_one_error_line_exit_2_nothing_written(
    tmp_path, fixture_slice, problem
):
    bad = tmp_path / "bad.parquet"
    if problem == "corrupt":
        bad.write_bytes(b"PAR1 this is not parquet PAR1")
    else:
        fixture_slice.drop("heading_deg").write_parquet(bad)
    out = tmp_path / "scored"
    proc = subprocess.run(
        [sys.executable, "-m", "covernote.cli.main", "telematics", "score", "--points", str(bad),
         "--roads", str(ROADS), "--out", str(out), "--no-progress"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert ("Parquet" if problem == "corrupt" else "heading_deg") in lines[0]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.parquet"]


def test_yd_speed_1_corrupt_osm_pbf_is_a_clear_error(tmp_path, points_file):
    pbf = tmp_path / "x.osm.pbf"
    pbf.write_bytes(b"not really")
    with pytest.raises(CommandError, match="not a readable OSM PBF") as exc:
        call_command(
            "telematics", "score", "--points", str(points_file), "--osm", str(pbf),
            "--out", str(tmp_path / "o"),
        )  # fmt: skip
    assert exc.value.returncode == 2
    assert not (tmp_path / "o").exists()


def test_yd_speed_1_score_against_an_osm_extract(tmp_path, capsys):
    # Three fixes a second apart heading east along High Street (20 mph) of the UK-style
    # OSM XML fixture, then parked: the matched limit is the way's 20 mph.
    osm = Path(__file__).parent / "adapters/data/uk_tiny.osm"
    k = 111_320.0 * math.cos(math.radians(51.5))
    n = 400
    pts = pl.DataFrame(
        {
            "device_id": ["D1"] * n,
            "ts": [
                datetime(2026, 3, 2, 12, 0, tzinfo=UTC) + timedelta(seconds=i) for i in range(n)
            ],
            "lat": [51.5] * n,
            "lon": [-0.1 + (i * 0.3) / k for i in range(n)],  # 0.3 m/s ~ 1.08 km/h
            "speed_kmh": [20.0] * n,
            "heading_deg": [90.0] * n,
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))
    src = tmp_path / "p.parquet"
    pts.write_parquet(src)
    out = tmp_path / "scored"
    call_command(
        "telematics", "score", "--points", str(src), "--osm", str(osm), "--out", str(out),
        "--now", NOW, "--no-progress",
    )  # fmt: skip
    scored = pl.read_parquet(out / "points.parquet")
    assert scored["road_id"].unique().to_list() == ["1001"]
    assert scored["speed_limit_kmh"].unique().to_list() == [pytest.approx(20 * 1.609344)]


def test_yd_data_1_ingest_command_stores_a_local_file_once(tmp_path, fixture_slice, capsys):
    src = tmp_path / "upload.csv"
    fixture_slice.with_columns(pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")).write_csv(src)
    root = tmp_path / "store"
    call_command("telematics", "ingest", str(src), "--root", str(root), "--now", NOW)
    first = capsys.readouterr().out
    call_command("telematics", "ingest", str(src), "--root", str(root), "--now", NOW)
    again = capsys.readouterr().out
    assert f'"accepted": {fixture_slice.height}' in first
    assert '"accepted": 0' in again and f'"duplicates": {fixture_slice.height}' in again
    assert read_points(root).height == fixture_slice.height


def _spark_available() -> bool:
    import importlib.util
    import os
    import shutil

    has_java = shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
    return has_java and importlib.util.find_spec("pyspark") is not None


def test_yd_score_1_score_engine_spark_gives_the_local_outputs(tmp_path, points_file, monkeypatch):
    import os

    if not _spark_available() and not os.environ.get("COVERNOTE_REQUIRE_SPARK"):
        pytest.skip("--engine spark needs Java and pyspark (COVERNOTE_REQUIRE_SPARK=1: fail)")
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    common = ["--points", str(points_file), "--roads", str(ROADS), "--now", NOW, "--no-progress"]
    call_command("telematics", "score", *common, "--out", str(tmp_path / "local"))
    call_command(
        "telematics", "score", *common, "--out", str(tmp_path / "spark"),
        "--engine", "spark", "--master", "local[2]", "--buckets", "3",
    )  # fmt: skip
    for name in ("points.parquet", "trips.parquet"):
        local = pl.read_parquet(tmp_path / "local" / name)
        spark = pl.read_parquet(tmp_path / "spark" / name)
        assert spark.schema == local.schema, name
        assert spark.height == local.height > 0, name
        key = ["device_id", "ts"] if name == "points.parquet" else ["trip_id"]
        from polars.testing import assert_frame_equal

        assert_frame_equal(spark.sort(key), local.sort(key), check_exact=False, rel_tol=1e-9)


def test_yd_score_1_calibrate_prints_the_parameters_for_a_new_version(tmp_path):
    """``covernote telematics calibrate`` reads a sample of the UK demo town's fleet and
    prints TOML keys that the parameters accept (ADR 0036): the town's Smartboxes report
    the mean speed over the second before each fix (SUMO's Euler steps), lean 0.5."""
    import tomllib

    from covernote.domain.telematics.params import parse_params
    from covernote.telematics.demo import uk_town_dir

    town = uk_town_dir()
    proc = subprocess.run(
        [sys.executable, "-m", "covernote.cli.main", "telematics", "calibrate",
         "--points", str(town / "points.parquet"), "--roads", str(town / "roads.parquet")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    keys = tomllib.loads(proc.stdout)
    assert abs(keys["hmm_speed_lean"] - 0.5) < 0.05
    assert set(keys) >= {"hmm_speed_lean", "hmm_heading_sd_deg", "hmm_junction_shift_m"}
    assert "turns" in proc.stdout.splitlines()[0]
    shipped = tomllib.loads((ROOT / "config/products/telematics/2026-12-24.toml").read_text())
    shipped["speed_limits"].update(keys)
    assert parse_params(shipped).speed_limits.hmm_speed_lean == keys["hmm_speed_lean"]


def test_yd_score_1_calibrate_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="roads"):
        call_command(
            "telematics", "calibrate", "--points", str(ROADS), "--roads", str(tmp_path / "x")
        )
