"""One search box for staff and brokers (issue 12): customers, policies, claims and
complaints, grouped by kind, each within the actor's scope (PLT-4).

A term matches a customer by name, reference, email, whole or partial postcode
("LS6") or phone number in any format (``parties.selectors.customer_search``); a
policy by its number, its vehicle registration (spaces and case ignored) or its
customer; a claim by its reference, its policy's number or registration, or its
customer; a complaint by its reference, its policy or claim reference, or its
customer. Every group starts from the product's own scoped selector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse

from covernote.accounts.models import Role, User
from covernote.complaints.selectors import complaint_scope
from covernote.gap import selectors as gap
from covernote.parties.models import Customer
from covernote.parties.selectors import customer_scope, customer_search, customer_search_q
from covernote.web.customers.overview import (
    gap_claim_url,
    gap_policy_url,
    theft_claim_url,
    yd_policy_url,
)
from covernote.young_driver import selectors as yd

KINDS = {
    "customers": "Customers",
    "policies": "Policies",
    "claims": "Claims",
    "complaints": "Complaints",
}
MIN_TERM = 2


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    reference: str
    title: str
    detail: str
    status: str
    url: str
    on: date | None = None


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.hits)


def _compact(term: str) -> str:
    return "".join(term.upper().split())


def _no_spaces(column: str) -> Any:
    return Replace(Upper(column), Value(" "), Value(""))


def customer_url(actor: User, customer_id: int) -> str:
    name = "broker-customer-detail" if actor.role == Role.BROKER else "customer-detail"
    return reverse(name, args=[customer_id])


def _customer_ids(actor: User, term: str) -> QuerySet[Customer, Any]:
    return customer_scope(actor).filter(customer_search_q(term)).values("pk")


def _customers(actor: User, term: str) -> list[Hit]:
    return [
        Hit(
            kind="customers",
            reference=c.reference,
            title=c.full_name,
            detail=", ".join(p for p in (c.postcode, c.firm.name if c.firm else "Direct") if p),
            status="",
            url=customer_url(actor, c.pk),
            on=c.date_of_birth,
        )
        for c in customer_search(customer_scope(actor), term)
    ]


def _policies(actor: User, term: str) -> list[Hit]:
    compact = _compact(term)
    ids = _customer_ids(actor, term)
    gap_q = (
        Q(number__iexact=term)
        | Q(number__istartswith=compact)
        | Q(reg=compact)
        | Q(customer__in=ids)
    )
    yd_q = (
        Q(number__iexact=term)
        | Q(number__istartswith=compact)
        | Q(reg=compact)
        | Q(customer__in=ids)
    )
    hits = [
        Hit(
            kind="policies",
            reference=p.number,
            title=f"GAP · {p.customer.full_name}",
            detail=p.vehicle.registration,
            status=p.get_status_display(),
            url=gap_policy_url(actor, p.pk),
            on=p.start_on,
        )
        for p in gap.policy_scope(actor)
        .annotate(reg=_no_spaces("vehicle__registration"))
        .filter(gap_q)
        .order_by("-start_on", "-id")
    ] + [
        Hit(
            kind="policies",
            reference=p.number,
            title=f"Young Driver · {p.customer.full_name}",
            detail=p.vehicle_reg,
            status=p.get_status_display(),
            url=yd_policy_url(actor, p.pk),
            on=p.start,
        )
        for p in yd.policy_scope(actor)
        .annotate(reg=_no_spaces("vehicle_reg"))
        .filter(yd_q)
        .order_by("-start", "-id")
    ]
    return hits


def _claims(actor: User, term: str) -> list[Hit]:
    compact = _compact(term)
    ids = _customer_ids(actor, term)
    gap_claims = (
        gap.claim_scope(actor)
        .annotate(reg=_no_spaces("policy__vehicle__registration"))
        .filter(
            Q(reference__iexact=term)
            | Q(reference__istartswith=compact)
            | Q(policy__number__iexact=term)
            | Q(reg=compact)
            | Q(customer__in=ids)
        )
        .order_by("-loss_on", "-id")
    )
    thefts = (
        yd.theft_claim_scope(actor)
        .annotate(reg=_no_spaces("policy__vehicle_reg"))
        .filter(
            Q(reference__iexact=term)
            | Q(reference__istartswith=compact)
            | Q(policy__number__iexact=term)
            | Q(reg=compact)
            | Q(policy__customer__in=ids)
        )
        .order_by("-stolen_on", "-id")
    )
    return [
        Hit(
            kind="claims",
            reference=c.reference,
            title=f"GAP claim · {c.customer.full_name}",
            detail=f"Policy {c.policy.number}",
            status=c.get_status_display(),
            url=gap_claim_url(actor, c.pk, c.policy_id),
            on=c.loss_on,
        )
        for c in gap_claims
    ] + [
        Hit(
            kind="claims",
            reference=c.reference,
            title=f"Young Driver theft claim · {c.policy.customer.full_name}",
            detail=f"Policy {c.policy.number}",
            status=c.get_status_display(),
            url=theft_claim_url(actor, c.pk),
            on=c.stolen_on,
        )
        for c in thefts
    ]


def _complaints(actor: User, term: str) -> list[Hit]:
    ids = _customer_ids(actor, term)
    qs = complaint_scope(actor).filter(
        Q(reference__iexact=term)
        | Q(reference__istartswith=_compact(term))
        | Q(policy_reference__iexact=term)
        | Q(claim_reference__iexact=term)
        | Q(customer__in=ids)
    )
    return [
        Hit(
            kind="complaints",
            reference=k.reference,
            title=f"Complaint · {k.customer.full_name}",
            detail=k.get_product_display(),
            status=k.get_status_display(),
            url=reverse("complaint-detail", args=[k.pk]),
            on=k.received_at.date(),
        )
        for k in qs
    ]


_FINDERS = {
    "customers": _customers,
    "policies": _policies,
    "claims": _claims,
    "complaints": _complaints,
}


def search(actor: User, term: str, *, kind: str = "") -> list[Group]:
    """The groups for ``term`` (all kinds, or only ``kind``); nothing for under two letters.
    A customer (role) has no search: it sees only its own records in the app."""
    term = " ".join(term.split())
    if len(term) < MIN_TERM or actor.role == Role.CUSTOMER:
        return []
    kinds = [kind] if kind in KINDS else list(KINDS)
    return [Group(kind=k, label=KINDS[k], hits=_FINDERS[k](actor, term)) for k in kinds]


def paginate(hits: list[Hit], page: str | None, per_page: int = 25) -> Page[Hit]:
    return Paginator(hits, per_page).get_page(page)
