"""GAP cancellations (GAP-CANCEL-1..4, GAP-FRAUD-1, GAP-TERM-1) and the release
of a request held while a claim was pending (GAP-CANCEL-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.billing.services import LedgerLine, ledger_post
from covernote.domain.calendar import long_date
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap import letters
from covernote.domain.gap import policy_lifecycle as lifecycle
from covernote.domain.gap.cancellation import (
    CancellationRequest,
    CancelledBy,
    ClaimState,
    InsurerReason,
    cancellation_refund,
    fraud_cancellation_date,
    insurer_cancellation_date,
    termination,
)
from covernote.domain.gap.records import DecisionRecord
from covernote.gap.inputs.policy import CancelInput
from covernote.gap.models import (
    CancellationKind,
    CancellationStatus,
    GapCancellation,
    GapPolicy,
    PolicyStatus,
)
from covernote.gap.services._common import (
    ensure_accounts,
    letter_issue,
    policy_facts,
    terminate_policy,
)
from covernote.gap.services.fraud import fraud_db_submit
from covernote.products.selectors import params_of

# --------------------------------------------------------------------------- cancellation


def _claim_state(policy: GapPolicy) -> ClaimState:
    statuses = set(policy.claims.values_list("status", flat=True))
    if dclaims.ClaimStatus.PAID in statuses or any(
        c.paid_amount is not None for c in policy.claims.filter(status=dclaims.ClaimStatus.CLOSED)
    ):
        return ClaimState.PAID
    if statuses & {s.value for s in dclaims.PENDING_STATUSES}:
        return ClaimState.PENDING
    if statuses:
        return ClaimState.DECLINED
    return ClaimState.NONE


def _cancellation_request(c: GapCancellation, claim: ClaimState) -> CancellationRequest:
    p = c.policy
    return CancellationRequest(
        premium=p.gross_premium,
        start=p.start_on,
        end=p.end_on,
        purchased=p.purchased_on,
        cancel_on=c.cancel_on,
        claim=claim,
        by=CancelledBy(c.by),
        reason=InsurerReason(c.reason) if c.reason else None,
        documents_received=p.documents_received_on,
        notice_on=c.notice_on,
    )


def _process_cancellation(actor: Any, c: GapCancellation, decision: Decision) -> None:
    policy = c.policy
    refund = decision.amounts["refund"]
    c.status = CancellationStatus.PROCESSED
    c.decision = decision.as_dict()
    c.refund = refund
    c.processed_at = timezone.now()
    c.save()
    if c.kind == CancellationKind.VEHICLE_SOLD:
        term = termination(end=policy.end_on, vehicle_disposed_on=c.cancel_on)
    else:
        term = termination(end=policy.end_on, cancelled_on=c.cancel_on)
    terminate_policy(policy, term)
    if refund > 0:
        ensure_accounts()
        ledger_post(
            actor=actor,
            reference=policy.number,
            idempotency_key=f"gap-refund:{c.pk}",
            lines=[
                LedgerLine("gap.premium_refunds", debit=refund),
                LedgerLine("gap.refunds_payable", credit=refund),
            ],
            description=f"GAP cancellation refund {policy.number}",
        )
    letter_issue(
        actor=actor,
        customer=policy.customer,
        kind="gap_cancellation",
        letter=letters.cancellation_letter(
            policy_facts(policy),
            cancel_on=c.cancel_on,
            refund=refund,
            steps=DecisionRecord.from_json(c.decision).steps,
        ),
        related=c,
        key=f"gap-cancellation-letter:{c.pk}",
    )
    fraud_db_submit(
        database="MID",
        event="policy_off_cover",
        policy=policy,
        payload={
            "policy": policy.number,
            "off_cover_from": (c.cancel_on + timedelta(days=1)).isoformat(),
        },
    )


_NOTICE_RULE: dict[str, str] = {
    CancellationKind.CUSTOMER.value: "GAP-CANCEL-1",
    CancellationKind.INSURER.value: "GAP-CANCEL-4",
    CancellationKind.VEHICLE_SOLD.value: "GAP-TERM-1",
}


def _refuse_future_dates(data: CancelInput, today: date) -> None:
    """GAP-CANCEL-1/4, GAP-TERM-1, GAP-FRAUD-1: the dates of a cancellation are facts that
    have happened; one in the future would end cover (and tell MID) before it is true."""
    checks = (
        (
            "notice_on",
            data.notice_on,
            "the notice",
            _NOTICE_RULE.get(data.kind.value, "GAP-CANCEL-1"),
        ),
        ("disposed_on", data.disposed_on, "the sale of the vehicle", "GAP-TERM-1"),
        ("fraudulent_act_on", data.fraudulent_act_on, "the fraudulent act", "GAP-FRAUD-1"),
    )
    for field, value, what, rule in checks:
        if value is not None and value > today:
            raise DomainError(
                ErrorCode.INVALID,
                f"the date of {what} ({long_date(value)}) is in the future: record the "
                f"cancellation when it has happened (today is {long_date(today)})",
                rule,
                field,
            )


def _cancellation_plan(
    p: GapPolicy, data: CancelInput
) -> tuple[date, CancelledBy, InsurerReason | None]:
    """The last day of cover, who cancels and the insurer's reason (GAP-CANCEL-1..4)."""
    kind, notice_on = data.kind.value, data.notice_on
    insurer_reason: InsurerReason | None = None
    if kind == CancellationKind.INSURER:
        if data.reason is None:
            raise DomainError(
                ErrorCode.REQUIRED, "the insurer must give a valid reason", "GAP-CANCEL-4", "reason"
            )
        insurer_reason = data.reason
        if insurer_reason is InsurerReason.FRAUD and data.fraudulent_act_on:
            cancel_on = fraud_cancellation_date(data.fraudulent_act_on)
        elif insurer_reason is InsurerReason.FRAUD:
            cancel_on = notice_on
        else:
            cancel_on = min(insurer_cancellation_date(notice_on, params_of(p.config)), p.end_on)
        by = CancelledBy.INSURER
    elif kind == CancellationKind.VEHICLE_SOLD:
        cancel_on = data.disposed_on or notice_on
        by = CancelledBy.CUSTOMER
    else:
        cancel_on = notice_on
        by = CancelledBy.CUSTOMER
    return cancel_on, by, insurer_reason


@dataclass(frozen=True)
class CancellationPreview:
    """What a cancellation would do, for the confirm step (ADR 0026); nothing is written."""

    cancel_on: date
    refund: Decimal | None
    held: bool
    message: str


def gap_cancellation_preview(
    *, actor: User, policy: GapPolicy, data: CancelInput
) -> CancellationPreview:
    """The figures of ``gap_policy_cancel`` without writing: last day of cover and refund,
    or that the request would be held while a claim is pending (GAP-CANCEL-3)."""
    require(actor, Action.GAP_CANCEL)
    _refuse_future_dates(data, timezone.localdate())
    if data.kind.value == CancellationKind.INSURER and not actor.is_intermediary_staff:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "only the insurer's staff cancel for the insurer",
            "GAP-CANCEL-4",
            "kind",
        )
    if policy.status != PolicyStatus.ACTIVE:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"the policy is {policy.get_status_display().lower()}; it cannot be cancelled again",
            "GAP-TERM-1",
            "status",
        )
    cancel_on, by, reason = _cancellation_plan(policy, data)
    c = GapCancellation(
        policy=policy,
        kind=data.kind.value,
        by=by.value,
        reason=reason.value if reason else "",
        notice_on=data.notice_on,
        cancel_on=cancel_on,
    )
    claim = _claim_state(policy)
    try:
        decision = cancellation_refund(_cancellation_request(c, claim), params_of(policy.config))
    except DomainError as exc:
        if exc.code != ErrorCode.CLAIM_PENDING or by is CancelledBy.INSURER:
            raise
        return CancellationPreview(cancel_on, None, True, exc.message)
    return CancellationPreview(cancel_on, decision.amounts["refund"], False, "")


@transaction.atomic
def gap_policy_cancel(
    *,
    actor: User,
    policy: GapPolicy,
    data: CancelInput,
    today: date | None = None,
) -> GapCancellation:
    """GAP-CANCEL-1..4, GAP-FRAUD-1, GAP-TERM-1. A customer request while a claim is
    pending is held as "cancellation pending claim" (GAP-CANCEL-3). A notice, sale or
    fraudulent act dated after ``today`` is refused: a cancellation is recorded when the
    notice is received, never ahead of it (ADR 0027)."""
    require(actor, Action.GAP_CANCEL)
    kind, notice_on, idempotency_key = data.kind.value, data.notice_on, data.idempotency_key
    _refuse_future_dates(data, today or timezone.localdate())
    if kind == CancellationKind.INSURER and not actor.is_intermediary_staff:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "only the insurer's staff cancel for the insurer",
            "GAP-CANCEL-4",
            "kind",
        )
    if idempotency_key:
        done = GapCancellation.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    p = (
        GapPolicy.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=policy.pk)
    )
    if p.status != PolicyStatus.ACTIVE:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"the policy is {p.get_status_display().lower()}; it cannot be cancelled again",
            "GAP-TERM-1",
            "status",
        )
    cancel_on, by, insurer_reason = _cancellation_plan(p, data)
    c = GapCancellation(
        policy=p,
        kind=kind,
        by=by.value,
        reason=insurer_reason.value if insurer_reason else "",
        notice_on=notice_on,
        cancel_on=cancel_on,
        idempotency_key=idempotency_key or None,
        requested_by=actor,
        status=CancellationStatus.PROCESSED,
    )
    params = params_of(p.config)
    claim = _claim_state(p)
    try:
        decision = cancellation_refund(_cancellation_request(c, claim), params)
    except DomainError as exc:
        if exc.code != ErrorCode.CLAIM_PENDING or by is CancelledBy.INSURER:
            raise
        c.status = CancellationStatus.HELD
        c.decision = {
            "outcome": "held",
            "rule": "GAP-CANCEL-3",
            "message": exc.message,
            "steps": [
                {
                    "rule": "GAP-CANCEL-3",
                    "description": "A claim is pending: the request is held until the claim is decided, then processed as at its notice date",
                    "value": notice_on.isoformat(),
                }
            ],
            "warnings": [],
        }
        c.save()
        p.status = lifecycle.check_transition(
            p.status, lifecycle.PolicyStatus.CANCELLATION_PENDING_CLAIM
        ).value
        p.version += 1
        p.save(update_fields=["status", "version"])
        audit_record(
            actor=actor,
            action="gap.cancellation.hold",
            obj=c,
            firm_id=p.firm_id,
            after={"policy": p.number, "notice_on": notice_on, "rule": "GAP-CANCEL-3"},
        )
        return c
    c.save()
    _process_cancellation(actor, c, decision)
    audit_record(
        actor=actor,
        action="gap.policy.cancel",
        obj=c,
        firm_id=p.firm_id,
        before={"status": PolicyStatus.ACTIVE},
        after={
            "policy": p.number,
            "kind": kind,
            "cancel_on": cancel_on,
            "refund": c.refund,
            "basis": decision.data.get("basis"),
        },
    )
    return c


def release_held_cancellations(actor: Any, policy: GapPolicy, claim: ClaimState) -> None:
    """GAP-CANCEL-3: after a claim decision, process (declined/withdrawn) or close (paid)
    the held request as at its original notice date."""
    for c in GapCancellation.objects.select_for_update(of=("self",)).filter(
        policy=policy, status=CancellationStatus.HELD
    ):
        c.policy = policy
        decision = cancellation_refund(_cancellation_request(c, claim), params_of(policy.config))
        if claim is ClaimState.PAID:
            c.status = CancellationStatus.CLOSED
            c.decision = decision.as_dict()
            c.refund = decision.amounts["refund"]
            c.processed_at = timezone.now()
            c.save()
            action = "gap.cancellation.close"
        else:
            _process_cancellation(actor, c, decision)
            action = "gap.cancellation.release"
        audit_record(
            actor=actor,
            action=action,
            obj=c,
            firm_id=policy.firm_id,
            after={"policy": policy.number, "refund": c.refund, "rule": "GAP-CANCEL-3"},
        )
