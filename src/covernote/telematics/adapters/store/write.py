"""Writing to the raw-point store (YD-DATA-1, YD-SCORE-1, YD-SCORE-3): ``ingest_batch``
validates a batch, rejects rows of unknown devices and rows outside the device's data
window (not stored, only counted), writes one file per UTC day it touches under the
day's lock with a merge-dedupe against what is stored, merges a day's small parts as
they pile up, and keeps the quarantine deduplicated on raw content and reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import TS
from covernote.domain.telematics.params import PlausibilityParams, TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow
from covernote.products.loader import shipped_params
from covernote.telematics.adapters.parse import CANONICAL, parse_body, validate
from covernote.telematics.adapters.store.layout import (
    QUARANTINE_DIR,
    SAFE_DEVICE_ID,
    _day_dir,
    _files_under,
    _infos,
    _legacy_dir,
    _store_dirs,
    filesystem,
)
from covernote.telematics.adapters.store.locks import partition_locks
from covernote.telematics.adapters.store.parts import (
    _and,
    _device_filter,
    _scan,
    _sorted_unique,
    _write_file,
)

SMALL_PART_BYTES = 1 << 20  # a part under 1 MiB (~50 k fixes) is "small" ...
MAX_SMALL_PARTS = 16  # ... and a day's small parts are merged once there are more than this

Window = DataWindow | tuple[datetime, datetime]


def default_plausibility() -> PlausibilityParams:
    """The product configuration's plausibility parameters (YD-SCORE-3)."""
    params: TelematicsParams = shipped_params("telematics")
    return params.plausibility


@dataclass
class IngestResult:
    """Counts of one :func:`ingest_batch` call."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    rejected_unknown_device: int = 0
    rejected_outside_window: int = 0

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "quarantined": dict(sorted(self.quarantined.items())),
            "rejected_unknown_device": self.rejected_unknown_device,
            "rejected_outside_window": self.rejected_outside_window,
        }


def _windows(allowed: Mapping[str, Window]) -> pl.DataFrame:
    devs, starts, ends = [], [], []
    for dev, w in allowed.items():
        start, end = (w.start, w.end) if isinstance(w, DataWindow) else w
        devs.append(dev)
        starts.append(start)
        ends.append(end)
    # Columns, not rows: a backfill allows thousands of devices (issue 14).
    return pl.DataFrame(
        {
            "device_id": pl.Series(devs, dtype=pl.String),
            "_w_start": pl.Series(starts, dtype=TS),
            "_w_end": pl.Series(ends, dtype=TS),
        }
    )


def ingest_batch(
    table: pa.Table | pl.DataFrame,
    *,
    allowed_devices: Mapping[str, Window],
    now: datetime,
    root: str | os.PathLike[str],
    params: PlausibilityParams | None = None,
) -> IngestResult:
    """Validate and store one batch of fixes; return the counts (YD-DATA-1, YD-SCORE-1).

    ``allowed_devices`` maps each device id allowed to send to its YD-DATA-1 window
    (``DataWindow`` or ``(start, end)``, inclusive, timezone-aware).
    """
    params = params or default_plausibility()
    for dev in allowed_devices:
        if not SAFE_DEVICE_ID.fullmatch(dev):
            raise DomainError(
                ErrorCode.INVALID,
                f"device id {dev!r} is not storable (letters, digits, '-', '_', '.')",
                "YD-DATA-1",
                "allowed_devices",
            )
    raw = table if isinstance(table, pl.DataFrame) else pl.DataFrame(pl.from_arrow(table))
    res = IngestResult(received=raw.height)
    raw = raw.with_columns(pl.col("device_id").cast(pl.String).str.strip_chars())
    known = raw["device_id"].is_in(list(allowed_devices)).fill_null(False)
    res.rejected_unknown_device = int((~known).sum())
    checked = validate(raw.filter(known), now=now, params=params)
    windows = _windows(allowed_devices)
    pts = checked.points.join(windows, on="device_id", how="left", maintain_order="left")
    inside = (pl.col("ts") >= pl.col("_w_start")) & (pl.col("ts") <= pl.col("_w_end"))
    res.rejected_outside_window = pts.height - int(pts.select(inside.sum()).item())
    pts = pts.filter(inside).drop("_w_start", "_w_end")
    q = checked.quarantine.join(windows, on="device_id", how="left", maintain_order="left")
    # A quarantined row with a readable ts outside the window is rejected, not kept.
    q_out = (pl.col("ts") < pl.col("_w_start")) | (pl.col("ts") > pl.col("_w_end"))
    n_q_out = int(q.select(q_out.fill_null(False).sum()).item())
    res.rejected_outside_window += n_q_out
    q = q.filter(q_out.fill_null(False).not_()).drop("_w_start", "_w_end")
    fs, base = filesystem(root)
    written, dup_stored = write_points(pts, fs, base)
    res.accepted = written
    res.duplicates = checked.duplicates + dup_stored
    res.quarantined = write_quarantine(q, fs, base, now=now)
    return res


def ingest_body(
    body: bytes,
    content_type: str,
    *,
    allowed_devices: Mapping[str, Window],
    now: datetime,
    root: str | os.PathLike[str],
    params: PlausibilityParams | None = None,
) -> IngestResult:
    """Parse an upload body (:func:`parse.parse_body`) and :func:`ingest_batch` it."""
    return ingest_batch(
        parse_body(body, content_type),
        allowed_devices=allowed_devices,
        now=now,
        root=root,
        params=params,
    )


def write_points(pts: pl.DataFrame, fs: pafs.FileSystem, base: str) -> tuple[int, int]:
    """Write new fixes, one file per UTC day; return ``(written, already_stored)``."""
    if pts.height == 0:
        return 0, 0
    pts = _sorted_unique(pts.select(list(CANONICAL))).with_columns(_day=pl.col("ts").dt.date())
    by_day = pts.partition_by("_day", as_dict=True, maintain_order=True, include_key=False)
    days = {str(k[0]): v for k, v in by_day.items()}
    with partition_locks(fs, base, [f"day/{d}" for d in days]):
        legacy = set(_store_dirs(fs, base)[1])
        written = stored = 0
        for day, rows in sorted(days.items()):
            w, s = _write_day_locked(fs, base, day, rows, legacy)
            written += w
            stored += s
    return written, stored


def _write_day_locked(
    fs: pafs.FileSystem, base: str, day: str, rows: pl.DataFrame, legacy: set[str]
) -> tuple[int, int]:
    files = _files_under(fs, [_day_dir(base, day)])
    devices = rows["device_id"].unique()
    legacy_files = (
        _files_under(fs, [_legacy_dir(base, d, day) for d in devices.to_list() if d in legacy])
        if legacy
        else []
    )
    before = rows.height
    if files or legacy_files:
        ts = rows["ts"]
        where = _and(_device_filter(devices), pl.col("ts").is_between(ts.min(), ts.max()))
        stored = _scan(fs, base, files, legacy_files, columns=["device_id", "ts"], where=where)
        if stored.height:
            rows = rows.join(stored, on=["device_id", "ts"], how="anti", maintain_order="left")
    if rows.height:
        _write_file(fs, _day_dir(base, day), rows)
        _merge_small_parts(fs, base, day)
    return rows.height, before - rows.height


def _merge_small_parts(fs: pafs.FileSystem, base: str, day: str) -> None:
    """Once a day holds more than :data:`MAX_SMALL_PARTS` parts under
    :data:`SMALL_PART_BYTES` (live MQTT batches: one small part each), merge those into
    one sorted part (the day lock is held). Keeps the files a writer's dedupe and a
    reader open per day bounded without a nightly job; big parts are left alone, so
    a row is rewritten only while its part is small. Crash-safe as :func:`compact`."""
    small = [
        i.path
        for i in _infos(fs, _day_dir(base, day))
        if i.type == pafs.FileType.File
        and i.path.endswith(".parquet")
        and (i.size or 0) < SMALL_PART_BYTES
    ]
    if len(small) <= MAX_SMALL_PARTS:
        return
    rows = _sorted_unique(_scan(fs, base, small, [], columns=list(CANONICAL)))
    _write_file(fs, _day_dir(base, day), rows)
    for f in small:
        fs.delete_file(f)


def write_quarantine(
    q: pl.DataFrame, fs: pafs.FileSystem, base: str, *, now: datetime
) -> dict[str, int]:
    """Store new quarantined rows (dedupe on raw content + reason); return counts by reason.

    The counts are of the rows in this batch, stored now or already stored before.
    """
    if q.height == 0:
        return {}
    counts = {str(r): int(n) for r, n in q.group_by("reason").len().sort("reason").iter_rows()}
    q = q.with_columns(
        row_key=pl.concat_str([pl.col("reason"), pl.col("raw")], separator="|", ignore_nulls=True),
        received_at=pl.lit(now).cast(TS),
    ).unique("row_key", maintain_order=True)
    qdir = f"{base}/{QUARANTINE_DIR}"

    devices = q["device_id"].unique().to_list()
    with partition_locks(fs, base, [f"quarantine/{d}" for d in devices]):
        return _write_quarantine_locked(q, fs, qdir, devices, counts)


def _write_quarantine_locked(
    q: pl.DataFrame,
    fs: pafs.FileSystem,
    qdir: str,
    devices: list[Any],
    counts: dict[str, int],
) -> dict[str, int]:
    files = _files_under(fs, [f"{qdir}/device_id={quote(d, safe='')}" for d in devices])
    if files:
        ds = pads.dataset(files, filesystem=fs, format="parquet")
        seen = pl.DataFrame(pl.from_arrow(ds.to_table(columns=["row_key"])))
        q = q.join(seen, on="row_key", how="anti")
    if q.height:
        pads.write_dataset(
            q.to_arrow(),
            qdir,
            filesystem=fs,
            format="parquet",
            partitioning=pads.partitioning(pa.schema([("device_id", pa.string())]), flavor="hive"),
            basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
    return counts
