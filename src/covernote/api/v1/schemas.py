"""Shared API schemas."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class AdjustmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    note: str
    third_party_name: str
    recorded_by: str
    recorded_at: datetime
    superseded_at: datetime | None
    superseded_by_id: int | None


class CustomerOut(Schema):
    id: int
    reference: str
    firm: str | None
    full_name: str
    first_name: str
    last_name: str
    date_of_birth: date | None  # None for a complainant who is not a customer
    address_lines: list[str]
    nation: str
    email: str
    phone: str
    contact_channel: str
    document_format: str
    is_business: bool
    version: int
    # PLT-2: every response about a customer carries their active adjustments.
    reasonable_adjustments: list[AdjustmentOut]


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    rule: str | None = None
    field: str | None = None
