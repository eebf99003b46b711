"""Pay an approved GAP claim: ledger, GAP-CLAIM-4 termination, letter, CUE.

Payment authority (ADR 0026): each role (and, where set, each user) may pay up to a
limit in the setting ``COVERNOTE_CLAIM_PAYMENT_AUTHORITY`` (``…_USERS`` per email). Above it the payer requests the
payment (``payment_pending``); a *different* user with the approve permission and an
authority that covers the amount approves, and the payment is made then. Every step
is audited with who asked, who approved and the limits applied.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.billing.services import LedgerLine, ledger_post
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap import letters
from covernote.domain.gap.cancellation import (
    ClaimState,
    termination,
)
from covernote.domain.gap.records import DecisionRecord
from covernote.domain.money import gbp
from covernote.gap.inputs.claims import PayInput, PaymentRefusalInput, PaymentRequestInput
from covernote.gap.models import (
    GapClaim,
    GapPolicy,
    PolicyStatus,
)
from covernote.gap.services._common import (
    claim_facts,
    ensure_accounts,
    letter_issue,
    replayed,
    require_idempotency_key,
    terminate_policy,
)
from covernote.gap.services.cancellations import release_held_cancellations
from covernote.gap.services.fraud import fraud_db_submit
from covernote.transactions import retry_transaction

ZERO = Decimal("0.00")
S = dclaims.ClaimStatus


def payment_authority(actor: User) -> Decimal:
    """The most ``actor`` may pay on their own (ADR 0026): the user's own limit if one
    is set, else the role's; £0.00 for a role not listed."""
    per_user = getattr(settings, "COVERNOTE_CLAIM_PAYMENT_AUTHORITY_USERS", {})
    per_role = getattr(settings, "COVERNOTE_CLAIM_PAYMENT_AUTHORITY", {})
    raw = per_user.get(actor.email, per_role.get(actor.role))
    return ZERO if raw in (None, "") else Decimal(str(raw))


def within_authority(actor: User, amount: Decimal | None) -> bool:
    return (amount or ZERO) <= payment_authority(actor)


def _locked(claim: GapClaim) -> GapClaim:
    return (
        GapClaim.objects.select_for_update(of=("self",)).select_related("customer").get(pk=claim.pk)
    )


def _paid_already(claim: GapClaim, idempotency_key: str) -> GapClaim | None:
    """The claim a payment key already paid (API-IDEMPOTENCY): the same claim answers the
    replay, another claim's key is refused; ``None`` when the key is new."""
    require_idempotency_key(idempotency_key)
    done = GapClaim.objects.filter(payment_idempotency_key=idempotency_key).first()
    return None if done is None else replayed(done, done.pk == claim.pk, "claim")


def _authority_covering(actor: User, c: GapClaim, otherwise: str) -> Decimal:
    """The actor's payment authority, when it covers the claim's benefit (GAP-CLAIM-4)."""
    amount = c.payable or ZERO
    limit = payment_authority(actor)
    if amount > limit:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"{gbp(amount)} is above your payment authority of {gbp(limit)}: {otherwise}",
            "GAP-CLAIM-4",
            "amount",
        )
    return limit


def _move(actor: User, c: GapClaim, to: S, action: str, after: dict[str, object]) -> GapClaim:
    """A payment step that moves no money: the claim to ``to``, versioned and audited."""
    c.status = dclaims.transition(S(c.status), to).value
    c.version += 1
    c.save()
    audit_record(actor=actor, action=action, obj=c, after={**after, "rule": "GAP-CLAIM-4"})
    return c


@retry_transaction
@transaction.atomic
def gap_claim_pay(*, actor: User, claim: GapClaim, data: PayInput) -> GapClaim:
    """Pay an approved claim within the payer's authority: ledger posting, GAP-CLAIM-4
    termination, letter, CUE. Above the authority: refused, request approval instead."""
    require(actor, Action.GAP_CLAIM_PAY)
    idempotency_key = data.idempotency_key
    done = _paid_already(claim, idempotency_key)
    if done is not None:
        return done
    c = _locked(claim)
    if c.payment_idempotency_key == idempotency_key:
        return c
    if c.status == S.PAYMENT_PENDING.value:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "this payment is waiting for a second approver",
            "GAP-CLAIM-4",
            "status",
        )
    limit = _authority_covering(actor, c, "request approval from a second approver")
    return _settle(actor, c, idempotency_key, data.paid_on, {"authority": limit})


@transaction.atomic
def gap_claim_payment_request(
    *, actor: User, claim: GapClaim, data: PaymentRequestInput
) -> GapClaim:
    """Ask for a second approver: the claim waits in ``payment_pending`` (ADR 0026)."""
    require(actor, Action.GAP_CLAIM_PAY)
    c = _locked(claim)
    if c.status == S.PAYMENT_PENDING.value:
        return c  # asked already: a retry changes nothing
    c.payment_requested_by = actor
    c.payment_requested_at = timezone.now()
    c.payment_request_note = data.note.strip()
    return _move(
        actor,
        c,
        S.PAYMENT_PENDING,
        "gap.claim.payment_request",
        {
            "amount": c.payable,
            "requester_authority": payment_authority(actor),
            "note": c.payment_request_note,
        },
    )


def _pending_for_second_approver(actor: User, c: GapClaim) -> None:
    if c.status != S.PAYMENT_PENDING.value:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "no payment is waiting for approval on this claim",
            "GAP-CLAIM-4",
            "status",
        )
    if c.payment_requested_by_id == actor.pk:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "you requested this payment: a different person must approve it",
            "GAP-CLAIM-4",
            None,
        )


@transaction.atomic
def gap_claim_payment_approve(*, actor: User, claim: GapClaim, data: PayInput) -> GapClaim:
    """The second approver (not the requester, authority covering the amount) approves
    and the claim is paid (ADR 0026)."""
    require(actor, Action.GAP_CLAIM_PAYMENT_APPROVE)
    idempotency_key = data.idempotency_key
    done = _paid_already(claim, idempotency_key)
    if done is not None:
        return done
    c = _locked(claim)
    _pending_for_second_approver(actor, c)
    limit = _authority_covering(actor, c, "it needs an approver with a higher authority")
    c.payment_approved_by = actor
    c.payment_approved_at = timezone.now()
    return _settle(
        actor,
        c,
        idempotency_key,
        data.paid_on,
        {
            "authority": limit,
            "requested_by": c.payment_requested_by_id,
            "approved_by": actor.pk,
        },
    )


@transaction.atomic
def gap_claim_payment_refuse(
    *, actor: User, claim: GapClaim, data: PaymentRefusalInput
) -> GapClaim:
    """The second approver sends the payment back to ``approved`` with a reason."""
    require(actor, Action.GAP_CLAIM_PAYMENT_APPROVE)
    c = _locked(claim)
    _pending_for_second_approver(actor, c)
    return _move(
        actor,
        c,
        S.APPROVED,
        "gap.claim.payment_refuse",
        {"amount": c.payable, "reason": data.reason.strip()},
    )


def _settle(
    actor: User,
    c: GapClaim,
    idempotency_key: str,
    paid_on_in: date | None,
    approval: dict[str, object],
) -> GapClaim:
    c.status = dclaims.transition(S(c.status), S.PAID).value
    paid_on = paid_on_in or timezone.localdate()
    amount = c.payable or ZERO
    txn = None
    if amount > 0:
        ensure_accounts()
        txn = ledger_post(
            actor=actor,
            reference=c.reference,
            idempotency_key=f"gap-claim-pay:{idempotency_key}",
            lines=[
                LedgerLine("gap.claims_paid", debit=amount),
                LedgerLine("gap.claims_bank", credit=amount),
            ],
            description=f"GAP claim {c.reference} settlement",
        )
    c.paid_amount = amount
    c.paid_on = paid_on
    c.payment_idempotency_key = idempotency_key
    c.payment_transaction = txn
    c.version += 1
    c.save()
    policy = GapPolicy.objects.select_for_update(of=("self",)).get(pk=c.policy_id)
    before = policy.status
    if dclaims.terminates_policy(S(c.status)) and policy.status != PolicyStatus.TERMINATED:
        terminate_policy(policy, termination(end=policy.end_on, claim_paid_on=paid_on))
    release_held_cancellations(actor, policy, ClaimState.PAID)
    letter_issue(
        actor=actor,
        customer=c.customer,
        kind="gap_claim_payment",
        letter=letters.claim_paid(
            claim_facts(c),
            amount=amount,
            paid_on=paid_on,
            steps=DecisionRecord.from_json(c.settlement).steps,
            policy_ended_on=policy.terminated_on,
        ),
        related=c,
        key=f"gap-claim-paid:{c.pk}",
    )
    fraud_db_submit(
        database="CUE",
        event="claim_settled",
        claim=c,
        policy=policy,
        payload={"claim": c.reference, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    audit_record(
        actor=actor,
        action="gap.claim.pay",
        obj=c,
        after={
            "paid": amount,
            "paid_on": paid_on,
            "policy_status": policy.status,
            "policy_status_before": before,
            "rule": "GAP-CLAIM-4",
            **approval,
        },
    )
    return c
