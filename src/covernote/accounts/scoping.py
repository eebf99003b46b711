"""Tenant scoping: the one place the isolation rule lives (PLT-4, ADR 0003).

A broker user sees its own firm's book; a customer sees only what is theirs;
intermediary staff see every firm's book; anyone else sees nothing. Every
selector builds its querysets through :func:`scoped`, and fetches one object
through :func:`get_in_scope`, which reports an object outside the actor's scope
as *not found* (never "forbidden", so ids cannot be probed) and audits the try.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode

M = TypeVar("M", bound=Model)

OUTSIDE_SCOPE = "outside the actor's scope (PLT-4)"


def scope_q(actor: User, *, firm: str = "firm_id", customer_user: str = "customer__user") -> Q:
    """The filter that limits a queryset to what ``actor`` may see.

    ``firm`` is the lookup of the selling/owning firm's id, ``customer_user`` the
    lookup of the customer's login. A broker user with no firm sees nothing.
    """
    if actor.role == Role.BROKER:
        return Q(**{firm: actor.firm_id}) if actor.firm_id else Q(pk__in=[])
    if actor.role == Role.CUSTOMER:
        return Q(**{customer_user: actor})
    if actor.is_intermediary_staff:
        return Q()
    return Q(pk__in=[])


def scoped(
    actor: User,
    qs: QuerySet[M],
    *,
    firm: str = "firm_id",
    customer_user: str = "customer__user",
) -> QuerySet[M]:
    """``qs`` limited to the actor's scope (see :func:`scope_q`)."""
    return qs.filter(scope_q(actor, firm=firm, customer_user=customer_user))


def firm_scope_q(actor: User, *, firm: str = "firm_id") -> Q:
    """For firm-level reports: a broker gets its own firm, staff every firm (PLT-4)."""
    if actor.role == Role.BROKER:
        if not actor.firm_id:
            raise DomainError(ErrorCode.PERMISSION_DENIED, "no firm", "PLT-4")
        return Q(**{firm: actor.firm_id})
    if actor.is_intermediary_staff:
        return Q()
    raise DomainError(ErrorCode.PERMISSION_DENIED, "your role may not see firm reports", "PLT-4")


def access_denied(actor: Any, model: type[Model], pk: object) -> None:
    """Audit an attempt to reach an object outside the actor's scope."""
    audit_record(
        actor=actor,
        action="access.denied",
        object_type=model._meta.label_lower,
        object_id=str(pk),
        after={"reason": OUTSIDE_SCOPE},
    )


def get_in_scope(actor: User, qs: QuerySet[M], pk: int, *, label: str, field: str = "") -> M:
    """One object of ``qs`` (already scoped), or NOT_FOUND — audited when it exists elsewhere."""
    model = qs.model
    try:
        return qs.get(pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        if model._default_manager.filter(pk=pk).exists():
            access_denied(actor, model, pk)
        raise DomainError(
            ErrorCode.NOT_FOUND, f"no such {label}", "PLT-4", field or f"{label}_id"
        ) from None
