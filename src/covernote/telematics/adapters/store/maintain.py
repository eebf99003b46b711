"""Maintenance of the raw-point store (YD-DATA-1): ``compact`` merges a day's parts into
one sorted file and ``migrate`` (``covernote telematics store migrate``) rewrites a
store of the layout before issue 14 into the day layout, each under the day's lock and
idempotent (a crash leaves repeated rows that readers, the dedupe and the next run drop).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import date

import pyarrow.dataset as pads

from covernote.telematics.adapters.parse import CANONICAL
from covernote.telematics.adapters.store.layout import (
    _day_dir,
    _day_text,
    _files_under,
    _legacy_day,
    _legacy_dir,
    _store_dirs,
    filesystem,
)
from covernote.telematics.adapters.store.locks import partition_locks
from covernote.telematics.adapters.store.parts import (
    _scan,
    _sorted_unique,
    _write_file,
)


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
