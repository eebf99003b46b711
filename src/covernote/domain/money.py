"""Money: GBP as ``Decimal``, never float (REGULATION.md G1).

Each *derived charge* is rounded half-up to the penny and only then subtracted
(``refund = paid - round(charge)``); a refund is floored at £0.00.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from covernote.domain.bounds import BoundError, check_money, label_of
from covernote.domain.errors import DomainError, ErrorCode

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object, *, field: str = "amount", rule: str = "G1") -> Decimal:
    """Parse a money value from a string, int or Decimal; floats are refused (G1).

    Returns the exact Decimal (not rounded): rounding happens once, at the end
    of a derived calculation, via :func:`round_money`.
    """
    if isinstance(value, bool | float):
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be a decimal string, not a float", rule, field
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        # Decimal() would read "1e30", "NaN" and full-width digits; people never mean them.
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be a number in figures such as 1250.00", rule, field
        )
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise DomainError(
                ErrorCode.INVALID, f"{field} is not a number: {value!r}", rule, field
            ) from exc
    else:
        raise DomainError(ErrorCode.INVALID, f"{field} is not a money amount", rule, field)
    if not amount.is_finite():
        raise DomainError(ErrorCode.INVALID, f"{field} must be a finite amount", rule, field)
    return amount


#: The most any single amount sent to a calculator may be (ADR 0023): far above any real
#: premium, price or claim of ours, far below what would overflow a column.
CALCULATOR_CEILING = Decimal("10000000.00")


def non_negative_money(value: object, *, field: str, rule: str = "G1") -> Decimal:
    """Pounds and pence that may not be negative (premiums, prices, balances), through the
    shared checker: at most 2 decimal places (refused, never rounded), at most £10,000,000,
    no ``true``, no floats, no exponents, ASCII digits only."""
    try:
        return check_money(value, max_digits=12, ceiling=CALCULATOR_CEILING)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", rule, field
        ) from None


def round_money(amount: Decimal) -> Decimal:
    """Round to the penny, half-up (G1)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def floor_zero(amount: Decimal) -> Decimal:
    """A refund or benefit is never below £0.00 (G1)."""
    return amount if amount > ZERO else ZERO


def format_money(amount: Decimal) -> str:
    """Money as a string with two decimals, as the calculators' JSON contract wants."""
    return str(round_money(amount))


def to_pence(amount: Decimal) -> int:
    """Whole pence for ledger storage."""
    return int(round_money(amount) * 100)


def from_pence(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(PENNY)


def gbp(amount: Decimal) -> str:
    """Display form: £1,234.56 (negative as -£1,234.56)."""
    value = round_money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
