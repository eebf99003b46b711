"""YD-PAY-2 / YD-CANCEL-1: "paid" means collected; notified collections are netted at
cancellation, never refunded before they are taken nor taken after the policy ends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from covernote.billing.models import Entry
from covernote.young_driver import ledger as L
from covernote.young_driver.inputs import AdjustInput, CancelInput
from covernote.young_driver.models import Payment, PaymentKind, PaymentStatus
from covernote.young_driver.selectors import premium_position
from covernote.young_driver.services import (
    yd_payments_settle,
    yd_policy_adjust,
    yd_policy_cancel,
)
from tests.integration.young_driver.conftest import START


def _balance(reference: str, code: str) -> Decimal:
    t = Entry.objects.filter(transaction__reference=reference, account__code=code).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (t["d"] or Decimal(0)) - (t["c"] or Decimal(0))


def _mta(policy, agent, day, key="mta-truth"):
    return yd_policy_adjust(
        actor=agent,
        policy=policy,
        today=day,
        data=AdjustInput(
            changes={"annual_mileage": 20000, "licence_years": 0},
            effective=day,
            idempotency_key=key,
        ),
    )


def test_yd_pay_2_premium_paid_counts_only_what_was_collected(card_policy, users):
    day = START + timedelta(days=40)
    before = premium_position(card_policy)
    _mta(card_policy, users["agent"], day)
    card_policy.refresh_from_db()
    payment = Payment.objects.get(idempotency_key="mta-truth")
    assert payment.status == PaymentStatus.SCHEDULED and payment.premium_part > 0
    pos = premium_position(card_policy)
    assert pos.collected == before.collected  # nothing more collected yet
    assert pos.scheduled == payment.premium_part
    assert pos.charged == pos.collected + pos.scheduled
    yd_payments_settle(as_of=payment.collect_on)
    card_policy.refresh_from_db()
    assert premium_position(card_policy).collected == before.collected + payment.premium_part


def test_yd_cancel_1_yd_pay_2_cancellation_nets_the_scheduled_mta_collection(card_policy, users):
    n = card_policy.number
    day = START + timedelta(days=40)
    collected_before = premium_position(card_policy).collected
    _mta(card_policy, users["agent"], day)
    mta = Payment.objects.get(idempotency_key="mta-truth")
    cancel_day = day + timedelta(days=3)  # before the 14-day notice has run
    c = yd_policy_cancel(
        actor=users["manager"],
        policy=card_policy,
        today=cancel_day,
        data=CancelInput(cancel_on=cancel_day),
    )
    mta.refresh_from_db()
    assert mta.status == PaymentStatus.CANCELLED  # never taken after the cancellation
    assert c.premium_paid == collected_before  # the record says what was collected
    assert c.outstanding_netted == mta.amount
    refund = Payment.objects.get(policy=card_policy, kind=PaymentKind.REFUND)
    assert -refund.amount == c.refund
    assert c.refund <= collected_before
    rules = [s["rule"] for s in c.decision["steps"]]
    assert "YD-PAY-2" in rules
    # After every notice has run: the MTA collection is never settled, the customer
    # account is square and the bank paid back no more than it took.
    yd_payments_settle(as_of=cancel_day + timedelta(days=60))
    mta.refresh_from_db()
    assert mta.status == PaymentStatus.CANCELLED
    assert _balance(n, L.CUSTOMER) == 0
    settled_in = Payment.objects.filter(
        policy=card_policy, status=PaymentStatus.SETTLED, amount__gt=0
    ).aggregate(s=Sum("amount"))["s"]
    settled_out = -(
        Payment.objects.filter(
            policy=card_policy, status=PaymentStatus.SETTLED, amount__lt=0
        ).aggregate(s=Sum("amount"))["s"]
    )
    assert settled_out <= settled_in


def test_yd_cancel_1_dd_policy_nets_the_respread_adjustment(dd_policy, users):
    day = START + timedelta(days=40)
    _mta(dd_policy, users["agent"], day, key="mta-dd")
    mta = Payment.objects.get(idempotency_key="mta-dd")
    assert mta.status == PaymentStatus.RESPREAD
    c = yd_policy_cancel(
        actor=users["manager"],
        policy=dd_policy,
        today=day + timedelta(days=2),
        data=CancelInput(cancel_on=day + timedelta(days=2)),
    )
    mta.refresh_from_db()
    assert mta.status == PaymentStatus.CANCELLED
    assert c.outstanding_netted == mta.amount
    # The adjustment never reached the provider, so the customer does not owe it there.
    steps = [s["rule"] for s in c.finance_decision["steps"]]
    assert "YD-PAY-2" in steps
    yd_payments_settle(as_of=day + timedelta(days=90))
    assert _balance(dd_policy.number, L.CUSTOMER) == 0
