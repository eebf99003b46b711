"""The calculators' JSON contract as pydantic models: one schema for both doors (issue 10).

Each calculator module declares ``Input`` and ``Output`` (subclasses of :class:`CalcInput`
and :class:`CalcOutput`), and ``run(payload)``. The payload is validated by the model, not
by hand: every field's rule id is in the schema (``x-rule``), and a refusal names the field
and that rule. :func:`parse` turns pydantic's errors into a :class:`CalcInputError` (a
``DomainError`` for the first bad field, with ``errors`` listing every one) for the CLI;
the API door lets ninja validate the same model and reads the rules from the errors'
``ctx`` (put there by :meth:`CalcInput._rules`).

Money is a string such as ``"12500.00"`` or a whole number, never a float (G1); dates are
ISO ``YYYY-MM-DD``; timestamps carry their UTC offset (G2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from covernote.domain.bounds import BoundError, check_money
from covernote.domain.errors import DomainError, ErrorCode

MONEY_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
#: the most a calculator takes as one amount (ADR 0023): £10,000,000, to the penny
CALC_CEILING = Decimal("10000000")
SIGNED_PATTERN = r"^-?\d+(\.\d+)?$"


def _number(value: Any, *, signed: bool) -> Decimal:
    if isinstance(value, bool | float):
        raise PydanticCustomError(
            "money_float", 'must be a string such as "12500.00" or a whole number, not a float'
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise PydanticCustomError("money_parsing", "is not a number") from None
    else:
        raise PydanticCustomError("money_type", "is not an amount")
    if not amount.is_finite():
        raise PydanticCustomError("money_finite", "must be a finite amount")
    if not signed and amount < 0:
        raise PydanticCustomError("money_negative", "must not be negative")
    return amount


def _money_schema(pattern: str, description: str) -> dict[str, Any]:
    return {
        "anyOf": [{"type": "string", "pattern": pattern}, {"type": "integer"}],
        "description": description,
        "examples": ["12500.00"],
    }


def _money(value: Any) -> Decimal:
    """Pounds and pence as the other doors take them (ADR 0023, ``bounds.check_money``):
    ASCII digits, at most two places (sub-penny refused, never rounded), at most
    £10,000,000; no booleans, floats, exponents or full-width digits."""
    if isinstance(value, bool | float):
        raise PydanticCustomError(
            "money_float", 'must be a string such as "12500.00" or a whole number, not a float'
        )
    try:
        return check_money(value, ceiling=CALC_CEILING)
    except BoundError as exc:
        raise PydanticCustomError("money_bounds", str(exc)) from None


#: Money, not negative: ``"12500.00"`` or ``12500`` (never a float, G1), bounded (ADR 0023).
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema(_money_schema(MONEY_PATTERN, "pounds: a decimal string or whole number")),
]
#: A signed decimal (a score, a rate): a string or a whole number, never a float.
Number = Annotated[
    Decimal,
    BeforeValidator(lambda v: _number(v, signed=True)),
    WithJsonSchema(_money_schema(SIGNED_PATTERN, "a decimal string or whole number")),
]


def _iso_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("iso_date", "must be an ISO date (YYYY-MM-DD)")


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("iso_timestamp", "must be an ISO timestamp") from None
    else:
        raise PydanticCustomError("iso_timestamp", "must be an ISO timestamp")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise PydanticCustomError(
            "timezone", "must carry its UTC offset, e.g. 2026-12-24T16:00:00+00:00 (G2)"
        )
    return parsed


#: An ISO date, ``YYYY-MM-DD`` (a string; no timestamps, no day-first dates).
Day = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-05-01"]}),
]
#: An ISO timestamp with its UTC offset (G2).
Timestamp = Annotated[
    datetime,
    BeforeValidator(_aware),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2026-12-24T16:00:00+00:00"]}
    ),
]


def lower(value: Any) -> Any:
    """Choices are matched without regard to case ("England" is england)."""
    return value.lower() if isinstance(value, str) else value


def rule(rule_id: str, description: str = "", **kw: Any) -> Any:
    """A field whose refusal cites ``rule_id`` (shown in the schema as ``x-rule``)."""
    return Field(description=description or None, json_schema_extra={"x-rule": rule_id}, **kw)


def _field_rule(model: type[BaseModel], loc: tuple[Any, ...], default: str) -> str:
    current: Any = model
    found = default
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            break
        info = fields[part]
        extra = info.json_schema_extra
        if isinstance(extra, dict) and isinstance(extra.get("x-rule"), str):
            found = str(extra["x-rule"])
        annotation = info.annotation
        current = next(
            (
                a
                for a in getattr(annotation, "__args__", (annotation,))
                if hasattr(a, "model_fields")
            ),
            None,
        )
    return found


class CalcInput(BaseModel):
    """A calculator's input: unknown fields are refused; every refusal carries a rule id."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULE: ClassVar[str] = "API-INPUT"

    def cross_checks(self) -> list[tuple[str, str, str, str]]:
        """Checks across fields: ``(field, rule, error type, message)`` for each refusal."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: Callable[[Any], Self]) -> Self:
        try:
            model = handler(data)
        except ValidationError as exc:
            raise ValidationError.from_exception_data(
                exc.title,
                [
                    {
                        "type": PydanticCustomError(
                            e["type"],
                            _message(e),
                            {
                                "rule": (e.get("ctx") or {}).get("rule")
                                or _field_rule(cls, tuple(e["loc"]), cls.RULE)
                            },
                        ),
                        "loc": tuple(e["loc"]),
                        "input": e.get("input"),
                    }
                    for e in exc.errors()
                ],
            ) from None
        problems = model.cross_checks()
        if problems:
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    {
                        "type": PydanticCustomError(kind, message, {"rule": rule_id}),
                        "loc": (field,),
                        "input": data,
                    }
                    for field, rule_id, kind, message in problems
                ],
            )
        return model


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this calculator"
    # Braces would be read as placeholders by PydanticCustomError.
    return str(error["msg"]).replace("{", "(").replace("}", ")")


class Step(BaseModel):
    """One step of a calculation: the rule it applies and what it produced."""

    rule: str = Field(description="The SPEC rule id this step applies")
    description: str
    amount: str | None = Field(None, description="Money, two decimals, when the step has one")
    value: Any = None
    inputs: dict[str, Any] | None = None

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class CalcOutput(BaseModel):
    """A calculator's answer: money as two-decimal strings, dates as ISO strings."""

    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=CalcInput)


class CalcInputError(DomainError):
    """The payload does not fit the calculator's schema: the first bad field, and all."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        code = ErrorCode.REQUIRED if first["type"] in ("missing", "required") else ErrorCode.INVALID
        super().__init__(code, first["message"], first["rule"], first["field"])
        self.errors = errors


def input_errors(exc: ValidationError, default_rule: str) -> list[dict[str, Any]]:
    """Every invalid field as ``{field, message, rule, type}``; messages name the field."""
    out = []
    for e in exc.errors():
        field = ".".join(str(p) for p in e["loc"]) or None
        message = str(e["msg"])
        if e["type"] == "extra_forbidden":
            message = f"unknown field {field!r}"
        elif field:
            message = f"{field} {message}"
        out.append(
            {
                "field": field,
                "message": message,
                "rule": (e.get("ctx") or {}).get("rule") or default_rule,
                "type": e["type"],
            }
        )
    return out


def parse(model: type[M], payload: object) -> M:
    """Validate ``payload`` against ``model``; a refusal is a :class:`CalcInputError`."""
    if not isinstance(payload, Mapping):
        raise CalcInputError(
            [
                {
                    "field": None,
                    "message": "the payload must be a JSON object",
                    "rule": "API-INPUT",
                    "type": "model_type",
                }
            ]
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise CalcInputError(input_errors(exc, model.RULE)) from None
