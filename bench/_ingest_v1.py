"""The ingest path before issue 14 part 7, kept for ``bench/ingest.py`` (same-process baseline).

A verbatim copy of ``store.py`` (writer) and ``parse.validate`` as of commit bc15c93:
one file per device-day, raw JSON of every row. Not used by the application.

Original docstring: raw-point storage (YD-DATA-1): hive-partitioned Parquet, idempotent, with a quarantine.

Layout under ``root`` (a local path; any fsspec URL when fsspec is installed -- it is
not in this build, so a ``scheme://`` root other than ``file://`` is refused)::

    points/device_id=<id>/day=<YYYY-MM-DD>/part-<uuid>.parquet   accepted fixes (UTC day)
    quarantine/device_id=<id>/part-<uuid>.parquet                bad rows + reason

Idempotence, also under concurrent writers (issue 10): the check-and-write of each
device-day runs under an exclusive lock (``fcntl.flock`` on ``locks/<stripe>.lock``,
the stripe a hash of device and day, taken in stripe order so that two batches never
deadlock; threads and processes of one host). Under the lock the ``ts`` already stored
in each touched partition are read and rows whose ``(device_id, ts)`` exist are
counted as duplicates, not written (a merge-dedupe, not a pre-check outside the
lock); quarantine rows are deduplicated on a hash of their raw content and reason,
under the device's lock. :func:`compact` takes the same lock; ``read_points`` also
de-duplicates. A remote (fsspec) root has no file locks: there, one writer per device.

YD-DATA-1: rows of devices not in ``allowed_devices`` and rows outside the device's
data window are rejected and **not stored** (not even in the quarantine), only counted.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import TS
from covernote.domain.telematics.params import PlausibilityParams, TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow, Reason, check_plausibility
from covernote.products.loader import shipped_params
from covernote.telematics.adapters.parse import (
    CANONICAL,
    MAX_SPEED_KMH,
    NUMERIC,
    QUARANTINE,
    TRACCAR_ALARMS,
    IngestReason,
    Validated,
    _num_expr,
    _ts_expr,
    parse_body,
    select_columns,
)

POINTS_DIR = "points"
QUARANTINE_DIR = "quarantine"
LOCKS_DIR = "locks"
LOCK_STRIPES = 256  # lock files; a device-day always maps to the same one

SAFE_DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # path-safe partition value

Window = DataWindow | tuple[datetime, datetime]


def default_plausibility() -> PlausibilityParams:
    """The product configuration's plausibility parameters (YD-SCORE-3)."""
    params: TelematicsParams = shipped_params("telematics")
    return params.plausibility


@contextlib.contextmanager
def partition_locks(fs: pafs.FileSystem, base: str, keys: Iterable[str]) -> Iterator[None]:
    """Hold the exclusive locks of ``keys`` (e.g. ``"<device>/<day>"``) for the block.

    Keys hash onto :data:`LOCK_STRIPES` files, taken in order (no deadlock) and held
    at most 256 at a time whatever the batch size. Local roots only: on another
    filesystem this is a no-op (documented: one writer per device there).
    """
    if not isinstance(fs, pafs.LocalFileSystem):
        yield
        return
    import fcntl

    stripes = sorted({zlib.crc32(k.encode()) % LOCK_STRIPES for k in keys})
    lock_dir = Path(base) / LOCKS_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    fds: list[int] = []
    try:
        for stripe in stripes:
            fd = os.open(lock_dir / f"{stripe:03d}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            fds.append(fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        for fd in reversed(fds):
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def filesystem(root: str | os.PathLike[str]) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem and base path for ``root`` (local, or fsspec when installed)."""
    text = os.fspath(root)
    if "://" in text and not text.startswith("file://"):
        try:
            import fsspec  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError as exc:
            raise DomainError(
                ErrorCode.CONFIGURATION,
                f"store root {text!r} needs fsspec, which is not installed: use a local path",
                "YD-DATA-1",
                "root",
            ) from exc
        fs, path = fsspec.core.url_to_fs(text)
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), str(path).rstrip("/")
    path = text.removeprefix("file://")
    return pafs.LocalFileSystem(), str(Path(path).resolve())


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
    rows = []
    for dev, w in allowed.items():
        start, end = (w.start, w.end) if isinstance(w, DataWindow) else w
        rows.append((dev, start, end))
    return pl.DataFrame(
        rows,
        schema={"device_id": pl.String, "_w_start": TS, "_w_end": TS},
        orient="row",
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
    pts = checked.points.join(
        _windows(allowed_devices), on="device_id", how="left", maintain_order="left"
    )
    inside = (pl.col("ts") >= pl.col("_w_start")) & (pl.col("ts") <= pl.col("_w_end"))
    res.rejected_outside_window = pts.height - int(pts.select(inside.sum()).item())
    pts = pts.filter(inside).drop("_w_start", "_w_end")
    q = checked.quarantine.join(
        _windows(allowed_devices), on="device_id", how="left", maintain_order="left"
    )
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


def _hive() -> pads.Partitioning:
    return pads.partitioning(
        pa.schema([("device_id", pa.string()), ("day", pa.string())]), flavor="hive"
    )


def _files_under(fs: pafs.FileSystem, dirs: list[str]) -> list[str]:
    out: list[str] = []
    for d in dirs:
        try:
            infos = fs.get_file_info(pafs.FileSelector(d, allow_not_found=True))
        except (FileNotFoundError, OSError):
            continue
        out += [
            i.path for i in infos if i.type == pafs.FileType.File and i.path.endswith(".parquet")
        ]
    return out


def _partition_dir(base: str, device_id: str, day: str) -> str:
    from urllib.parse import quote

    return f"{base}/{POINTS_DIR}/device_id={quote(device_id, safe='')}/day={day}"


def _stored_keys(fs: pafs.FileSystem, base: str, parts: pl.DataFrame) -> pl.DataFrame:
    dirs = [_partition_dir(base, d, day) for d, day in parts.iter_rows()]
    files = _files_under(fs, dirs)
    if not files:
        return pl.DataFrame(schema={"device_id": pl.String, "ts": TS})
    ds = pads.dataset(
        files,
        filesystem=fs,
        format="parquet",
        partitioning=_hive(),
        partition_base_dir=f"{base}/{POINTS_DIR}",
    )
    got = pl.DataFrame(pl.from_arrow(ds.to_table(columns=["device_id", "ts"])))
    return got.with_columns(pl.col("ts").cast(TS))


def write_points(pts: pl.DataFrame, fs: pafs.FileSystem, base: str) -> tuple[int, int]:
    """Write new fixes into their partitions; return ``(written, already_stored)``."""
    if pts.height == 0:
        return 0, 0
    pts = pts.with_columns(day=pl.col("ts").dt.strftime("%Y-%m-%d")).unique(
        ["device_id", "ts"], keep="first", maintain_order=True
    )
    parts = pts.select("device_id", "day").unique()
    keys = [f"{d}/{day}" for d, day in parts.iter_rows()]
    with partition_locks(fs, base, keys):
        return _write_points_locked(pts, parts, fs, base)


def _write_points_locked(
    pts: pl.DataFrame, parts: pl.DataFrame, fs: pafs.FileSystem, base: str
) -> tuple[int, int]:
    stored = _stored_keys(fs, base, parts)
    before = pts.height
    if stored.height:
        pts = pts.join(stored, on=["device_id", "ts"], how="anti", maintain_order="left")
    if pts.height:
        pads.write_dataset(
            pts.select(*CANONICAL, "day").to_arrow(),
            f"{base}/{POINTS_DIR}",
            filesystem=fs,
            format="parquet",
            partitioning=_hive(),
            basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            max_rows_per_group=1 << 20,
        )
    return pts.height, before - pts.height


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
        return _write_quarantine_locked(q, fs, base, qdir, devices, counts)


def _write_quarantine_locked(
    q: pl.DataFrame,
    fs: pafs.FileSystem,
    base: str,
    qdir: str,
    devices: list[Any],
    counts: dict[str, int],
) -> dict[str, int]:
    from urllib.parse import quote

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


def validate(raw: pl.DataFrame, *, now: datetime, params: PlausibilityParams) -> Validated:
    """Type the columns and quarantine bad rows (reasons: :class:`IngestReason`).

    Range, future and duplicate checks are :func:`plausibility.check_plausibility`'s.
    """
    raw = select_columns(raw)
    schema = raw.schema
    raw_json = pl.struct(
        [pl.col(c).cast(pl.String) for c in CANONICAL if c != "alarm"]
    ).struct.json_encode()
    typed = raw.with_columns(
        pl.col("device_id").cast(pl.String).str.strip_chars(),
        _ts_expr(schema["ts"]).alias("ts"),
        *[_num_expr(n, schema[n]).alias(n) for n in NUMERIC],
        pl.col("alarm").cast(pl.String),
        _raw=raw_json,
        **{f"_null_{n}": pl.col(n).is_null() for n in ("ts", *NUMERIC)},
    )
    missing = pl.col("device_id").is_null() | (pl.col("device_id") == "")
    for n in ("ts", "lat", "lon", "speed_kmh"):
        missing = missing | pl.col(f"_null_{n}")
    not_num = pl.lit(False)
    for n in NUMERIC:
        bad_cast = pl.col(n).is_null() & pl.col(f"_null_{n}").not_()
        not_num = not_num | bad_cast | pl.col(n).is_nan().fill_null(False)
    alarms_ok = (
        pl.col("alarm")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().is_in(list(TRACCAR_ALARMS)))
        .list.all()
    )
    heading = pl.col("heading_deg")
    reason = (
        pl.when(missing)
        .then(pl.lit(IngestReason.MISSING.value))
        .when(pl.col("ts").is_null())
        .then(pl.lit(IngestReason.UNPARSABLE_TS.value))
        .when(not_num)
        .then(pl.lit(IngestReason.NOT_A_NUMBER.value))
        .when((pl.col("speed_kmh") < 0) | (pl.col("speed_kmh") > MAX_SPEED_KMH))
        .then(pl.lit(IngestReason.SPEED_RANGE.value))
        .when((heading < 0) | (heading > 360))
        .then(pl.lit(IngestReason.HEADING_RANGE.value))
        .when(pl.col("alarm").is_not_null() & alarms_ok.not_().fill_null(True))
        .then(pl.lit(IngestReason.UNKNOWN_ALARM.value))
        .otherwise(pl.lit(None, pl.String))
    )
    typed = typed.with_columns(reason=reason)
    early = typed.filter(pl.col("reason").is_not_null())
    rest = typed.filter(pl.col("reason").is_null()).drop("reason")
    checked = check_plausibility(rest, now, params).with_columns(
        # Spikes are judged at scoring time with all neighbours (module docstring).
        reason=pl.when(pl.col("plausibility_reason") == Reason.JUMP.value)
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("plausibility_reason"))
    )
    is_dup = pl.col("reason") == Reason.DUPLICATE.value
    duplicates = int(checked.select(is_dup.sum()).item())
    good = checked.filter(pl.col("reason").is_null()).select(list(CANONICAL))
    late_bad = checked.filter(pl.col("reason").is_not_null() & is_dup.not_())
    quarantine = pl.concat(
        [
            early.select(*CANONICAL, raw=pl.col("_raw"), reason=pl.col("reason")),
            late_bad.select(*CANONICAL, raw=pl.col("_raw"), reason=pl.col("reason")),
        ],
        how="vertical_relaxed",
    ).select([pl.col(c).cast(t) for c, t in QUARANTINE.items()])
    return Validated(good, quarantine, duplicates)
