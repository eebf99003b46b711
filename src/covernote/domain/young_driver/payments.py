"""Payments: premium-finance instalments, re-spreading, CPA notice, bank details (YD-PAY-1..3).

* YD-PAY-1 Monthly Direct Debit financed by a premium-finance provider. The
  APR is an annual *effective* rate (CONC App 1.1), so the monthly rate is
  ``(1 + APR)^(1/12) − 1``; the level payment of an annuity over ``n`` months
  gives the total payable and the total charge for credit. The total is split
  into whole pennies; the first instalment takes the remainder so the schedule
  sums to the total exactly.
* YD-PAY-2 Continuous payment authority: 14 days' written notice before any
  additional collection or refund; nothing is collected earlier.
* YD-PAY-3 A premium change is re-spread over the remaining instalments
  (those collectable after the notice period), or charged/refunded to the card.
* Cards are never stored: only a payment-provider token (PCI DSS).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from covernote.domain.calendar import add_months
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import PENNY, ZERO, gbp, round_money
from covernote.domain.young_driver.params import YoungDriverParams, percent_text


@dataclass(frozen=True)
class Instalment:
    number: int  # 1-based
    due: date
    amount: Decimal


@dataclass(frozen=True)
class InstalmentPlan:
    amount_financed: Decimal
    apr: Decimal
    total_charge_for_credit: Decimal
    total_payable: Decimal
    instalments: tuple[Instalment, ...]
    decision: Decision


def split_pennies(total: Decimal, count: int) -> list[Decimal]:
    """Split ``total`` into ``count`` penny amounts; the first takes the remainder.

    Works for negative totals too (the share is truncated toward zero), and the
    parts always sum to ``total`` exactly.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    total = round_money(total)
    share = (total / count).quantize(PENNY, rounding=ROUND_DOWN)
    first = total - share * (count - 1)
    return [first] + [share] * (count - 1)


def monthly_rate(apr: Decimal) -> Decimal:
    """Monthly effective rate equivalent to an annual percentage rate (fraction)."""
    return Decimal(1 + apr) ** (Decimal(1) / Decimal(12)) - 1


def instalment_plan(
    *,
    amount_financed: Decimal,
    first_due: date,
    params: YoungDriverParams,
    apr: Decimal | None = None,
    instalments: int | None = None,
) -> InstalmentPlan:
    """YD-PAY-1: the monthly schedule for a premium-finance agreement.

    Payments are due monthly from ``first_due`` (calendar months, clamped at
    month end, G7); interest is computed as if each is a whole month after the
    previous (the first a month after drawdown).
    """
    finance = params.premium_finance
    rate_apr = finance.apr if apr is None else apr
    count = finance.instalments if instalments is None else instalments
    if amount_financed <= 0:
        raise DomainError(
            ErrorCode.INVALID, "amount financed must be positive", "YD-PAY-1", "amount_financed"
        )
    if rate_apr < 0 or count < 1:
        raise DomainError(ErrorCode.INVALID, "APR and instalment count", "YD-PAY-1", "apr")
    d = Decision(outcome="instalment_plan")
    principal = round_money(amount_financed)
    if rate_apr == 0:
        total = principal
    else:
        i = monthly_rate(rate_apr)
        payment = principal * i / (1 - (1 + i) ** -count)
        total = round_money(payment * count)
    charge = total - principal
    d.step(
        "YD-PAY-1",
        f"{count} monthly instalments at {percent_text(rate_apr)} APR from {finance.provider}: "
        f"total charge for credit",
        charge,
        amount_financed=principal,
    )
    d.step("YD-PAY-1", "Total payable (amount financed + charge for credit)", total)
    amounts = split_pennies(total, count)
    schedule = tuple(
        Instalment(n + 1, add_months(first_due, n), amount) for n, amount in enumerate(amounts)
    )
    d.step(
        "YD-PAY-1",
        f"First instalment {gbp(amounts[0])} (takes the remainder), then {count - 1} × {gbp(amounts[-1])}",
        amounts[0],
    )
    d.amounts.update(total_payable=total, total_charge_for_credit=charge)
    d.data["schedule"] = [{"number": s.number, "due": s.due, "amount": s.amount} for s in schedule]
    return InstalmentPlan(principal, rate_apr, charge, total, schedule, d)


def earliest_collection_date(notice_sent_on: date, params: YoungDriverParams) -> date:
    """YD-PAY-2: the first day a collection or refund may be made after written notice."""
    return notice_sent_on + timedelta(days=params.periods.cpa_notice_days)


def check_collection_date(
    notice_sent_on: date, collect_on: date, params: YoungDriverParams
) -> None:
    """YD-PAY-2: refuse a collection (or refund) before the 14-day written notice has run."""
    earliest = earliest_collection_date(notice_sent_on, params)
    if collect_on < earliest:
        raise DomainError(
            ErrorCode.INVALID,
            f"nothing may be collected before {earliest.isoformat()}: "
            f"{params.periods.cpa_notice_days} days' written notice from "
            f"{notice_sent_on.isoformat()}",
            "YD-PAY-2",
            "collect_on",
        )


def respread(
    schedule: tuple[Instalment, ...],
    change: Decimal,
    notice_sent_on: date,
    params: YoungDriverParams,
) -> tuple[tuple[Instalment, ...], Decision]:
    """YD-PAY-3: spread a premium change over the instalments due after the notice period.

    Instalments due before ``notice + 14 days`` (YD-PAY-2) are unchanged; the
    change is split in pennies across the rest, the first of them taking the
    remainder. With none left, the change goes to the card (outcome ``card``).
    """
    d = Decision(outcome="respread")
    earliest = earliest_collection_date(notice_sent_on, params)
    d.step("YD-PAY-2", "Earliest collection after written notice", value=earliest)
    affected = [s for s in schedule if s.due >= earliest]
    if not affected:
        d.outcome = "card"
        d.step("YD-PAY-3", "No instalment left after the notice: charge/refund the card", change)
        return schedule, d
    parts = split_pennies(change, len(affected))
    by_number = {s.number: p for s, p in zip(affected, parts, strict=True)}
    new = tuple(
        Instalment(s.number, s.due, s.amount + by_number.get(s.number, ZERO)) for s in schedule
    )
    if any(s.amount < 0 for s in new):
        raise DomainError(
            ErrorCode.CONFLICT,
            "the reduction exceeds the remaining instalments: refund through the finance provider",
            "YD-PAY-3",
            "change",
        )
    d.step(
        "YD-PAY-3",
        f"Premium change spread over {len(affected)} remaining instalments from "
        f"{affected[0].due.isoformat()}",
        round_money(change),
    )
    return new, d


# --------------------------------------------------------------------------- bank details

ModulusCheck = Callable[[str, str], bool]
"""A modulus-10/11 check (Vocalink/Pay.UK weight tables) — an adapter outside the domain."""


@dataclass(frozen=True)
class BankAccount:
    sort_code: str  # six digits, no separators
    account_number: str  # eight digits

    @property
    def display(self) -> str:
        sc = self.sort_code
        return f"{sc[0:2]}-{sc[2:4]}-{sc[4:6]} ****{self.account_number[-4:]}"


def validate_bank_account(
    sort_code: str, account_number: str, modulus_check: ModulusCheck | None = None
) -> BankAccount:
    """YD-PAY-1 Direct Debit: sort code 6 digits, account number 8 digits.

    Spaces and hyphens are ignored. The modulus check needs Pay.UK's weight
    tables, so it is a hook: pass a checker and a failing account is refused.
    """
    sc = re.sub(r"[\s-]", "", sort_code)
    acc = re.sub(r"[\s-]", "", account_number)
    if not re.fullmatch(r"\d{6}", sc):
        raise DomainError(ErrorCode.INVALID, "sort code must be 6 digits", "YD-PAY-1", "sort_code")
    if not re.fullmatch(r"\d{8}", acc):
        raise DomainError(
            ErrorCode.INVALID, "account number must be 8 digits", "YD-PAY-1", "account_number"
        )
    if modulus_check is not None and not modulus_check(sc, acc):
        raise DomainError(
            ErrorCode.INVALID,
            "sort code and account number do not match (modulus check)",
            "YD-PAY-1",
            "account_number",
        )
    return BankAccount(sc, acc)


@dataclass(frozen=True)
class CardToken:
    """A payment-provider token for a card; the card number is never held (PCI DSS)."""

    token: str
    last4: str


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def card_token(token: str, last4: str) -> CardToken:
    """Accept a provider token; refuse what looks like a card number (YD-PAY-2, PCI DSS)."""
    compact = re.sub(r"[\s-]", "", token)
    if re.fullmatch(r"\d{12,19}", compact) and _luhn_valid(compact):
        raise DomainError(
            ErrorCode.INVALID,
            "card numbers are never stored: pass the provider's token",
            "YD-PAY-2",
            "token",
        )
    if not token.strip():
        raise DomainError(ErrorCode.REQUIRED, "token is required", "YD-PAY-2", "token")
    if not re.fullmatch(r"\d{4}", last4):
        raise DomainError(ErrorCode.INVALID, "last4 must be 4 digits", "YD-PAY-2", "last4")
    return CardToken(token.strip(), last4)
