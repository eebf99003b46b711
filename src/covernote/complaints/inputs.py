"""Typed inputs of the complaints writes and calculators, parsed once at the door.

The API, the web forms and the calculators build one of these frozen models; the
services take it and never re-parse (ARCHITECTURE §6, ADR 0009). A refusal is a
``DomainError`` naming the field and the rule, with the wording the services used
before, so API problems and form messages are unchanged.

No Django here: the calculators and the API import this module cheaply. The
allowed values mirror the model choices (a unit test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from covernote.complaints._parsing import (
    bounded_money,
    bounded_text,
    check_fields,
    is_blank,
    iso_date,
    iso_timestamp,
    non_negative_decimal,
    one_of,
    raw_dict,
    redress_paid,
    required_text,
    response_outcome,
    substantive_text,
    yes_no,
)
from covernote.domain.bounds import (
    EARLIEST_DAY,
    BoundError,
    InvalidInput,
    check_day,
    check_int,
    check_moment,
    label_of,
)
from covernote.domain.calendar import Nation
from covernote.domain.complaints.eligibility import ComplainantType
from covernote.domain.complaints.returns import Outcome, RedressType
from covernote.domain.errors import DomainError, ErrorCode

ProcedureCode = Literal["broker_platform", "young_driver", "gap_claim", "gap_sale"]
ChannelCode = Literal["phone", "email", "letter", "web", "in_person"]
ComplainantCode = Literal[
    "consumer", "micro_enterprise", "small_business", "charity", "trust", "guarantor"
]
ProductCode = Literal[
    "young_driver_motor",
    "gap",
    "motor_other",
    "legal_expenses",
    "cmc_personal_injury",
    "cmc_employment",
]
MainCauseCode = Literal["advising_selling", "terms_disputes", "general_admin", "arrears", "other"]
ActivityCode = Literal["insurance_distribution", "claims_handling", "claims_management"]
RelationshipCode = Literal["customer", "representative", "cmc", "other"]
SubjectCode = Literal["firm_service", "claims_management", "panel_solicitor_conduct"]
EscalationReason = Literal["not_resolved", "rejected_resolution"]
FosOutcomeCode = Literal["upheld", "not_upheld"]

#: The earliest receipt a complaint may record: DISP came into force with the Financial
#: Ombudsman Service on 1 December 2001 (FSMA 2000 "N2"); nothing before it is a DISP
#: complaint (ADR 0023). Not in the future: the register service checks that (a clock).
RECEIVED_FLOOR = date(2001, 12, 1)
#: Text lengths are the columns' (complaints.models; a test keeps them equal). Free text
#: (description, reasons) is a TextField: 20,000 characters is about eight pages.
LEN = {"policy_reference": 60, "claim_reference": 60, "fos_reference": 40, "yd_subject": 30}
LONG_TEXT = 20_000
NOTE_LENGTH = 2_000
EMPLOYEES = (0, 10_000_000)

MONEY_EVIDENCE = ("annual_turnover_gbp", "balance_sheet_gbp", "annual_income_gbp", "net_assets_gbp")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "text/plain": (".txt",),
}
#: Stamped by the services when a step is recorded: never editable (decision 27).
CLOCK_FIELDS = frozenset(
    {
        "received_at",
        "logged_at",
        "acknowledged_at",
        "escalated_at",
        "qa_acknowledged_at",
        "summary_resolution_sent_at",
        "forwarded_at",
        "holding_response_on",
        "final_response_on",
        "closed_on",
        "fos_referred_at",
        "fos_referred_on",
        "fos_decided_on",
    }
)


# --- parsing helpers (the door's, never the services') --------------------------------


def received(value: Any, field: str = "received_at", rule: str = "COMP-1") -> datetime:
    """When the complaint was received: a date and time with a real offset, not before
    DISP existed (1 December 2001)."""
    if isinstance(value, datetime) and value.date() < RECEIVED_FLOOR:
        value = value.replace(tzinfo=UTC)  # the window, not a 19th-century local offset
    try:
        moment = check_moment(value, earliest=date.min)  # a real offset (G2)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", "G2", field
        ) from None
    try:
        return check_moment(moment, earliest=RECEIVED_FLOOR)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID,
            f"{label_of(field)}: {exc.problem} (complaints are recorded under DISP, in force "
            f"from {RECEIVED_FLOOR.isoformat()})",
            rule,
            field,
        ) from None


def whole(value: Any, field: str, bounds: tuple[int, int], rule: str = "COMP-FOS-ELIG") -> int:
    try:
        return check_int(value, ge=bounds[0], le=bounds[1])
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", rule, field
        ) from None


def a_day(value: Any, field: str, rule: str, earliest: date = EARLIEST_DAY) -> date | None:
    if is_blank(value):
        return None
    try:
        return check_day(value, earliest=earliest)
    except BoundError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{label_of(field)}: {exc.problem}", rule, field
        ) from None


def fx_rate(data: dict[str, Any], rule: str = "COMP-FOS-ELIG") -> None:
    """EUR per GBP (the column holds 10 digits, 6 after the point): above 0, at most 100."""
    value = data.get("eur_per_gbp")
    if is_blank(value):
        data["eur_per_gbp"] = None
        return
    rate = bounded_money(value, "eur_per_gbp", rule, max_digits=10, places=6, ceiling=Decimal(100))
    if rate == 0:
        raise DomainError(ErrorCode.INVALID, "EUR per GBP: must be above 0", rule, "eur_per_gbp")
    data["eur_per_gbp"] = rate


class ComplaintInput(BaseModel):
    """Base of every input: frozen, unknown fields refused (named, with the rule)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    RULE: ClassVar[str] = "COMP-1"

    @classmethod
    def parse(cls, data: Mapping[str, Any] | None = None, **values: Any) -> Self:
        """Build from untyped data (a JSON body, a form's cleaned data, keywords)."""
        try:
            return cls.model_validate({**(data or {}), **values})
        except ValidationError as exc:
            errors = []
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"]) or None
                rule = (error.get("ctx") or {}).get("rule") or cls.RULE
                if error["type"] == "missing":
                    errors.append(
                        DomainError(ErrorCode.REQUIRED, f"{field} is required", rule, field)
                    )
                elif error["type"] == "extra_forbidden":
                    errors.append(
                        DomainError(ErrorCode.INVALID, f"unknown field {field!r}", rule, field)
                    )
                else:
                    label = label_of(field) if field else "Request"
                    errors.append(
                        DomainError(ErrorCode.INVALID, f"{label}: {error['msg']}", rule, field)
                    )
            raise (errors[0] if len(errors) == 1 else InvalidInput(errors)) from None


# --- register (COMP-1, COMP-FOS-ELIG) ---------------------------------------------------


class ComplaintRegistration(ComplaintInput):
    """An oral or written complaint as logged (COMP-1). The Young Driver subject is
    checked against the pinned procedure by the service (it needs configuration)."""

    received_at: datetime
    description: str
    procedure: ProcedureCode
    yd_subject: str = ""
    complainant_type: ComplainantCode = "consumer"
    employees: int | None = None
    annual_turnover_gbp: Decimal | None = None
    balance_sheet_gbp: Decimal | None = None
    annual_income_gbp: Decimal | None = None
    net_assets_gbp: Decimal | None = None
    eur_per_gbp: Decimal | None = None
    subject: SubjectCode = "firm_service"
    channel: ChannelCode
    product: ProductCode
    main_cause: MainCauseCode = "general_admin"
    regulated_activity: ActivityCode | None = None
    policy_reference: str = ""
    claim_reference: str = ""
    vulnerability_identified: bool = False
    vulnerability_related_cause: bool = False
    complainant_relationship: RelationshipCode = "customer"
    representative_name: str = ""
    representative_contact: str = ""

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if not isinstance(data, dict):
            return data
        one_of(data, "complainant_relationship", RelationshipCode, "customer")
        for name in ("representative_name", "representative_contact"):
            data[name] = str(data.get(name) or "").strip()
        if data["complainant_relationship"] in ("representative", "cmc") and not (
            data["representative_name"] and data["representative_contact"]
        ):
            field = (
                "representative_name"
                if not data["representative_name"]
                else ("representative_contact")
            )
            raise DomainError(
                ErrorCode.REQUIRED,
                "record who represents the complainant and how to reach them",
                "COMP-1",
                field,
            )
        received_at = data.get("received_at")
        if received_at is None:
            raise DomainError(
                ErrorCode.REQUIRED, "received_at is required", "COMP-1", "received_at"
            )
        errors: list[DomainError] = []

        def take(check: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return check(*args, **kwargs)
            except DomainError as exc:
                errors.append(exc)
                return None

        data["received_at"] = take(received, received_at)
        take(required_text, data, "description", "describe what the complaint is about", "COMP-1")
        take(one_of, data, "procedure", ProcedureCode)
        data["yd_subject"] = take(bounded_text, data.get("yd_subject"), "yd_subject", "COMP-1", 30)
        take(one_of, data, "complainant_type", ComplainantCode, "consumer")
        employees = data.get("employees")
        data["employees"] = (
            None
            if is_blank(employees)
            else take(whole, employees, "employees", EMPLOYEES, "COMP-1")
        )
        for name in MONEY_EVIDENCE:
            take(non_negative_decimal, data, name, "COMP-1")
        take(fx_rate, data, "COMP-1")
        one_of(data, "subject", SubjectCode, "firm_service")
        one_of(data, "channel", ChannelCode)
        one_of(data, "product", ProductCode)
        one_of(data, "main_cause", MainCauseCode, "general_admin")
        if is_blank(data.get("regulated_activity")):
            data["regulated_activity"] = None
        else:
            one_of(data, "regulated_activity", ActivityCode)
        for name in ("policy_reference", "claim_reference"):
            data[name] = take(bounded_text, data.get(name), name, "COMP-1", LEN[name])
        for name in ("vulnerability_identified", "vulnerability_related_cause"):
            data[name] = bool(data.get(name))
        if errors:
            raise InvalidInput(errors)
        return data

    @property
    def activity(self) -> str:
        """The regulated activity given, else the procedure's: claims handling for a GAP
        claim, insurance distribution otherwise (COMP-7 return)."""
        if self.regulated_activity:
            return self.regulated_activity
        return "claims_handling" if self.procedure == "gap_claim" else "insurance_distribution"


# --- escalation (COMP-3) --------------------------------------------------------------


class Escalation(ComplaintInput):
    RULE: ClassVar[str] = "COMP-3"

    reason: EscalationReason = "not_resolved"
    escalated_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if isinstance(data, dict) and data.get("reason", "not_resolved") not in get_args(
            EscalationReason
        ):
            raise DomainError(
                ErrorCode.INVALID,
                "reason must be not_resolved or rejected_resolution",
                "COMP-3",
                "reason",
            )
        if isinstance(data, dict) and data.get("escalated_at") is not None:
            data["escalated_at"] = received(data["escalated_at"], "escalated_at", "COMP-3")
        return data


# --- responses (COMP-3, COMP-6, COMP-7) ---------------------------------------------------


class _Response(ComplaintInput):
    RULE: ClassVar[str] = "COMP-7"

    outcome: Outcome
    redress_amount: Decimal | None = None
    redress_type: RedressType | None = None
    consent_to_waive: bool = False


class SummaryResolution(_Response):
    """Resolved by the 3rd working day (DISP 1.5.4R); the outcome defaults to upheld."""

    resolution: str

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if isinstance(data, dict):
            substantive_text(data, "resolution", "say how the complaint was resolved", "COMP-3")
            response_outcome(data, default=Outcome.UPHELD.value)
            redress_paid(data)
            data["consent_to_waive"] = bool(data.get("consent_to_waive"))
        return data


class FinalResponse(_Response):
    """The final response (DISP 1.6.2R): outcome, reasons (paragraphs), redress."""

    reasons: str

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if isinstance(data, dict):
            response_outcome(data)
            redress_paid(data)
            substantive_text(data, "reasons", "give the reasons for the outcome", "COMP-6")
            data["consent_to_waive"] = bool(data.get("consent_to_waive"))
        return data

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.reasons.split("\n\n") if p.strip())


class HoldingResponse(ComplaintInput):
    """The holding letter (DISP 1.6.2R(2)): why not yet, and when."""

    RULE: ClassVar[str] = "COMP-6"

    reason: str
    expected_by: date

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if isinstance(data, dict):
            required_text(
                data, "reason", "explain why a final response cannot be given yet", "COMP-6"
            )
            if data.get("expected_by") is None:
                raise DomainError(
                    ErrorCode.REQUIRED,
                    "say when you expect to send the final response (DISP 1.6.2R(2))",
                    "COMP-6",
                    "expected_by",
                )
            data["expected_by"] = a_day(data["expected_by"], "expected_by", "COMP-6")
        return data


class Withdrawal(ComplaintInput):
    RULE: ClassVar[str] = "COMP-7"

    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if isinstance(data, dict):
            data["note"] = bounded_text(
                data.get("note"), "note", "COMP-7", NOTE_LENGTH, multiline=True
            )
        return data


# --- FOS (COMP-4, COMP-FOS-ELIG) ----------------------------------------------------------


class FosReferral(ComplaintInput):
    """The complainant referred to the FOS; the FX rate is the Bank of England rate on
    the referral date, when known (COMP-FOS-ELIG)."""

    RULE: ClassVar[str] = "COMP-4"

    referred_on: date
    fos_reference: str
    eur_per_gbp: Decimal | None = None

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if not isinstance(data, dict):
            return data
        required_text(
            data, "fos_reference", "record the FOS case reference", "COMP-4", LEN["fos_reference"]
        )
        if data.get("referred_on") is None:
            raise DomainError(
                ErrorCode.REQUIRED, "when did the complainant refer?", "COMP-4", "referred_on"
            )
        data["referred_on"] = a_day(data["referred_on"], "referred_on", "COMP-4", RECEIVED_FLOOR)
        fx_rate(data, "COMP-4")
        return data


class FosDecision(ComplaintInput):
    """The FOS outcome that closes a referred complaint (COMP-4)."""

    RULE: ClassVar[str] = "COMP-4"

    fos_outcome: FosOutcomeCode
    decided_on: date
    redress_amount: Decimal | None = None
    redress_type: RedressType | None = None
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if not isinstance(data, dict):
            return data
        if data.get("fos_outcome") not in get_args(FosOutcomeCode):
            raise DomainError(
                ErrorCode.REQUIRED,
                "record the FOS outcome: upheld or not_upheld",
                "COMP-4",
                "fos_outcome",
            )
        if data.get("decided_on") is None:
            raise DomainError(
                ErrorCode.REQUIRED, "when did the FOS decide?", "COMP-4", "decided_on"
            )
        data["decided_on"] = a_day(data["decided_on"], "decided_on", "COMP-4", RECEIVED_FLOOR)
        redress_paid(data)
        if data["redress_amount"] is not None and data["fos_outcome"] == "not_upheld":
            raise DomainError(
                ErrorCode.INVALID,
                "a complaint the FOS did not uphold has no FOS redress",
                "COMP-4",
                "redress_amount",
            )
        data["note"] = bounded_text(data.get("note"), "note", "COMP-4", NOTE_LENGTH, multiline=True)
        return data


# --- classification corrections (COMP-7) --------------------------------------------------

RECLASSIFIABLE: dict[str, Any] = {
    "main_cause": MainCauseCode,
    "product": ProductCode,
    "regulated_activity": ActivityCode,
    "vulnerability_identified": bool,
    "vulnerability_related_cause": bool,
}


class Reclassification(ComplaintInput):
    """Corrections of the cause, product, regulated activity or vulnerability flags.
    Any other field is refused; the receipt time and clock dates never (decision 27)."""

    RULE: ClassVar[str] = "COMP-7"

    main_cause: MainCauseCode | None = None
    product: ProductCode | None = None
    regulated_activity: ActivityCode | None = None
    vulnerability_identified: bool | None = None
    vulnerability_related_cause: bool | None = None
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if not isinstance(data, dict):
            return data
        for name in sorted(k for k in data if k != "note"):
            if name in RECLASSIFIABLE:
                continue
            if name in CLOCK_FIELDS:
                raise DomainError(
                    ErrorCode.PERMISSION_DENIED,
                    f"{name} is stamped when the step is recorded and can never be edited",
                    "COMP-7",
                    name,
                )
            raise DomainError(
                ErrorCode.INVALID,
                f"{name} cannot be corrected here; only {', '.join(RECLASSIFIABLE)}",
                "COMP-7",
                name,
            )
        for name, kind in RECLASSIFIABLE.items():
            if name not in data:
                continue
            if kind is bool:
                data[name] = yes_no(name, data[name])
            else:
                one_of(data, name, kind)
        data["note"] = bounded_text(data.get("note"), "note", "COMP-7", NOTE_LENGTH, multiline=True)
        return data

    @property
    def changes(self) -> dict[str, Any]:
        """The fields sent (``note`` aside), with their corrected values."""
        return {n: getattr(self, n) for n in RECLASSIFIABLE if n in self.model_fields_set}


# --- attachments (COMP-1) ---------------------------------------------------------------


class Attachment(ComplaintInput):
    """Evidence: PDF, JPEG, PNG or text, at most 10 MB (COMP-1, DISP 1.9 records).
    ``content`` is the uploaded file object, stored as it is."""

    name: str
    content_type: str
    size: int
    content: Any

    @classmethod
    def from_upload(cls, upload: Any) -> Attachment:
        return cls.parse(
            name=(getattr(upload, "name", None) or "attachment").rsplit("/", 1)[-1][:200],
            content_type=(getattr(upload, "content_type", None) or "")
            .split(";")[0]
            .strip()
            .lower(),
            size=getattr(upload, "size", None) or 0,
            content=upload,
        )

    @model_validator(mode="before")
    @classmethod
    def _door(cls, raw: Any) -> Any:
        data = raw_dict(raw)
        if not isinstance(data, dict):
            return data
        size = int(data.get("size") or 0)
        if size > MAX_ATTACHMENT_BYTES:
            raise DomainError(ErrorCode.INVALID, "the file is larger than 10 MB", "COMP-1", "file")
        if size == 0:
            raise DomainError(ErrorCode.INVALID, "the file is empty", "COMP-1", "file")
        extensions = ALLOWED_ATTACHMENT_TYPES.get(str(data.get("content_type") or ""))
        if extensions is None or not str(data.get("name") or "").lower().endswith(extensions):
            raise DomainError(
                ErrorCode.INVALID, "attach a PDF, JPEG, PNG or text file", "COMP-1", "file"
            )
        return data


# --- calculators (COMP-2, COMP-FOS-ELIG) ------------------------------------------------


UK_NATIONS = {
    n.value: n for n in (Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND)
}


class ClockQuery(ComplaintInput):
    """The ``complaint-clock`` calculator's input (COMP-2, COMP-3, G2, G5)."""

    RULE: ClassVar[str] = "COMP-2"

    received_at: datetime
    nation: Nation
    procedure: str
    escalated_at: datetime | None = None
    final_response_on: date | None = None

    @classmethod
    def from_json(cls, payload: Any) -> ClockQuery:
        data = check_fields(
            payload,
            ("received_at", "nation", "procedure"),
            ("escalated_at", "final_response_on"),
            cls.RULE,
        )
        received_at = iso_timestamp(data["received_at"], "received_at")
        nation = data["nation"]
        if not isinstance(nation, str) or nation.lower() not in UK_NATIONS:
            raise DomainError(
                ErrorCode.INVALID, f"nation must be one of {', '.join(UK_NATIONS)}", "G5", "nation"
            )
        escalated_at = None
        if "escalated_at" in data:
            escalated_at = iso_timestamp(data["escalated_at"], "escalated_at")
            if escalated_at < received_at:
                raise DomainError(
                    ErrorCode.INVALID,
                    "escalated_at is before the complaint was received",
                    "COMP-3",
                    "escalated_at",
                )
        final_response_on = None
        if "final_response_on" in data:
            final_response_on = iso_date(data["final_response_on"], "final_response_on", "COMP-2")
        return cls(
            received_at=received_at,
            nation=UK_NATIONS[nation.lower()],
            procedure=str(data["procedure"]),
            escalated_at=escalated_at,
            final_response_on=final_response_on,
        )


class EligibilityQuery(ComplaintInput):
    """The ``fos-eligibility`` calculator's input (COMP-FOS-ELIG, DISP 2.7.3R)."""

    RULE: ClassVar[str] = "COMP-FOS-ELIG"

    complainant: ComplainantType
    employees: int | None = None
    annual_turnover_gbp: Decimal | None = None
    balance_sheet_gbp: Decimal | None = None
    annual_income_gbp: Decimal | None = None
    net_assets_gbp: Decimal | None = None
    eur_per_gbp: Decimal | None = None

    @classmethod
    def from_json(cls, payload: Any) -> EligibilityQuery:
        rule = cls.RULE
        data = check_fields(
            payload, ("complainant",), ("employees", *MONEY_EVIDENCE, "eur_per_gbp"), rule
        )
        try:
            complainant = ComplainantType(str(data["complainant"]).lower())
        except ValueError as exc:
            allowed = ", ".join(c.value for c in ComplainantType)
            raise DomainError(
                ErrorCode.INVALID, f"complainant must be one of {allowed}", rule, "complainant"
            ) from exc
        employees = data.get("employees")
        if employees is not None:
            if not isinstance(employees, int):  # JSON: a number, not "12"
                raise DomainError(
                    ErrorCode.INVALID, "employees must be a whole number >= 0", rule, "employees"
                )
            employees = whole(employees, "employees", EMPLOYEES, rule)
        money = {
            name: bounded_money(data[name], name, rule, max_digits=14)
            for name in MONEY_EVIDENCE
            if name in data
        }
        fx_rate(data, rule)
        return cls(
            complainant=complainant, employees=employees, eur_per_gbp=data["eur_per_gbp"], **money
        )
