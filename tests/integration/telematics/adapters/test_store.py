"""Raw-point storage (YD-DATA-1): partitions, idempotence, quarantine, rejections."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.domain.telematics.plausibility import DataWindow
from covernote.telematics.adapters.store import (
    compact,
    ingest_batch,
    ingest_body,
    quarantine_counts,
    read_points,
    read_quarantine,
)

NOW = datetime(2026, 4, 1, tzinfo=UTC)
WIDE = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))


def _allowed(df: pl.DataFrame, window=WIDE) -> dict:
    return {d: window for d in df["device_id"].unique()}


def _parquet(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


def test_yd_data_1_points_stored_by_day_one_file_per_batch_clustered_by_device(
    tmp_path, fixture_slice
):
    res = ingest_batch(
        fixture_slice, allowed_devices=_allowed(fixture_slice), now=NOW, root=tmp_path
    )
    assert res.accepted == fixture_slice.height
    dev = fixture_slice["device_id"][0]
    days = fixture_slice["ts"].dt.strftime("%Y-%m-%d").unique().sort().to_list()
    assert sorted(p.name for p in (tmp_path / "points").iterdir()) == [f"day={d}" for d in days]
    for day in days:  # one file per day for the whole batch, whatever its devices
        (part,) = (tmp_path / "points" / f"day={day}").glob("part-*.parquet")
        on_disk = pl.read_parquet(part)
        assert on_disk.height == (fixture_slice["ts"].dt.strftime("%Y-%m-%d") == day).sum()
        assert on_disk.select("device_id", "ts").equals(
            on_disk.select("device_id", "ts").sort("device_id", "ts")
        )
    back = read_points(tmp_path)
    assert back.drop("alarm").equals(fixture_slice.sort("device_id", "ts"))
    assert read_points(tmp_path, device_id=dev).height == (fixture_slice["device_id"] == dev).sum()


def test_yd_data_1_resending_a_batch_stores_nothing_new(tmp_path, fixture_slice):
    body = _parquet(fixture_slice)
    first = ingest_body(
        body, "application/vnd.apache.parquet", allowed_devices=_allowed(fixture_slice),
        now=NOW, root=tmp_path,
    )  # fmt: skip
    files = sorted(p for p in tmp_path.rglob("*.parquet"))
    again = ingest_body(
        body, "application/octet-stream", allowed_devices=_allowed(fixture_slice),
        now=NOW, root=tmp_path,
    )  # fmt: skip
    assert first.accepted == fixture_slice.height
    assert again.accepted == 0
    assert again.duplicates == fixture_slice.height
    assert sorted(p for p in tmp_path.rglob("*.parquet")) == files
    # An overlapping batch stores only the new half.
    n = fixture_slice.height
    extra = fixture_slice.with_columns(pl.col("ts") + timedelta(days=1)).head(n // 2)
    mixed = pl.concat([fixture_slice.head(n // 2), extra])
    res = ingest_batch(mixed, allowed_devices=_allowed(fixture_slice), now=NOW, root=tmp_path)
    assert (res.accepted, res.duplicates) == (n // 2, n // 2)
    assert read_points(tmp_path).height == n + n // 2


def test_yd_data_1_unknown_device_and_outside_window_rejected_and_not_stored(
    tmp_path, fixture_slice
):
    devs = fixture_slice["device_id"].unique(maintain_order=True).to_list()
    first_dev = fixture_slice.filter(pl.col("device_id") == devs[0])
    t0 = first_dev["ts"].min()
    # devs[0]'s window ends 10 s into its trip (cover end + 14 days = t0 + 10 s); devs[1] unknown
    window = DataWindow.for_policy(
        t0 - timedelta(days=30), t0 + timedelta(seconds=10) - timedelta(days=14)
    )
    allowed = {d: WIDE for d in devs[2:]} | {devs[0]: window}
    res = ingest_batch(fixture_slice, allowed_devices=allowed, now=NOW, root=tmp_path)
    n1 = int((fixture_slice["device_id"] == devs[1]).sum())
    assert res.rejected_unknown_device == n1
    assert res.rejected_outside_window == first_dev.height - 11  # t0 .. t0+10 s kept
    stored = read_points(tmp_path)
    assert devs[1] not in stored["device_id"].to_list()
    assert stored.filter(pl.col("device_id") == devs[0])["ts"].max() == t0 + timedelta(seconds=10)
    assert res.accepted == stored.height == fixture_slice.height - n1 - (first_dev.height - 11)
    assert read_quarantine(tmp_path).height == 0


def test_yd_score_1_quarantine_keeps_reasons_counted_and_idempotent(tmp_path, fixture_slice):
    bad = fixture_slice.head(5).with_columns(
        lat=pl.Series([float("nan"), 95.0, 52.3, 52.3, 52.3]),
        ts=pl.col("ts") + timedelta(days=100),  # rows 2..4 in the future of NOW
    )
    batch = pl.concat([fixture_slice.slice(5), bad])
    allowed = _allowed(fixture_slice)
    res = ingest_batch(batch, allowed_devices=allowed, now=NOW, root=tmp_path)
    assert res.quarantined == {"future_timestamp": 3, "lat_out_of_range": 1, "not_a_number": 1}
    assert res.accepted == fixture_slice.height - 5
    assert quarantine_counts(tmp_path) == res.quarantined
    ingest_batch(batch, allowed_devices=allowed, now=NOW, root=tmp_path)
    assert quarantine_counts(tmp_path) == res.quarantined  # re-sent: nothing new stored


def test_yd_data_1_compact_merges_parts_without_losing_rows(tmp_path, fixture_slice):
    dev = fixture_slice["device_id"][0]
    one = fixture_slice.filter(pl.col("device_id") == dev)
    allowed = _allowed(one)
    ingest_batch(one.head(10), allowed_devices=allowed, now=NOW, root=tmp_path)
    ingest_batch(one, allowed_devices=allowed, now=NOW, root=tmp_path)
    day = one["ts"][0].strftime("%Y-%m-%d")
    part = tmp_path / "points" / f"day={day}"
    assert len(list(part.glob("*.parquet"))) == 2
    assert compact(tmp_path, day) == one.height
    assert len(list(part.glob("*.parquet"))) == 1
    assert read_points(tmp_path)["ts"].to_list() == one["ts"].to_list()


def test_yd_data_1_remote_root_needs_fsspec(fixture_slice):
    pytest.importorskip("pytest")
    try:
        import fsspec  # noqa: F401
    except ImportError:
        with pytest.raises(DomainError, match="fsspec"):
            ingest_batch(
                fixture_slice, allowed_devices=_allowed(fixture_slice), now=NOW,
                root="s3://bucket/telematics",
            )  # fmt: skip
    else:
        pytest.skip("fsspec installed: remote roots are allowed")


# --- issue 10: concurrent replays of one batch store each fix once ---------------------

CONCURRENT_WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))


def _replay_batch() -> pl.DataFrame:
    t0 = datetime(2026, 3, 2, 23, 59, 10, tzinfo=UTC)  # 100 fixes across midnight: 2 days
    return pl.DataFrame(
        {
            "device_id": ["SBX-RACE"] * 100,
            "ts": [t0 + timedelta(seconds=i) for i in range(100)],
            "lat": [51.5 + i * 1e-5 for i in range(100)],
            "lon": [-0.1] * 100,
            "speed_kmh": [30.0] * 100,
            "heading_deg": [0.0] * 100,
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))


def _replay(root: str) -> int:
    res = ingest_batch(
        _replay_batch(),
        allowed_devices={"SBX-RACE": CONCURRENT_WINDOW},
        now=datetime(2026, 4, 1, tzinfo=UTC),
        root=root,
    )
    return res.accepted


def test_yd_data_1_ten_concurrent_replays_of_one_batch_store_each_fix_once(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(10) as pool:
        accepted = list(pool.map(_replay, [str(tmp_path)] * 10))
    stored = read_points(tmp_path)
    assert sum(accepted) == 100  # one replay wrote them, the others found them stored
    files = list((tmp_path / "points").rglob("*.parquet"))
    raw = pl.read_parquet(files)
    assert raw.height == 100 and stored.height == 100  # on disk, not only after read dedupe


def test_yd_data_1_concurrent_replays_from_processes_store_each_fix_once(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        accepted = pool.map(_replay, [str(tmp_path)] * 4)
    assert sum(accepted) == 100
    raw = pl.read_parquet(list((tmp_path / "points").rglob("*.parquet")))
    assert raw.height == 100
