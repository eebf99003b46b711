"""PLT-2 / PLT-7: which channel and format a customer's correspondence must use.

A customer's recorded reasonable adjustments always win over their stated
preference and over what a process would like to do: someone who must be
written to by letter never gets a phone task or an SMS, and someone who needs
large print gets large print whatever the template's default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from covernote.domain.calendar import long_date
from covernote.domain.decisions import Decision


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    SMS = "sms"


class DocumentFormat(StrEnum):
    STANDARD = "standard"
    LARGE_PRINT = "large_print"
    AUDIO = "audio"
    BRAILLE = "braille"


@dataclass(frozen=True)
class Adjustment:
    """The parts of a reasonable adjustment that bind correspondence (PLT-2)."""

    summary: str
    requires_channel: Channel | None = None
    forbids_channels: frozenset[Channel] = frozenset()
    requires_format: DocumentFormat | None = None


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    document_format: DocumentFormat
    decision: Decision


def choose_delivery(
    *,
    preferred_channel: Channel,
    preferred_format: DocumentFormat,
    adjustments: Iterable[Adjustment],
    has_email: bool,
    has_address: bool,
    has_mobile: bool,
) -> Delivery:
    """Pick channel and format for one document (PLT-2, PLT-7).

    Order: an adjustment that requires a channel wins; otherwise the customer's
    preference, unless an adjustment forbids it; a phone preference means a
    written document still has to go somewhere, so it falls back to email or
    letter. A channel with no contact detail falls back to letter.
    """
    decision = Decision(outcome="delivery")
    active = list(adjustments)
    forbidden: set[Channel] = set()
    for adj in active:
        forbidden |= adj.forbids_channels
    required = next((a for a in active if a.requires_channel is not None), None)

    if required is not None and required.requires_channel is not None:
        channel = required.requires_channel
        decision.step("PLT-2", f"Reasonable adjustment requires {channel}: {required.summary}")
    else:
        channel = preferred_channel
        decision.step("PLT-1", f"Customer's preferred contact channel is {channel}")
        if channel in forbidden:
            decision.step("PLT-2", f"{channel} is ruled out by a reasonable adjustment")
            channel = Channel.LETTER
        if channel in (Channel.PHONE, Channel.SMS):
            # A document is written: a phone call or text can only point to it.
            channel = (
                Channel.EMAIL if has_email and Channel.EMAIL not in forbidden else Channel.LETTER
            )
            decision.step(
                "PLT-7", f"A written document cannot go by phone or SMS; sent by {channel}"
            )
    if channel is Channel.EMAIL and not has_email:
        channel = Channel.LETTER
        decision.step("PLT-7", "No email address on file; sent by letter")
    if channel is Channel.LETTER and not has_address:
        decision.warn("No postal address on file for a letter")

    fmt_adj = next((a for a in active if a.requires_format is not None), None)
    if fmt_adj is not None and fmt_adj.requires_format is not None:
        fmt = fmt_adj.requires_format
        decision.step("PLT-2", f"Reasonable adjustment requires {fmt}: {fmt_adj.summary}")
    else:
        fmt = preferred_format
        decision.step("PLT-1", f"Customer's preferred document format is {fmt}")
    return Delivery(channel=channel, document_format=fmt, decision=decision)


def may_phone(adjustments: Iterable[Adjustment]) -> bool:
    """False when an adjustment rules out phone contact (no phone tasks are raised)."""
    for adj in adjustments:
        if Channel.PHONE in adj.forbids_channels:
            return False
        if adj.requires_channel is not None and adj.requires_channel is not Channel.PHONE:
            return False
    return True


# --------------------------------------------------------------------------- customer wording (PLT-7)

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RULE_IN_BRACKETS = re.compile(r"\s*\((?:[A-Z]{2,5}-)+[A-Z0-9]+(?:[-/][A-Z0-9]+)*\)")
#: Steps that record what staff did about the outcome (the 14-day notice): the letter's
#: own paragraphs tell the customer, in words, so the step is not repeated.
PROCESS_RULES = frozenset({"YD-REVIEW-4"})


def customer_wording(text: str) -> str:
    """A calculation step's description as a customer reads it (PLT-7): dates as
    "30 April 2026", never ISO; rule ids in brackets left on the staff record."""

    def _date(match: re.Match[str]) -> str:
        try:
            return long_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _RULE_IN_BRACKETS.sub("", _ISO_DATE.sub(_date, text))


def customer_steps(steps: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """A decision's steps for a customer letter: descriptions in customer wording, the
    amount as it was, staff process steps (:data:`PROCESS_RULES`) left out."""
    return tuple(
        {"description": customer_wording(str(s.get("description", ""))), "amount": s.get("amount")}
        for s in steps
        if s.get("rule") not in PROCESS_RULES
    )
