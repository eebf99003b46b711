"""Permission-aware reads (PLT-4): tenant isolation lives here, in one place."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
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
    if actor.role == Role.BROKER:
        if actor.firm_id is None:
            return qs.none()
        return qs.filter(firm_id=actor.firm_id)
    if actor.role == Role.CUSTOMER:
        return qs.filter(user=actor)
    if actor.is_intermediary_staff:
        return qs
    return qs.none()


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
    try:
        return customer_scope(actor).get(pk=customer_id)
    except Customer.DoesNotExist:
        if Customer.objects.filter(pk=customer_id).exists():
            audit_record(
                actor=actor,
                action="access.denied",
                object_type="parties.customer",
                object_id=str(customer_id),
                after={"reason": "outside the actor's scope (PLT-4)"},
            )
        raise DomainError(ErrorCode.NOT_FOUND, "no such customer", "PLT-4", "customer_id") from None


def adjustment_history(customer: Customer) -> QuerySet[ReasonableAdjustment]:
    return customer.adjustments.select_related("recorded_by").order_by("recorded_at", "id")
