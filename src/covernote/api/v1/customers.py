"""Customers and their reasonable adjustments (PLT-1, PLT-2), tenant-scoped (PLT-4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import EmailStr

from covernote.accounts.selectors import request_user
from covernote.api.errors import problem
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.api.v1.schemas import AdjustmentOut, CustomerOut
from covernote.domain.bounds import Day, Text
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import AdjustmentKind, Customer, ReasonableAdjustment
from covernote.parties.selectors import customer_get_for, customer_list_for
from covernote.parties.services import (
    DuplicateCustomerError,
    adjustment_record,
    customer_create,
    customer_update,
)

router = Router(tags=["customers"])


def adjustment_out(a: ReasonableAdjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=a.pk,
        kind=a.kind,
        kind_label=a.get_kind_display(),
        note=a.note,
        third_party_name=a.third_party_name,
        recorded_by=a.recorded_by.full_name if a.recorded_by_id else "",
        recorded_at=a.recorded_at,
        superseded_at=a.superseded_at,
        superseded_by_id=a.superseded_by_id,
    )


def customer_out(c: Customer) -> CustomerOut:
    active = getattr(c, "active_adjustment_list", None)
    if active is None:
        active = list(c.active_adjustments().select_related("recorded_by"))
    return CustomerOut(
        id=c.pk,
        reference=c.reference,
        firm=c.firm.name if c.firm is not None else None,
        full_name=c.full_name,
        title=c.title,
        first_name=c.first_name,
        last_name=c.last_name,
        salutation_style=c.salutation_style,
        salutation=c.salutation,
        date_of_birth=c.date_of_birth,
        locality=c.locality,
        address_lines=c.address_lines,
        nation=c.nation,
        email=c.email,
        phone=c.phone,
        contact_channel=c.contact_channel,
        document_format=c.document_format,
        is_business=c.is_business,
        version=c.version,
        reasonable_adjustments=[adjustment_out(a) for a in active],
    )


class CustomerIn(Schema):
    model_config = {"extra": "forbid"}

    title: Annotated[str, Text(20)] = ""
    first_name: Annotated[str, Text(100, min_length=1, rule="PLT-1")]
    last_name: Annotated[str, Text(100, min_length=1, rule="PLT-1")]
    date_of_birth: Annotated[date, Day(rule="PLT-1")]
    salutation_style: Literal["title_surname", "first_name", "full_name"] = "title_surname"
    address_line1: Annotated[str, Text(200)] = ""
    address_line2: Annotated[str, Text(200)] = ""
    locality: Annotated[str, Text(100)] = ""
    town: Annotated[str, Text(100)] = ""
    postcode: Annotated[str, Text(10)] = ""
    nation: Literal[
        "england", "wales", "scotland", "northern_ireland", "isle_of_man", "channel_islands"
    ] = "england"
    email: EmailStr | Literal[""] = ""
    phone: Annotated[str, Text(30)] = ""
    contact_channel: Literal["email", "letter", "phone", "sms"] = "email"
    document_format: Literal["standard", "large_print", "audio", "braille"] = "standard"
    firm_id: int | None = None  # staff only: a broker's customer is always its own firm's
    confirm_duplicate: bool = False  # create even when a likely duplicate exists (409)


class CustomerUpdateIn(Schema):
    """The fields to change; ``expected_version`` is the version the client last read."""

    model_config = {"extra": "forbid"}

    expected_version: int
    title: Annotated[str, Text(20)] | None = None
    first_name: Annotated[str, Text(100, min_length=1, rule="PLT-1")] | None = None
    last_name: Annotated[str, Text(100, min_length=1, rule="PLT-1")] | None = None
    date_of_birth: Annotated[date, Day(rule="PLT-1")] | None = None
    salutation_style: Literal["title_surname", "first_name", "full_name"] | None = None
    address_line1: Annotated[str, Text(200)] | None = None
    address_line2: Annotated[str, Text(200)] | None = None
    locality: Annotated[str, Text(100)] | None = None
    town: Annotated[str, Text(100)] | None = None
    postcode: Annotated[str, Text(10)] | None = None
    nation: (
        Literal[
            "england", "wales", "scotland", "northern_ireland", "isle_of_man", "channel_islands"
        ]
        | None
    ) = None
    email: EmailStr | Literal[""] | None = None
    phone: Annotated[str, Text(30)] | None = None
    contact_channel: Literal["email", "letter", "phone", "sms"] | None = None
    document_format: Literal["standard", "large_print", "audio", "braille"] | None = None


class AdjustmentIn(Schema):
    model_config = {"extra": "forbid"}

    kind: Annotated[str, Text(40)]
    note: Annotated[str, Text(2000, multiline=True)]
    third_party_name: Annotated[str, Text(200)] = ""
    supersedes: int | None = None


class CustomerPage(Page):
    items: list[CustomerOut]


@router.get("", response=CustomerPage, summary="List customers")
def list_customers(
    request: HttpRequest, response: HttpResponse, page: PageQuery, search: str = ""
) -> dict[str, Any]:
    """The customers you may see, a page at a time: a broker its own firm's only (PLT-4);
    `search` matches name, reference, email or postcode. Each carries their active
    reasonable adjustments (PLT-2). `count` is the whole list's size."""
    qs = customer_list_for(request_user(request), search=search)
    return paginate(request, response, qs, page, customer_out)


@router.get("/{customer_id}", response=CustomerOut, summary="Read a customer")
def get_customer(request: HttpRequest, customer_id: int) -> CustomerOut:
    """One customer with their contact preferences and active reasonable adjustments
    (PLT-1, PLT-2). Another firm's customer is 404 (PLT-4)."""
    return customer_out(customer_get_for(request_user(request), customer_id))


@router.post(
    "",
    response={201: CustomerOut},
    summary="Create a customer",
    openapi_extra={"x-problems": [409]},
)
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    """Create a customer (PLT-1); the reference is generated. Postcode and phone are checked and
    stored normalised (``LS6 2AB``, ``+441134960123``). A likely duplicate (same name,
    date of birth and postcode) answers 409 with the existing references in ``existing``,
    unless ``confirm_duplicate`` is true."""
    data = payload.model_dump(exclude={"confirm_duplicate"})
    try:
        customer = customer_create(
            actor=request_user(request), data=data, confirm_duplicate=payload.confirm_duplicate
        )
    except DuplicateCustomerError as exc:
        return problem(
            request,
            status=409,
            title="Possible duplicate",
            detail=exc.message,
            code="duplicate",
            rule=exc.rule,
            field=exc.field,
            extra={
                "existing": [
                    {"id": c.pk, "reference": c.reference, "full_name": c.full_name}
                    for c in exc.existing
                ]
            },
        )
    return Status(201, customer_out(customer))


@router.patch(
    "/{customer_id}",
    response=CustomerOut,
    summary="Change a customer's details",
    openapi_extra={"x-problems": [409]},
)
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerUpdateIn) -> Any:
    """Change some fields (PLT-1). A stale ``expected_version`` (someone else saved first)
    is 409."""
    actor = request_user(request)
    customer = customer_get_for(actor, customer_id)
    data = payload.model_dump(exclude={"expected_version"}, exclude_unset=True)
    updated = customer_update(
        actor=actor, customer=customer, data=data, expected_version=payload.expected_version
    )
    return customer_out(customer_get_for(actor, updated.pk))


@router.post(
    "/{customer_id}/adjustments",
    response={201: CustomerOut},
    summary="Record a reasonable adjustment",
)
def add_adjustment(
    request: HttpRequest, customer_id: int, payload: AdjustmentIn
) -> Status[CustomerOut]:
    """Staff record a reasonable adjustment (large print, a third party who speaks for the
    customer, …), optionally superseding an earlier one (PLT-2). Customers may not (403)."""
    actor = request_user(request)
    if actor.is_customer:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "staff record adjustments", "PLT-2")
    customer = customer_get_for(actor, customer_id)
    if payload.kind not in AdjustmentKind.values:
        raise DomainError(ErrorCode.INVALID, f"unknown kind {payload.kind!r}", "PLT-2", "kind")
    supersedes = None
    if payload.supersedes is not None:
        supersedes = customer.adjustments.filter(pk=payload.supersedes).first()
        if supersedes is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "no such adjustment on this customer", "PLT-2", "supersedes"
            )
    adjustment_record(
        actor=actor,
        customer=customer,
        kind=payload.kind,
        note=payload.note,
        third_party_name=payload.third_party_name,
        supersedes=supersedes,
    )
    return Status(201, customer_out(customer_get_for(actor, customer_id)))
