"""The valuation source (GAP-ELIG-5, GAP-DEF-MV): Glass's Guide behind an interface.

The domain never hard-codes which vehicles are listed. Adapters (a table loaded
from the database, an HTTP client) implement :class:`ValuationSource`; the
in-memory :class:`TableValuationSource` backs tests and development.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class ValuationSource(Protocol):
    """Glass's Guide or a similar publication (seed 002 "Best Endeavours")."""

    def is_listed(self, vehicle_code: str) -> bool:
        """GAP-ELIG-5: is the vehicle listed (exclusion 1c)."""
        ...

    def retail_value(self, vehicle_code: str) -> Decimal | None:
        """GAP-DEF-MV: the current retail value, or None when unlisted."""
        ...


@dataclass(frozen=True)
class TableValuationSource:
    """A table-backed valuation source: vehicle code → retail value (£)."""

    values: Mapping[str, Decimal] = field(default_factory=dict)

    def is_listed(self, vehicle_code: str) -> bool:
        return vehicle_code in self.values

    def retail_value(self, vehicle_code: str) -> Decimal | None:
        return self.values.get(vehicle_code)
