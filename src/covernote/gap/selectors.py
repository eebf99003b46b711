"""GAP reads, permission-aware (PLT-4): a broker sees its firm's, a customer itself,
intermediary staff all. An object outside scope is *not found* and the attempt audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.documents.models import Document
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.claims import PENDING_STATUSES
from covernote.gap.models import GapCancellation, GapClaim, GapPolicy, GapQuote, ValuationEntry


def _scoped(actor: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    if actor.role == Role.BROKER:
        return qs.filter(firm_id=actor.firm_id) if actor.firm_id else qs.none()
    if actor.role == Role.CUSTOMER:
        return qs.filter(customer__user=actor)
    if actor.is_intermediary_staff:
        return qs
    return qs.none()


def _get(actor: User, qs: QuerySet[Any], model: type[Model], pk: int, label: str) -> Any:
    try:
        return _scoped(actor, qs).get(pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        if model._default_manager.filter(pk=pk).exists():
            audit_record(
                actor=actor,
                action="access.denied",
                object_type=model._meta.label_lower,
                object_id=str(pk),
                after={"reason": "outside the actor's scope (PLT-4)"},
            )
        raise DomainError(ErrorCode.NOT_FOUND, f"no such {label}", "PLT-4", f"{label}_id") from None


def quote_scope(actor: User) -> QuerySet[GapQuote]:
    return _scoped(actor, GapQuote.objects.select_related("customer", "vehicle", "config", "firm"))


def quote_get_for(actor: User, quote_id: int) -> GapQuote:
    result: GapQuote = _get(actor, quote_scope(actor), GapQuote, quote_id, "quote")
    return result


def policy_scope(actor: User) -> QuerySet[GapPolicy]:
    return _scoped(
        actor,
        GapPolicy.objects.select_related("customer", "vehicle", "quote", "config", "firm"),
    )


def policy_list_for(actor: User, *, status: str = "") -> QuerySet[GapPolicy]:
    qs = policy_scope(actor)
    return qs.filter(status=status) if status else qs


def policy_get_for(actor: User, policy_id: int) -> GapPolicy:
    result: GapPolicy = _get(actor, policy_scope(actor), GapPolicy, policy_id, "policy")
    return result


def claim_scope(actor: User) -> QuerySet[GapClaim]:
    return _scoped(actor, GapClaim.objects.select_related("policy", "customer", "policy__vehicle"))


def claim_get_for(actor: User, claim_id: int) -> GapClaim:
    result: GapClaim = _get(actor, claim_scope(actor), GapClaim, claim_id, "claim")
    return result


def claims_work_queue(actor: User) -> QuerySet[GapClaim]:
    """Open claims, oldest notification first (the claims handler's queue)."""
    return (
        claim_scope(actor)
        .filter(status__in=[s.value for s in PENDING_STATUSES])
        .order_by("notified_at", "id")
    )


def cancellations_for(policy: GapPolicy) -> QuerySet[GapCancellation]:
    return policy.cancellations.all()


def cancellation_get_for(actor: User, cancellation_id: int) -> GapCancellation:
    qs = GapCancellation.objects.select_related("policy", "policy__customer")
    try:
        c: GapCancellation = qs.get(pk=cancellation_id)
    except GapCancellation.DoesNotExist:
        raise DomainError(
            ErrorCode.NOT_FOUND, "no such cancellation", "PLT-4", "cancellation_id"
        ) from None
    policy_get_for(actor, c.policy_id)  # raises NOT_FOUND (audited) outside the actor's scope
    return c


def policy_documents(policy: GapPolicy) -> QuerySet[Document]:
    return (
        Document.objects.filter(customer_id=policy.customer_id).filter(
            related_type="gap.gappolicy", related_id=str(policy.pk)
        )
        | Document.objects.filter(
            related_type="gap.gapcancellation",
            related_id__in=[str(x) for x in policy.cancellations.values_list("pk", flat=True)],
        )
        | Document.objects.filter(
            related_type="gap.gapclaim",
            related_id__in=[str(x) for x in policy.claims.values_list("pk", flat=True)],
        )
    )


def policy_document_get_for(actor: User, policy_id: int, document_id: int) -> Document:
    """A PDF of this policy, only inside the actor's scope (tenant-scoped download)."""
    policy = policy_get_for(actor, policy_id)
    doc = policy_documents(policy).filter(pk=document_id).first()
    if doc is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such document", "PLT-4", "document_id")
    return doc


def valuation_codes() -> QuerySet[ValuationEntry]:
    return ValuationEntry.objects.all()
