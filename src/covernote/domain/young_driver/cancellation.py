"""Young Driver cancellation refund (YD-CANCEL-1..5, YD-VOID-1; REGULATION.md §3.1).

Seed 001: "the premium you have paid will be returned less a proportionate
charge for the number of days for which cover has been provided and subject to
the cancellation fees". The algorithm, in two transactions:

1. :func:`cancellation_refund` at cancellation, assuming the Smartbox has not
   come back (REGULATION §3.1 "issue the refund at cancellation assuming no
   return"):

   * YD-CANCEL-1 time charge = Σ round(annual premiumᵢ × daysᵢ ÷ term days)
     over the premium segments up to the last day of cover; premium refund =
     premium paid − time charge.
   * YD-CANCEL-2 cooling off (notice ≤ max(start, documents received) + 14
     days): no cancellation fee; arrangement, renewal and new-Smartbox fees are
     retained, 50 % of them refundable on box return. Other fees (vehicle
     change with box kept, MTA) are retained — open question for compliance.
   * YD-CANCEL-3 after cooling off: £50 cancellation fee, 25 £ refundable on
     box return; every other fee non-refundable.
   * YD-CANCEL-5 cancellation by us: the same rules, after a 7-day notice.
   * YD-VOID-1 void for fraud: nothing is returned.
   * refund = max(0, premium refund − cancellation fee); due within 30 days of
     the notice (ICOBS 7, YD-CANCEL-4).
   * YD-PAY-2 netting: "premium paid" means collected. A collection (or refund)
     notified under the continuous payment authority but not yet taken counts
     in the premium for the term, and is then **cancelled and set against** the
     refund: the customer is paid ``refund − notified`` or, when that is
     negative, only the balance is collected (after a fresh 14-day notice).
     Money is never refunded that was not collected, and nothing is collected
     from a cancelled policy beyond what cover given and fees earned.

2. :func:`smartbox_return_refund` when the box's return is recorded
   (YD-CANCEL-4): the box credit, if returned within 14 days of the last day of
   cover, so that the two transactions together equal REGULATION §3.1's
   ``max(0, premium_refund + fee_refund − cancellation_fee)``. A later return
   refunds nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from covernote.domain.calendar import days_on_cover, term_days
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, floor_zero, gbp, round_money
from covernote.domain.young_driver.params import YoungDriverParams, percent_text


class CancelledBy(StrEnum):
    CUSTOMER = "customer"
    US = "us"


#: Reasons we may give notice of cancellation for (YD-CANCEL-5), with their rule.
NOTICE_REASONS: dict[str, str] = {
    "YD-SPEED-1": "consistent speeding after at least three alerts",
    "YD-SPEED-2": "driving at or above a significant margin over the speed limit",
    "YD-MILES-1": "tracked mileage above the declared mileage without a top-up",
    "YD-BOX-TAMPER": "tampering with the Smartbox",
    "YD-PAY-2": "refusal of the continuous payment authority",
}


@dataclass(frozen=True)
class PremiumSegment:
    """An annual premium rate in force from ``effective`` (inclusive) to the next segment."""

    effective: date
    annual_premium: Decimal


@dataclass(frozen=True)
class FeesPaid:
    """Fees paid in the current term (YD-FEE), £."""

    arrangement: Decimal = ZERO  # YD-FEE-ARR
    renewal: Decimal = ZERO  # YD-FEE-REN
    vehicle_change_new_box: Decimal = ZERO  # YD-FEE-COV-NEW
    vehicle_change_keep_box: Decimal = ZERO  # YD-FEE-COV-KEEP
    mid_term_adjustment: Decimal = ZERO  # YD-FEE-MTA

    @property
    def box_refundable(self) -> Decimal:
        """The fees on YD-CANCEL-2's list: 50 % back on box return in the cooling off."""
        return self.arrangement + self.renewal + self.vehicle_change_new_box

    @property
    def other(self) -> Decimal:
        return self.vehicle_change_keep_box + self.mid_term_adjustment

    @property
    def total(self) -> Decimal:
        return self.box_refundable + self.other


@dataclass(frozen=True)
class Outstanding:
    """A collection (+) or refund (−) notified under YD-PAY-2 and not yet made, £.

    ``premium_part`` is the premium in it (the rest is fees)."""

    amount: Decimal
    premium_part: Decimal
    collect_on: date
    label: str = ""


@dataclass(frozen=True)
class CancellationRequest:
    """Inputs of a Young Driver cancellation.

    ``cancel_on`` is the last day of cover (G4). ``notice_date`` is the date the
    notice was given (the customer's, or ours for YD-CANCEL-5); it defaults to
    ``cancel_on``. ``segments`` lists the annual premium rates of the term in
    date order, the first from ``start``; ``premium_paid`` is the premium the
    customer has actually paid (collected) for the term. ``outstanding`` lists the
    collections and refunds notified but not yet made (YD-PAY-2): they count in the
    premium for the term and are netted against the refund.
    """

    start: date
    end: date
    cancel_on: date
    premium_paid: Decimal
    segments: tuple[PremiumSegment, ...]
    fees_paid: FeesPaid = field(default_factory=FeesPaid)
    documents_received: date | None = None
    notice_date: date | None = None
    by: CancelledBy = CancelledBy.CUSTOMER
    void_for_fraud: bool = False
    outstanding: tuple[Outstanding, ...] = ()


@dataclass(frozen=True)
class CancellationQuote:
    """The first transaction, and what the Smartbox return may still add (YD-CANCEL-4).

    ``refund`` is the money paid back now, after the notified collections and refunds
    were netted (``outstanding_netted``); ``balance_to_collect`` is what the customer
    still owes when they exceed the refund. ``refund_on_premium`` is the figure before
    netting (max(0, premium refund − cancellation fee))."""

    decision: Decision
    refund: Decimal
    premium_refund: Decimal
    cancellation_fee: Decimal
    box_credit: Decimal  # fee credit available if the box comes back in time
    fees_paid: Decimal
    last_day_of_cover: date
    box_return_deadline: date
    refund_due_by: date
    in_cooling_off: bool
    void: bool
    premium_collected: Decimal = ZERO
    outstanding_netted: Decimal = ZERO
    balance_to_collect: Decimal = ZERO

    @property
    def refund_on_premium(self) -> Decimal:
        """The refund before the notified collections were netted (YD-CANCEL-1)."""
        return self.refund - self.balance_to_collect + self.outstanding_netted


def single_premium(start: date, annual_premium: Decimal) -> tuple[PremiumSegment, ...]:
    """The segments of a term whose premium never changed."""
    return (PremiumSegment(start, annual_premium),)


def cooling_off_last_day(start: date, documents_received: date | None, days: int) -> date:
    """YD-CANCEL-2 / CAN-04: the later of start and receipt of documents, + 14 days."""
    anchor = max(start, documents_received) if documents_received else start
    return anchor + timedelta(days=days)


def time_charge(
    decision: Decision,
    start: date,
    end: date,
    cancel_on: date,
    segments: tuple[PremiumSegment, ...],
) -> Decimal:
    """YD-CANCEL-1: Σ round(annual premiumᵢ × days on coverᵢ ÷ term days), one step per segment."""
    term = term_days(start, end)
    if not segments or segments[0].effective != start:
        raise DomainError(
            ErrorCode.INVALID,
            "the first premium segment must start on the start date",
            "YD-CANCEL-1",
            "segments",
        )
    for earlier, later in pairwise(segments):
        if not earlier.effective < later.effective <= end:
            raise DomainError(
                ErrorCode.INVALID,
                "premium segments must be in date order within the term",
                "YD-CANCEL-1",
                "segments",
            )
    total = ZERO
    for i, segment in enumerate(segments):
        seg_last = segments[i + 1].effective - timedelta(days=1) if i + 1 < len(segments) else end
        covered_to = min(seg_last, cancel_on)
        days = days_on_cover(segment.effective, covered_to)
        charge = round_money(segment.annual_premium * days / term)
        total += charge
        decision.step(
            "YD-CANCEL-1",
            f"Charge for cover given: {gbp(segment.annual_premium)} × {days} ÷ {term} days",
            charge,
            annual_premium=segment.annual_premium,
            segment_start=segment.effective,
            days_on_cover=days,
            term_days=term,
        )
    return total


def cancellation_refund(
    request: CancellationRequest, params: YoungDriverParams
) -> CancellationQuote:
    """First transaction of a Young Driver cancellation (YD-CANCEL-1..5, YD-VOID-1)."""
    fees = params.fees
    periods = params.periods
    start, end, cancel_on = request.start, request.end, request.cancel_on
    if end < start:
        raise DomainError(ErrorCode.INVALID, "end must not be before start", "G3", "end")
    if cancel_on < start:
        raise DomainError(
            ErrorCode.INVALID,
            "cancel_on (last day of cover) is before the start date",
            "YD-CANCEL-1",
            "cancel_on",
        )
    if cancel_on > end:
        raise DomainError(
            ErrorCode.INVALID,
            "cancel_on (last day of cover) is after the end date",
            "YD-CANCEL-1",
            "cancel_on",
        )
    if request.premium_paid < 0:
        raise DomainError(ErrorCode.INVALID, "premium paid must not be negative", "G1", "premium")
    notice = request.notice_date or cancel_on
    d = Decision(outcome="refund")
    refund_due_by = notice + timedelta(days=periods.refund_due_days)
    box_deadline = cancel_on + timedelta(days=periods.box_return_window_days)
    fees_paid = request.fees_paid

    if request.by is CancelledBy.US:
        earliest = notice + timedelta(days=periods.our_cancellation_notice_days)
        if request.notice_date is not None and cancel_on < earliest:
            raise DomainError(
                ErrorCode.INVALID,
                f"cover can end no earlier than {earliest.isoformat()}: "
                f"{periods.our_cancellation_notice_days} days' notice of cancellation",
                "YD-CANCEL-5",
                "cancel_on",
            )
        d.step(
            "YD-CANCEL-5",
            f"Cancellation by us after {periods.our_cancellation_notice_days} days' notice of "
            "cancellation; the customer refund rules and cancellation fee apply",
            notice_date=notice,
        )

    if request.void_for_fraud:
        d.outcome = "void"
        d.step(
            "YD-VOID-1",
            "Policy declared void for fraud: all premium and fees kept, nothing is refunded",
            ZERO,
        )
        d.amounts.update(refund=ZERO, fees_retained=fees_paid.total)
        return CancellationQuote(
            decision=d,
            refund=ZERO,
            premium_refund=ZERO,
            cancellation_fee=ZERO,
            box_credit=ZERO,
            fees_paid=fees_paid.total,
            last_day_of_cover=cancel_on,
            box_return_deadline=box_deadline,
            refund_due_by=refund_due_by,
            in_cooling_off=False,
            void=True,
        )

    charge = time_charge(d, start, end, cancel_on, request.segments)
    collected = request.premium_paid
    premium_for_term = collected
    if request.outstanding:
        d.step("YD-CANCEL-1", "Premium collected so far", collected)
        for o in request.outstanding:
            what = "collection" if o.amount >= 0 else "refund"
            d.step(
                "YD-PAY-2",
                f"Premium in a notified {what} not yet made ({o.label}, not before "
                f"{o.collect_on.isoformat()}): counted in the premium for the term",
                o.premium_part,
                collect_on=o.collect_on,
                amount_notified=o.amount,
            )
            premium_for_term += o.premium_part
        d.step("YD-CANCEL-1", "Premium for the term (collected + notified)", premium_for_term)
    premium_refund = floor_zero(premium_for_term - charge)
    d.step(
        "YD-CANCEL-1",
        f"Premium refund: {gbp(premium_for_term)} "
        f"{'for the term' if request.outstanding else 'paid'} − {gbp(charge)} charged",
        premium_refund,
    )

    cooling_last = cooling_off_last_day(start, request.documents_received, periods.cooling_off_days)
    in_cooling_off = notice <= cooling_last
    rate = fees.box_return_refund_rate
    if in_cooling_off:
        cancellation_fee = ZERO
        box_credit = round_money(fees_paid.box_refundable * rate)
        d.step(
            "YD-CANCEL-2",
            f"Notice {notice.isoformat()} within the cooling off (last day "
            f"{cooling_last.isoformat()}): no cancellation fee",
            ZERO,
        )
        d.step(
            "YD-CANCEL-2",
            f"Arrangement, renewal and new-Smartbox fees ({gbp(fees_paid.box_refundable)}) retained; "
            f"{percent_text(rate)} ({gbp(box_credit)}) refunded if the Smartbox is returned by "
            f"{box_deadline.isoformat()}",
            box_credit,
        )
        if fees_paid.other:
            d.step(
                "YD-CANCEL-2",
                f"Vehicle-change (box kept) and MTA fees ({gbp(fees_paid.other)}) are not on the "
                "cooling-off list and are retained (open question for compliance)",
                fees_paid.other,
            )
    else:
        cancellation_fee = fees.cancellation
        box_credit = round_money(cancellation_fee * rate)
        d.step(
            "YD-CANCEL-3",
            f"Notice {notice.isoformat()} after the cooling off (last day "
            f"{cooling_last.isoformat()}): cancellation fee; all other fees "
            f"({gbp(fees_paid.total)}) non-refundable",
            cancellation_fee,
        )
        d.step(
            "YD-CANCEL-3",
            f"{percent_text(rate)} of the cancellation fee ({gbp(box_credit)}) refunded if the "
            f"Smartbox is returned by {box_deadline.isoformat()}",
            box_credit,
        )

    on_account = floor_zero(premium_refund - cancellation_fee)
    d.step(
        "YD-CANCEL-1", "Refund now: premium refund − cancellation fee, never below £0", on_account
    )
    netted = sum((o.amount for o in request.outstanding), ZERO)
    refund, balance = on_account, ZERO
    if request.outstanding:
        d.step(
            "YD-PAY-2",
            "Notified collections and refunds not yet made are cancelled and set against "
            "the refund (premium and fees in them)",
            netted,
        )
        refund = floor_zero(on_account - netted)
        balance = floor_zero(netted - on_account)
        if balance:
            d.step(
                "YD-PAY-2",
                "Balance still owed for the cover given and fees: collected after "
                f"{periods.cpa_notice_days} days' written notice",
                balance,
            )
        d.step("YD-CANCEL-1", "Refund to pay after netting", refund)
    d.step(
        "YD-CANCEL-4",
        f"Refund due within {periods.refund_due_days} days of the notice: by "
        f"{refund_due_by.isoformat()} (ICOBS 7); any Smartbox credit is a second transaction",
        value=refund_due_by,
    )
    fee_deducted = premium_refund - on_account
    if cancellation_fee > fee_deducted:
        d.warn(
            f"The premium refund covers only {gbp(fee_deducted)} of the {gbp(cancellation_fee)} "
            "cancellation fee; the rest is not collected"
        )
    d.amounts.update(
        premium_refund=premium_refund,
        cancellation_fee=cancellation_fee,
        refund=refund,
        box_credit=box_credit,
        fees_retained=fees_paid.total + fee_deducted,
        premium_collected=collected,
        outstanding_netted=netted,
        balance_to_collect=balance,
    )
    d.data.update(in_cooling_off=in_cooling_off, refund_due_by=refund_due_by)
    return CancellationQuote(
        decision=d,
        refund=refund,
        premium_refund=premium_refund,
        cancellation_fee=cancellation_fee,
        box_credit=box_credit,
        fees_paid=fees_paid.total,
        last_day_of_cover=cancel_on,
        box_return_deadline=box_deadline,
        refund_due_by=refund_due_by,
        in_cooling_off=in_cooling_off,
        void=False,
        premium_collected=collected,
        outstanding_netted=netted,
        balance_to_collect=balance,
    )


def smartbox_return_refund(quote: CancellationQuote, returned_on: date) -> Decision:
    """Second transaction: the fee credit when the Smartbox comes back (YD-CANCEL-2/3/4).

    Returned within 14 days of the last day of cover → the credit, limited so
    both transactions together equal ``max(0, premium refund + credit −
    cancellation fee)`` (a fee the premium refund could not cover was never
    collected, so it cannot be refunded). Later → nothing more.
    """
    d = Decision(outcome="box_refund")
    rule = "YD-CANCEL-2" if quote.in_cooling_off else "YD-CANCEL-3"
    if quote.void:
        d.step("YD-VOID-1", "Policy void for fraud: the Smartbox return refunds nothing", ZERO)
        d.amounts["refund"] = ZERO
        return d
    if returned_on > quote.box_return_deadline:
        d.outcome = "late"
        d.step(
            "YD-CANCEL-4",
            f"Smartbox returned {returned_on.isoformat()}, after "
            f"{quote.box_return_deadline.isoformat()}: nothing more is refunded",
            ZERO,
        )
        d.amounts["refund"] = ZERO
        return d
    total = floor_zero(quote.premium_refund + quote.box_credit - quote.cancellation_fee)
    extra = total - quote.refund_on_premium
    d.step(
        rule,
        f"Smartbox returned {returned_on.isoformat()}, by {quote.box_return_deadline.isoformat()}: "
        f"fee credit {gbp(quote.box_credit)}",
        extra,
        total_with_first_refund=total,
    )
    if extra < quote.box_credit:
        d.warn(f"Credit limited to {gbp(extra)}: the cancellation fee was only partly collected")
    d.step("YD-CANCEL-4", "Smartbox refund paid as a second transaction", extra)
    d.amounts["refund"] = extra
    return d
