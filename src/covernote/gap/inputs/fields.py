"""The field readers and bounds every GAP input uses (ADR 0008, ADR 0023)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from covernote.domain.bounds import (
    BoundError,
    Fields,
    check_day,
    check_int,
    check_moment,
    check_money,
    check_text,
)
from covernote.domain.errors import DomainError, ErrorCode

E = TypeVar("E", bound=StrEnum)

EXCLUSION_ID = re.compile(r"^GAP-(EXCL|CLAIM|FRAUD|TERM)-\d+$")

#: Bounds at the door (ADR 0023). Text lengths are the columns' (gap.models; a test keeps
#: them equal); money has the columns' 12 digits and a ceiling no real GAP figure reaches
#: (GAP-ELIG-2 refuses a price over £125,000 as a decision; the door refuses nonsense).
LEN = {
    "registration": 12,
    "make": 60,
    "model": 100,
    "valuation_code": 40,
    "line_description": 200,
    "lender": 120,
    "agreement_number": 60,
    "insurer": 120,
    "policy_number": 60,
    "idempotency_key": 200,
}
MONEY_DIGITS = 12
MONEY_CEILING = Decimal("1000000.00")
NOTE_LENGTH = 2000
TERM_MONTHS = (1, 120)
GROSS_WEIGHT_KG = (1, 50_000)


# --------------------------------------------------------------------------- field readers


def _refused(name: str, rule: str, exc: BoundError) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{label(name)}: {exc.problem}", rule, name)


def label(name: str) -> str:
    return Fields().label(name)


def money(value: Any, name: str, rule: str, ceiling: Decimal = MONEY_CEILING) -> Decimal:
    """Pounds and pence at most the ceiling; sub-penny, ``true`` and floats refused."""
    try:
        return check_money(value, max_digits=MONEY_DIGITS, ceiling=ceiling)
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def optional_money(value: Any, name: str, rule: str) -> Decimal | None:
    return None if value in (None, "") else money(value, name, rule)


def choice(enum: type[E], value: Any, name: str, rule: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise DomainError(
            ErrorCode.INVALID, f"{name} must be one of {allowed}", rule, name
        ) from None


def day(value: Any, name: str, rule: str) -> date:
    """A day from 1900 to 2100 (the services check it against the clock)."""
    try:
        return check_day(value)
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def text(value: Any, name: str, rule: str, max_length: int, *, multiline: bool = False) -> str:
    try:
        return check_text(
            "" if value is None else value, max_length=max_length, multiline=multiline
        )
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def whole(value: Any, name: str, rule: str, bounds: tuple[int, int]) -> int:
    try:
        return check_int(value, ge=bounds[0], le=bounds[1])
    except BoundError as exc:
        raise _refused(name, rule, exc) from None


def moment(value: Any, name: str) -> datetime:
    try:
        return check_moment(value)
    except BoundError as exc:
        raise _refused(name, "G2", exc) from None


def optional_day(value: Any, name: str, rule: str) -> date | None:
    return day(value, name, rule) if value else None


def yes_no(value: Any, name: str, rule: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, f"{name} must be true or false", rule, name)
    return value


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value
