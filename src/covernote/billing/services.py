"""Ledger writes: ``ledger_post`` is the only way money moves (double entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from covernote.audit.services import audit_record
from covernote.billing.models import Account, AccountKind, Entry, Transaction
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, round_money

RULE = "LEDGER"


@dataclass(frozen=True)
class LedgerLine:
    """One side of a posting: exactly one of ``debit`` / ``credit`` is above zero."""

    account: str  # Account.code
    debit: Decimal = ZERO
    credit: Decimal = ZERO


def account_ensure(*, code: str, name: str, kind: str | AccountKind) -> Account:
    """Get or create a ledger account by code (chart of accounts grows as products need)."""
    account, _ = Account.objects.get_or_create(
        code=code, defaults={"name": name, "kind": AccountKind(kind).value}
    )
    return account


def _check(lines: Sequence[LedgerLine]) -> None:
    if len(lines) < 2:
        raise DomainError(ErrorCode.INVALID, "a posting needs at least two lines", RULE, "lines")
    for i, line in enumerate(lines):
        for side in ("debit", "credit"):
            amount = getattr(line, side)
            if not isinstance(amount, Decimal):
                raise DomainError(
                    ErrorCode.INVALID, f"{side} must be a Decimal", RULE, f"lines[{i}].{side}"
                )
            if amount < 0:
                raise DomainError(
                    ErrorCode.INVALID, f"{side} must not be negative", RULE, f"lines[{i}].{side}"
                )
            if round_money(amount) != amount:
                raise DomainError(
                    ErrorCode.INVALID, f"{side} must be whole pence", RULE, f"lines[{i}].{side}"
                )
        if (line.debit > 0) == (line.credit > 0):
            raise DomainError(
                ErrorCode.INVALID,
                "each line is either a debit or a credit, above zero",
                RULE,
                f"lines[{i}]",
            )
    debits = sum((line.debit for line in lines), ZERO)
    credits = sum((line.credit for line in lines), ZERO)
    if debits != credits:
        raise DomainError(
            ErrorCode.INVALID,
            f"unbalanced posting: debits {debits} do not equal credits {credits}",
            RULE,
            "lines",
        )


def ledger_post(
    *,
    actor: Any,
    reference: str,
    idempotency_key: str,
    lines: Sequence[LedgerLine],
    description: str = "",
) -> Transaction:
    """Post a balanced transaction; the same ``idempotency_key`` returns the first posting."""
    _check(lines)
    existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    accounts = {a.code: a for a in Account.objects.filter(code__in={x.account for x in lines})}
    for i, line in enumerate(lines):
        if line.account not in accounts:
            raise DomainError(
                ErrorCode.NOT_FOUND, f"no ledger account {line.account!r}", RULE, f"lines[{i}]"
            )
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                reference=reference,
                idempotency_key=idempotency_key,
                description=description[:300],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            Entry.objects.bulk_create(
                [
                    Entry(
                        transaction=txn,
                        account=accounts[line.account],
                        debit=line.debit,
                        credit=line.credit,
                    )
                    for line in lines
                ]
            )
            audit_record(
                actor=actor,
                action="ledger.post",
                obj=txn,
                after={
                    "reference": reference,
                    "lines": [
                        {"account": x.account, "debit": str(x.debit), "credit": str(x.credit)}
                        for x in lines
                    ],
                },
            )
    except IntegrityError:
        # A concurrent posting with the same key won the race: return it.
        return Transaction.objects.get(idempotency_key=idempotency_key)
    return txn
