"""MID and CUE (PLT-9): an interface, a recording adapter and an HTTP adapter skeleton.

Every submission and its result is stored in ``FraudDatabaseSubmission`` whichever
adapter sent it. The recording adapter (development and tests) accepts everything
and answers with a synthetic reference; the HTTP adapter is the shape of the real
client (MIB's MID and CUE are reached over authenticated HTTPS by members) and is
selected with ``GAP_FRAUD_DB_ADAPTER = "http"``.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any, Protocol

from django.conf import settings


class FraudDatabaseClient(Protocol):
    name: str

    def submit(self, database: str, event: str, payload: dict[str, Any]) -> dict[str, Any]: ...


class RecordingFraudDatabase:
    name = "recording"

    def submit(self, database: str, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"status": "accepted", "reference": f"{database}-{uuid.uuid4().hex[:10].upper()}"}


class HttpFraudDatabase:
    name = "http"

    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def submit(self, database: str, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(  # noqa: S310
            f"{self.base_url}/{database.lower()}/{event}",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
            result: dict[str, Any] = json.load(resp)
            return result


def fraud_database_client() -> FraudDatabaseClient:
    if getattr(settings, "GAP_FRAUD_DB_ADAPTER", "recording") == "http":
        return HttpFraudDatabase(
            getattr(settings, "GAP_FRAUD_DB_URL", ""), getattr(settings, "GAP_FRAUD_DB_API_KEY", "")
        )
    return RecordingFraudDatabase()
