"""One way to show money and dates, on pages and in letters (issues 12 and 13).

Installed as template builtins (settings.TEMPLATES), so every template writes
``{{ amount|money }}`` -> ``£13,400.00`` and ``{{ day|ukdate }}`` -> ``3 December 2026``,
through the same domain formatters the letters use.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template

from covernote.domain.calendar import london_date, long_date, long_datetime, short_date
from covernote.domain.money import gbp

register = template.Library()


@register.filter
def money(value: object) -> str:
    """``13400`` / ``"13400.5"`` / ``Decimal`` -> ``£13,400.50``; empty for None or ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):  # never expected: money is Decimal or pence
        value = repr(value)
    try:
        return gbp(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def ukdate(value: object, style: str = "long") -> str:
    """A date or datetime as ``3 December 2026`` (``style="short"``: ``03/12/2026``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        value = value.date() if value.tzinfo is None else london_date(value)
    if isinstance(value, date):
        return short_date(value) if style == "short" else long_date(value)
    return str(value)


@register.filter
def ukdatetime(value: object) -> str:
    """An instant in London time: ``3 December 2026 at 11:47``."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return (
            long_datetime(value) if value.tzinfo else f"{long_date(value.date())} at {value:%H:%M}"
        )
    return ukdate(value)


@register.filter
def customer_steps(steps: object) -> object:
    """A decision's steps as a customer letter shows them (PLT-7): ISO dates as
    "30 April 2026", no rule ids, staff process steps left out."""
    from covernote.domain.correspondence import customer_steps as plain

    return plain(steps) if isinstance(steps, (list, tuple)) else steps
