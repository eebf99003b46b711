"""Raw-point storage (YD-DATA-1): Parquet partitioned by day, clustered by device.

Layout under ``root`` (a local path; any fsspec URL when fsspec is installed -- it is
not in this build, so a ``scheme://`` root other than ``file://`` is refused)::

    points/day=<YYYY-MM-DD>/part-<uuid>.parquet     accepted fixes (UTC day), many
                                                    devices, sorted by (device_id, ts)
    quarantine/device_id=<id>/part-<uuid>.parquet   bad rows + reason

A batch writes **one file per UTC day it touches**, whatever its number of devices
(issue 14: a backfill of thousands of device-days is not thousands of small files).
Rows are sorted by ``(device_id, ts)`` in row groups of :data:`ROW_GROUP_ROWS`, so the
Parquet min/max statistics of ``device_id`` let a device's read skip the other row
groups. :func:`compact` merges a day's parts into one sorted file.

Idempotence, also under concurrent writers (issue 10): the check-and-write of each
day runs under an exclusive lock (``fcntl.flock`` on ``locks/<stripe>.lock``, the
stripe a hash of the day, taken in stripe order so that two batches never deadlock;
threads and processes of one host). Under the lock the ``(device_id, ts)`` already
stored for the batch's devices on that day are read and rows already there are
counted as duplicates, not written (a merge-dedupe, not a pre-check outside the
lock); quarantine rows are deduplicated on a hash of their raw content and reason,
under the device's lock. :func:`compact` and :func:`migrate` take the same day lock;
readers also de-duplicate. Files appear by rename (written as ``*.tmp`` first), so a
reader never sees half a file. A remote (fsspec) root has no file locks: there, one
writer per day.

The layout before issue 14 (``points/device_id=<id>/day=<day>/part-*.parquet``, one
file per device-day) is still read, and taken into account by the dedupe, when it is
present; :func:`migrate` (``covernote telematics store migrate``) rewrites it into
the day layout.

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
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import TS
from covernote.domain.telematics.params import PlausibilityParams, TelematicsParams
from covernote.domain.telematics.plausibility import DataWindow
from covernote.products.loader import shipped_params
from covernote.telematics.adapters.parse import CANONICAL, QUARANTINE, parse_body, validate

POINTS_DIR = "points"
QUARANTINE_DIR = "quarantine"
LOCKS_DIR = "locks"
LOCK_STRIPES = 256  # lock files; a day (or a device's quarantine) always maps to one
ROW_GROUP_ROWS = 65_536  # rows per Parquet row group: the unit a device filter can skip
SMALL_PART_BYTES = 1 << 20  # a part under 1 MiB (~50 k fixes) is "small" ...
MAX_SMALL_PARTS = 16  # ... and a day's small parts are merged once there are more than this
READ_ATTEMPTS = 3  # a reader lists again when a part it listed was merged away meanwhile

#: The stored columns of a points file (device_id is a column: files hold many devices).
POINTS_SCHEMA = pa.schema(
    [
        ("device_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("speed_kmh", pa.float64()),
        ("heading_deg", pa.float64()),
        ("alarm", pa.string()),
    ]
)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

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


def _hive() -> pads.Partitioning:
    """The partitioning of the layout before issue 14 (``device_id=<id>/day=<day>``)."""
    return pads.partitioning(
        pa.schema([("device_id", pa.string()), ("day", pa.string())]), flavor="hive"
    )


def _infos(fs: pafs.FileSystem, d: str, *, recursive: bool = False) -> list[pafs.FileInfo]:
    try:
        return list(
            fs.get_file_info(pafs.FileSelector(d, allow_not_found=True, recursive=recursive))
        )
    except (FileNotFoundError, OSError):
        return []


def _files_under(fs: pafs.FileSystem, dirs: Iterable[str], *, recursive: bool = False) -> list[str]:
    """The ``*.parquet`` files in ``dirs`` (a ``*.tmp`` being written is not one)."""
    return [
        i.path
        for d in dirs
        for i in _infos(fs, d, recursive=recursive)
        if i.type == pafs.FileType.File and i.path.endswith(".parquet")
    ]


def _day_dir(base: str, day: str) -> str:
    return f"{base}/{POINTS_DIR}/day={day}"


def _legacy_dir(base: str, device_id: str, day: str | None = None) -> str:
    d = f"{base}/{POINTS_DIR}/device_id={quote(device_id, safe='')}"
    return d if day is None else f"{d}/day={day}"


def _store_dirs(fs: pafs.FileSystem, base: str) -> tuple[list[str], list[str]]:
    """``(days, legacy_devices)``: the day partitions, and the devices still stored in the
    layout before issue 14 (empty once :func:`migrate` has run)."""
    days: list[str] = []
    legacy: list[str] = []
    for i in _infos(fs, f"{base}/{POINTS_DIR}"):
        if i.type != pafs.FileType.Directory:
            continue
        key, _, value = i.base_name.partition("=")
        if key == "day" and DAY.fullmatch(value):
            days.append(value)
        elif key == "device_id":
            legacy.append(unquote(value))
    return sorted(days), sorted(legacy)


def _legacy_day(path: str) -> str:
    """The ``day=`` value in a legacy file's path."""
    for part in reversed(path.split("/")):
        if part.startswith("day="):
            return part[4:]
    return ""


def _device_filter(devices: pl.Series | None) -> pl.Expr | None:
    """Rows of ``devices``: equality for one, else their min..max range (statistics prune
    row groups outside it; the caller's join keeps only the exact devices)."""
    if devices is None or devices.len() == 0:
        return None
    lo, hi = devices.min(), devices.max()
    col = pl.col("device_id")
    return col == pl.lit(lo) if lo == hi else col.is_between(pl.lit(lo), pl.lit(hi))


def _and(*exprs: pl.Expr | None) -> pl.Expr | None:
    out: pl.Expr | None = None
    for e in exprs:
        if e is not None:
            out = e if out is None else out & e
    return out


def _scan(
    fs: pafs.FileSystem,
    base: str,
    files: list[str],
    legacy_files: list[str],
    *,
    columns: list[str],
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """Rows of day-layout ``files`` and legacy ``legacy_files`` (``columns``, typed).

    Local day files are scanned by Polars with the filter pushed down (row groups
    skipped by their statistics; ~2 ms for a device in a 240 k-row day against ~5 ms
    through ``pyarrow.dataset``, measured); the legacy layout and remote roots go
    through ``pyarrow.dataset`` and are filtered after the read."""
    types = {c: CANONICAL[c] for c in columns}
    frames: list[pl.LazyFrame] = []
    if files and isinstance(fs, pafs.LocalFileSystem):
        frames.append(
            pl.scan_parquet(files, hive_partitioning=False).select(
                [pl.col(c).cast(t) for c, t in types.items()]
            )
        )
    elif files:
        ds = pads.dataset(files, schema=POINTS_SCHEMA, format="parquet", filesystem=fs)
        frames.append(pl.DataFrame(pl.from_arrow(ds.to_table(columns=columns))).lazy())
    if legacy_files:
        ds = pads.dataset(
            legacy_files,
            filesystem=fs,
            format="parquet",
            partitioning=_hive(),
            partition_base_dir=f"{base}/{POINTS_DIR}",
        )
        frames.append(pl.DataFrame(pl.from_arrow(ds.to_table(columns=columns))).lazy())
    if not frames:
        return pl.DataFrame(schema=types)
    out = [f.select([pl.col(c).cast(t) for c, t in types.items()]) for f in frames]
    lazy = pl.concat(out, how="vertical")
    if where is not None:
        lazy = lazy.filter(where)
    return lazy.collect()


def _write_file(fs: pafs.FileSystem, directory: str, rows: pl.DataFrame) -> str:
    """Write ``rows`` (sorted by device_id, ts) as a new part of ``directory``; atomic
    (written as a hidden ``*.tmp``, then renamed). Polars' writer, LZ4: ~5x faster than
    ``pyarrow.parquet.write_table`` on this data (measured, issue 14); min/max
    statistics per row group, which the device filter of the readers uses."""
    fs.create_dir(directory, recursive=True)
    name = f"part-{uuid.uuid4().hex}.parquet"
    tmp = f"{directory}/.{name}.tmp"
    out = rows.select([pl.col(c).cast(t) for c, t in CANONICAL.items()])
    options: dict[str, Any] = {
        "compression": "lz4",
        "statistics": True,
        "row_group_size": ROW_GROUP_ROWS,
    }
    if isinstance(fs, pafs.LocalFileSystem):
        out.write_parquet(tmp, **options)
    else:
        with fs.open_output_stream(tmp) as fh:
            out.write_parquet(fh, **options)
    fs.move(tmp, f"{directory}/{name}")
    return f"{directory}/{name}"


def _sorted_unique(pts: pl.DataFrame) -> pl.DataFrame:
    """Sorted by (device_id, ts), the first of each (device_id, ts) kept. A frame
    already so (validated points are) is checked in one pass and returned as it is."""
    dev, ts = pl.col("device_id"), pl.col("ts")
    ascending = (dev > dev.shift(1)) | ((dev == dev.shift(1)) & (ts > ts.shift(1)))
    if pts.height < 2 or pts.select(ascending.fill_null(True).all()).item():
        return pts
    pts = pts.sort("device_id", "ts", maintain_order=True)
    repeat = (dev == dev.shift(1)) & (ts == ts.shift(1))
    return pts.filter(repeat.fill_null(False).not_())


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


def _day_text(day: str | date) -> str:
    return day.isoformat() if isinstance(day, date) else day


def _read(
    root: str | os.PathLike[str],
    *,
    devices: list[str] | None,
    days: set[str] | None = None,
    first_day: str | None = None,
    last_day: str | None = None,
) -> pl.DataFrame:
    """Stored fixes of ``devices`` (None: all) on ``days`` / in ``first_day..last_day``,
    de-duplicated on (device_id, ts), sorted by (device_id, ts). Lists the store's top
    directory and the chosen day directories only; a device's rows are found by the
    row-group statistics (``device_id`` min/max) inside each day file."""
    fs, base = filesystem(root)
    stored_days, legacy = _store_dirs(fs, base)

    def wanted(day: str) -> bool:
        return (
            (days is None or day in days)
            and (first_day is None or day >= first_day)
            and (last_day is None or day <= last_day)
        )

    sel = pl.Series(devices, dtype=pl.String) if devices is not None else None
    for attempt in range(READ_ATTEMPTS):
        files = _files_under(fs, [_day_dir(base, d) for d in stored_days if wanted(d)])
        legacy_files: list[str] = []
        if legacy:
            chosen = None if devices is None else set(devices)
            mine = legacy if chosen is None else [d for d in legacy if d in chosen]
            legacy_files = [
                f
                for f in _files_under(fs, [_legacy_dir(base, d) for d in mine], recursive=True)
                if wanted(_legacy_day(f))
            ]
        try:
            got = _scan(
                fs, base, files, legacy_files, columns=list(CANONICAL), where=_device_filter(sel)
            )
            break
        except FileNotFoundError:
            # A writer merged parts between the listing and the read (readers take no
            # lock): the merged file holds the rows; list again.
            if attempt == READ_ATTEMPTS - 1:
                raise
    if devices is not None and len(devices) > 1:
        got = got.filter(pl.col("device_id").is_in(devices))
    return _sorted_unique(got)


def read_points(
    root: str | os.PathLike[str],
    *,
    device_id: str | None = None,
    first_day: str | date | None = None,
    last_day: str | date | None = None,
) -> pl.DataFrame:
    """Stored fixes (of one device; of UTC days ``first_day..last_day``, inclusive),
    sorted by (device_id, ts), CANONICAL columns."""
    return _read(
        root,
        devices=None if device_id is None else [device_id],
        first_day=None if first_day is None else _day_text(first_day),
        last_day=None if last_day is None else _day_text(last_day),
    )


def read_device_days(
    root: str | os.PathLike[str], device_id: str, days: Iterable[str | date]
) -> pl.DataFrame:
    """One device's stored fixes on the given UTC days (``YYYY-MM-DD``), sorted by ts.

    Reads only those day partitions, so rescoring after a batch costs the days it
    touched, not the device's whole history.
    """
    wanted = {_day_text(d) for d in days}
    if not wanted:
        return pl.DataFrame(schema=CANONICAL)
    return _read(root, devices=[device_id], days=wanted)


def read_devices_days(
    root: str | os.PathLike[str], wanted: Mapping[str, Iterable[str | date]]
) -> pl.DataFrame:
    """The stored fixes of several devices, each on its own UTC days, in one read per
    day file (a backfill's rescoring: not one read per device). Sorted by (device_id, ts)."""
    pairs = pl.DataFrame(
        [(dev, _day_text(d)) for dev, ds in wanted.items() for d in ds],
        schema={"device_id": pl.String, "_day": pl.String},
        orient="row",
    ).unique()
    if pairs.height == 0:
        return pl.DataFrame(schema=CANONICAL)
    got = _read(
        root,
        devices=sorted(pairs["device_id"].unique().to_list()),
        days=set(pairs["_day"].to_list()),
    )
    return (
        got.with_columns(_day=pl.col("ts").dt.strftime("%Y-%m-%d"))
        .join(pairs, on=["device_id", "_day"], how="semi", maintain_order="left")
        .drop("_day")
    )


def read_quarantine(root: str | os.PathLike[str]) -> pl.DataFrame:
    """Every quarantined row with its reason and ``received_at``."""
    fs, base = filesystem(root)
    path = f"{base}/{QUARANTINE_DIR}"
    if fs.get_file_info(path).type == pafs.FileType.NotFound:
        return pl.DataFrame(schema={**QUARANTINE, "row_key": pl.String, "received_at": TS})
    ds = pads.dataset(
        path,
        filesystem=fs,
        format="parquet",
        partitioning=pads.partitioning(pa.schema([("device_id", pa.string())]), flavor="hive"),
    )
    return pl.DataFrame(pl.from_arrow(ds.to_table()))


def quarantine_counts(root: str | os.PathLike[str]) -> dict[str, int]:
    """Stored quarantined rows by reason."""
    q = read_quarantine(root)
    return {str(r): int(n) for r, n in q.group_by("reason").len().sort("reason").iter_rows()}


def compact(root: str | os.PathLike[str], day: str | date) -> int:
    """Merge one day's part files into one file sorted by (device_id, ts), unique on
    (device_id, ts); return the day's row count. Idempotent; a crash between the write
    and the deletes leaves repeated rows that readers, the dedupe and the next compact
    drop."""
    fs, base = filesystem(root)
    day = _day_text(day)
    with partition_locks(fs, base, [f"day/{day}"]):
        files = _files_under(fs, [_day_dir(base, day)])
        if len(files) <= 1:
            return int(pads.dataset(files, filesystem=fs, format="parquet").count_rows())
        rows = _sorted_unique(_scan(fs, base, files, [], columns=list(CANONICAL)))
        _write_file(fs, _day_dir(base, day), rows)
        for f in files:
            fs.delete_file(f)
        return rows.height


def compact_store(root: str | os.PathLike[str]) -> dict[str, int]:
    """:func:`compact` every day with more than one part; ``{day: rows}`` of those."""
    fs, base = filesystem(root)
    out: dict[str, int] = {}
    for day in _store_dirs(fs, base)[0]:
        if len(_files_under(fs, [_day_dir(base, day)])) > 1:
            out[day] = compact(root, day)
    return out


@dataclass
class MigrateResult:
    """What :func:`migrate` did."""

    days: int = 0
    legacy_files: int = 0
    rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"days": self.days, "legacy_files": self.legacy_files, "rows": self.rows}


def migrate(root: str | os.PathLike[str]) -> MigrateResult:
    """Rewrite a store of the layout before issue 14 (``device_id=/day=``) into the day
    layout: per day, the legacy files and the day's parts become one sorted file, then
    the legacy files are deleted. Under each day's lock, so live ingest may go on;
    idempotent and safe to re-run after a crash (the same rows are merged again)."""
    fs, base = filesystem(root)
    res = MigrateResult()
    legacy = _store_dirs(fs, base)[1]
    by_day: dict[str, list[str]] = {}
    for f in _files_under(fs, [_legacy_dir(base, d) for d in legacy], recursive=True):
        by_day.setdefault(_legacy_day(f), []).append(f)
    for day, legacy_files in sorted(by_day.items()):
        with partition_locks(fs, base, [f"day/{day}"]):
            files = _files_under(fs, [_day_dir(base, day)])
            rows = _sorted_unique(_scan(fs, base, files, legacy_files, columns=list(CANONICAL)))
            _write_file(fs, _day_dir(base, day), rows)
            for f in [*files, *legacy_files]:
                fs.delete_file(f)
        res.days += 1
        res.legacy_files += len(legacy_files)
        res.rows += rows.height
    for d in legacy:  # the emptied legacy directories (one holding a file is kept)
        if not _files_under(fs, [_legacy_dir(base, d)], recursive=True):
            with contextlib.suppress(OSError):
                fs.delete_dir(_legacy_dir(base, d))
    return res
