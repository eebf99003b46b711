"""Shared API schemas."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


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
    title: str
    first_name: str
    last_name: str
    # issue 13: how letters greet them, and the Royal Mail dependent locality
    salutation_style: str = Field(description="title_surname, first_name or full_name")
    salutation: str = Field(description='The greeting letters use, e.g. "Dear Mrs Holloway"')
    date_of_birth: date | None  # None for a complainant who is not a customer
    locality: str
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


class ProblemField(Schema):
    """One invalid field."""

    field: str | None = Field(description="Dotted path of the field, e.g. purchase_lines.0.amount")
    label: str | None = Field(
        None, description="The field as people say it: Purchase lines 1 amount"
    )
    message: str = Field(description="What is wrong, in plain English")
    rule: str | None = Field(
        description="The SPEC rule id the value breaks (API-INPUT: the schema)"
    )


class Problem(Schema):
    """RFC 9457 problem details: the shape of every error this API answers."""

    model_config = {"extra": "allow"}  # extension members (``existing``, ``error``)

    type: str = Field(description="A URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="What went wrong, in plain English")
    code: str = Field(description="A short machine word: invalid, not_found, conflict, …")
    rule: str | None = Field(None, description="The SPEC rule id the refusal applies")
    field: str | None = Field(None, description="The first invalid field, when there is one")
    instance: str | None = Field(None, description="The request path")
    errors: list[ProblemField] | None = Field(
        None, description="Every invalid field (422), each with its rule"
    )
