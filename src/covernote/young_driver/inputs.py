"""Typed inputs for the Young Driver writes, parsed once at the door (ADR 0007).

The API, the web pages and the calculators build these frozen models from what
they received; the services take them and never re-parse. A refused value is a
:class:`~covernote.domain.errors.DomainError` naming the rule and the field, with the
same words the services used to give, so API errors are unchanged. This module
imports no Django models: calculators and the API import it cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from covernote.domain.bounds import Day, InvalidInput, Text, label_of
from covernote.domain.bounds import Int as Whole
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import payments as pay
from covernote.domain.young_driver import theft
from covernote.domain.young_driver.cancellation import CancelledBy
from covernote.domain.young_driver.smartbox import PHOTO_REJECTION_REASONS

#: The rating facts a mid-term adjustment may change (YD-FEE-MTA).
MTA_FIELDS = frozenset({"postcode", "annual_mileage", "licence_years", "no_claims_years"})

# Bounds at the door (ADR 0023): the columns' lengths (young_driver.models; a test keeps
# them equal), whole numbers and days within reason. The start date's window needs the
# clock and the configuration, so the quote service checks it.
LEN = {"vehicle_reg": 10, "vehicle_description": 120}
Reg = Annotated[str, Text(LEN["vehicle_reg"], rule="YD-RATE")]
Description = Annotated[str, Text(LEN["vehicle_description"], rule="YD-RATE")]
Note = Annotated[str, Text(2000, multiline=True)]
Key = Annotated[str, Text(200, rule="API-IDEMPOTENCY")]
When = Annotated[date, Day()]
Code = Annotated[str, Text(40)]


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The rule a malformed value of this input is refused under.
    RULE: ClassVar[str] = "YD-RATE"


InputT = TypeVar("InputT", bound=_Input)


def build(cls: type[InputT], **values: Any) -> InputT:
    """``cls(**values)``, with a type error reported as INVALID on the field and the
    input's rule (the web pages and calculators call this; the API's schemas have
    already checked the types)."""
    try:
        return cls(**values)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or None
            rule = (err.get("ctx") or {}).get("rule") or cls.RULE
            label = label_of(field) if field else "Request"
            errors.append(DomainError(ErrorCode.INVALID, f"{label}: {err['msg']}", rule, field))
        raise (errors[0] if len(errors) == 1 else InvalidInput(errors)) from None


def _non_blank(value: str, what: str, rule: str, field: str) -> str:
    if not value.strip():
        raise DomainError(ErrorCode.REQUIRED, what, rule, field)
    return value.strip()


class QuoteInput(_Input):
    """A request for a price (YD-RATE, YD-SALE-1). ``rating`` holds the declared rating
    facts as given; the domain's rating parser (PLT-3 refused inputs included) types them."""

    start: Annotated[date, Day(rule="YD-RATE")]
    vehicle_reg: Reg
    vehicle_description: Description = ""
    rating: Mapping[str, Any] = Field(max_length=20)
    add_ons: tuple[Code, ...] = Field((), max_length=20)

    @field_validator("vehicle_reg")
    @classmethod
    def _reg(cls, value: str) -> str:
        return _non_blank(value, "vehicle registration", "YD-RATE", "vehicle_reg").upper()


class BuyInput(_Input):
    """Bind a quote: card token or premium-finance Direct Debit (YD-PAY-1)."""

    RULE: ClassVar[str] = "YD-PAY-1"

    payment_method: Literal["card", "direct_debit"]
    idempotency_key: Key
    card_token: Annotated[str, Text(200)] = ""
    card_last4: Annotated[str, Text(4)] = ""
    sort_code: Annotated[str, Text(10)] = ""
    account_number: Annotated[str, Text(12)] = ""
    account_name: Annotated[str, Text(120)] = ""

    @field_validator("payment_method", mode="before")
    @classmethod
    def _method(cls, value: object) -> object:
        if value not in ("card", "direct_debit"):
            raise DomainError(
                ErrorCode.INVALID, "card or direct_debit", "YD-PAY-1", "payment_method"
            )
        return value

    @property
    def card(self) -> pay.CardToken:
        """YD-PAY-2: the provider token (a card number is refused)."""
        return pay.card_token(self.card_token, self.card_last4)

    @property
    def bank(self) -> pay.BankAccount:
        """YD-PAY-1: the Direct Debit account, with the name on it required."""
        account = pay.validate_bank_account(self.sort_code, self.account_number)
        _non_blank(self.account_name, "name on the account", "YD-PAY-1", "account_name")
        return account


class AdjustInput(_Input):
    """A mid-term adjustment of the rating facts (YD-FEE-MTA)."""

    RULE: ClassVar[str] = "YD-FEE-MTA"

    changes: Mapping[str, Any]
    effective: When
    idempotency_key: Key

    @field_validator("changes")
    @classmethod
    def _changes(cls, value: Mapping[str, Any]) -> Mapping[str, Any]:
        unknown = set(value) - MTA_FIELDS
        if unknown or not value:
            raise DomainError(
                ErrorCode.INVALID,
                f"an MTA changes one of {sorted(MTA_FIELDS)}",
                "YD-FEE-MTA",
                sorted(unknown)[0] if unknown else "changes",
            )
        return dict(value)


class VehicleChangeInput(_Input):
    """A change of vehicle: new cradle or new box (YD-BOX-VEHICLE)."""

    RULE: ClassVar[str] = "YD-BOX-VEHICLE"

    vehicle_reg: Reg
    vehicle_group: Annotated[int, Whole(ge=1, le=50, rule="YD-BOX-VEHICLE")]
    new_box: bool
    effective: When
    idempotency_key: Key
    vehicle_description: Description = ""

    @field_validator("vehicle_reg")
    @classmethod
    def _reg(cls, value: str) -> str:
        return _non_blank(value, "new registration", "YD-BOX-VEHICLE", "vehicle_reg").upper()


class CancelInput(_Input):
    """Cancellation or void (YD-CANCEL-1..5, YD-VOID-1). ``notice_date`` defaults to the
    day of the request; our jobs pass the day our notice was given."""

    RULE: ClassVar[str] = "YD-CANCEL-1"

    cancel_on: When
    by: CancelledBy = CancelledBy.CUSTOMER
    void_for_fraud: bool = False
    reason: Note = ""
    notice_date: When | None = None

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, value: object) -> object:
        if value not in ("customer", "us"):
            raise DomainError(ErrorCode.INVALID, "customer or us", "YD-CANCEL-1", "by")
        return value


class SmartboxReturnInput(_Input):
    """The Smartbox came back (YD-CANCEL-4)."""

    RULE: ClassVar[str] = "YD-CANCEL-4"

    returned_on: When


class PhotoUploadInput(_Input):
    """The customer's photo of the fitted Smartbox (YD-BOX-INSTALL)."""

    RULE: ClassVar[str] = "YD-BOX-INSTALL"

    filename: Annotated[str, Text(200)]
    content: bytes


class PhotoReviewInput(_Input):
    """Staff approve or reject an installation photo (YD-BOX-INSTALL)."""

    RULE: ClassVar[str] = "YD-BOX-INSTALL"

    approve: bool = True
    note: Note = ""
    #: Required to reject: a key of ``PHOTO_REJECTION_REASONS`` (the customer reads it).
    reason: str = ""

    @model_validator(mode="after")
    def _reason(self) -> PhotoReviewInput:
        if self.approve:
            return self
        if self.reason not in PHOTO_REJECTION_REASONS:
            allowed = ", ".join(PHOTO_REJECTION_REASONS)
            raise DomainError(
                ErrorCode.REQUIRED,
                f"choose why the photo is rejected ({allowed}): the customer is told",
                "YD-BOX-INSTALL",
                "reason",
            )
        if self.reason == "other" and len(self.note.split()) < 3:
            raise DomainError(
                ErrorCode.REQUIRED,
                "say in a sentence what is wrong with the photo: the customer reads it",
                "YD-BOX-INSTALL",
                "note",
            )
        return self


class TheftClaimInput(_Input):
    """A theft claim (YD-THEFT-1): the police incident number is normalised here."""

    RULE: ClassVar[str] = "YD-THEFT-1"

    police_incident_number: Annotated[str, Text(40, rule="YD-THEFT-1")]
    stolen_on: When
    idempotency_key: Key
    description: Note = ""

    @field_validator("police_incident_number")
    @classmethod
    def _incident(cls, value: str) -> str:
        return theft.police_incident_number(value)


class TheftCloseInput(_Input):
    """Closing a theft case (YD-THEFT-1)."""

    RULE: ClassVar[str] = "YD-THEFT-1"

    outcome: Annotated[str, Text(200, rule="YD-THEFT-1")]

    @field_validator("outcome")
    @classmethod
    def _outcome(cls, value: str) -> str:
        return _non_blank(value, "the outcome", "YD-THEFT-1", "outcome")
