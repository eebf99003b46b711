"""Glass's Guide (GAP-ELIG-5, GAP-DEF-MV) behind ``domain.gap.valuation.ValuationSource``.

* :class:`TableVehicleValuation` — the table loaded from CSV (``covernote gap
  load-valuations FILE``; columns ``code,make,model,retail_value``).
* :class:`HttpVehicleValuation` — the documented skeleton of the live adapter.
  Glass's (Autovista) licenses a REST API keyed by a vehicle code; the client
  sends ``GET {base_url}/vehicles/{code}`` with an API key and reads
  ``retailValue``. Not wired: configure ``GAP_VALUATION_ADAPTER = "http"`` once
  a licence and credentials exist.
"""

from __future__ import annotations

import csv
import json
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.valuation import ValuationSource
from covernote.gap.models import ValuationEntry


class TableVehicleValuation:
    """Reads the ``ValuationEntry`` table (never a hard-coded list)."""

    def is_listed(self, vehicle_code: str) -> bool:
        return ValuationEntry.objects.filter(code=vehicle_code.strip().upper()).exists()

    def retail_value(self, vehicle_code: str) -> Decimal | None:
        row = ValuationEntry.objects.filter(code=vehicle_code.strip().upper()).first()
        return row.retail_value if row is not None else None


class HttpVehicleValuation:
    """Skeleton of the live Glass's adapter (see module docstring)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _get(self, vehicle_code: str) -> dict[str, object] | None:
        req = urllib.request.Request(  # noqa: S310
            f"{self.base_url}/vehicles/{vehicle_code}",
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                data: dict[str, object] = json.load(resp)
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def is_listed(self, vehicle_code: str) -> bool:
        return self._get(vehicle_code) is not None

    def retail_value(self, vehicle_code: str) -> Decimal | None:
        data = self._get(vehicle_code)
        return Decimal(str(data["retailValue"])) if data else None


def valuation_source() -> ValuationSource:
    if getattr(settings, "GAP_VALUATION_ADAPTER", "table") == "http":
        return HttpVehicleValuation(
            getattr(settings, "GAP_VALUATION_URL", ""),
            getattr(settings, "GAP_VALUATION_API_KEY", ""),
        )
    return TableVehicleValuation()


def read_valuation_csv(path: Path) -> list[dict[str, object]]:
    """Parse and check the CSV; errors name the line and column."""
    rows: list[dict[str, object]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"code", "make", "model", "retail_value"} - set(reader.fieldnames or [])
        if missing:
            raise DomainError(
                ErrorCode.INVALID,
                f"{path}: missing columns {', '.join(sorted(missing))}",
                "GAP-ELIG-5",
                "file",
            )
        for n, row in enumerate(reader, start=2):
            try:
                value = Decimal(row["retail_value"])
            except InvalidOperation:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{path}:{n}: retail_value {row['retail_value']!r} is not a number",
                    "GAP-DEF-MV",
                    "retail_value",
                ) from None
            if value < 0 or not row["code"].strip():
                raise DomainError(
                    ErrorCode.INVALID, f"{path}:{n}: bad row", "GAP-DEF-MV", "retail_value"
                )
            rows.append(
                {
                    "code": row["code"].strip().upper(),
                    "make": row["make"].strip(),
                    "model": row["model"].strip(),
                    "retail_value": value,
                }
            )
    return rows
