"""Pay an approved GAP claim: ledger, GAP-CLAIM-4 termination, letter, CUE."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.billing.services import LedgerLine, ledger_post
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap import letters
from covernote.domain.gap.cancellation import (
    ClaimState,
    termination,
)
from covernote.domain.gap.records import DecisionRecord
from covernote.gap.inputs import PayInput
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


@transaction.atomic
def gap_claim_pay(*, actor: User, claim: GapClaim, data: PayInput) -> GapClaim:
    """Pay an approved claim: ledger posting, GAP-CLAIM-4 termination, letter, CUE."""
    require(actor, Action.GAP_CLAIM_PAY)
    idempotency_key = data.idempotency_key
    require_idempotency_key(idempotency_key)
    done = GapClaim.objects.filter(payment_idempotency_key=idempotency_key).first()
    if done is not None:
        return replayed(done, done.pk == claim.pk, "claim")
    c = GapClaim.objects.select_for_update(of=("self",)).select_related("customer").get(pk=claim.pk)
    if c.payment_idempotency_key == idempotency_key:
        return c
    c.status = dclaims.transition(dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.PAID).value
    paid_on = data.paid_on or timezone.localdate()
    amount = c.payable or Decimal("0.00")
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
    if (
        dclaims.terminates_policy(dclaims.ClaimStatus(c.status))
        and policy.status != PolicyStatus.TERMINATED
    ):
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
        },
    )
    return c
