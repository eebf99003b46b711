"""YD-PAY-1: a Direct Debit policy's credit agreement is settled on cancellation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from covernote.billing.models import Entry
from covernote.domain.money import gbp
from covernote.young_driver import ledger as L
from covernote.young_driver.inputs import CancelInput
from covernote.young_driver.models import InstalmentStatus, Payment
from covernote.young_driver.services import (
    yd_instalments_collect,
    yd_payments_settle,
    yd_policy_cancel,
)
from tests.integration.young_driver.conftest import START

pytestmark = pytest.mark.django_db


def _balance(reference: str, code: str) -> Decimal:
    t = Entry.objects.filter(transaction__reference=reference, account__code=code).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (t["d"] or Decimal(0)) - (t["c"] or Decimal(0))


def test_yd_pay_1_refund_set_against_the_provider_balance_first(dd_policy, users):
    plan = dd_policy.plan
    rows = list(plan.instalments.order_by("number"))
    yd_instalments_collect(as_of=rows[1].due)  # two instalments collected
    collected = rows[0].amount + rows[1].amount
    day = rows[1].due + timedelta(days=3)
    c = yd_policy_cancel(
        actor=users["agent"], policy=dd_policy, today=day, data=CancelInput(cancel_on=day)
    )
    owed = plan.amount_financed - collected
    assert c.finance_owed == owed
    assert c.finance_set_off == min(c.refund, owed)
    assert c.finance_refund_to_customer == c.refund - c.finance_set_off
    assert c.finance_balance == owed - c.finance_set_off
    assert any(s["rule"] == "YD-PAY-1" for s in c.finance_decision["steps"])
    # No further instalments: the agreement is settled.
    assert not plan.instalments.filter(status=InstalmentStatus.SCHEDULED).exists()
    # The refund paid to the customer is only what the set-off leaves.
    refunds = Payment.objects.filter(policy=dd_policy, kind="refund")
    assert sum(p.amount for p in refunds) == -c.finance_refund_to_customer
    n = dd_policy.number
    # Ledger: the provider is owed the collected instalments plus the set-off.
    assert -_balance(n, L.FINANCE_PROVIDER) == collected + c.finance_set_off
    yd_payments_settle(as_of=day + timedelta(days=30))
    assert _balance(n, L.CUSTOMER) == 0
    assert _balance(n, L.BANK) == plan.amount_financed + collected - c.finance_refund_to_customer


def test_yd_pay_1_settlement_shown_on_the_policy_pages(dd_policy, users, client):
    day = START + timedelta(days=40)
    c = yd_policy_cancel(
        actor=users["agent"], policy=dd_policy, today=day, data=CancelInput(cancel_on=day)
    )
    assert c.finance_set_off == c.refund  # nothing collected yet: the whole refund is set off
    assert c.finance_refund_to_customer == 0 and c.finance_balance > 0
    client.force_login(users["agent"])
    page = client.get(reverse("yd-bo-policy", args=[dd_policy.pk])).content.decode()
    assert 'data-testid="finance-settlement"' in page
    assert gbp(c.finance_set_off) in page and gbp(c.finance_balance) in page
    client.force_login(users["customer"])
    page = client.get(reverse("yd-app-policy", args=[dd_policy.pk])).content.decode()
    assert "Your credit agreement is settled" in page and gbp(c.finance_balance) in page
    letter = dd_policy.customer.documents.get(kind="yd_cancellation")
    assert letter is not None


def test_yd_pay_1_card_policy_has_no_finance_settlement(card_policy, users):
    day = START + timedelta(days=40)
    c = yd_policy_cancel(
        actor=users["agent"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    assert c.finance_decision is None and c.finance_set_off is None


def test_yd_pay_ledger_postings_shown_read_only_to_staff_not_brokers(dd_policy, users, client):
    from covernote.billing.models import Transaction

    client.force_login(users["agent"])
    url = reverse("yd-bo-policy", args=[dd_policy.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="ledger"' in page
    for t in Transaction.objects.filter(reference=dd_policy.number):
        assert t.description in page
    assert L.FIN_COMM_RECEIVABLE in page and gbp(dd_policy.plan.amount_financed) in page
    broker = users["broker_north"]
    dd_policy.customer.firm = broker.firm
    dd_policy.customer.save()
    client.force_login(broker)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="ledger"' not in response.content.decode()
