"""Bounded input types: every door checks its input the same way (issue 10, ADR 0023).

One checker per kind of value — money, text, whole numbers, dates, moments — each
refusing what the database or the product cannot hold, in plain English: what is
wrong, what is allowed, and (echoed safely) what was sent. Two ways in:

* **pydantic** (API schemas, pydantic inputs): ``Annotated[Decimal, Money(ceiling=…)]``,
  ``Annotated[str, Text(60)]``, ``Annotated[int, Int(ge=1, le=60)]``,
  ``Annotated[date, Day(earliest=…)]``, ``Annotated[datetime, Moment()]``; a refusal is a pydantic error whose ``ctx`` carries the rule id, so
  the API lists every invalid field at once with its rule.
* **plain parsers** (dataclass inputs, forms, calculators): ``Fields`` reads each value
  through the same checkers, collects every refusal and raises one :class:`InvalidInput`
  (a ``DomainError`` listing them all).

Bounds match the database: ``max_digits`` of a money field is its column's, the text
``max_length`` its column's (a test compares them, so they cannot drift).
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from covernote.domain.errors import DomainError, ErrorCode

T = TypeVar("T")

#: A money string: ASCII digits, optional minus, at most one point. No exponent, no
#: full-width digits, no "NaN"/"Infinity", no thousands separators.
_MONEY = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

#: The earliest and latest day any date field accepts unless it says otherwise: before
#: 1900 nobody alive was born, after 2100 no policy of ours runs (and PostgreSQL and
#: Python agree on every day in between).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
#: Real UTC offsets run from -12:00 to +14:00, in whole quarter hours.
_MAX_OFFSET = timedelta(hours=14)
_MIN_OFFSET = timedelta(hours=-12)


class BoundError(ValueError):
    """A value outside its bounds: ``problem`` says what is wrong and what is allowed."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class InvalidInput(DomainError):
    """Several fields refused at once; ``errors`` holds one ``DomainError`` each."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first.code, f"{first.message}{more}", first.rule, first.field)
        self.errors = errors


def every_error(exc: DomainError) -> list[DomainError]:
    """The refusals an error carries: its list for :class:`InvalidInput`, else itself."""
    return list(exc.errors) if isinstance(exc, InvalidInput) else [exc]


def _echo(value: object) -> str:
    """What was sent, short and printable (never the raw control characters)."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(c if c.isprintable() else "\ufffd" for c in text)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# --------------------------------------------------------------------------- checkers


def check_money(
    value: object,
    *,
    max_digits: int = 12,
    ceiling: Decimal | None = None,
    minimum: Decimal | None = Decimal("0"),
    places: int = 2,
) -> Decimal:
    """Pounds and pence: a string of ASCII digits or a whole number, at most ``places``
    decimal places (sub-penny is refused, never rounded), within the column's digits and
    under the ceiling. ``true``, floats, exponents and full-width digits are refused."""
    if isinstance(value, bool):
        raise BoundError(f"must be an amount such as 1250.00, not {str(value).lower()}")
    if isinstance(value, float):
        raise BoundError('must be sent as a string such as "1250.00" (never a float)')
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise BoundError("must be a finite amount")
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        if not _MONEY.fullmatch(text):
            raise BoundError(
                f"must be an amount in figures such as 1250.00; you sent {_echo(value)}"
            )
        try:
            amount = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise BoundError(f"is not a number; you sent {_echo(value)}") from None
    else:
        raise BoundError("must be an amount such as 1250.00")
    step = Decimal(1).scaleb(-places)
    if minimum is not None and amount < minimum:
        raise BoundError("must not be negative" if minimum == 0 else f"must be at least {minimum}")
    top = Decimal(10) ** (max_digits - places) - step
    limit = top if ceiling is None else min(ceiling, top)
    if amount > limit:  # checked before quantizing: 1E+30 would overflow the context
        shown = _pounds(limit) if places == 2 else str(limit)
        raise BoundError(f"must be at most {shown}; you sent {_echo(value)}")
    if amount < -limit:
        shown = _pounds(-limit) if places == 2 else str(-limit)
        raise BoundError(f"must be at least {shown}; you sent {_echo(value)}")
    if amount != amount.quantize(step, rounding="ROUND_DOWN"):
        unit = "pence" if places == 2 else "decimal places"
        raise BoundError(
            f"must be at most {places} decimal places ({unit}); you sent {_echo(value)}"
        )
    return amount


def check_text(
    value: object,
    *,
    max_length: int,
    min_length: int = 0,
    multiline: bool = False,
    strip: bool = True,
) -> str:
    """Text that fits its column: no NUL or other control characters (line breaks and
    tabs only where ``multiline``), at most ``max_length`` characters after trimming."""
    if not isinstance(value, str):
        raise BoundError("must be text")
    text = value.strip() if strip else value
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        where = "" if multiline else " or line breaks"
        raise BoundError(f"must not contain control characters (such as NUL){where}")
    if len(text) > max_length:
        raise BoundError(f"must be at most {max_length} characters; you sent {len(text)}")
    if len(text) < min_length:
        raise BoundError(
            "is required" if min_length == 1 else f"must be at least {min_length} characters"
        )
    return text


def check_int(value: object, *, ge: int, le: int) -> int:
    """A whole number in ``ge``..``le``; ``true``, floats and full-width digits refused."""
    if isinstance(value, bool):
        raise BoundError(f"must be a whole number from {ge} to {le}, not {str(value).lower()}")
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE.fullmatch(text) or len(text) > 20:
            raise BoundError(f"must be a whole number from {ge} to {le}; you sent {_echo(value)}")
        number = int(text)
    elif isinstance(value, int):
        number = value
    else:
        raise BoundError(f"must be a whole number from {ge} to {le}")
    if not ge <= number <= le:
        raise BoundError(f"must be from {ge:,} to {le:,}; you sent {_echo(value)}")
    return number


def check_day(value: object, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY) -> date:
    """A calendar day (YYYY-MM-DD) between ``earliest`` and ``latest`` inclusive."""
    if isinstance(value, datetime):
        raise BoundError("must be a date (YYYY-MM-DD), without a time")
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise BoundError(f"is not a real date; you sent {_echo(value)}") from None
    else:
        raise BoundError(f"must be a date (YYYY-MM-DD); you sent {_echo(value)}")
    if not earliest <= day <= latest:
        raise BoundError(
            f"must be from {earliest.isoformat()} to {latest.isoformat()}; "
            f"you sent {day.isoformat()}"
        )
    return day


def check_moment(
    value: object, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY
) -> datetime:
    """A date and time with a real UTC offset (-12:00 to +14:00, quarter hours)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip().isascii():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise BoundError(
                f"must be a date and time such as 2026-05-01T09:30:00+01:00; you sent {_echo(value)}"
            ) from None
    else:
        raise BoundError("must be a date and time such as 2026-05-01T09:30:00+01:00")
    offset = moment.utcoffset()
    if offset is None:
        raise BoundError("must carry a time zone offset (e.g. +01:00 or Z)")
    if not _MIN_OFFSET <= offset <= _MAX_OFFSET or offset % timedelta(minutes=15):
        raise BoundError(
            "must carry a real UTC offset (-12:00 to +14:00 in quarter hours); "
            f"you sent {_echo(value)}"
        )
    if not earliest <= moment.date() <= latest:
        raise BoundError(
            f"must be from {earliest.isoformat()} to {latest.isoformat()}; "
            f"you sent {moment.date().isoformat()}"
        )
    return moment


# --------------------------------------------------------------------------- pydantic types
#
# Each class below is ``Annotated`` metadata: ``Annotated[Decimal, Money(ceiling="1000000")]``.
# The check runs before pydantic's own; a refusal is a pydantic error whose ``ctx`` carries
# the rule id; the OpenAPI schema shows the bounds.


class _Bounded(ABC):
    """One bound: ``check`` refuses or normalises a value, ``json_schema`` describes it."""

    rule: str | None

    @abstractmethod
    def check(self, value: object) -> object:
        """The checked (normalised) value, or :class:`BoundError`."""

    @abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """The OpenAPI/JSON schema of the values ``check`` accepts."""

    def _validate(self, value: object) -> object:
        try:
            return self.check(value)
        except BoundError as exc:
            raise PydanticCustomError(
                "bounds", "{problem}", {"problem": exc.problem, "rule": self.rule}
            ) from None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return self.json_schema()


@dataclass(frozen=True)
class Money(_Bounded):
    """Pounds and pence bounded as :func:`check_money`; sent as a string (or whole number)."""

    max_digits: int = 12
    ceiling: Decimal | str | None = None
    minimum: Decimal | str | None = "0"
    rule: str | None = "G1"
    places: int = 2

    def check(self, value: object) -> Decimal:
        return check_money(
            value,
            max_digits=self.max_digits,
            ceiling=None if self.ceiling is None else Decimal(self.ceiling),
            minimum=None if self.minimum is None else Decimal(self.minimum),
            places=self.places,
        )

    def json_schema(self) -> dict[str, Any]:
        step = Decimal(1).scaleb(-self.places)
        limit = Decimal(10) ** (self.max_digits - self.places) - step
        if self.ceiling is not None:
            limit = min(limit, Decimal(self.ceiling))
        sign = "-?" if self.minimum is None or Decimal(self.minimum) < 0 else ""
        whole = self.max_digits - self.places
        return {
            "type": "string",
            "pattern": rf"^{sign}[0-9]{{1,{whole}}}(\.[0-9]{{1,{self.places}}})?$",
            "description": f"An amount as a string, at most {self.places} decimal places, "
            f"up to {limit}" + (f" ({self.rule})" if self.rule else ""),
            "examples": ["1250.00"],
        }


@dataclass(frozen=True)
class Text(_Bounded):
    """Text trimmed, without control characters, at most ``max_length`` characters."""

    max_length: int
    min_length: int = 0
    multiline: bool = False
    rule: str | None = None

    def check(self, value: object) -> str:
        return check_text(
            value,
            max_length=self.max_length,
            min_length=self.min_length,
            multiline=self.multiline,
        )

    def json_schema(self) -> dict[str, Any]:
        bad = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" if self.multiline else r"\x00-\x1f\x7f-\x9f"
        ok = f"[^{bad}]*"
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            schema["minLength"] = self.min_length
            schema["pattern"] = rf"^{ok}[^\s{bad}]{ok}$"
        else:
            schema["pattern"] = rf"^{ok}$"
        return schema


@dataclass(frozen=True)
class Int(_Bounded):
    """A whole number in ``ge``..``le`` (no booleans, no floats)."""

    ge: int
    le: int
    rule: str | None = None

    def check(self, value: object) -> int:
        return check_int(value, ge=self.ge, le=self.le)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.ge, "maximum": self.le}


@dataclass(frozen=True)
class Day(_Bounded):
    """A date within a window (default 1900-01-01 to 2100-12-31)."""

    earliest: date = EARLIEST_DAY
    latest: date = LATEST_DAY
    rule: str | None = None

    def check(self, value: object) -> date:
        return check_day(value, earliest=self.earliest, latest=self.latest)

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "format": "date",
            "description": f"A date from {self.earliest.isoformat()} to {self.latest.isoformat()}",
        }


@dataclass(frozen=True)
class Moment(_Bounded):
    """An aware date and time with a real UTC offset, within a window of days."""

    earliest: date = EARLIEST_DAY
    latest: date = LATEST_DAY
    rule: str | None = "G2"

    def check(self, value: object) -> datetime:
        return check_moment(value, earliest=self.earliest, latest=self.latest)

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "format": "date-time",
            "description": "A date and time with its UTC offset (-12:00 to +14:00), "
            f"from {self.earliest.isoformat()} to {self.latest.isoformat()}",
        }


# --------------------------------------------------------------------------- plain parsers


def label_of(field: str) -> str:
    """``vehicle.gross_weight_kg`` -> ``Vehicle gross weight kg``; ``lines[0]`` -> 1."""
    parts = []
    for part in re.split(r"[.\[\]]+", field):
        if part:
            parts.append(str(int(part) + 1) if part.isdigit() else part.replace("_", " "))
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


class Fields:
    """Read several fields, collecting every refusal; :meth:`done` raises them together.

    ``f.take(check_money, value, "purchase_lines[0].amount", "GAP-DEF-PRICE", ceiling=…)``
    returns the checked value, or ``None`` after recording the refusal as a
    ``DomainError`` whose message reads "<Label>: <problem>".
    """

    def __init__(self, labels: dict[str, str] | None = None) -> None:
        self.errors: list[DomainError] = []
        self.labels = labels or {}

    def label(self, field: str) -> str:
        return self.labels.get(field) or label_of(field)

    def take(
        self, check: Callable[..., T], value: object, field: str, rule: str, **bounds: Any
    ) -> T:
        try:
            return check(value, **bounds)
        except BoundError as exc:
            self.refuse(field, exc.problem, rule)
        except DomainError as exc:
            self.errors.extend(every_error(exc))
        return None  # type: ignore[return-value]  # done() raises before anyone reads it

    def refuse(
        self, field: str, problem: str, rule: str, code: ErrorCode = ErrorCode.INVALID
    ) -> None:
        self.errors.append(DomainError(code, f"{self.label(field)}: {problem}", rule, field))

    def call(self, build: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a reader or a nested parser, collecting its refusals instead of stopping."""
        try:
            return build(*args, **kwargs)
        except DomainError as exc:
            self.errors.extend(every_error(exc))
            return None  # type: ignore[return-value]

    def done(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
