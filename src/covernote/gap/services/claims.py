"""GAP claims: register (GAP-CLAIM-1), documents outstanding, decide (GAP-CLAIM-3),
withdraw, and the claim status letters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.domain.calendar import london_date
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap import letters
from covernote.domain.gap.cancellation import (
    ClaimState,
)
from covernote.domain.gap.records import DecisionRecord
from covernote.gap.inputs.claims import ClaimRegistration, DecideInput, DocumentsRequest
from covernote.gap.models import (
    GapClaim,
    GapPolicy,
)
from covernote.gap.services._common import (
    claim_facts,
    letter_issue,
    new_reference,
)
from covernote.gap.services.cancellations import release_held_cancellations
from covernote.gap.services.fraud import fraud_db_submit
from covernote.products.selectors import params_of

# --------------------------------------------------------------------------- claims


@transaction.atomic
def gap_claim_register(
    *,
    actor: User,
    policy: GapPolicy,
    data: ClaimRegistration,
) -> GapClaim:
    """Register a total-loss claim; GAP-CLAIM-1 late notice is flagged, never refused."""
    require(actor, Action.GAP_CLAIM_REGISTER)
    p = GapPolicy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
    now = timezone.now()
    event_at, notified_at = data.event_at, data.notified_at or now
    total_loss_on, written_notice_on = data.total_loss_on, data.written_notice_on
    if event_at > now:
        raise DomainError(
            ErrorCode.INVALID, "the loss cannot be in the future", "GAP-CLAIM-1", "event_at"
        )
    if p.termination_reason == "claim_paid":
        raise DomainError(
            ErrorCode.CONFLICT,
            "a claim has been paid: the policy has terminated",
            "GAP-CLAIM-4",
            "policy_id",
        )
    if p.claims.filter(status__in=[s.value for s in dclaims.PENDING_STATUSES]).exists():
        raise DomainError(
            ErrorCode.CONFLICT, "a claim is already open on this policy", "GAP-CLAIM", "policy_id"
        )
    terr, section = data.territory, data.motor_section
    params = params_of(p.config)
    notice = dclaims.notice_check(
        dclaims.ClaimNotice(
            event_at=event_at,
            notified_at=notified_at,
            total_loss_on=total_loss_on,
            written_notice_on=written_notice_on,
        ),
        params,
        today=london_date(now),
    )
    claim = GapClaim.objects.create(
        reference=new_reference("GC"),
        policy=p,
        customer_id=p.customer_id,
        firm_id=p.firm_id,
        event_at=event_at,
        loss_on=london_date(event_at),
        notified_at=notified_at,
        total_loss_on=total_loss_on,
        written_notice_on=written_notice_on,
        territory=terr.value,
        motor_section=section.value,
        description=data.description,
        notice=notice.as_dict(),
        created_by=actor,
    )
    fraud_db_submit(
        database="CUE",
        event="claim_notified",
        claim=claim,
        policy=p,
        payload={
            "claim": claim.reference,
            "policy": p.number,
            "loss_on": claim.loss_on.isoformat(),
        },
    )
    letter_issue(
        actor=actor,
        customer=claim.customer,
        kind="gap_claim_registered",
        letter=letters.claim_registered(claim_facts(claim), late=notice.outcome == "late"),
        related=claim,
        key=f"gap-claim-ack:{claim.pk}",
    )
    audit_record(
        actor=actor,
        action="gap.claim.register",
        obj=claim,
        after={
            "reference": claim.reference,
            "policy": p.number,
            "loss_on": claim.loss_on,
            "notice": notice.outcome,
        },
    )
    return claim


@transaction.atomic
def gap_claim_decide(
    *,
    actor: User,
    claim: GapClaim,
    data: DecideInput,
) -> GapClaim:
    """Approve (only a valid claim) or decline with the exclusion ids (GAP-CLAIM-3)."""
    require(actor, Action.GAP_CLAIM_DECIDE)
    c = (
        GapClaim.objects.select_for_update(of=("self",))
        .select_related("policy", "customer")
        .get(pk=claim.pk)
    )
    validity = c.validity_record
    approve, note = data.approve, data.note
    if approve:
        if c.status == dclaims.ClaimStatus.ASSESSED and validity.declines:
            raise DomainError(
                ErrorCode.NOT_ELIGIBLE,
                "the claim cannot be approved: " + "; ".join(str(d) for d in validity.declines),
                ", ".join(validity.decline_rules),
                "approve",
            )
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.APPROVED
        ).value
    else:
        ids = list(data.exclusion_ids) or validity.decline_rules
        if not ids:
            raise DomainError(
                ErrorCode.REQUIRED,
                "name the exclusion ids that decline the claim",
                "GAP-CLAIM-3",
                "exclusion_ids",
            )
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.DECLINED
        ).value
        c.decline_rules = ids
    c.decision_note = note
    c.decided_by = actor
    c.decided_at = timezone.now()
    c.version += 1
    c.save()
    if approve:
        claim_approved_letter_issue(actor=actor, claim=c)
    else:
        policy = GapPolicy.objects.select_for_update(of=("self",)).get(pk=c.policy_id)
        release_held_cancellations(actor, policy, ClaimState.DECLINED)
        letter_issue(
            actor=actor,
            customer=c.customer,
            kind="gap_claim_decision",
            letter=letters.claim_declined(
                claim_facts(c),
                rules=c.decline_rules,
                declines=c.validity_record.declines,
                note=c.decision_note,
            ),
            related=c,
            key=f"gap-claim-decline:{c.pk}",
        )
    audit_record(
        actor=actor,
        action="gap.claim.decide",
        obj=c,
        after={"status": c.status, "decline_rules": c.decline_rules, "note": note},
    )
    return c


@transaction.atomic
def gap_claim_request_documents(
    *, actor: User, claim: GapClaim, data: DocumentsRequest
) -> GapClaim:
    """Documents outstanding: tell the customer exactly what is still needed.

    Idempotent: asking again for the same list changes nothing and sends nothing; a
    changed list while documents are already outstanding sends one updated letter.
    """
    require(actor, Action.GAP_CLAIM_DECIDE)
    wanted, note = list(data.documents), data.note
    c = (
        GapClaim.objects.select_for_update(of=("self",))
        .select_related("policy", "customer")
        .get(pk=claim.pk)
    )
    outstanding = dclaims.ClaimStatus.DOCUMENTS_OUTSTANDING
    if c.status == outstanding and c.documents_requested == wanted:
        return c
    before = c.status
    if c.status != outstanding:
        c.status = dclaims.transition(dclaims.ClaimStatus(c.status), outstanding).value
    c.documents_requested = wanted
    c.version += 1
    c.save()
    letter_issue(
        actor=actor,
        customer=c.customer,
        kind="gap_claim_documents",
        letter=letters.claim_documents_needed(claim_facts(c), documents=wanted, note=note),
        related=c,
        key=f"gap-claim-docs:{c.pk}:v{c.version}",
    )
    audit_record(
        actor=actor,
        action="gap.claim.request_documents",
        obj=c,
        before={"status": before},
        after={"status": c.status, "documents": wanted},
    )
    return c


@transaction.atomic
def gap_claim_withdraw(*, actor: User, claim: GapClaim) -> GapClaim:
    require(actor, Action.GAP_CLAIM_REGISTER)
    c = GapClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    c.status = dclaims.transition(
        dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.WITHDRAWN
    ).value
    c.version += 1
    c.save()
    policy = GapPolicy.objects.select_for_update(of=("self",)).get(pk=c.policy_id)
    release_held_cancellations(actor, policy, ClaimState.DECLINED)
    audit_record(actor=actor, action="gap.claim.withdraw", obj=c, after={"status": c.status})
    return c


def claim_approved_letter_issue(*, actor: Any, claim: GapClaim) -> None:
    """The approval letter (GAP-COVER); sent once per claim, however often it is asked for."""
    payable = claim.payable if claim.payable is not None else Decimal("0.00")
    letter_issue(
        actor=actor,
        customer=claim.customer,
        kind="gap_claim_approved",
        letter=letters.claim_approved(
            claim_facts(claim),
            payable=payable,
            steps=DecisionRecord.from_json(claim.settlement).steps,
        ),
        related=claim,
        key=f"gap-claim-approved:{claim.pk}",
    )
