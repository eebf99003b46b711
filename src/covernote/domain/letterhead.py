"""Who a letter is from and to (PLT-7, YD-INFO, issue 13): pure, no Django.

Every customer letter and schedule carries the sending firm's identity (name, FCA
firm reference number, registered office, company number), the selling broker
and the insurer where the product has them, and the product's FSCS and
applicable-law text (YD-INFO). Firm data comes from ``accounts.Firm``; the
product's part comes from the ``[disclosures]`` table of the product version the
policy is pinned to (ADR 0005, :func:`parse_disclosures`). Nothing here is typed
into a template.

The addressee is written as Royal Mail asks (name, organisation, building and
street, locality, POST TOWN in capitals, postcode on its own last line) and
greeted the way the customer chose (:func:`salutation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from covernote.domain.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class FirmIdentity:
    """A regulated firm as a letter must name it."""

    name: str
    frn: str = ""
    registered_office: tuple[str, ...] = ()
    company_number: str = ""
    phone: str = ""
    registered_in: str = "England and Wales"

    def statement(self, *, arranged: bool = False) -> str:
        """``Coplus Insurance Services is authorised and regulated by the Financial Conduct
        Authority (firm reference number 300001). Registered in England and Wales, company
        number 01234567. Registered office: ...``; ``arranged`` for the selling broker."""
        text = self.name
        if self.frn:
            text += ", who arranged this insurance for you," if arranged else ""
            text += (
                " is authorised and regulated by the Financial Conduct Authority "
                f"(firm reference number {self.frn})"
            )
        elif arranged:
            text += " arranged this insurance for you"
        if self.company_number:
            text += f". Registered in {self.registered_in}, company number {self.company_number}"
        if self.registered_office:
            text += f". Registered office: {', '.join(self.registered_office)}"
        return text + "."


@dataclass(frozen=True)
class Disclosures:
    """A product version's regulatory text (YD-INFO; GAP seed 002 "Insurer")."""

    insurer: str
    insurer_statement: str
    fscs: str
    applicable_law: str


@dataclass(frozen=True)
class Letterhead:
    """The sender block and regulatory footer of one letter."""

    sender: FirmIdentity
    broker: FirmIdentity | None = None
    disclosures: Disclosures | None = None
    extra: tuple[str, ...] = field(default=())

    def footer(self) -> tuple[str, ...]:
        """Each paragraph of the regulatory footer, in order."""
        lines = [self.sender.statement()]
        if self.broker is not None and self.broker.name != self.sender.name:
            lines.append(self.broker.statement(arranged=True))
        if self.disclosures is not None:
            d = self.disclosures
            lines.append(d.insurer_statement)
            lines.append(d.fscs)
            lines.append(d.applicable_law)
        lines.extend(self.extra)
        return tuple(line for line in lines if line)


def parse_disclosures(table: object, source: str) -> Disclosures:
    """The ``[disclosures]`` table of a product file; every key required, none unknown."""
    keys = ("insurer", "insurer_statement", "fscs", "applicable_law")
    if not isinstance(table, Mapping):
        raise DomainError(
            ErrorCode.CONFIGURATION, f"{source}: [disclosures] is missing", "YD-INFO", "disclosures"
        )
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise DomainError(
            ErrorCode.CONFIGURATION,
            f"{source}: disclosures.{unknown[0]} is not a known key",
            "YD-INFO",
            f"disclosures.{unknown[0]}",
        )
    values: dict[str, str] = {}
    for key in keys:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DomainError(
                ErrorCode.CONFIGURATION,
                f"{source}: disclosures.{key} must be non-empty text",
                "YD-INFO",
                f"disclosures.{key}",
            )
        values[key] = " ".join(value.split())
    return Disclosures(**values)


# --------------------------------------------------------------------------- the addressee


class SalutationStyle(StrEnum):
    """How the customer asked to be greeted (issue 13)."""

    TITLE_SURNAME = "title_surname"  # "Dear Mr Okafor" (the default)
    FIRST_NAME = "first_name"  # "Dear Daniel"
    FULL_NAME = "full_name"  # "Dear Daniel Okafor"


def addressee_name(title: str, first_name: str, last_name: str) -> str:
    """The name on the envelope: ``Mr Daniel Okafor``."""
    return " ".join(p for p in (title.strip(), first_name.strip(), last_name.strip()) if p)


def salutation(
    *, title: str, first_name: str, last_name: str, style: str | SalutationStyle = ""
) -> str:
    """``Dear Mr Okafor``; ``Dear Daniel`` if they asked for first name; with no title
    the full name (``Dear Jamie Young``), never ``Dear Mr Daniel Okafor``."""
    chosen = SalutationStyle(style) if style else SalutationStyle.TITLE_SURNAME
    first, last, ttl = first_name.strip(), last_name.strip(), title.strip()
    if chosen is SalutationStyle.FIRST_NAME and first:
        name = first
    elif chosen is SalutationStyle.TITLE_SURNAME and ttl and last:
        name = f"{ttl} {last}"
    else:
        name = " ".join(p for p in (first, last) if p) or ttl or "Customer"
    return f"Dear {name}"


def postal_address(
    *,
    name: str,
    organisation: str = "",
    lines: Iterable[str] = (),
    locality: str = "",
    town: str = "",
    postcode: str = "",
) -> tuple[str, ...]:
    """Royal Mail order: name, organisation, building/street lines, locality, POST TOWN in
    capitals, postcode alone on the last line. Empty parts are left out."""
    parts = [name, organisation, *lines, locality, town.strip().upper(), postcode.strip().upper()]
    return tuple(p.strip() for p in parts if p and p.strip())
