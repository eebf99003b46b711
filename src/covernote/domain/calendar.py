"""UK dates: working days per nation, calendar months, policy periods.

Conventions (REGULATION.md §0): G2 the date of an event is its calendar date in
Europe/London; G3/G4 periods are inclusive; G5 a working day is not a Saturday,
Sunday or a bank holiday *of the relevant UK nation* (from the ``holidays``
library, always with the subdivision given — without it Easter Monday and the
summer holiday are silently missing, §4); G6 "day N" counts calendar days from
day 0; G7 "8 weeks" is 56 calendar days and "N months" is ``relativedelta``
clamped at month end, neither rolled to a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from covernote.domain.errors import DomainError, ErrorCode

LONDON = ZoneInfo("Europe/London")
CLOSE_OF_BUSINESS = time(17, 30)  # COMP-2: "end of the working day", configurable


class Nation(StrEnum):
    """The parts of the UK with their own bank holidays (G5), plus the Crown dependencies."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"
    ISLE_OF_MAN = "isle_of_man"
    CHANNEL_ISLANDS = "channel_islands"


# holidays' UK subdivisions; the Crown dependencies are not UK nations for the
# FCA business-day definition, so firms there fall back to England (G5 default).
_SUBDIV = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
    Nation.ISLE_OF_MAN: "ENG",
    Nation.CHANNEL_ISLANDS: "ENG",
}


def parse_nation(value: str | Nation, *, field: str = "nation") -> Nation:
    try:
        return Nation(str(value).lower())
    except ValueError as exc:
        allowed = ", ".join(n.value for n in Nation)
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be one of {allowed}", "G5", field
        ) from exc


@lru_cache(maxsize=64)
def _holidays_for(subdiv: str, year: int) -> frozenset[date]:
    import holidays  # loaded on first use: ~0.2 s of start-up for every command otherwise

    cal = holidays.country_holidays("GB", subdiv=subdiv, years=[year])
    return frozenset(cal.keys())


def bank_holidays(nation: Nation, years: Iterable[int]) -> dict[date, str]:
    """The bank holidays of a nation, with names (for display and tests)."""
    import holidays

    cal = holidays.country_holidays("GB", subdiv=_SUBDIV[nation], years=list(years))
    return dict(sorted(cal.items()))


def is_working_day(day: date, nation: Nation = Nation.ENGLAND) -> bool:
    """G5: not a weekend and not a bank holiday of ``nation``."""
    return day.weekday() < 5 and day not in _holidays_for(_SUBDIV[nation], day.year)


def add_working_days(start: date, n: int, nation: Nation = Nation.ENGLAND) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is day 0, G6).

    ``n = 0`` returns ``start`` unchanged, whatever day it is.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            counted += 1
    return day


def working_days_between(start: date, end: date, nation: Nation = Nation.ENGLAND) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count


def end_of_nth_working_day(
    start: date,
    n: int,
    nation: Nation = Nation.ENGLAND,
    close: time = CLOSE_OF_BUSINESS,
) -> datetime:
    """Close of business (London time) on the ``n``-th working day after ``start`` (COMP-2)."""
    return datetime.combine(add_working_days(start, n, nation), close, tzinfo=LONDON)


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped at month end (G7): 31 Aug + 6 months = 28/29 Feb."""
    result: date = day + relativedelta(months=months)
    return result


def add_weeks(day: date, weeks: int) -> date:
    """Weeks as calendar days, no working-day roll (G7): 8 weeks = 56 days."""
    return day + timedelta(days=7 * weeks)


def london_date(moment: datetime) -> date:
    """G2: the calendar date in Europe/London of an aware timestamp."""
    if moment.tzinfo is None:
        raise DomainError(
            ErrorCode.INVALID, "timestamps must carry a time zone offset", "G2", "timestamp"
        )
    return moment.astimezone(LONDON).date()


def en_gb_date(day: date) -> str:
    """A date as letters write it in en-GB: ``3 December 2026`` (no leading zero)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def term_days(start: date, end: date) -> int:
    """G3: inclusive period length, 365 or 366 for a year's cover."""
    if end < start:
        raise DomainError(ErrorCode.INVALID, "end must not be before start", "G3", "end")
    return (end - start).days + 1


def days_on_cover(start: date, cover_end: date) -> int:
    """G4: days of cover given up to and including the last day of cover (0 before inception)."""
    return max(0, (cover_end - start).days + 1)


def whole_months_between(start: date, end_exclusive: date) -> int:
    """Complete calendar months from ``start`` to ``end_exclusive`` (partial month ignored)."""
    if end_exclusive <= start:
        return 0
    delta = relativedelta(end_exclusive, start)
    return delta.years * 12 + delta.months


def long_date(day: date) -> str:
    """A date as people in the UK write it: ``3 December 2026`` (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """A compact en-GB date for tables: ``03/12/2026``."""
    return f"{day:%d/%m/%Y}"


def long_datetime(moment: datetime) -> str:
    """An instant in London time: ``3 December 2026 at 11:47`` (aware datetimes only)."""
    local = moment.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M}"


def format_date(day: date) -> str:
    """A date in a letter: the one en-GB long form (see :func:`long_date`)."""
    return long_date(day)
