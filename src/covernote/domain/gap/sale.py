"""Sale conduct: the deferred opt-in for GAP sold with a vehicle (GAP-SALE-1, ICOBS 6A.1).

Where GAP is sold in connection with a vehicle sale or its finance, the
prescribed information is given (and its date recorded), and the sale cannot be
concluded until ``deferral_clear_days`` *clear* days have passed: information
given on day 1 means conclusion on day 4 at the earliest. If the customer
initiates the purchase and confirms they know about the deferral, the sale may
be concluded from the day after. A product setting switches the rule off when
the Handbook drops it (REGULATION.md §2.2).
"""

from __future__ import annotations

from datetime import date, timedelta

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams

RULE = "GAP-SALE-1"


def earliest_conclusion_date(
    *,
    prescribed_info_given_on: date,
    sold_with_vehicle: bool,
    customer_initiated: bool,
    params: GapParams,
) -> date:
    """GAP-SALE-1: the first day on which the GAP sale may be concluded."""
    if not (params.sale.deferred_opt_in and sold_with_vehicle):
        return prescribed_info_given_on
    if customer_initiated:
        return prescribed_info_given_on + timedelta(days=1)
    return prescribed_info_given_on + timedelta(days=params.sale.deferral_clear_days + 1)


def check_conclusion(
    *,
    prescribed_info_given_on: date | None,
    sold_with_vehicle: bool,
    customer_initiated: bool,
    conclude_on: date,
    params: GapParams,
) -> Decision:
    """GAP-SALE-1: allow or block concluding the sale on ``conclude_on``.

    Raises ``not_eligible`` (field ``conclude_on``) when it is too early, and
    ``required`` when a connected sale has no prescribed-information date.
    """
    decision = Decision(outcome="may_conclude")
    if not params.sale.deferred_opt_in:
        decision.step(RULE, "Deferred opt-in switched off in the product configuration.")
        return decision
    if not sold_with_vehicle:
        decision.step(RULE, "Standalone GAP sale: ICOBS 6A.1 deferral does not apply.")
        return decision
    if prescribed_info_given_on is None:
        raise DomainError(
            ErrorCode.REQUIRED,
            "the date the prescribed information was given must be recorded",
            RULE,
            "prescribed_info_given_on",
        )
    earliest = earliest_conclusion_date(
        prescribed_info_given_on=prescribed_info_given_on,
        sold_with_vehicle=sold_with_vehicle,
        customer_initiated=customer_initiated,
        params=params,
    )
    decision.step(
        RULE,
        "Earliest conclusion date after the prescribed information"
        + (" (customer-initiated)" if customer_initiated else ""),
        value=earliest,
        prescribed_info_given_on=prescribed_info_given_on,
    )
    if conclude_on < earliest:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            f"the GAP sale cannot be concluded before {earliest.isoformat()} (ICOBS 6A.1 "
            "deferred opt-in)",
            RULE,
            "conclude_on",
        )
    decision.data["earliest"] = earliest
    return decision


def earliest_start(
    *,
    quote_date: date,
    prescribed_info_given_on: date | None,
    sold_with_vehicle: bool,
    customer_initiated: bool,
    params: GapParams,
) -> Decision:
    """GAP-SALE-1 at quote time: the first day cover can start, and why.

    Cover starts when the sale is concluded, so a connected sale cannot start before the
    deferral ends; the quote shows it (and refuses an earlier start) instead of the broker
    finding out on "Sell". ``data["earliest_start"]`` holds the date.
    """
    d = Decision(outcome="earliest_start")
    earliest = quote_date
    if not params.sale.deferred_opt_in:
        d.step(
            RULE,
            "Deferred opt-in switched off in the product configuration: cover can "
            "start from the quote date",
            value=earliest,
        )
    elif not sold_with_vehicle:
        d.step(
            RULE,
            "Standalone GAP sale: no ICOBS 6A.1 deferral; cover can start from the quote date",
            value=earliest,
        )
    else:
        if prescribed_info_given_on is None:
            raise DomainError(
                ErrorCode.REQUIRED,
                "GAP sold with the vehicle or its finance needs the date the prescribed "
                "information was given",
                RULE,
                "prescribed_info_given_on",
            )
        if prescribed_info_given_on > quote_date:
            raise DomainError(
                ErrorCode.INVALID,
                "the prescribed information cannot have been given after today",
                RULE,
                "prescribed_info_given_on",
            )
        conclusion = earliest_conclusion_date(
            prescribed_info_given_on=prescribed_info_given_on,
            sold_with_vehicle=sold_with_vehicle,
            customer_initiated=customer_initiated,
            params=params,
        )
        earliest = max(quote_date, conclusion)
        wait = (
            "the day after (customer-initiated and confirmed)"
            if customer_initiated
            else f"{params.sale.deferral_clear_days} clear days later"
        )
        d.step(
            RULE,
            f"Sold with the vehicle or its finance: prescribed information given "
            f"{prescribed_info_given_on.isoformat()}, so the sale can be concluded — and cover "
            f"start — {wait}, on {earliest.isoformat()} at the earliest",
            value=earliest,
            prescribed_info_given_on=prescribed_info_given_on,
        )
    d.data["earliest_start"] = earliest
    return d
