"""YD-PAY: Young Driver money on the double-entry ledger (covernote.billing)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covernote.billing.models import Entry, Transaction
from covernote.billing.selectors import ledger_totals
from covernote.domain.errors import DomainError
from covernote.products.selectors import params_of
from covernote.young_driver import ledger as L
from covernote.young_driver.inputs import (
    AdjustInput,
    CancelInput,
    SmartboxReturnInput,
    VehicleChangeInput,
)
from covernote.young_driver.models import (
    OUTSTANDING,
    InstalmentStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    PolicyStatus,
)
from covernote.young_driver.services import (
    yd_instalments_collect,
    yd_payments_settle,
    yd_policy_adjust,
    yd_policy_cancel,
    yd_policy_vehicle_change,
    yd_smartbox_return_record,
)
from tests.integration.young_driver.conftest import START, buy


def _balance(reference: str, code: str) -> Decimal:
    t = Entry.objects.filter(transaction__reference=reference, account__code=code).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (t["d"] or Decimal(0)) - (t["c"] or Decimal(0))


def _assert_balanced() -> None:
    debits, credits = ledger_totals()
    assert debits == credits
    for txn in Transaction.objects.prefetch_related("entries"):
        rows = list(txn.entries.all())
        assert sum(e.debit for e in rows) == sum(e.credit for e in rows), txn


def test_yd_pay_card_purchase_posts_premium_ipt_commission_fee_and_cash(card_policy):
    q = card_policy.quote
    n = card_policy.number
    _assert_balanced()
    assert _balance(n, L.BANK) == q.total
    assert _balance(n, L.CUSTOMER) == 0  # paid in full at purchase
    assert -_balance(n, L.FEES) == q.arrangement_fee
    # IPT on motor and add-ons only (PLT-8), never on the fee
    params = params_of(card_policy.config)
    add_on_net = sum(params.add_ons[c].price for c in q.add_ons)
    assert -_balance(n, L.IPT) == q.ipt + (q.add_ons_gross - add_on_net)
    # PLT-11: commission on the motor premium and the add-ons, kept from the premium
    amounts = q.decision
    expected_commission = sum(
        Decimal(amounts[k]) for k in ("commission", "add_on_commission", "add_on_per_policy_fees")
    )
    assert -_balance(n, L.COMMISSION) == expected_commission
    assert -_balance(n, L.INSURER) == q.premium_net - Decimal(amounts["commission"])


def test_yd_pay_buy_is_posted_once_even_when_repeated(yd_config, users, customers):
    p = buy(users["agent"], customers["own"], method="card", key="same")
    before = Transaction.objects.filter(reference=p.number).count()
    buy(users["agent"], customers["own"], method="card", key="same")
    assert Transaction.objects.filter(reference=p.number).count() == before


def test_yd_pay_1_finance_drawdown_commission_and_instalments(dd_policy):
    n = dd_policy.number
    plan = dd_policy.plan
    params = params_of(dd_policy.config)
    assert _balance(n, L.BANK) == plan.amount_financed
    fin = (plan.amount_financed * params.premium_finance.commission_rate).quantize(Decimal("0.01"))
    assert _balance(n, L.FIN_COMM_RECEIVABLE) == fin
    first = plan.instalments.order_by("number").first()
    msg = yd_instalments_collect(as_of=first.due)
    assert msg.startswith("1 ")
    assert -_balance(n, L.FINANCE_PROVIDER) == first.amount
    assert yd_instalments_collect(as_of=first.due).startswith("0 ")  # idempotent
    _assert_balanced()


def test_yd_pay_2_mta_charge_raised_then_cash_after_14_days(card_policy, users):
    n = card_policy.number
    bank_before = _balance(n, L.BANK)
    yd_policy_adjust(
        actor=users["agent"],
        policy=card_policy,
        today=START + timedelta(days=30),
        data=AdjustInput(
            changes={"annual_mileage": 15000},
            effective=START + timedelta(days=30),
            idempotency_key="mta-ledger",
        ),
    )
    payment = Payment.objects.get(idempotency_key="mta-ledger")
    assert _balance(n, L.CUSTOMER) == payment.amount  # owed, not yet collected
    assert _balance(n, L.BANK) == bank_before
    yd_payments_settle(as_of=payment.collect_on - timedelta(days=1))
    assert _balance(n, L.BANK) == bank_before  # nothing before the notice has run
    yd_payments_settle(as_of=payment.collect_on)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SETTLED
    assert _balance(n, L.BANK) == bank_before + payment.amount
    assert _balance(n, L.CUSTOMER) == 0
    _assert_balanced()


def test_yd_cancel_4_box_refund_is_a_refund_of_fees(card_policy, users):
    n = card_policy.number
    day = START + timedelta(days=5)
    c = yd_policy_cancel(
        actor=users["agent"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    fees_before = _balance(n, L.FEES)
    yd_smartbox_return_record(
        actor=users["agent"],
        policy=card_policy,
        today=day,
        data=SmartboxReturnInput(returned_on=day),
    )
    c.refresh_from_db()
    assert c.box_refund > 0
    assert _balance(n, L.FEES) - fees_before == c.box_refund
    assert _balance(n, L.CUSTOMER) == -(c.refund + c.box_refund)
    _assert_balanced()


# --------------------------------------------------------------------------- property test

EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("mta"), st.integers(0, 40), st.integers(1000, 20000)),
        st.tuples(st.just("vehicle"), st.integers(0, 40), st.integers(1, 50), st.booleans()),
        st.tuples(st.just("settle"), st.integers(0, 40)),
        st.tuples(st.just("cancel"), st.integers(0, 40), st.sampled_from(["customer", "us"])),
        st.tuples(st.just("box_return"), st.integers(0, 30)),
        st.tuples(st.just("void"), st.integers(0, 40)),
        st.tuples(st.just("collect"), st.integers(0, 70)),
    ),
    max_size=6,
)


def _paid_and_refunded(policy) -> tuple[Decimal, Decimal]:
    amounts = list(Payment.objects.filter(policy=policy).values_list("amount", flat=True))
    return sum((a for a in amounts if a > 0), Decimal(0)), sum(
        (-a for a in amounts if a < 0), Decimal(0)
    )


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(method=st.sampled_from(["card", "direct_debit"]), events=EVENTS)
def test_yd_pay_yd_cancel_1_ledger_balances_refunds_never_exceed_payments_dd_settled(
    yd_config, users, customers, method, events
):
    staff, agent = users["manager"], users["agent"]
    with transaction.atomic():
        policy = buy(agent, customers["own"], method=method, key=f"prop-{method}")
        day = START
        cancelled_on = None
        for i, event in enumerate(events):
            kind = event[0]
            day = day + timedelta(days=event[1])
            if day > policy.end:
                break
            try:
                if kind == "mta":
                    yd_policy_adjust(
                        actor=agent,
                        policy=policy,
                        today=day,
                        data=AdjustInput(
                            changes={"annual_mileage": event[2]},
                            effective=day,
                            idempotency_key=f"p-mta-{i}",
                        ),
                    )
                elif kind == "vehicle":
                    yd_policy_vehicle_change(
                        actor=agent,
                        policy=policy,
                        today=day,
                        data=VehicleChangeInput(
                            vehicle_reg=f"NEW {i}",
                            vehicle_group=event[2],
                            new_box=event[3],
                            effective=day,
                            idempotency_key=f"p-veh-{i}",
                        ),
                    )
                elif kind == "settle":
                    yd_payments_settle(as_of=day)
                elif kind == "collect":
                    yd_instalments_collect(as_of=day)
                elif kind == "cancel":
                    by = event[2]
                    last = day + timedelta(days=7 if by == "us" else 0)
                    yd_policy_cancel(
                        actor=staff,
                        policy=policy,
                        today=day,
                        data=CancelInput(cancel_on=last, by=by),
                    )
                    cancelled_on = last
                elif kind == "box_return" and cancelled_on is not None:
                    returned = cancelled_on + timedelta(days=event[1])
                    day = max(day, returned)
                    yd_smartbox_return_record(
                        actor=staff,
                        policy=policy,
                        today=day,
                        data=SmartboxReturnInput(returned_on=returned),
                    )
                elif kind == "void":
                    yd_policy_cancel(
                        actor=staff,
                        policy=policy,
                        today=day,
                        data=CancelInput(cancel_on=day, void_for_fraud=True, reason="fraud"),
                    )
            except DomainError:
                pass  # a refused step (e.g. MTA after cancellation) changes nothing
            policy.refresh_from_db()
            _assert_balanced()
            paid, refunded = _paid_and_refunded(policy)
            assert refunded <= paid
            # YD-PAY-2: what the customer owes (or is owed) on the ledger is exactly the
            # payments notified and not yet made, and no cash is refunded that was not taken.
            pending = Payment.objects.filter(policy=policy, status__in=OUTSTANDING)
            assert _balance(policy.number, L.CUSTOMER) == (
                pending.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            )
            cash = list(
                Payment.objects.filter(policy=policy, status=PaymentStatus.SETTLED).values_list(
                    "amount", flat=True
                )
            )
            assert -sum((a for a in cash if a < 0), Decimal(0)) <= sum(
                (a for a in cash if a > 0), Decimal(0)
            )
            if policy.status == PolicyStatus.CANCELLED:
                # Nothing notified before the cancellation is still waiting to be collected.
                assert not pending.exclude(
                    kind__in=[PaymentKind.REFUND, PaymentKind.BOX_REFUND, PaymentKind.BALANCE]
                ).exists()
            # The ledger agrees: refunds raised on the customer never exceed the charges.
            cust = Entry.objects.filter(
                transaction__reference=policy.number, account__code=L.CUSTOMER
            ).exclude(transaction__idempotency_key__startswith="yd-ledger:settle:")
            cust = cust.exclude(transaction__idempotency_key__startswith="yd-ledger:receipt:")
            charged = cust.aggregate(s=Sum("debit"))["s"] or Decimal(0)
            credited = cust.aggregate(s=Sum("credit"))["s"] or Decimal(0)
            assert credited <= charged
            c = getattr(policy, "cancellation", None)
            if method == "direct_debit" and c is not None:
                # YD-PAY-1: the refund is set against the provider balance first.
                assert c.finance_set_off == min(c.refund, c.finance_owed)
                assert c.finance_set_off + c.finance_refund_to_customer == c.refund
                assert c.finance_balance == c.finance_owed - c.finance_set_off >= 0
                collected = sum(
                    i.amount
                    for i in policy.plan.instalments.all()
                    if i.status == InstalmentStatus.COLLECTED
                )
                assert -_balance(policy.number, L.FINANCE_PROVIDER) == (
                    collected + c.finance_set_off
                )
        # After every notice has run, the cash kept on the policy is never negative.
        yd_payments_settle(as_of=day + timedelta(days=60))
        assert _balance(policy.number, L.BANK) >= 0
        assert _balance(policy.number, L.CUSTOMER) == 0
        assert policy.status in PolicyStatus.values
        transaction.set_rollback(True)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pence=st.integers(-10_000_000, 10_000_000))
def test_yd_pay_premium_split_adds_back_to_the_gross(yd_config, pence):
    from covernote.products.selectors import product_config_in_force

    params = params_of(product_config_in_force("young_driver", START))
    gross = Decimal(pence) / 100
    insurer, ipt, commission = L.premium_split(gross, params)
    assert insurer + ipt + commission == gross
    assert all(x == x.quantize(Decimal("0.01")) for x in (insurer, ipt, commission))
