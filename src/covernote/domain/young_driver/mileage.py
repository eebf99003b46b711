"""Declared mileage against tracked mileage (YD-MILES-1).

Seed 001: "The Smartbox will also track your declared mileage and should you
exceed this mileage a top up will be required or your policy will be
cancelled." The allowance runs pro rata by day through the term:
``allowance = declared × days on cover ÷ term days``. Tracked mileage above the
allowance must be covered by a top-up, priced per 1,000 miles (the excess
rounded up to whole thousands), net of IPT with IPT added (PLT-8); a customer
who declines is sent a notice of cancellation (YD-CANCEL-5).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from covernote.domain.calendar import days_on_cover, term_days
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, gbp, round_money
from covernote.domain.young_driver.params import YoungDriverParams

MILES_PER_TOP_UP_UNIT = 1000  # YD-MILES-1: top-ups are priced per 1,000 miles


def mileage_check(
    *,
    declared_annual: int,
    tracked_miles: int,
    start: date,
    end: date,
    on: date,
    params: YoungDriverParams,
    top_up_declined_on: date | None = None,
) -> Decision:
    """YD-MILES-1: compare tracked miles with the pro-rata allowance on ``on``.

    Outcomes: ``within`` (no action), ``top_up_required`` (amounts ``top_up_miles``
    as a count in ``data``, ``top_up_net``, ``top_up_ipt``, ``top_up_gross``) or,
    when the customer declined the top-up, ``cancellation_notice`` with the
    earliest last day of cover (YD-CANCEL-5).
    """
    if declared_annual <= 0:
        raise DomainError(
            ErrorCode.INVALID, "declared mileage must be positive", "YD-MILES-1", "declared_annual"
        )
    if tracked_miles < 0:
        raise DomainError(
            ErrorCode.INVALID, "tracked miles must not be negative", "YD-MILES-1", "tracked_miles"
        )
    if not start <= on <= end:
        raise DomainError(
            ErrorCode.INVALID, "the check date must be within the term", "YD-MILES-1", "on"
        )
    term = term_days(start, end)
    days = days_on_cover(start, on)
    allowance = Decimal(declared_annual) * days / term
    d = Decision(outcome="within")
    d.step(
        "YD-MILES-1",
        f"Allowance to {on.isoformat()}: {declared_annual} miles × {days} ÷ {term} days "
        f"= {allowance.quantize(Decimal('0.1'))} miles; tracked {tracked_miles}",
        value=str(allowance.quantize(Decimal("0.1"))),
    )
    excess = Decimal(tracked_miles) - allowance
    if excess <= 0:
        d.data["top_up_miles"] = 0
        d.amounts.update(top_up_net=ZERO, top_up_ipt=ZERO, top_up_gross=ZERO)
        return d
    units = int((excess / MILES_PER_TOP_UP_UNIT).to_integral_value(rounding=ROUND_CEILING))
    top_up_miles = units * MILES_PER_TOP_UP_UNIT
    net = round_money(params.mileage_top_up_price_per_1000 * units)
    ipt = round_money(net * params.ipt_rate)
    d.outcome = "top_up_required"
    d.step(
        "YD-MILES-1",
        f"Exceeded by {excess.quantize(Decimal('0.1'))} miles: top-up of {top_up_miles} miles "
        f"({units} × {gbp(params.mileage_top_up_price_per_1000)})",
        net,
    )
    d.step("PLT-8", "IPT on the top-up premium", ipt)
    d.data["top_up_miles"] = top_up_miles
    d.amounts.update(top_up_net=net, top_up_ipt=ipt, top_up_gross=net + ipt)
    if top_up_declined_on is not None:
        d.outcome = "cancellation_notice"
        last_day = top_up_declined_on + timedelta(days=params.periods.our_cancellation_notice_days)
        d.step(
            "YD-CANCEL-5",
            "Top-up declined: notice of cancellation; cover can end no earlier than "
            f"{last_day.isoformat()}",
            value=last_day,
        )
        d.data["earliest_last_day_of_cover"] = last_day
    return d
