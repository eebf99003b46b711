"""Raw-point store laid out by day, clustered by device (YD-DATA-1, issue 14).

A batch writes one file per UTC day, rows sorted by (device_id, ts); dedupe holds across
the parts of a day and across concurrent writers of one day; ``compact`` merges a day's
parts; a store of the layout before issue 14 (``device_id=/day=``) is read, deduplicated
against and migrated.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from django.core.management import call_command

from covernote.telematics.adapters import store
from covernote.telematics.adapters.store import (
    compact,
    ingest_batch,
    migrate,
    read_device_days,
    read_devices_days,
    read_points,
)

NOW = datetime(2026, 4, 1, tzinfo=UTC)
WIDE = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
DAY = "2026-03-02"


def _track(device: str, n: int, start: datetime, lat0: float = 51.5) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "device_id": [device] * n,
            "ts": [start + timedelta(seconds=i) for i in range(n)],
            "lat": [lat0 + i * 1e-5 for i in range(n)],
            "lon": [-0.1] * n,
            "speed_kmh": [30.0] * n,
            "heading_deg": [0.0] * n,
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))


def _ingest(root: Path | str, frame: pl.DataFrame) -> store.IngestResult:
    allowed = {d: WIDE for d in frame["device_id"].unique()}
    return ingest_batch(frame, allowed_devices=allowed, now=NOW, root=root)


def _parts(root: Path, day: str = DAY) -> list[Path]:
    return sorted((root / "points" / f"day={day}").glob("*.parquet"))


def _on_disk(root: Path) -> pl.DataFrame:
    return pl.read_parquet(sorted((root / "points").rglob("*.parquet")))


T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_yd_data_1_a_device_day_split_over_batches_reads_back_whole(tmp_path):
    a = _track("SBX-A", 300, T0)
    b = _track("SBX-B", 200, T0)
    _ingest(tmp_path, pl.concat([a.head(100), b]))
    _ingest(tmp_path, a.slice(100))
    assert len(_parts(tmp_path)) == 2  # one file per batch and day, not per device-day
    whole = a.with_columns(alarm=pl.lit(None, pl.String))
    assert read_points(tmp_path, device_id="SBX-A").equals(whole)
    assert read_device_days(tmp_path, "SBX-A", [DAY])["ts"].to_list() == a["ts"].to_list()
    assert read_points(tmp_path).height == 500


def test_yd_data_1_dedupe_holds_across_the_parts_of_a_day(tmp_path):
    a = _track("SBX-A", 100, T0)
    first = _ingest(tmp_path, a.head(60))
    second = _ingest(tmp_path, a.slice(40))  # rows 40..59 already stored
    assert (first.accepted, second.accepted, second.duplicates) == (60, 40, 20)
    third = _ingest(tmp_path, a)  # everything stored, across two parts
    assert (third.accepted, third.duplicates) == (0, 100)
    assert len(_parts(tmp_path)) == 2  # a batch with nothing new writes no file
    assert _on_disk(tmp_path).height == 100  # on disk, not only after the read's dedupe


def test_yd_data_1_batch_over_midnight_writes_one_file_per_day(tmp_path):
    late = datetime(2026, 3, 2, 23, 59, 0, tzinfo=UTC)
    frame = pl.concat([_track(f"SBX-{i}", 120, late) for i in range(30)])
    res = _ingest(tmp_path, frame)
    assert res.accepted == 3600
    assert len(_parts(tmp_path, "2026-03-02")) == 1 and len(_parts(tmp_path, "2026-03-03")) == 1
    assert read_points(tmp_path, first_day="2026-03-03").height == 30 * 60
    assert read_points(tmp_path, last_day=date(2026, 3, 2)).height == 30 * 60


def test_yd_data_1_compact_merges_a_days_parts_sorted_and_is_idempotent(tmp_path):
    batches = [_track(f"SBX-{i}", 50, T0 + timedelta(minutes=i)) for i in (3, 1, 2)]
    for b in batches:
        _ingest(tmp_path, b)
    _ingest(tmp_path, _track("SBX-1", 80, T0 + timedelta(minutes=1)))  # 30 new rows of SBX-1
    assert len(_parts(tmp_path)) == 4
    assert compact(tmp_path, DAY) == 180
    (merged,) = _parts(tmp_path)
    on_disk = pl.read_parquet(merged)
    assert on_disk.select("device_id", "ts").equals(
        on_disk.select("device_id", "ts").sort("device_id", "ts")
    )
    assert on_disk.height == 180
    assert compact(tmp_path, DAY) == 180  # again: nothing to merge, nothing lost
    assert _parts(tmp_path) == [merged]


def test_yd_data_1_compact_after_a_crash_between_write_and_delete_loses_nothing(tmp_path):
    a = _track("SBX-A", 100, T0)
    _ingest(tmp_path, a.head(50))
    _ingest(tmp_path, a.slice(50))
    # A crash after compact wrote the merged file but before it deleted the parts:
    # the merged file and the parts both hold the rows.
    merged = pl.concat([pl.read_parquet(p) for p in _parts(tmp_path)])
    merged.write_parquet(tmp_path / "points" / f"day={DAY}" / f"part-{uuid.uuid4().hex}.parquet")
    assert read_points(tmp_path).height == 100
    assert _ingest(tmp_path, a).accepted == 0
    assert compact(tmp_path, DAY) == 100
    assert _on_disk(tmp_path).height == 100


def test_yd_data_1_read_of_one_device_skips_other_devices_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(store.parts, "ROW_GROUP_ROWS", 100)  # where _write_file reads it
    frame = pl.concat([_track(f"SBX-{i:02d}", 100, T0) for i in range(20)])
    _ingest(tmp_path, frame.sample(fraction=1.0, shuffle=True, seed=7))  # any arrival order
    (part,) = _parts(tmp_path)
    ds = pads.dataset([str(part)], format="parquet")
    (fragment,) = ds.get_fragments()
    assert fragment.metadata.num_row_groups == 20
    wanted = pads.field("device_id") == "SBX-07"
    (group,) = fragment.split_by_row_group(wanted)  # statistics leave one row group
    assert group.to_table(filter=wanted).num_rows == 100
    got = read_points(tmp_path, device_id="SBX-07")
    assert got["device_id"].unique().to_list() == ["SBX-07"] and got.height == 100


def test_yd_data_1_read_devices_days_reads_only_the_asked_pairs(tmp_path):
    frame = pl.concat(
        [_track(d, 10, T0 + timedelta(days=k)) for d in ("SBX-A", "SBX-B", "SBX-C") for k in (0, 1)]
    )
    _ingest(tmp_path, frame)
    got = read_devices_days(tmp_path, {"SBX-A": [DAY], "SBX-C": [date(2026, 3, 3)]})
    pairs = got.select("device_id", day=pl.col("ts").dt.strftime("%Y-%m-%d")).unique().sort("*")
    assert pairs.rows() == [("SBX-A", DAY), ("SBX-C", "2026-03-03")]
    assert got.height == 20


# --- concurrent writers on one day ---------------------------------------------------


def _send(args: tuple[str, str]) -> int:
    root, device = args
    return _ingest(root, _track(device, 100, T0)).accepted


@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_yd_data_1_concurrent_writers_of_one_day_store_each_fix_once(tmp_path, kind):
    jobs = [(str(tmp_path), f"SBX-{i % 3}") for i in range(6)]  # three devices, each twice
    if kind == "threads":
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(6) as pool:
            accepted = list(pool.map(_send, jobs))
    else:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(3) as pool:
            accepted = pool.map(_send, jobs)
    assert sum(accepted) == 300
    on_disk = _on_disk(tmp_path)
    assert on_disk.height == 300
    assert on_disk.select("device_id", "ts").is_unique().all()


# --- the layout before issue 14 -------------------------------------------------------


def _write_legacy(root: Path, frame: pl.DataFrame) -> None:
    """What the writer before issue 14 wrote: hive ``device_id=/day=`` partitions."""
    pads.write_dataset(
        frame.with_columns(
            alarm=pl.lit(None, pl.String), day=pl.col("ts").dt.strftime("%Y-%m-%d")
        ).to_arrow(),
        str(root / "points"),
        format="parquet",
        partitioning=pads.partitioning(
            pa.schema([("device_id", pa.string()), ("day", pa.string())]), flavor="hive"
        ),
        basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )


def test_yd_data_1_old_layout_store_is_read_deduplicated_and_migrated(tmp_path):
    a = _track("SBX-A", 100, T0)
    b = _track("SBX-B", 100, T0 + timedelta(days=1))
    _write_legacy(tmp_path, pl.concat([a.head(60), b]))
    assert (tmp_path / "points" / "device_id=SBX-A" / f"day={DAY}").is_dir()
    assert read_points(tmp_path, device_id="SBX-B").height == 100  # readable as it is
    res = _ingest(tmp_path, a)  # 60 of these are stored in the old layout
    assert (res.accepted, res.duplicates) == (40, 60)
    before = read_points(tmp_path)
    assert before.height == 200

    done = migrate(tmp_path)
    assert done.as_dict() == {"days": 2, "legacy_files": 2, "rows": 200}
    assert sorted(p.name for p in (tmp_path / "points").iterdir()) == [
        f"day={DAY}",
        "day=2026-03-03",
    ]
    assert len(_parts(tmp_path)) == 1 and len(_parts(tmp_path, "2026-03-03")) == 1
    assert read_points(tmp_path).equals(before)
    assert migrate(tmp_path).as_dict() == {"days": 0, "legacy_files": 0, "rows": 0}
    assert _ingest(tmp_path, pl.concat([a, b])).accepted == 0


def test_yd_data_1_store_migrate_command_converts_an_old_store(tmp_path, capsys):
    _write_legacy(tmp_path, _track("SBX-A", 50, T0))
    call_command("telematics", "store", "migrate", "--root", str(tmp_path))
    assert '"rows": 50' in capsys.readouterr().out
    assert not (tmp_path / "points" / "device_id=SBX-A").exists()
    _ingest(tmp_path, _track("SBX-A", 80, T0))
    call_command("telematics", "store", "compact", "--root", str(tmp_path))
    assert f'"{DAY}": 80' in capsys.readouterr().out
    assert len(_parts(tmp_path)) == 1


def test_yd_data_1_many_small_batches_of_a_day_are_merged_as_they_come(tmp_path, monkeypatch):
    monkeypatch.setattr(store.write, "MAX_SMALL_PARTS", 3)  # where the merge reads it
    tracks = [_track(f"SBX-{i}", 40, T0 + timedelta(minutes=i)) for i in range(10)]
    for t in tracks:  # live messages: one small part each
        _ingest(tmp_path, t)
        assert len(_parts(tmp_path)) <= 4
    _ingest(tmp_path, tracks[4])  # a re-sent message after the merges: all duplicates
    on_disk = _on_disk(tmp_path)
    assert on_disk.height == 400
    assert read_points(tmp_path).equals(
        pl.concat(tracks).with_columns(alarm=pl.lit(None, pl.String)).sort("device_id", "ts")
    )


def test_yd_data_1_a_read_racing_a_merge_lists_again(tmp_path, monkeypatch):
    a = _track("SBX-A", 100, T0)
    _ingest(tmp_path, a.head(50))
    stale = [str(p) for p in _parts(tmp_path)]
    _ingest(tmp_path, a.slice(50))
    compact(tmp_path, DAY)  # the part listed in `stale` is merged away
    real = store._files_under
    calls = []

    def listing(fs, dirs, **kw):  # the first listing is the one taken before the merge
        calls.append(1)
        return stale if len(calls) == 1 else real(fs, dirs, **kw)

    monkeypatch.setattr(store.read, "_files_under", listing)  # the readers' listing
    assert read_points(tmp_path, device_id="SBX-A").height == 100
    assert len(calls) == 2
