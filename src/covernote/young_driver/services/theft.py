"""Theft claims (YD-THEFT-1)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import SELLERS, require_role, require_staff
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters
from covernote.young_driver.inputs import TheftClaimInput, TheftCloseInput
from covernote.young_driver.models import (
    TheftClaimStatus,
    YDPolicy,
    YDTheftClaim,
)
from covernote.young_driver.services._common import (
    _letter,
    _lock,
    _policy_in_scope,
    _ref,
    _today,
    current_device,
)


@transaction.atomic
def yd_theft_claim_register(
    *,
    actor: User,
    policy: YDPolicy,
    data: TheftClaimInput,
    today: date | None = None,
) -> YDTheftClaim:
    """YD-THEFT-1: register a theft claim (police incident number required); the customer
    gets an acknowledgement letter; staff may track the Smartbox while the case is open."""
    stolen_on, idempotency_key, incident = (
        data.stolen_on,
        data.idempotency_key,
        data.police_incident_number,
    )
    existing = YDTheftClaim.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    require_role(actor, SELLERS | {Role.CUSTOMER}, what="register a theft claim", rule="YD-THEFT-1")
    _policy_in_scope(actor, policy)
    now = _today(today)
    p = _lock(policy)
    cover_end = p.cancellation.cancel_on if hasattr(p, "cancellation") else p.end
    if stolen_on > now:
        raise DomainError(
            ErrorCode.INVALID, "the theft date is in the future", "YD-THEFT-1", "stolen_on"
        )
    if not (p.start <= stolen_on <= cover_end):
        raise DomainError(
            ErrorCode.INVALID,
            "the theft date is outside the period of cover",
            "YD-THEFT-1",
            "stolen_on",
        )
    if p.theft_claims.filter(status=TheftClaimStatus.OPEN).exists():
        raise DomainError(
            ErrorCode.CONFLICT, "a theft claim is already open on this policy", "YD-THEFT-1"
        )
    device = current_device(p) or p.devices.order_by("-created_at", "-id").first()
    claim = YDTheftClaim.objects.create(
        reference=_ref("YDT"),
        policy=p,
        device=device,
        police_incident_number=incident,
        stolen_on=stolen_on,
        reported_on=now,
        description=data.description[:500],
        opened_by=actor,
        idempotency_key=idempotency_key,
    )
    claim.acknowledgement = _letter(
        actor=actor,
        policy=p,
        kind="yd_theft_ack",
        letter=letters.theft_acknowledgement(
            reference=claim.reference,
            vehicle_reg=p.vehicle_reg,
            stolen_on=stolen_on,
            incident=incident,
        ),
        key=f"yd-theft-ack-{claim.reference}",
    )
    claim.save(update_fields=["acknowledgement"])
    audit_record(
        actor=actor,
        action="young_driver.theft.register",
        obj=claim,
        firm_id=p.firm_id,
        after={
            "reference": claim.reference,
            "policy": p.number,
            "police_incident_number": incident,
            "stolen_on": stolen_on,
            "device": device.serial if device else None,
        },
    )
    return claim


@transaction.atomic
def yd_theft_claim_close(
    *, actor: User, claim: YDTheftClaim, data: TheftCloseInput, today: date | None = None
) -> YDTheftClaim:
    """Close the theft case (staff); tracking stops being shown (YD-THEFT-1)."""
    require_staff(actor, what="close a theft claim", rule="YD-THEFT-1")
    c = YDTheftClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    if c.status != TheftClaimStatus.OPEN:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION, "the claim is already closed", "YD-THEFT-1", "status"
        )
    c.status = TheftClaimStatus.CLOSED
    c.outcome = data.outcome
    c.closed_on = _today(today)
    c.closed_by = actor
    c.save()
    audit_record(
        actor=actor,
        action="young_driver.theft.close",
        obj=c,
        firm_id=c.policy.firm_id,
        before={"status": TheftClaimStatus.OPEN},
        after={"status": c.status, "outcome": c.outcome},
    )
    return c
