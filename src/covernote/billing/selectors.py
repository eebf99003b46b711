"""Ledger reads: balances and the trial balance."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from covernote.billing.models import Entry, Transaction
from covernote.domain.money import ZERO


def account_balance(code: str) -> Decimal:
    """Debits less credits on one account (positive = debit balance)."""
    totals = Entry.objects.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def trial_balance() -> dict[str, Decimal]:
    rows = Entry.objects.values("account__code").annotate(d=Sum("debit"), c=Sum("credit"))
    return {r["account__code"]: (r["d"] or ZERO) - (r["c"] or ZERO) for r in rows}


def ledger_totals() -> tuple[Decimal, Decimal]:
    totals = Entry.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return totals["d"] or ZERO, totals["c"] or ZERO


def transactions_for(reference: str) -> list[Transaction]:
    return list(Transaction.objects.filter(reference=reference).prefetch_related("entries"))
