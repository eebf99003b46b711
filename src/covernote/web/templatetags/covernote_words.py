"""Words on pages (issue 12): customers read plain English, staff read rule ids.

Installed as template builtins (settings.TEMPLATES) next to ``|money`` and ``|ukdate``:

- ``{{ text|plain }}`` removes rule ids (``GAP-BEST-1``, ``YD-BOX-INSTALL``) and internal
  notes in brackets (``(open question for compliance)``) from text a customer reads;
- ``{{ code|label }}`` reads a stored code as words (``third_party_fire_theft`` ->
  ``Third party, fire and theft``; ``uk`` -> ``UK``);
- ``{{ rate|percent }}`` shows a fraction as a percentage (``0.24900`` -> ``24.9%``);
- ``{{ version.changes|change_list }}`` turns a version's stored changes into readable
  lines (``Annual premium: £1,200.00 → £1,350.00``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django import template

from covernote.documents.templatetags.covernote_format import money, ukdate
from covernote.domain.labels import human_label

register = template.Library()

#: A rule id as the specification writes them: GAP-COVER-2, YD-BOX-INSTALL, COMP-4, PLT-7.
RULE_ID = re.compile(r"\b(?:GAP|YD|COMP|TEL|PLT|DISP|CONC|ICOBS)(?:-[A-Z0-9]+)+\b|\bG\d\b")
#: Internal notes written for staff, in brackets.
INTERNAL_NOTE = re.compile(
    r"\s*\((?:[^()]*\b(?:open question|compliance|TODO|internal|rule|see SPEC)\b[^()]*)\)",
    re.IGNORECASE,
)
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*[,;·]?\s*\)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SPACES = re.compile(r"[ \t]{2,}")

MONEY_KEYS = frozenset(
    {
        "annual_premium",
        "premium_adjustment",
        "fee",
        "refund",
        "box_refund",
        "box_credit",
        "amount",
        "total",
        "net",
        "ipt",
        "gross",
    }
)
HIDDEN_KEYS = frozenset({"idempotency_key"})


@register.filter
def plain(value: object) -> str:
    """Text a customer reads: no rule ids, no internal notes, dates as 1 May 2026."""
    text = "" if value is None else str(value)
    text = INTERNAL_NOTE.sub("", text)
    text = RULE_ID.sub("", text)
    text = _EMPTY_BRACKETS.sub("", text)
    text = ISO_DATE.sub(lambda m: ukdate(m.group(0)), text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"^[\s:·—-]+", "", text)
    return _SPACES.sub(" ", text).strip()


@register.filter
def label(value: object) -> str:
    return human_label(value)


@register.filter
def percent(value: object) -> str:
    """A rate stored as a fraction, as a percentage with no trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        pct = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{pct.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _value(key: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{_value(key, value[0])} → {_value(key, value[1])}"
    if isinstance(value, Mapping):
        return "; ".join(f"{human_label(k)} {_value(str(k), v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, v) for v in value)
    if key in MONEY_KEYS:
        return money(value)
    if isinstance(value, date):
        return ukdate(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return ukdate(value)
    if isinstance(value, str):
        return human_label(value)
    return str(value)


@register.filter
def change_list(changes: object) -> list[str]:
    """A version's stored changes as lines: ``Status: Live → Cancelled``."""
    if not isinstance(changes, Mapping):
        return [str(changes)] if changes else []
    return [
        f"{human_label(key)}: {_value(str(key), value)}"
        for key, value in changes.items()
        if key not in HIDDEN_KEYS
    ]
