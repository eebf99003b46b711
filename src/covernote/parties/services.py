"""Writes for customers and adjustments, each audited (PLT-6)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import Customer, ReasonableAdjustment

CUSTOMER_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "nation",
    "email",
    "phone",
    "contact_channel",
    "document_format",
    "is_business",
    "business_name",
    "business_turnover_gbp",
    "business_staff",
    "business_balance_sheet_gbp",
]

_FORBIDDEN_INPUTS = {"sex", "gender", "religion", "sexual_orientation", "orientation", "disability"}


def _next_reference() -> str:
    last = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"C{last + 1:07d}"


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {f: getattr(customer, f) for f in CUSTOMER_FIELDS}


@transaction.atomic
def customer_create(*, actor: User, data: dict[str, Any]) -> Customer:
    """Create a customer. A broker creates customers for its own firm only (PLT-4)."""
    forbidden = _FORBIDDEN_INPUTS & set(data)
    if forbidden:
        field = sorted(forbidden)[0]
        raise DomainError(ErrorCode.INVALID, f"{field} is never recorded or used", "PLT-3", field)
    unknown = set(data) - set(CUSTOMER_FIELDS) - {"firm_id"}
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID, f"unknown field {field}", "PLT-1", field)
    firm_id = data.pop("firm_id", None)
    if actor.role == Role.BROKER:
        firm_id = actor.firm_id
    elif actor.role == Role.CUSTOMER:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "customers cannot create customers", "PLT-4")
    customer = Customer(reference=_next_reference(), firm_id=firm_id, **data)
    customer.full_clean(exclude=["reference"])
    customer.save()
    audit_record(actor=actor, action="customer.create", obj=customer, after=_snapshot(customer))
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, data: dict[str, Any], expected_version: int | None = None
) -> Customer:
    """Change a customer's details; ``expected_version`` guards against lost updates."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the customer was changed by someone else; reload and try again",
            "PLT-6",
            "version",
        )
    before = _snapshot(locked)
    for key, value in data.items():
        if key not in CUSTOMER_FIELDS:
            raise DomainError(ErrorCode.INVALID, f"unknown field {key}", "PLT-1", key)
        setattr(locked, key, value)
    locked.full_clean()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit_record(
        actor=actor, action="customer.update", obj=locked, before=before, after=_snapshot(locked)
    )
    return locked


@transaction.atomic
def adjustment_record(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    note: str,
    third_party_name: str = "",
    supersedes: ReasonableAdjustment | None = None,
) -> ReasonableAdjustment:
    """Record a reasonable adjustment (PLT-2); optionally supersede an older one."""
    if not note.strip():
        raise DomainError(ErrorCode.REQUIRED, "describe the adjustment", "PLT-2", "note")
    adj = ReasonableAdjustment(
        customer=customer,
        kind=kind,
        note=note.strip(),
        third_party_name=third_party_name,
        recorded_by=actor,
    )
    adj.full_clean(exclude=["customer", "recorded_by"])
    adj.save()
    if supersedes is not None:
        old = ReasonableAdjustment.objects.select_for_update().get(pk=supersedes.pk)
        if old.customer_id != customer.pk:
            raise DomainError(
                ErrorCode.INVALID, "that adjustment is another customer's", "PLT-2", "supersedes"
            )
        if old.superseded_at is not None:
            raise DomainError(
                ErrorCode.CONFLICT, "that adjustment is already superseded", "PLT-2", "supersedes"
            )
        old.superseded_by = adj
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_by", "superseded_at"])
    audit_record(
        actor=actor,
        action="adjustment.record",
        obj=adj,
        firm_id=customer.firm_id,
        after={
            "customer": customer.reference,
            "kind": kind,
            "note": adj.note,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return adj
