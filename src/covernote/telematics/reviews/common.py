"""What the two review engines share (YD-REVIEW-1..3, YD-SCORE-2): the run's counts
(``RunResult``), the policies in force, the chunk size (one transaction and one audit
record per ``CHUNK`` reviews; the engines read it as ``common.CHUNK``, so one setting
governs both) and the Decimal period score (YD-SCORE-2) the columns engine falls back
to near a rounding tie.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from covernote.domain.calendar import LONDON
from covernote.domain.money import round_money
from covernote.young_driver.models import PolicyStatus

IN_FORCE = (PolicyStatus.LIVE, PolicyStatus.NOTICE)
CHUNK = 50_000


@dataclass
class RunResult:
    due: int = 0
    created: int = 0
    already_done: int = 0
    increased: int = 0
    decreased: int = 0
    unchanged: int = 0
    capped: int = 0
    errors: int = 0


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=LONDON)


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _period_score(weighted: float, distance: float) -> Decimal:
    """YD-SCORE-2: the distance-weighted mean of the trips' overall scores, to 2 dp."""
    return round_money(Decimal(str(weighted)) / Decimal(str(distance)))
