"""Typed inputs for the GAP policy writes: bind, vehicle transfer, cancellation (ADR 0008)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from covernote.domain.bounds import Fields
from covernote.domain.gap.cancellation import InsurerReason
from covernote.domain.gap.purchase import PriceLine
from covernote.gap.inputs.fields import NOTE_LENGTH, choice, day, jsonable, optional_day, text
from covernote.gap.inputs.quote import VehicleInput, price_lines


@dataclass(frozen=True)
class BindInput:
    """Sell a quote; the key makes a retry safe (API-IDEMPOTENCY)."""

    idempotency_key: str
    documents_received_on: date | None = None


@dataclass(frozen=True)
class TransferInput:
    """GAP-CLAIM-3 exclusion 9: move cover to the new-for-old replacement vehicle."""

    vehicle: VehicleInput
    purchase_lines: tuple[PriceLine, ...]
    idempotency_key: str
    transfer_on: date | None = None  # None: today
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> TransferInput:
        f = Fields()
        vehicle = f.call(VehicleInput.parse, data.get("vehicle") or {})
        lines = f.call(price_lines, data.get("purchase_lines") or [])
        key = f.call(text, data.get("idempotency_key"), "idempotency_key", "API-IDEMPOTENCY", 200)
        transfer_on = f.call(optional_day, data.get("transfer_on"), "transfer_on", "GAP-EXCL-9")
        note = f.call(text, data.get("note"), "note", "GAP-EXCL-9", NOTE_LENGTH, multiline=True)
        f.done()
        return cls(
            vehicle=vehicle,
            purchase_lines=lines,
            idempotency_key=key,
            transfer_on=transfer_on,
            note=note,
        )

    def lines_json(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = jsonable(self.purchase_lines)
        return out


class CancellationKind(StrEnum):
    """Who asked for the cancellation (GAP-CANCEL-1..4); the stored values."""

    CUSTOMER = "customer"
    INSURER = "insurer"
    VEHICLE_SOLD = "vehicle_sold"


@dataclass(frozen=True)
class CancelInput:
    """A cancellation request (GAP-CANCEL-1..4, GAP-FRAUD-1)."""

    kind: CancellationKind
    notice_on: date
    reason: InsurerReason | None = None  # the insurer's reason (GAP-CANCEL-4)
    disposed_on: date | None = None
    fraudulent_act_on: date | None = None
    idempotency_key: str | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CancelInput:
        f = Fields()
        kind = f.call(choice, CancellationKind, data.get("kind"), "kind", "GAP-CANCEL")
        reason = data.get("reason") or None
        insurer_reason = (
            f.call(choice, InsurerReason, reason, "reason", "GAP-CANCEL-4")
            if reason and kind is CancellationKind.INSURER
            else None
        )
        notice_on = f.call(day, data.get("notice_on"), "notice_on", "GAP-CANCEL")
        disposed_on = f.call(optional_day, data.get("disposed_on"), "disposed_on", "GAP-CANCEL")
        fraud_on = f.call(
            optional_day, data.get("fraudulent_act_on"), "fraudulent_act_on", "GAP-FRAUD-1"
        )
        key = f.call(text, data.get("idempotency_key"), "idempotency_key", "API-IDEMPOTENCY", 200)
        f.done()
        return cls(
            kind=kind,
            notice_on=notice_on,
            reason=insurer_reason,
            disposed_on=disposed_on,
            fraudulent_act_on=fraud_on,
            idempotency_key=key or None,
        )
