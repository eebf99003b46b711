"""Money after a sale (YD-PAY-1..3): CPA notices, collections, refunds, settlement, instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from covernote.audit.services import audit_record
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError
from covernote.domain.money import ZERO, round_money
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import payments as pay
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.products.selectors import params_of
from covernote.young_driver import adapters
from covernote.young_driver import ledger as yd_ledger
from covernote.young_driver.models import (
    OUTSTANDING,
    CardOnFile,
    CPANotice,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    PolicyStatus,
    YDPolicy,
)
from covernote.young_driver.services._common import (
    _check_live,
    _letter,
    _lock,
    _today,
    _version,
)


def _raise_on_ledger(
    policy: YDPolicy,
    *,
    actor: Any,
    amount: Decimal,
    premium_part: Decimal,
    kind: str,
    reason: str,
    key: str,
    params: YoungDriverParams,
) -> None:
    """Raise a charge or refund on ``yd.customer`` (YD-PAY-2): the ledger side of a payment."""
    if kind == PaymentKind.ADJUSTMENT:
        yd_ledger.post_adjustment(
            actor=actor,
            policy=policy,
            params=params,
            premium=premium_part,
            fee=amount - premium_part,
            key=key,
            description=f"{reason} ({policy.number})"[:300],
        )
    elif kind == PaymentKind.REFUND:
        yd_ledger.post_cancellation_refund(
            actor=actor,
            policy=policy,
            params=params,
            premium_refund=-premium_part,
            fee_deducted=amount - premium_part,
            key=key,
        )
    elif kind == PaymentKind.BOX_REFUND:
        yd_ledger.post_box_refund(actor=actor, policy=policy, amount=-amount, key=key)


def _collect_or_refund(
    policy: YDPolicy,
    *,
    actor: Any,
    amount: Decimal,
    premium_part: Decimal,
    kind: str,
    reason: str,
    key: str,
    today: date,
    params: YoungDriverParams,
    post_ledger: bool = True,
) -> Payment | None:
    """YD-PAY-2/3: 14 days' written notice, then collect/refund (card) or re-spread (DD).

    The charge or refund is raised on the ledger here (even when it nets to zero,
    e.g. a premium reduction equal to the fee); the cash moves on settlement.
    ``post_ledger=False`` when the caller has posted it (DD cancellation settlement).
    """
    amount = round_money(amount)
    if post_ledger:
        _raise_on_ledger(
            policy,
            actor=actor,
            amount=amount,
            premium_part=premium_part,
            kind=kind,
            reason=reason,
            key=key,
            params=params,
        )
    if amount == ZERO:
        return None
    earliest = pay.earliest_collection_date(today, params)
    status = PaymentStatus.SCHEDULED
    steps: list[dict[str, Any]] = []
    if policy.payment_method == PaymentMethod.DIRECT_DEBIT and kind == PaymentKind.ADJUSTMENT:
        plan = policy.plan
        rows = list(plan.instalments.filter(status=InstalmentStatus.SCHEDULED))
        schedule = tuple(pay.Instalment(i.number, i.due, i.amount) for i in rows)
        try:
            new, decision = pay.respread(schedule, amount, today, params)
        except DomainError:
            decision = Decision(outcome="card")
            new = schedule
        steps = [s.as_dict() for s in decision.steps]
        if decision.outcome == "respread":
            status = PaymentStatus.RESPREAD
            by_number = {s.number: s.amount for s in new}
            for row in rows:
                if by_number[row.number] != row.amount:
                    row.amount = by_number[row.number]
                    row.save(update_fields=["amount"])
    payment = Payment.objects.create(
        policy=policy,
        kind=kind,
        amount=amount,
        premium_part=premium_part,
        method=policy.payment_method,
        status=status,
        collect_on=earliest,
        idempotency_key=key,
    )
    doc = _letter(
        actor=actor,
        policy=policy,
        kind="yd_cpa_notice",
        letter=letters.payment_notice(
            reason=reason,
            amount=amount,
            respread=status == PaymentStatus.RESPREAD,
            earliest=earliest,
        ),
        steps=steps,
        key=f"{key}-cpa",
    )
    CPANotice.objects.create(
        policy=policy,
        payment=payment,
        amount=amount,
        sent_on=today,
        earliest_collection_on=earliest,
        document=doc,
    )
    return payment


@transaction.atomic
def yd_additional_premium(
    *,
    actor: Any,
    policy: YDPolicy,
    amount: Decimal,
    reason: str,
    key: str,
    today: date | None = None,
) -> Payment | None:
    """An extra premium outside a re-rating (e.g. a mileage top-up, YD-MILES-1): taken only
    after 14 days' written notice, from the card or spread over the Direct Debit (YD-PAY-2/3)."""
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-PAY-2")
    params = params_of(p.config)
    p.premium_paid += amount
    _version(
        p,
        actor=actor,
        kind="additional_premium",
        effective=now,
        changes={"amount": amount, "reason": reason},
    )
    p.save()
    return _collect_or_refund(
        p,
        actor=actor,
        amount=amount,
        premium_part=amount,
        kind=PaymentKind.ADJUSTMENT,
        reason=reason,
        key=key,
        today=now,
        params=params,
    )


def _settle(pk: int, *, as_of: date) -> bool:
    """Collect or refund one scheduled payment whose notice has run; False if already done
    (or no longer outstanding, e.g. set against a cancellation refund)."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",)).select_related("policy").get(pk=pk)
        )
        if payment.status not in OUTSTANDING:
            return False
        policy = payment.policy
        if payment.method == PaymentMethod.CARD:
            card = CardOnFile.objects.filter(customer=policy.customer).order_by("-id").first()
            if card is not None:
                call = (
                    adapters.payment_provider.charge
                    if payment.amount > 0
                    else adapters.payment_provider.refund
                )
                payment.provider_reference = call(
                    token=card.token,
                    amount=abs(payment.amount),
                    idempotency_key=f"settle-{payment.idempotency_key}",
                )
        payment.status = PaymentStatus.SETTLED
        payment.save(update_fields=["status", "provider_reference"])
        yd_ledger.post_settlement(
            actor=None, policy=policy, amount=payment.amount, key=payment.idempotency_key
        )
        audit_record(
            actor=None,
            action="young_driver.payment.settle",
            obj=payment,
            firm_id=policy.firm_id,
            after={"amount": payment.amount, "kind": payment.kind, "as_of": as_of},
        )
        return True


def settle_due_for(policy: YDPolicy, *, as_of: date) -> int:
    """YD-PAY-2: settle this policy's payments whose notice has run by ``as_of`` (before a
    cancellation works out what was collected)."""
    due = policy.payments.filter(status__in=OUTSTANDING, collect_on__lte=as_of)
    return sum(_settle(pk, as_of=as_of) for pk in list(due.values_list("pk", flat=True)))


def yd_payments_settle(*, as_of: date) -> str:
    """YD-PAY-2: once the 14-day CPA notice has run, collect or refund scheduled payments
    (card: through the provider token; DD: settled with the finance provider) and move the
    cash on the ledger. Idempotent: a settled payment is never picked again, and a payment
    set against a cancellation refund (status cancelled) is never taken."""
    due = Payment.objects.filter(status__in=OUTSTANDING, collect_on__lte=as_of).values_list(
        "pk", flat=True
    )
    settled = sum(_settle(pk, as_of=as_of) for pk in list(due))
    return f"{settled} payments settled after their 14-day notice"


def yd_instalments_collect(*, as_of: date) -> str:
    """YD-PAY-1: Direct Debit instalments due on or before ``as_of`` are collected for the
    finance provider (ledger: bank / finance provider payable). Idempotent."""
    collected = 0
    due = Instalment.objects.filter(
        status=InstalmentStatus.SCHEDULED,
        due__lte=as_of,
        plan__policy__status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            row = (
                Instalment.objects.select_for_update(of=("self",))
                .select_related("plan__policy")
                .get(pk=pk)
            )
            if row.status != InstalmentStatus.SCHEDULED:
                continue
            row.status = InstalmentStatus.COLLECTED
            row.save(update_fields=["status"])
            yd_ledger.post_instalment(
                actor=None, policy=row.plan.policy, amount=row.amount, instalment_id=row.pk
            )
            audit_record(
                actor=None,
                action="young_driver.instalment.collect",
                obj=row,
                firm_id=row.plan.policy.firm_id,
                after={"number": row.number, "amount": row.amount, "as_of": as_of},
            )
            collected += 1
    return f"{collected} Direct Debit instalments collected"
