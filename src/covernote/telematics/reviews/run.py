"""``reviews_run``: the 90-day premium review run of one date (YD-REVIEW-1..3), under a
per-date lock (a PostgreSQL advisory lock; ``ReviewRunBusy`` when another run holds
the date), one engine pass per Young Driver product configuration: the columns engine
on PostgreSQL, the rows engine elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection

from covernote.domain.errors import DomainError
from covernote.products.models import ProductConfiguration
from covernote.telematics.reviews.columns import _run_config_columns
from covernote.telematics.reviews.common import RunResult
from covernote.telematics.reviews.rows import _run_config


def reviews_run(
    *,
    as_of: date,
    actor: Any = "reviews",
    progress: Callable[[int], None] | None = None,
    engine: str = "auto",
) -> RunResult:
    """Review every policy due on ``as_of`` (YD-REVIEW-1..3); safe to run again.

    Set-based: the rule runs over the whole frame in integer arithmetic
    (``review_book``, held to the Decimal rule by a property test). Each chunk is
    one transaction with one audit record naming its policies and a digest of
    what was written.

    ``engine``: ``"columns"`` (PostgreSQL, the default there) keeps every policy
    in columns end to end: one ``COPY (SELECT …) TO`` brings the due policies with
    their period scores already reduced in exact numeric arithmetic, Polars applies
    the rule and formats the rows, and one ``COPY … FROM`` per chunk writes them.
    ``"rows"`` (the default elsewhere, and the baseline in ``bench/reviews.py``)
    reads through the ORM and builds each row in Python. Both write the same
    reviews and the same audit records (tests/integration/telematics/test_reviews.py).
    """
    if engine == "auto":
        engine = "columns" if connection.vendor == "postgresql" else "rows"
    if engine not in ("columns", "rows"):
        raise ValueError(f"unknown review engine {engine!r}")
    if engine == "columns" and connection.vendor != "postgresql":
        raise ValueError("the columns engine needs PostgreSQL")
    run = _run_config_columns if engine == "columns" else _run_config
    result = RunResult()
    with _run_lock(as_of):
        for config in ProductConfiguration.objects.filter(product="young_driver"):
            run(config, as_of=as_of, actor=actor, progress=progress, result=result)
    return result


class ReviewRunBusy(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "conflict", "another review run for this date is in progress", "YD-REVIEW-1", "as_of"
        )


def _run_lock_key(as_of: date) -> int:
    return 0x59445256 * 100_000 + as_of.toordinal()  # "YDRV" + date


@contextmanager
def _run_lock(as_of: date) -> Iterator[None]:
    """One run per date at a time (PostgreSQL advisory lock; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = _run_lock_key(as_of)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cur.fetchone()[0]:
            raise ReviewRunBusy()
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [key])
