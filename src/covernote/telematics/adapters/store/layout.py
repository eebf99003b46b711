"""The layout of the raw-point store (YD-DATA-1, YD-SCORE-1): ``points/day=<YYYY-MM-DD>/``
for accepted fixes, ``quarantine/device_id=<id>/`` for bad rows, and the layout before
issue 14 (``points/device_id=<id>/day=<day>/``) still read; the stored columns of a
points file, the filesystem of a root (local, or fsspec when installed), and the
listing of part files (a ``*.tmp`` being written is not one).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.domain.errors import DomainError, ErrorCode

POINTS_DIR = "points"
QUARANTINE_DIR = "quarantine"

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


def _day_text(day: str | date) -> str:
    return day.isoformat() if isinstance(day, date) else day
