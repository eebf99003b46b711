"""Complaints configuration: frozen dataclasses parsed from ``config/products/complaints/<date>.toml``.

Deadlines, stage owners, contacts, destinations, eligibility thresholds and the
DISP 1 Annex 3R wording are data, not code (ARCHITECTURE §3.2; COMP-3, COMP-4,
COMP-5). The parser is pure: the caller reads the file and passes the mapping
and the file name; every refusal is ``DomainError(code=configuration)`` naming
the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from covernote.domain.calendar import Nation
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


# --- parsing ------------------------------------------------------------------


class _Reader:
    """Typed access to a TOML table; every failure names the file and the dotted key."""

    def __init__(self, source: str, table: Mapping[str, Any], prefix: str = "") -> None:
        self.source = source
        self.table = table
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, message: str) -> DomainError:
        return DomainError(
            ErrorCode.CONFIGURATION,
            f"{self.source}: {self.key(name)}: {message}",
            "COMP-5",
            self.key(name),
        )

    def has(self, name: str) -> bool:
        return name in self.table

    def raw(self, name: str) -> Any:
        if name not in self.table:
            raise self.fail(name, "missing")
        return self.table[name]

    def sub(self, name: str) -> _Reader:
        value = self.raw(name)
        if not isinstance(value, Mapping):
            raise self.fail(name, "must be a table")
        return _Reader(self.source, value, f"{self.key(name)}.")

    def string(self, name: str, default: str | None = None) -> str:
        if default is not None and name not in self.table:
            return default
        value = self.raw(name)
        if not isinstance(value, str):
            raise self.fail(name, "must be a string")
        return value

    def integer(self, name: str, default: int | None = None, *, minimum: int = 0) -> int:
        if default is not None and name not in self.table:
            return default
        value: object = self.raw(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, "must be an integer")
        if value < minimum:
            raise self.fail(name, f"must be >= {minimum}")
        return value

    def optional_integer(self, name: str, *, minimum: int = 0) -> int | None:
        if name not in self.table:
            return None
        return self.integer(name, minimum=minimum)

    def boolean(self, name: str, default: bool) -> bool:
        if name not in self.table:
            return default
        value = self.raw(name)
        if not isinstance(value, bool):
            raise self.fail(name, "must be true or false")
        return value

    def decimal(self, name: str, default: Decimal | None = None) -> Decimal:
        if default is not None and name not in self.table:
            return default
        value = self.raw(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(name, "must be a decimal string (never a float)")
        try:
            amount = Decimal(str(value))
        except InvalidOperation as exc:
            raise self.fail(name, f"is not a number: {value!r}") from exc
        if not amount.is_finite() or amount <= 0:
            raise self.fail(name, "must be a positive number")
        return amount

    def iso_date(self, name: str) -> date:
        value = self.raw(name)
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise self.fail(name, "must be an ISO date")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(name, f"is not an ISO date: {value!r}") from exc

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "must be a list of strings")
        return tuple(value)

    def clock_time(self, name: str, default: time) -> time:
        if name not in self.table:
            return default
        value = self.raw(name)
        if isinstance(value, time):
            return value
        if not isinstance(value, str):
            raise self.fail(name, "must be a time HH:MM")
        try:
            return time.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(name, f"is not a time HH:MM: {value!r}") from exc


def _contact(reader: _Reader, key: str) -> Contact:
    contact = Contact(
        key=key,
        name=reader.string("name"),
        address=reader.strings("address") if reader.has("address") else (),
        phone=reader.string("phone", ""),
        email=reader.string("email", ""),
        website=reader.string("website", ""),
    )
    text = " ".join(contact.lines()).lower()
    for marker in FORBIDDEN_DESTINATION_MARKERS:
        if marker in text:
            raise reader.fail(
                "name",
                "the Claims Management Regulator is not a valid destination since "
                "1 April 2019 (COMP-4); use the Financial Ombudsman Service",
            )
    return contact


def _contact_ref(reader: _Reader, name: str, contacts: Mapping[str, Contact]) -> Contact:
    ref = reader.string(name)
    if ref not in contacts:
        raise reader.fail(name, f"unknown contact {ref!r}")
    return contacts[ref]


def _procedure(reader: _Reader, kind: ProcedureKind, contacts: Mapping[str, Contact]) -> Procedure:
    try:
        lapse = LapseAction(reader.string("on_summary_lapse", LapseAction.NONE.value))
    except ValueError as exc:
        allowed = ", ".join(a.value for a in LapseAction)
        raise reader.fail("on_summary_lapse", f"must be one of {allowed}") from exc
    stage2 = _contact_ref(reader, "stage2", contacts) if reader.has("stage2") else None
    forward_to = _contact_ref(reader, "forward_to", contacts) if reader.has("forward_to") else None
    if lapse is LapseAction.ESCALATE and stage2 is None:
        raise reader.fail("stage2", "required when on_summary_lapse = 'escalate'")
    if lapse is LapseAction.FORWARD and forward_to is None:
        raise reader.fail("forward_to", "required when on_summary_lapse = 'forward'")
    escalation_ack = reader.optional_integer("escalation_acknowledge_working_days", minimum=1)
    if escalation_ack is not None and stage2 is None:
        raise reader.fail("escalation_acknowledge_working_days", "needs a stage2 owner")
    subjects: dict[str, Contact] = {}
    if reader.has("subjects"):
        sub = reader.sub("subjects")
        for subject in sub.table:
            subjects[str(subject)] = _contact_ref(sub, str(subject), contacts)
    return Procedure(
        kind=kind,
        name=reader.string("name"),
        rule=reader.string("rule"),
        stage1=_contact_ref(reader, "stage1", contacts),
        on_summary_lapse=lapse,
        acknowledge_working_days=reader.optional_integer("acknowledge_working_days", minimum=1),
        escalation_acknowledge_working_days=escalation_ack,
        stage2=stage2,
        forward_to=forward_to,
        tell_complainant_on_forward=reader.boolean("tell_complainant_on_forward", False),
        subjects=subjects,
    )


def parse_complaints_config(data: Mapping[str, Any], *, source: str) -> ComplaintsConfig:
    """Parse and validate the complaints configuration (COMP-2..COMP-5, COMP-FOS-ELIG).

    ``source`` is the file name used in error messages. Every procedure in
    :class:`ProcedureKind` and every :class:`DestinationKind` must be configured.
    """
    root = _Reader(source, data)

    clock_r = root.sub("clock")
    nation_raw = clock_r.string("default_nation", Nation.ENGLAND.value)
    try:
        nation = Nation(nation_raw)
    except ValueError as exc:
        raise clock_r.fail("default_nation", f"unknown nation {nation_raw!r}") from exc
    clock = ClockRules(
        close_of_business=clock_r.clock_time("close_of_business", time(17, 30)),
        summary_resolution_working_days=clock_r.integer(
            "summary_resolution_working_days", 3, minimum=1
        ),
        final_response_days=clock_r.integer("final_response_days", 56, minimum=1),
        fos_referral_months=clock_r.integer("fos_referral_months", 6, minimum=1),
        default_nation=nation,
        alternative_format_alert_working_days=clock_r.integer(
            "alternative_format_alert_working_days", 5
        ),
    )

    retention = RetentionRules(years=root.sub("retention").integer("years", 3, minimum=3))

    el = root.sub("fos_eligibility")
    d = EligibilityThresholds()
    eligibility = EligibilityThresholds(
        eur_per_gbp=el.decimal("eur_per_gbp", d.eur_per_gbp),
        micro_employees_fewer_than=el.integer(
            "micro_employees_fewer_than", d.micro_employees_fewer_than, minimum=1
        ),
        micro_limit_eur=el.decimal("micro_limit_eur", d.micro_limit_eur),
        small_turnover_below_gbp=el.decimal("small_turnover_below_gbp", d.small_turnover_below_gbp),
        small_employees_fewer_than=el.integer(
            "small_employees_fewer_than", d.small_employees_fewer_than, minimum=1
        ),
        small_balance_sheet_below_gbp=el.decimal(
            "small_balance_sheet_below_gbp", d.small_balance_sheet_below_gbp
        ),
        charity_income_below_gbp=el.decimal("charity_income_below_gbp", d.charity_income_below_gbp),
        trust_net_assets_below_gbp=el.decimal(
            "trust_net_assets_below_gbp", d.trust_net_assets_below_gbp
        ),
    )

    contacts_r = root.sub("contacts")
    contacts = {str(key): _contact(contacts_r.sub(str(key)), str(key)) for key in contacts_r.table}
    if "fos" not in contacts:
        raise contacts_r.fail("fos", "the Financial Ombudsman Service contact is required (COMP-4)")

    procs_r = root.sub("procedures")
    procedures: dict[ProcedureKind, Procedure] = {}
    for key in procs_r.table:
        try:
            kind = ProcedureKind(str(key))
        except ValueError as exc:
            raise procs_r.fail(str(key), "unknown procedure") from exc
        procedures[kind] = _procedure(procs_r.sub(str(key)), kind, contacts)
    for kind in ProcedureKind:
        if kind not in procedures:
            raise procs_r.fail(kind.value, "missing")

    dest_r = root.sub("destinations")
    destinations: dict[DestinationKind, Destination] = {}
    for key in dest_r.table:
        try:
            dkind = DestinationKind(str(key))
        except ValueError as exc:
            raise dest_r.fail(str(key), "unknown destination") from exc
        one = dest_r.sub(str(key))
        refs = one.strings("route")
        if not refs:
            raise one.fail("route", "must name at least one contact")
        route = []
        for ref in refs:
            if ref not in contacts:
                raise one.fail("route", f"unknown contact {ref!r}")
            route.append(contacts[ref])
        destinations[dkind] = Destination(
            kind=dkind,
            description=one.string("description"),
            route=tuple(route),
            since=one.iso_date("since") if one.has("since") else None,
        )
    for dkind in DestinationKind:
        if dkind not in destinations:
            raise dest_r.fail(dkind.value, "missing")

    letters_r = root.sub("letters")
    letters = LetterWording(
        fos_leaflet_title=letters_r.string("fos_leaflet_title"),
        annex_3r_no_consent=letters_r.strings("annex_3r_no_consent"),
        annex_3r_consent=letters_r.strings("annex_3r_consent"),
    )

    header = root.sub("product") if root.has("product") else root
    return ComplaintsConfig(
        version=header.string("version"),
        effective_from=header.iso_date("effective_from"),
        clock=clock,
        retention=retention,
        eligibility=eligibility,
        contacts=contacts,
        procedures=procedures,
        destinations=destinations,
        letters=letters,
    )
