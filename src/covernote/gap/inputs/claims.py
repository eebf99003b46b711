"""Typed inputs for the GAP claim writes: registration, figures, facts, assessment, decision,
documents, payment (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from covernote.domain.bounds import Fields
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.claims import Misrepresentation, MotorSection, Peril, Territory
from covernote.domain.gap.eligibility import VehicleUse
from covernote.gap.inputs.fields import (
    EXCLUSION_ID,
    NOTE_LENGTH,
    choice,
    jsonable,
    moment,
    money,
    optional_day,
    optional_money,
    text,
    whole,
    yes_no,
)


@dataclass(frozen=True)
class ClaimRegistration:
    """A total-loss claim notified (GAP-CLAIM-1, GAP-DEF-TERR)."""

    event_at: datetime
    notified_at: datetime | None = None  # None: now
    total_loss_on: date | None = None
    written_notice_on: date | None = None
    territory: Territory = Territory.ENGLAND
    motor_section: MotorSection = MotorSection.ACCIDENTAL_DAMAGE
    description: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> ClaimRegistration:
        if data.get("event_at") is None:
            raise DomainError(ErrorCode.REQUIRED, "event_at is required", "G2", "event_at")
        f = Fields()
        event_at = f.call(moment, data.get("event_at"), "event_at")
        notified = data.get("notified_at")
        notified_at = None if notified is None else f.call(moment, notified, "notified_at")
        loss_on = f.call(optional_day, data.get("total_loss_on"), "total_loss_on", "GAP-CLAIM-1")
        notice_on = f.call(
            optional_day, data.get("written_notice_on"), "written_notice_on", "GAP-CLAIM-1"
        )
        territory = f.call(
            choice, Territory, data.get("territory", "england"), "territory", "GAP-DEF-TERR"
        )
        section = f.call(
            choice,
            MotorSection,
            data.get("motor_section", "accidental_damage"),
            "motor_section",
            "GAP-CLAIM-2",
        )
        description = f.call(
            text, data.get("description"), "description", "GAP-CLAIM-1", NOTE_LENGTH, multiline=True
        )
        f.done()
        return cls(
            event_at=event_at,
            notified_at=notified_at,
            total_loss_on=loss_on,
            written_notice_on=notice_on,
            territory=territory,
            motor_section=section,
            description=description,
        )


@dataclass(frozen=True)
class ClaimFigures:
    """The motor insurer's figures for a GAP claim (GAP-COVER, GAP-BEST-1, GAP-EXCL-18).

    The ``gap-claim`` calculator reads the same figures from its payload.
    """

    settlement: Decimal
    motor_excess: Decimal
    accepted_settlement: Decimal | None = None
    market_value: Decimal | None = None
    contributory_percent: Decimal | None = None
    contributory_amount: Decimal | None = None
    vat_recovered: bool = False
    waive_market_value: bool = False
    premium_charged: Decimal | None = None
    premium_would_have_charged: Decimal | None = None

    @classmethod
    def parse(cls, f: Mapping[str, Any]) -> ClaimFigures:
        for key in ("settlement", "motor_excess"):
            if f.get(key) in (None, ""):
                raise DomainError(ErrorCode.REQUIRED, f"{key} is required", "GAP-COVER", key)

        got = Fields()

        def opt(key: str, rule: str) -> Decimal | None:
            return got.call(optional_money, f.get(key), key, rule)

        percent = f.get("contributory_percent")
        figures = cls(
            settlement=got.call(money, f["settlement"], "settlement", "GAP-DEF-SETTLE"),
            motor_excess=got.call(money, f["motor_excess"], "motor_excess", "GAP-COVER-3"),
            accepted_settlement=opt("accepted_settlement", "GAP-BEST-1"),
            market_value=opt("market_value", "GAP-DEF-MV"),
            contributory_percent=None
            if percent in (None, "")
            else got.call(
                money, percent, "contributory_percent", "GAP-EXCL-18", ceiling=Decimal(100)
            ),
            contributory_amount=opt("contributory_amount", "GAP-EXCL-18"),
            vat_recovered=got.call(yes_no, f.get("vat_recovered"), "vat_recovered", "GAP-EXCL-14"),
            waive_market_value=got.call(
                yes_no, f.get("waive_market_value"), "waive_market_value", "GAP-BEST-1"
            ),
            premium_charged=opt("premium_charged", "PLT-10"),
            premium_would_have_charged=opt("premium_would_have_charged", "PLT-10"),
        )
        got.done()
        return figures

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> ClaimFigures | None:
        """The figures stored with an assessed claim (None before assessment)."""
        if not stored or stored.get("settlement") in (None, ""):
            return None
        return cls.parse(stored)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = jsonable(self)
        return out


#: Yes/no facts found on a claim (GAP-CLAIM-3 exclusions) and their defaults.
FACT_FLAGS = (
    "driver_covered_by_motor_policy",
    "driver_intoxicated",
    "driving_illegally",
    "motor_policy_whole_period",
    "unattended_without_security",
    "new_for_old_taken",
    "premium_received",
    "application_received",
    "fraudulent",
    "consequential_loss_claimed",
)
FACT_DEFAULTS = {
    "driver_covered_by_motor_policy": True,
    "motor_policy_whole_period": True,
    "premium_received": True,
    "application_received": True,
}


@dataclass(frozen=True)
class ClaimFactsInput:
    """What the claims handler found (GAP-CLAIM-2/3, PLT-10)."""

    flags: Mapping[str, bool] = field(
        default_factory=lambda: {k: FACT_DEFAULTS.get(k, False) for k in FACT_FLAGS}
    )
    motor_claim_settled: bool = True
    vehicle_surrendered_or_written_off: bool = True
    payment_made: bool = True
    days_in_europe_this_cover_year: int = 0
    perils: frozenset[Peril] = frozenset()
    misrepresentation: Misrepresentation = Misrepresentation.NONE
    uses_at_loss: frozenset[VehicleUse] = frozenset()

    @classmethod
    def parse(cls, facts: Mapping[str, Any]) -> ClaimFactsInput:
        return cls(
            flags={k: bool(facts.get(k, FACT_DEFAULTS.get(k, False))) for k in FACT_FLAGS},
            motor_claim_settled=bool(facts.get("motor_claim_settled", True)),
            vehicle_surrendered_or_written_off=bool(
                facts.get("vehicle_surrendered_or_written_off", True)
            ),
            payment_made=bool(facts.get("payment_made", True)),
            days_in_europe_this_cover_year=whole(
                facts.get("days_in_europe_this_cover_year") or 0,
                "days_in_europe_this_cover_year",
                "GAP-DEF-TERR",
                (0, 366),
            ),
            perils=frozenset(
                choice(Peril, x, "perils", "GAP-CLAIM-3") for x in facts.get("perils") or []
            ),
            misrepresentation=choice(
                Misrepresentation,
                facts.get("misrepresentation") or "none",
                "misrepresentation",
                "PLT-10",
            ),
            uses_at_loss=frozenset(
                choice(VehicleUse, x, "uses_at_loss", "GAP-EXCL-1")
                for x in facts.get("uses_at_loss") or []
            ),
        )

    def with_new_for_old(self) -> ClaimFactsInput:
        """GAP-EXCL-9: the loss is the event that led to a new-for-old replacement."""
        return replace(self, flags={**self.flags, "new_for_old_taken": True})

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in jsonable(self).items() if k != "flags"}
        return {**dict(self.flags), **out}


@dataclass(frozen=True)
class AssessInput:
    """Assess a claim: the figures, the facts and any finance settlement lines."""

    figures: ClaimFigures
    facts: ClaimFactsInput = field(default_factory=ClaimFactsInput)
    finance_lines: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        figures: Mapping[str, Any],
        facts: Mapping[str, Any] | None = None,
        finance_lines: Iterable[tuple[str, Any]] = (),
    ) -> AssessInput:
        f = Fields()
        lines = tuple(
            (
                f.call(text, k, f"finance_lines[{i}].kind", "GAP-DEF-OFB", 40),
                f.call(money, a, f"finance_lines[{i}].amount", "GAP-DEF-OFB"),
            )
            for i, (k, a) in enumerate(finance_lines)
        )
        parsed = cls(
            figures=f.call(ClaimFigures.parse, figures),
            facts=f.call(ClaimFactsInput.parse, facts or {}),
            finance_lines=lines,
        )
        f.done()
        return parsed


@dataclass(frozen=True)
class DecideInput:
    """Approve, or decline with the exclusion ids (GAP-CLAIM-3)."""

    approve: bool
    exclusion_ids: tuple[str, ...] = ()  # empty: the declines found at assessment
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> DecideInput:
        ids = tuple(str(x) for x in data.get("exclusion_ids") or ())
        for x in ids:
            if not EXCLUSION_ID.match(x):
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{x!r} is not an exclusion id",
                    "GAP-CLAIM-3",
                    "exclusion_ids",
                )
        return cls(
            approve=bool(data.get("approve")),
            exclusion_ids=ids,
            note=text(data.get("note"), "note", "GAP-CLAIM-3", NOTE_LENGTH, multiline=True),
        )


@dataclass(frozen=True)
class DocumentsRequest:
    """Documents outstanding: what the customer must still send."""

    documents: tuple[str, ...]
    note: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> DocumentsRequest:
        wanted = tuple(str(d).strip() for d in data.get("documents") or () if str(d).strip())
        if not wanted:
            raise DomainError(
                ErrorCode.REQUIRED, "name the documents still needed", "GAP-CLAIM-1", "documents"
            )
        f = Fields()
        for i, d in enumerate(wanted):
            f.call(text, d, f"documents[{i}]", "GAP-CLAIM-1", 200)
        note = f.call(text, data.get("note"), "note", "GAP-CLAIM-1", NOTE_LENGTH, multiline=True)
        f.done()
        return cls(documents=wanted, note=note)


@dataclass(frozen=True)
class PayInput:
    """Pay an approved claim; the key makes a retry safe (API-IDEMPOTENCY)."""

    idempotency_key: str
    paid_on: date | None = None  # None: today


@dataclass(frozen=True)
class PaymentRequestInput:
    """Ask a second approver to pay a claim above one's authority (ADR 0026)."""

    note: str = ""


@dataclass(frozen=True)
class PaymentRefusalInput:
    """The second approver sends the payment back: why, in a sentence (ADR 0026)."""

    reason: str

    def __post_init__(self) -> None:
        if len(self.reason.split()) < 3:
            raise DomainError(
                ErrorCode.REQUIRED,
                "say why the payment is sent back, in a sentence",
                "GAP-CLAIM-4",
                "reason",
            )
