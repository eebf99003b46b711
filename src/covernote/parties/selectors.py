"""Permission-aware reads (PLT-4): tenant isolation lives here, in one place."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from covernote.accounts.models import User
from covernote.accounts.scoping import get_in_scope, scoped
from covernote.parties.models import Customer, ReasonableAdjustment


def customer_scope(actor: User) -> QuerySet[Customer]:
    """The customers ``actor`` may see: a broker its firm's, a customer itself, staff all."""
    qs = Customer.objects.select_related("firm").prefetch_related(
        Prefetch(
            "adjustments",
            queryset=ReasonableAdjustment.objects.filter(superseded_at__isnull=True),
            to_attr="active_adjustment_list",
        )
    )
    return scoped(actor, qs, customer_user="user")


def customer_list_for(actor: User, *, search: str = "") -> QuerySet[Customer]:
    qs = customer_scope(actor)
    if search:
        qs = qs.filter(
            Q(last_name__icontains=search)
            | Q(first_name__icontains=search)
            | Q(reference__iexact=search)
            | Q(email__iexact=search)
            | Q(postcode__iexact=search)
        )
    return qs


def customer_get_for(actor: User, customer_id: int) -> Customer:
    """One customer, or NOT_FOUND — also for another firm's customer, which is audited."""
    return get_in_scope(actor, customer_scope(actor), customer_id, label="customer")


def adjustment_history(customer: Customer) -> QuerySet[ReasonableAdjustment]:
    return customer.adjustments.select_related("recorded_by").order_by("recorded_at", "id")
