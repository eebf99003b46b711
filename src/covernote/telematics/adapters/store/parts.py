"""Parquet part files of the raw-point store (YD-DATA-1, YD-SCORE-1): scanning day and
legacy parts with a device filter pushed down to the row-group statistics, writing a
part atomically (``*.tmp`` then rename) sorted by ``(device_id, ts)`` in row groups of
:data:`ROW_GROUP_ROWS`, and de-duplicating on ``(device_id, ts)``.
"""

from __future__ import annotations

import uuid
from typing import Any

import polars as pl
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.telematics.adapters.parse import CANONICAL
from covernote.telematics.adapters.store.layout import (
    POINTS_DIR,
    POINTS_SCHEMA,
    _hive,
)

ROW_GROUP_ROWS = 65_536  # rows per Parquet row group: the unit a device filter can skip


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
