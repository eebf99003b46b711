"""Ledger reads: balances and the trial balance."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from covernote.billing.models import Entry, Transaction
from covernote.domain.money import ZERO, round_money


def _money(total: Decimal | None) -> Decimal:
    """A SUM of pence amounts, to the penny: SQLite adds DECIMAL columns as floats, so a
    large sum can come back a billionth off; every amount stored is whole pence."""
    return round_money(total) if total is not None else ZERO


def account_balance(code: str) -> Decimal:
    """Debits less credits on one account (positive = debit balance)."""
    totals = Entry.objects.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return _money(totals["d"]) - _money(totals["c"])


def trial_balance() -> dict[str, Decimal]:
    rows = Entry.objects.values("account__code").annotate(d=Sum("debit"), c=Sum("credit"))
    return {r["account__code"]: _money(r["d"]) - _money(r["c"]) for r in rows}


def ledger_totals() -> tuple[Decimal, Decimal]:
    totals = Entry.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return _money(totals["d"]), _money(totals["c"])


def transactions_for(reference: str) -> list[Transaction]:
    return list(Transaction.objects.filter(reference=reference).prefetch_related("entries"))
