"""Parsing at the door for the complaints inputs: each refusal is a ``DomainError``
naming the field and the rule, worded as the services worded it (ADR 0009).

No Django here, like :mod:`covernote.complaints.inputs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, get_args

from covernote.domain.bounds import (
    BoundError,
    check_day,
    check_moment,
    check_money,
    check_text,
    label_of,
)
from covernote.domain.complaints.returns import Outcome, RedressType
from covernote.domain.errors import DomainError, ErrorCode

#: The most redress a complaint response records (COMP-7). The FOS award limit is
#: £445,000 (complaints referred from 1 April 2025); a firm may pay more, but a figure
#: over £1,000,000 on a motor intermediary's complaint is a typing error, not redress.
REDRESS_CEILING = Decimal("1000000.00")

TRUE = {True, "true", "True", "yes", "on", "1"}
FALSE = {False, "false", "False", "no", "off", "0", ""}


def is_blank(value: Any) -> bool:
    return value is None or value == ""


def one_of(
    data: dict[str, Any], name: str, allowed: Any, default: str | None = None, rule: str = "COMP-1"
) -> None:
    """A choice: blank takes ``default`` (else REQUIRED); anything else must be allowed."""
    values = get_args(allowed)
    value = data.get(name) or default
    if is_blank(value):
        raise DomainError(ErrorCode.REQUIRED, f"{name} is required", rule, name)
    if value not in values:
        raise DomainError(
            ErrorCode.INVALID, f"{name} must be one of {', '.join(values)}", rule, name
        )
    data[name] = str(value)


def bounded_money(value: Any, name: str, rule: str, **bounds: Any) -> Decimal:
    """Money through the shared checker (ADR 0023): sub-penny, ``true``, full-width digits
    and amounts over the column or the ceiling are refused, naming the field."""
    try:
        return check_money(value, **bounds)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(name)}: {exc.problem}", rule, name
        ) from None


def non_negative_decimal(
    data: dict[str, Any], name: str, rule: str = "COMP-1", **bounds: Any
) -> None:
    """A figure of the complainant's (turnover, balance sheet…): the column's 14 digits."""
    value = data.get(name)
    if is_blank(value):
        data[name] = None
        return
    data[name] = bounded_money(value, name, rule, **{"max_digits": 14, **bounds})


def required_text(
    data: dict[str, Any], name: str, message: str, rule: str, max_length: int = 20_000
) -> None:
    value = data.get(name)
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        raise DomainError(ErrorCode.REQUIRED, message, rule, name)
    data[name] = bounded_text(value, name, rule, max_length, multiline=True)


def bounded_text(
    value: Any, name: str, rule: str, max_length: int, *, multiline: bool = False
) -> str:
    """Text that fits its column, without NUL or other control characters (ADR 0023)."""
    try:
        return check_text(
            "" if value is None else value, max_length=max_length, multiline=multiline
        )
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(name)}: {exc.problem}", rule, name
        ) from None


#: A reason that closes a complaint is read by the complainant and by the FCA: at least
#: this many words and characters, and not a placeholder (ADR 0026; "test" was seen).
MIN_REASON_WORDS = 4
MIN_REASON_CHARS = 20
PLACEHOLDER_WORDS = frozenset(
    {
        "test",
        "testing",
        "tbc",
        "tbd",
        "n/a",
        "na",
        "none",
        "done",
        "closed",
        "close",
        "ok",
        "okay",
        "resolved",
        "fixed",
        "x",
        "xx",
        "xxx",
        "asdf",
        "qwerty",
        "-",
        ".",
        "complaint",
    }
)


def substantive_text(data: dict[str, Any], name: str, message: str, rule: str) -> None:
    """Required, and a real explanation: at least ``MIN_REASON_WORDS`` words and
    ``MIN_REASON_CHARS`` characters, not only placeholder words like "test"."""
    required_text(data, name, message, rule)
    value = str(data[name])
    words = [w.strip(".,;:!?()\"'").lower() for w in value.split()]
    words = [w for w in words if w]
    if not words or all(w in PLACEHOLDER_WORDS for w in words):
        raise DomainError(
            ErrorCode.INVALID,
            f'{message}: "{value[:40]}" is not a reason the complainant can read',
            rule,
            name,
        )
    if len(words) < MIN_REASON_WORDS or len(value) < MIN_REASON_CHARS:
        raise DomainError(
            ErrorCode.INVALID,
            f"{message} in a full sentence (at least {MIN_REASON_WORDS} words and "
            f"{MIN_REASON_CHARS} characters): the complainant reads it in the letter",
            rule,
            name,
        )


def yes_no(name: str, value: Any) -> bool:
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise DomainError(ErrorCode.INVALID, f"{name} must be yes or no", "COMP-7", name)


def response_outcome(data: dict[str, Any], default: str | None = None) -> None:
    value = data.get("outcome") or default
    if not value:
        raise DomainError(
            ErrorCode.REQUIRED,
            "record the outcome (upheld, partly upheld, rejected) before responding",
            "COMP-7",
            "outcome",
        )
    try:
        outcome = Outcome(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"unknown outcome {value!r}", "COMP-7", "outcome"
        ) from exc
    if outcome is Outcome.WITHDRAWN:
        raise DomainError(
            ErrorCode.INVALID, "use withdraw for a withdrawn complaint", "COMP-7", "outcome"
        )
    data["outcome"] = outcome


def redress_paid(data: dict[str, Any]) -> None:
    """Redress paid (COMP-7): an amount of 0 is none; an amount needs its type."""
    amount, kind = data.get("redress_amount"), data.get("redress_type")
    data["redress_amount"], data["redress_type"] = None, None
    if is_blank(amount):
        return
    value = bounded_money(
        amount, "redress_amount", "COMP-7", max_digits=12, ceiling=REDRESS_CEILING
    )
    if value == 0:
        return
    if not kind or kind not in RedressType.__members__.values():
        raise DomainError(
            ErrorCode.REQUIRED,
            "say what the redress is for (financial loss, distress and inconvenience, "
            "goodwill, interest, excess waived)",
            "COMP-7",
            "redress_type",
        )
    data["redress_amount"], data["redress_type"] = (
        value.quantize(Decimal("0.01")),
        RedressType(kind),
    )


def raw_dict(data: Any) -> dict[str, Any]:
    return dict(data) if isinstance(data, Mapping) else data


def check_fields(
    payload: Any, required: tuple[str, ...], optional: tuple[str, ...], rule: str
) -> dict[str, Any]:
    if not isinstance(payload, Mapping):
        raise DomainError(ErrorCode.INVALID, "payload must be a JSON object", rule, None)
    for name in payload:
        if name not in required and name not in optional:
            raise DomainError(ErrorCode.INVALID, f"unknown field {name!r}", rule, str(name))
    for name in required:
        if payload.get(name) is None:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", rule, name)
    return {k: v for k, v in payload.items() if v is not None}


def iso_timestamp(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be an ISO timestamp string", "G2", field
        )
    try:
        return check_moment(value)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", "G2", field
        ) from None


def iso_date(value: Any, field: str, rule: str) -> date:
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, f"{field} must be an ISO date string", rule, field)
    try:
        return check_day(value)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", rule, field
        ) from None
