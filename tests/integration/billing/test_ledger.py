"""Double-entry ledger: unbalanced postings refused; any sequence keeps it balanced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covernote.billing.selectors import account_balance, ledger_totals, trial_balance
from covernote.billing.services import LedgerLine, account_ensure, ledger_post
from covernote.domain.errors import DomainError

pytestmark = pytest.mark.django_db

CODES = ["a.cash", "a.receivable", "l.payable", "i.income", "e.expense"]
pence = st.integers(min_value=1, max_value=10_000_000).map(lambda p: Decimal(p) / 100)


@pytest.fixture
def accounts(db):
    for code in CODES:
        account_ensure(code=code, name=code, kind="asset")


def test_ledger_refuses_an_unbalanced_posting(accounts):
    with pytest.raises(DomainError) as err:
        ledger_post(
            actor="test",
            reference="r",
            idempotency_key="k",
            lines=[
                LedgerLine("a.cash", debit=Decimal("10.00")),
                LedgerLine("i.income", credit=Decimal("9.99")),
            ],
        )
    assert "unbalanced" in err.value.message
    assert ledger_totals() == (0, 0)


def test_ledger_same_idempotency_key_posts_once(accounts):
    lines = [
        LedgerLine("a.cash", debit=Decimal("5.00")),
        LedgerLine("i.income", credit=Decimal("5.00")),
    ]
    first = ledger_post(actor="test", reference="r", idempotency_key="k", lines=lines)
    second = ledger_post(actor="test", reference="r", idempotency_key="k", lines=lines)
    assert first.pk == second.pk
    assert account_balance("a.cash") == Decimal("5.00")


@st.composite
def postings(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    debits = [LedgerLine(draw(st.sampled_from(CODES)), debit=draw(pence)) for _ in range(n)]
    total = sum(x.debit for x in debits)
    balanced = draw(st.booleans())
    credit_total = total if balanced else total + draw(pence)
    split = draw(st.integers(min_value=1, max_value=3))
    parts = [credit_total // split] * (split - 1) if split > 1 else []
    parts = [p.quantize(Decimal("0.01")) for p in parts if p > 0]
    parts.append(credit_total - sum(parts))
    credits = [LedgerLine(draw(st.sampled_from(CODES)), credit=p) for p in parts if p > 0]
    return debits + credits, balanced


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.lists(postings(), min_size=1, max_size=6))
def test_ledger_any_sequence_of_postings_stays_balanced(accounts, seq):
    for i, (lines, balanced) in enumerate(seq):
        key = f"h-{id(seq)}-{i}"
        if balanced:
            ledger_post(actor="test", reference="h", idempotency_key=key, lines=lines)
        else:
            with pytest.raises(DomainError):
                ledger_post(actor="test", reference="h", idempotency_key=key, lines=lines)
        debits, credits = ledger_totals()
        assert debits == credits
        assert sum(trial_balance().values(), Decimal(0)) == 0
