"""The shape of a product configuration file as pydantic models (PLT-CONFIG, ADR 0025).

Every product file under ``config/products/<product>/`` is checked by a tree of
:class:`ConfigModel` models: frozen, unknown keys refused (``extra="forbid"``),
strict types (no ``"12"`` for an integer, no ``1`` for a boolean). Money, rates and
percentages are :class:`~decimal.Decimal` from TOML strings or integers — a float is
refused (G1). :func:`validate` turns the first problem into one
``DomainError(code=configuration)`` naming the file, the dotted key
(``pricing.bands[2].net_premiums.36``) and the reason, once.

Checks that relate several keys (bands that must follow each other, a row as long as
the list of limits) run after the shape is known, in each product's ``parse_*`` and
raise through :func:`config_error` with the same file/key/reason form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import StringConstraints as _Str

from covernote.domain.errors import DomainError, ErrorCode

M = TypeVar("M", bound="ConfigModel")


class ConfigModel(BaseModel):
    """One table of a product file: frozen, no unknown keys, strict types."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a decimal string or an integer (never a float)")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


def _iso_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be an ISO date (YYYY-MM-DD)")


def _clock_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a time HH:MM")


#: any finite decimal (a score change, a signed percentage)
Number = Annotated[Decimal, BeforeValidator(_decimal)]
#: £, never negative
Money = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]
#: strictly positive (a rating factor, a rate)
Positive = Annotated[Decimal, BeforeValidator(_decimal), Field(gt=0)]
#: written as percent, 0-100 ("12" = 12 %)
Percent = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0, le=100)]
#: a count of days, hours, years …, never negative
Count = Annotated[int, Field(ge=0)]
#: at least one
PositiveCount = Annotated[int, Field(ge=1)]
#: a non-empty string (surrounding blanks dropped)
Text = Annotated[str, _Str(strip_whitespace=True, min_length=1)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]

HUNDRED = Decimal(100)


def dotted(loc: tuple[int | str, ...]) -> str:
    """``("pricing", "bands", 2, "code")`` -> ``pricing.bands[2].code``."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a refused table key
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<root>"


_REASONS = {
    "missing": "is missing",
    "extra_forbidden": "is not a known key",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
    "list_type": "must be an array",
    "tuple_type": "must be an array",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "string_too_short": "must be a non-empty string",
}


def _reason(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind in _REASONS:
        return _REASONS[kind]
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        word = {
            "greater_than_equal": "at least",
            "greater_than": "greater than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"must be {word} {bound}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', 'one of the allowed values')}"
    if kind == "enum":
        return f"must be one of {ctx.get('expected', 'the allowed values')}"
    message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def config_error(source: str, path: str, reason: str, rule: str) -> DomainError:
    """The one error form of a product file: ``<file>: <dotted key>: <reason>``."""
    return DomainError(ErrorCode.CONFIGURATION, f"{source}: {path}: {reason}", rule, path)


def validate(
    model: type[M],
    data: object,
    source: str,
    *,
    rule: str,
    rules: Mapping[str, str] | None = None,
) -> M:
    """``data`` as ``model``, or the first problem as one :func:`config_error`.

    ``rules`` maps a top-level section to its SPEC rule id (``"cancellation"`` ->
    ``"GAP-CANCEL"``); ``rule`` is used elsewhere.
    """
    if not isinstance(data, Mapping):
        raise config_error(source, "<root>", "must be a table", rule)
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err.get("loc", ()))
        section = str(loc[0]) if loc else ""
        raise config_error(
            source, dotted(loc), _reason(err), (rules or {}).get(section, rule)
        ) from None


def fraction(percent: Decimal) -> Decimal:
    """A percentage as written in the file ("12") as a fraction (0.12)."""
    return percent / HUNDRED
