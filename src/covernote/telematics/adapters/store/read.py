"""Reading the raw-point store (YD-DATA-1, YD-SCORE-1): stored fixes of a device, of
several devices on their own days, or of a day range, de-duplicated on ``(device_id,
ts)`` and sorted; readers take no lock and list again when a part they listed was
merged away meanwhile; and the quarantine with its counts by reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from covernote.domain.telematics.frames import TS
from covernote.telematics.adapters.parse import CANONICAL, QUARANTINE
from covernote.telematics.adapters.store.layout import (
    QUARANTINE_DIR,
    _day_dir,
    _day_text,
    _files_under,
    _legacy_day,
    _legacy_dir,
    _store_dirs,
    filesystem,
)
from covernote.telematics.adapters.store.parts import (
    _device_filter,
    _scan,
    _sorted_unique,
)

READ_ATTEMPTS = 3  # a reader lists again when a part it listed was merged away meanwhile


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
