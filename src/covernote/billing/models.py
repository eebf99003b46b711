"""A generic double-entry ledger (GAP premiums, refunds and claim payments; later Young Driver).

Every :class:`Transaction` holds two or more :class:`Entry` rows whose debits equal
their credits; the only way to write one is ``billing.services.ledger_post``, which
refuses an unbalanced posting. Amounts are GBP ``Decimal`` to the penny (G1).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"
    EQUITY = "equity", "Equity"


class Account(models.Model):
    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)

    class Meta:
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Transaction(models.Model):
    reference = models.CharField(max_length=100, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.idempotency_key})"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    debit = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0) & models.Q(credit__gte=0),
                name="billing_entry_non_negative",
            ),
            models.CheckConstraint(
                condition=(models.Q(debit=0) & models.Q(credit__gt=0))
                | (models.Q(credit=0) & models.Q(debit__gt=0)),
                name="billing_entry_one_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} Dr {self.debit} Cr {self.credit}"
