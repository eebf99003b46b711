"""Outside services behind interfaces: card payments (by token only) and the credit search.

The recording adapters are used in development and tests: they never move
money and never hold a card number (PCI DSS) — they keep a log of the calls.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, token: str, amount: Decimal, idempotency_key: str) -> str: ...

    def refund(self, *, token: str, amount: Decimal, idempotency_key: str) -> str: ...


class CreditReferenceAgency(Protocol):
    def search(self, *, customer_reference: str, idempotency_key: str) -> str: ...


def _ref(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


@dataclass
class RecordingPaymentProvider:
    name: str = "recording"
    calls: list[tuple[str, str, Decimal, str]] = field(default_factory=list)

    def charge(self, *, token: str, amount: Decimal, idempotency_key: str) -> str:
        self.calls.append(("charge", token, amount, idempotency_key))
        return _ref("ch", idempotency_key)

    def refund(self, *, token: str, amount: Decimal, idempotency_key: str) -> str:
        self.calls.append(("refund", token, amount, idempotency_key))
        return _ref("rf", idempotency_key)


@dataclass
class RecordingCreditReferenceAgency:
    calls: list[str] = field(default_factory=list)

    def search(self, *, customer_reference: str, idempotency_key: str) -> str:
        self.calls.append(customer_reference)
        return _ref("cs", idempotency_key)


payment_provider: PaymentProvider = RecordingPaymentProvider()
credit_agency: CreditReferenceAgency = RecordingCreditReferenceAgency()
