"""Day locks of the raw-point store (YD-DATA-1; issue 10): ``partition_locks`` holds
exclusive ``fcntl.flock`` locks on ``locks/<stripe>.lock`` (the stripe a hash of the
day, or of a device's quarantine), taken in stripe order so two batches never
deadlock; threads and processes of one host. A remote (fsspec) root has no file
locks: there, one writer per day.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow.fs as pafs

LOCKS_DIR = "locks"
LOCK_STRIPES = 256  # lock files; a day (or a device's quarantine) always maps to one


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
