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

The package: ``layout`` (the directories, the points schema, the filesystem of a
root, listing), ``locks`` (``partition_locks``, the day and quarantine locks),
``parts`` (scanning and writing Parquet part files), ``write`` (``ingest_batch``,
``write_points``, ``write_quarantine``, the merge of small parts), ``read``
(``read_points`` and the other reads) and ``maintain`` (``compact``, ``migrate``).
The names below are re-exported so ``from covernote.telematics.adapters.store import
X`` keeps working; a test that tunes a constant or replaces a helper patches the
submodule that reads it (e.g. ``parts.ROW_GROUP_ROWS``, ``write.MAX_SMALL_PARTS``,
``read._files_under``).
"""

from __future__ import annotations

from covernote.telematics.adapters.store.layout import (
    DAY,
    POINTS_DIR,
    POINTS_SCHEMA,
    QUARANTINE_DIR,
    SAFE_DEVICE_ID,
    _files_under,
    filesystem,
)
from covernote.telematics.adapters.store.locks import LOCK_STRIPES, LOCKS_DIR, partition_locks
from covernote.telematics.adapters.store.maintain import (
    MigrateResult,
    compact,
    compact_store,
    migrate,
)
from covernote.telematics.adapters.store.parts import ROW_GROUP_ROWS
from covernote.telematics.adapters.store.read import (
    READ_ATTEMPTS,
    quarantine_counts,
    read_device_days,
    read_devices_days,
    read_points,
    read_quarantine,
)
from covernote.telematics.adapters.store.write import (
    MAX_SMALL_PARTS,
    SMALL_PART_BYTES,
    IngestResult,
    Window,
    default_plausibility,
    ingest_batch,
    ingest_body,
    write_points,
    write_quarantine,
)

__all__ = [
    "DAY",
    "LOCKS_DIR",
    "LOCK_STRIPES",
    "MAX_SMALL_PARTS",
    "POINTS_DIR",
    "POINTS_SCHEMA",
    "QUARANTINE_DIR",
    "READ_ATTEMPTS",
    "ROW_GROUP_ROWS",
    "SAFE_DEVICE_ID",
    "SMALL_PART_BYTES",
    "IngestResult",
    "MigrateResult",
    "Window",
    "_files_under",
    "compact",
    "compact_store",
    "default_plausibility",
    "filesystem",
    "ingest_batch",
    "ingest_body",
    "migrate",
    "partition_locks",
    "quarantine_counts",
    "read_device_days",
    "read_devices_days",
    "read_points",
    "read_quarantine",
    "write_points",
    "write_quarantine",
]
