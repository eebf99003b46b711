"""Complaints configuration: frozen dataclasses parsed from ``config/products/complaints/<date>.toml``.

Deadlines, stage owners, contacts, destinations, eligibility thresholds and the
DISP 1 Annex 3R wording are data, not code (ARCHITECTURE §3.2; COMP-3, COMP-4,
COMP-5). The parser is pure: the caller reads the file and passes the mapping
and the file name; the shape is the pydantic model :class:`ComplaintsFile` (ADR 0025); every refusal is ``DomainError(code=configuration)`` naming
the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, Strict

from covernote.domain.calendar import Nation
from covernote.domain.config_model import (
    ClockTime,
    ConfigModel,
    Count,
    IsoDate,
    Positive,
    PositiveCount,
    Text,
    config_error,
    validate,
)
from covernote.domain.errors import DomainError, ErrorCode


class ProcedureKind(StrEnum):
    """The configured complaint procedures (COMP-3, COMP-5, GAP-COMPLAINT, YD-COMPLAINT)."""

    BROKER_PLATFORM = "broker_platform"
    YOUNG_DRIVER = "young_driver"
    GAP_CLAIM = "gap_claim"
    GAP_SALE = "gap_sale"


class LapseAction(StrEnum):
    """What follows when a complaint is not resolved by the end of the 3rd working day."""

    ESCALATE = "escalate"  # COMP-3: to the QA team (stage 2)
    FORWARD = "forward"  # DISP 1.7, GAP-COMPLAINT: to the insurer, complainant told
    NONE = "none"


class DestinationKind(StrEnum):
    """What the complaint is about, for the onward route after the firm (COMP-4)."""

    FIRM_SERVICE = "firm_service"
    CLAIMS_MANAGEMENT = "claims_management"
    PANEL_SOLICITOR_CONDUCT = "panel_solicitor_conduct"


# COMP-4 / REGULATION §1.4: the MoJ Claims Management Regulator no longer exists
# as a destination; a configuration naming it is refused.
FORBIDDEN_DESTINATION_MARKERS = ("claims management regulator", "justice.gov.uk/claims-regulation")


@dataclass(frozen=True)
class Contact:
    key: str
    name: str
    address: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    website: str = ""

    def lines(self) -> tuple[str, ...]:
        """Name, address and contact details as printable lines (empty parts left out)."""
        out = [self.name, *self.address]
        if self.phone:
            out.append(f"Telephone: {self.phone}")
        if self.email:
            out.append(f"Email: {self.email}")
        if self.website:
            out.append(f"Website: {self.website}")
        return tuple(out)


@dataclass(frozen=True)
class ClockRules:
    """COMP-2 timing parameters."""

    close_of_business: time = time(17, 30)  # COMP-2
    summary_resolution_working_days: int = 3  # DISP 1.5.1R
    final_response_days: int = 56  # DISP 1.6.2R, G7: 8 weeks
    fos_referral_months: int = 6  # DISP 2.8.2R(1)
    default_nation: Nation = Nation.ENGLAND  # G5
    alternative_format_alert_working_days: int = 5  # REGULATION §6 ASSUMPTION


@dataclass(frozen=True)
class RetentionRules:
    years: int = 3  # COMP-7, DISP 1.9.1R


@dataclass(frozen=True)
class EligibilityThresholds:
    """COMP-FOS-ELIG, DISP 2.7.3R thresholds (REGULATION §1.3)."""

    eur_per_gbp: Decimal = Decimal("1.15")  # ASSUMPTION: default FX, EUR per GBP
    micro_employees_fewer_than: int = 10
    micro_limit_eur: Decimal = Decimal("2000000")  # "not exceeding" (<=)
    small_turnover_below_gbp: Decimal = Decimal("6500000")  # strictly below
    small_employees_fewer_than: int = 50
    small_balance_sheet_below_gbp: Decimal = Decimal("5000000")
    charity_income_below_gbp: Decimal = Decimal("6500000")
    trust_net_assets_below_gbp: Decimal = Decimal("5000000")


@dataclass(frozen=True)
class Procedure:
    """One configured complaints procedure (COMP-3, COMP-5)."""

    kind: ProcedureKind
    name: str
    rule: str
    stage1: Contact
    on_summary_lapse: LapseAction = LapseAction.NONE
    acknowledge_working_days: int | None = None
    escalation_acknowledge_working_days: int | None = None
    stage2: Contact | None = None
    forward_to: Contact | None = None
    tell_complainant_on_forward: bool = False
    subjects: Mapping[str, Contact] = field(default_factory=dict)

    @property
    def can_escalate(self) -> bool:
        return self.stage2 is not None

    @property
    def can_forward(self) -> bool:
        return self.forward_to is not None

    def owner_for(self, subject: str | None = None) -> Contact:
        """Who owns stage 1 for this subject (YD-COMPLAINT: sales/service vs claims)."""
        if subject is None:
            return self.stage1
        try:
            return self.subjects[subject]
        except KeyError as exc:
            allowed = ", ".join(sorted(self.subjects)) or "(none)"
            raise DomainError(
                ErrorCode.INVALID,
                f"subject {subject!r} is not configured for {self.kind}; allowed: {allowed}",
                "COMP-5",
                "subject",
            ) from exc


@dataclass(frozen=True)
class Destination:
    kind: DestinationKind
    description: str
    route: tuple[Contact, ...]
    since: date | None = None


@dataclass(frozen=True)
class LetterWording:
    fos_leaflet_title: str
    annex_3r_no_consent: tuple[str, ...]
    annex_3r_consent: tuple[str, ...]


@dataclass(frozen=True)
class ComplaintsConfig:
    version: str
    effective_from: date
    clock: ClockRules
    retention: RetentionRules
    eligibility: EligibilityThresholds
    contacts: Mapping[str, Contact]
    procedures: Mapping[ProcedureKind, Procedure]
    destinations: Mapping[DestinationKind, Destination]
    letters: LetterWording

    def procedure(self, kind: ProcedureKind | str) -> Procedure:
        try:
            return self.procedures[ProcedureKind(kind)]
        except (KeyError, ValueError) as exc:
            allowed = ", ".join(k.value for k in ProcedureKind)
            raise DomainError(
                ErrorCode.INVALID, f"procedure must be one of {allowed}", "COMP-5", "procedure"
            ) from exc

    @property
    def fos(self) -> Contact:
        return self.contacts["fos"]


# --- the file's shape (pydantic, ADR 0025) -----------------------------------------

RULE = "COMP-5"


# Enum fields read from their TOML strings (strict mode would want the member itself).
_Nation = Annotated[Nation, Strict(False)]
_Lapse = Annotated[LapseAction, Strict(False)]
_ProcedureKey = Annotated[ProcedureKind, Strict(False)]
_DestinationKey = Annotated[DestinationKind, Strict(False)]


class _Product(ConfigModel):
    code: Literal["complaints"]
    version: Text
    effective_from: IsoDate


_CLOCK, _ELIG = ClockRules(), EligibilityThresholds()


class _Clock(ConfigModel):
    close_of_business: ClockTime = _CLOCK.close_of_business
    summary_resolution_working_days: PositiveCount = _CLOCK.summary_resolution_working_days
    final_response_days: PositiveCount = _CLOCK.final_response_days
    fos_referral_months: PositiveCount = _CLOCK.fos_referral_months
    default_nation: _Nation = _CLOCK.default_nation
    alternative_format_alert_working_days: Count = _CLOCK.alternative_format_alert_working_days


class _Retention(ConfigModel):
    years: Annotated[int, Field(ge=3)] = RetentionRules().years


class _FosEligibility(ConfigModel):
    eur_per_gbp: Positive = _ELIG.eur_per_gbp
    micro_employees_fewer_than: PositiveCount = _ELIG.micro_employees_fewer_than
    micro_limit_eur: Positive = _ELIG.micro_limit_eur
    small_turnover_below_gbp: Positive = _ELIG.small_turnover_below_gbp
    small_employees_fewer_than: PositiveCount = _ELIG.small_employees_fewer_than
    small_balance_sheet_below_gbp: Positive = _ELIG.small_balance_sheet_below_gbp
    charity_income_below_gbp: Positive = _ELIG.charity_income_below_gbp
    trust_net_assets_below_gbp: Positive = _ELIG.trust_net_assets_below_gbp


class _Contact(ConfigModel):
    name: str
    address: list[str] = []
    phone: str = ""
    email: str = ""
    website: str = ""


class _Procedure(ConfigModel):
    name: str
    rule: str
    stage1: str
    on_summary_lapse: _Lapse = LapseAction.NONE
    acknowledge_working_days: PositiveCount | None = None
    escalation_acknowledge_working_days: PositiveCount | None = None
    stage2: str | None = None
    forward_to: str | None = None
    tell_complainant_on_forward: bool = False
    subjects: dict[str, str] = {}


class _Destination(ConfigModel):
    description: str
    route: list[str] = Field(min_length=1)
    since: IsoDate | None = None


class _Letters(ConfigModel):
    fos_leaflet_title: str
    annex_3r_no_consent: list[str]
    annex_3r_consent: list[str]


class ComplaintsFile(ConfigModel):
    """``config/products/complaints/<effective_from>.toml``."""

    product: _Product
    clock: _Clock
    retention: _Retention
    fos_eligibility: _FosEligibility
    contacts: dict[str, _Contact]
    procedures: dict[_ProcedureKey, _Procedure]
    destinations: dict[_DestinationKey, _Destination]
    letters: _Letters


def parse_complaints_config(data: Mapping[str, Any], *, source: str) -> ComplaintsConfig:
    """Parse and validate the complaints configuration (COMP-2..COMP-5, COMP-FOS-ELIG).

    ``source`` is the file name used in error messages. Every procedure in
    :class:`ProcedureKind` and every :class:`DestinationKind` must be configured.
    """
    f = validate(ComplaintsFile, data, source, rule=RULE)

    def fail(path: str, reason: str) -> DomainError:
        return config_error(source, path, reason, RULE)

    contacts: dict[str, Contact] = {}
    for key, c in f.contacts.items():
        contact = Contact(key, c.name, tuple(c.address), c.phone, c.email, c.website)
        text = " ".join(contact.lines()).lower()
        if any(marker in text for marker in FORBIDDEN_DESTINATION_MARKERS):
            raise fail(
                f"contacts.{key}.name",
                "the Claims Management Regulator is not a valid destination since "
                "1 April 2019 (COMP-4); use the Financial Ombudsman Service",
            )
        contacts[key] = contact
    if "fos" not in contacts:
        raise fail("contacts.fos", "the Financial Ombudsman Service contact is required (COMP-4)")

    def ref(path: str, name: str) -> Contact:
        if name not in contacts:
            raise fail(path, f"unknown contact {name!r}")
        return contacts[name]

    procedures: dict[ProcedureKind, Procedure] = {}
    for kind in ProcedureKind:
        path = f"procedures.{kind.value}"
        p = f.procedures.get(kind)
        if p is None:
            raise fail(path, "is missing")
        lapse = LapseAction(p.on_summary_lapse)
        stage2 = ref(f"{path}.stage2", p.stage2) if p.stage2 is not None else None
        forward = ref(f"{path}.forward_to", p.forward_to) if p.forward_to is not None else None
        if lapse is LapseAction.ESCALATE and stage2 is None:
            raise fail(f"{path}.stage2", "required when on_summary_lapse = 'escalate'")
        if lapse is LapseAction.FORWARD and forward is None:
            raise fail(f"{path}.forward_to", "required when on_summary_lapse = 'forward'")
        if p.escalation_acknowledge_working_days is not None and stage2 is None:
            raise fail(f"{path}.escalation_acknowledge_working_days", "needs a stage2 owner")
        procedures[kind] = Procedure(
            kind=kind,
            name=p.name,
            rule=p.rule,
            stage1=ref(f"{path}.stage1", p.stage1),
            on_summary_lapse=lapse,
            acknowledge_working_days=p.acknowledge_working_days,
            escalation_acknowledge_working_days=p.escalation_acknowledge_working_days,
            stage2=stage2,
            forward_to=forward,
            tell_complainant_on_forward=p.tell_complainant_on_forward,
            subjects={s: ref(f"{path}.subjects.{s}", c) for s, c in p.subjects.items()},
        )

    destinations: dict[DestinationKind, Destination] = {}
    for dkind in DestinationKind:
        path = f"destinations.{dkind.value}"
        d = f.destinations.get(dkind)
        if d is None:
            raise fail(path, "is missing")
        destinations[dkind] = Destination(
            kind=dkind,
            description=d.description,
            route=tuple(ref(f"{path}.route", name) for name in d.route),
            since=d.since,
        )

    clock = f.clock
    el = f.fos_eligibility
    return ComplaintsConfig(
        version=f.product.version,
        effective_from=f.product.effective_from,
        clock=ClockRules(
            close_of_business=clock.close_of_business,
            summary_resolution_working_days=clock.summary_resolution_working_days,
            final_response_days=clock.final_response_days,
            fos_referral_months=clock.fos_referral_months,
            default_nation=Nation(clock.default_nation),
            alternative_format_alert_working_days=clock.alternative_format_alert_working_days,
        ),
        retention=RetentionRules(years=f.retention.years),
        eligibility=EligibilityThresholds(**el.model_dump()),
        contacts=contacts,
        procedures=procedures,
        destinations=destinations,
        letters=LetterWording(
            fos_leaflet_title=f.letters.fos_leaflet_title,
            annex_3r_no_consent=tuple(f.letters.annex_3r_no_consent),
            annex_3r_consent=tuple(f.letters.annex_3r_consent),
        ),
    )
