"""Permission-aware reads for Young Driver (PLT-4): broker own firm, customer self, staff all."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.young_driver.models import (
    Device,
    InstallPhoto,
    InstallTask,
    InstallTaskStatus,
    PhotoStatus,
    TheftClaimStatus,
    YDPolicy,
    YDQuote,
    YDTheftClaim,
)

M = TypeVar("M", bound=Model)


def _scoped(qs: QuerySet[M], actor: User, customer_path: str) -> QuerySet[M]:
    if actor.role == Role.BROKER:
        if actor.firm_id is None:
            return qs.none()
        return qs.filter(**{f"{customer_path}firm_id": actor.firm_id})
    if actor.role == Role.CUSTOMER:
        return qs.filter(**{f"{customer_path}user": actor})
    if actor.is_intermediary_staff:
        return qs
    return qs.none()


def policy_scope(actor: User) -> QuerySet[YDPolicy]:
    return _scoped(
        YDPolicy.objects.select_related("customer", "firm", "config"), actor, "customer__"
    )


def quote_scope(actor: User) -> QuerySet[YDQuote]:
    return _scoped(YDQuote.objects.select_related("customer", "config"), actor, "customer__")


def _denied(actor: User, object_type: str, object_id: int) -> None:
    audit_record(
        actor=actor,
        action="access.denied",
        object_type=object_type,
        object_id=str(object_id),
        after={"reason": "outside the actor's scope (PLT-4)"},
    )


def policy_get_for(actor: User, policy_id: int) -> YDPolicy:
    try:
        return policy_scope(actor).get(pk=policy_id)
    except YDPolicy.DoesNotExist:
        if YDPolicy.objects.filter(pk=policy_id).exists():
            _denied(actor, "young_driver.ydpolicy", policy_id)
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy_id") from None


def quote_get_for(actor: User, quote_id: int) -> YDQuote:
    try:
        return quote_scope(actor).get(pk=quote_id)
    except YDQuote.DoesNotExist:
        if YDQuote.objects.filter(pk=quote_id).exists():
            _denied(actor, "young_driver.ydquote", quote_id)
        raise DomainError(ErrorCode.NOT_FOUND, "no such quote", "PLT-4", "quote_id") from None


def policies_for_customer_user(actor: User) -> QuerySet[YDPolicy]:
    return policy_scope(actor).order_by("-created_at")


def task_get_for(actor: User, task_id: int) -> InstallTask:
    try:
        return _scoped(
            InstallTask.objects.select_related("policy", "device"), actor, "policy__customer__"
        ).get(pk=task_id)
    except InstallTask.DoesNotExist:
        if InstallTask.objects.filter(pk=task_id).exists():
            _denied(actor, "young_driver.installtask", task_id)
        raise DomainError(ErrorCode.NOT_FOUND, "no such task", "PLT-4", "task_id") from None


def open_task(policy: YDPolicy) -> InstallTask | None:
    return (
        policy.install_tasks.exclude(status=InstallTaskStatus.CLOSED)
        .select_related("device")
        .order_by("-id")
        .first()
    )


def install_queue(actor: User) -> QuerySet[InstallPhoto]:
    """Photos awaiting approval (staff only)."""
    if not actor.is_intermediary_staff:
        return InstallPhoto.objects.none()
    return (
        InstallPhoto.objects.filter(status=PhotoStatus.PENDING)
        .select_related("task__policy__customer", "task__device")
        .order_by("uploaded_at")
    )


def photo_get_for(actor: User, photo_id: int) -> InstallPhoto:
    try:
        return _scoped(
            InstallPhoto.objects.select_related("task__policy"), actor, "task__policy__customer__"
        ).get(pk=photo_id)
    except InstallPhoto.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, "no such photo", "PLT-4", "photo_id") from None


def device_get_for(actor: User, device_id: int) -> Device:
    try:
        return _scoped(
            Device.objects.select_related("policy__customer"), actor, "policy__customer__"
        ).get(pk=device_id)
    except Device.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, "no such device", "PLT-4", "device_id") from None


def theft_claim_scope(actor: User) -> QuerySet[YDTheftClaim]:
    return _scoped(
        YDTheftClaim.objects.select_related("policy__customer", "device"),
        actor,
        "policy__customer__",
    )


def theft_claim_get_for(actor: User, claim_id: int) -> YDTheftClaim:
    try:
        return theft_claim_scope(actor).get(pk=claim_id)
    except YDTheftClaim.DoesNotExist:
        if YDTheftClaim.objects.filter(pk=claim_id).exists():
            _denied(actor, "young_driver.ydtheftclaim", claim_id)
        raise DomainError(ErrorCode.NOT_FOUND, "no such claim", "PLT-4", "claim_id") from None


def theft_tracking(actor: User, claim: YDTheftClaim, *, trips: int = 5) -> dict[str, Any]:
    """YD-THEFT-1: the Smartbox's last known position and recent track — staff only, and
    only while the theft case is open. Each look is audited."""
    if not actor.is_intermediary_staff:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "only our staff see the tracking", "YD-THEFT-1"
        )
    if claim.status != TheftClaimStatus.OPEN or claim.device_id is None:
        return {"open": False, "last_position": None, "trips": []}
    from covernote.telematics.models import LastPosition, Trip

    position = LastPosition.objects.filter(device_id=claim.device_id).first()
    recent = list(Trip.objects.filter(device_id=claim.device_id).order_by("-start_at")[:trips])
    audit_record(
        actor=actor,
        action="young_driver.theft.tracking_viewed",
        obj=claim,
        firm_id=claim.policy.firm_id,
        after={"device": claim.device.serial if claim.device else None},
    )
    return {"open": True, "last_position": position, "trips": recent}
