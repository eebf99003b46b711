"""Termination and cancellation of a GAP policy (GAP-TERM-1, GAP-CANCEL-1..4, GAP-FRAUD-1).

REGULATION.md §3.3 and seed 002 conditions 2–4. Conventions (G1, G3, G4): the
premium includes IPT; ``cancel_on`` is the **last day of cover** (inclusive);
derived charges are rounded half-up to the penny, then subtracted; a refund is
never below £0.00.

* Customer, cooling off (GAP-CANCEL-1): notice within ``cooling_off_days``
  (inclusive) of the later of the purchase date and the date the documents were
  received → the premium in full, if no claim has been made or is pending.
* Customer, afterwards (GAP-CANCEL-2): ``round(premium × whole months remaining
  ÷ months in term) − £40``, floored at £0.00. Whole months remaining are the
  complete calendar months from ``cancel_on + 1`` to ``end + 1``; months in term
  are the complete months from ``start`` to ``end + 1``.
* Claim pending (GAP-CANCEL-3): the request is held → ``claim_pending`` error.
  Claim paid (GAP-CLAIM-4): the policy has already terminated → refund £0.00.
* Insurer (GAP-CANCEL-4): ``insurer_notice_days`` written notice; refund pro
  rata by day, no retention fee; no refund where the reason is fraud
  (GAP-FRAUD-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from covernote.domain.calendar import days_on_cover, term_days, whole_months_between
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.money import ZERO, floor_zero, gbp, round_money


class ClaimState(StrEnum):
    """The claim position when the cancellation is asked for (GAP-CANCEL-1/3, GAP-CLAIM-4)."""

    NONE = "none"
    PENDING = "pending"
    PAID = "paid"
    DECLINED = "declined"  # declined or withdrawn: a claim *was made* (GAP-CANCEL-3 release)


class CancelledBy(StrEnum):
    CUSTOMER = "customer"
    INSURER = "insurer"


class InsurerReason(StrEnum):
    """GAP-CANCEL-4: the valid reasons of seed 002 condition 3 (a)–(e)."""

    FRAUD = "fraud"
    NON_PAYMENT = "non_payment"
    ABUSIVE = "abusive"
    NON_COMPLIANCE = "non_compliance"
    MISREPRESENTATION = "misrepresentation"


class TerminationReason(StrEnum):
    """GAP-TERM-1: why a policy ended (seed 002 condition 2)."""

    NATURAL_EXPIRY = "natural_expiry"
    CLAIM_PAID = "claim_paid"
    VEHICLE_DISPOSED = "vehicle_disposed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CancellationRequest:
    """A cancellation to price. ``notice_on`` defaults to ``cancel_on`` (REGULATION §3.1 note)."""

    premium: Decimal  # £, gross, IPT included
    start: date
    end: date  # last day of cover, inclusive
    purchased: date
    cancel_on: date  # last day of cover, inclusive
    claim: ClaimState = ClaimState.NONE
    by: CancelledBy = CancelledBy.CUSTOMER
    reason: InsurerReason | None = None
    documents_received: date | None = None
    notice_on: date | None = None


def months_in_term(start: date, end: date) -> int:
    """Complete calendar months from ``start`` to ``end + 1`` (GAP-CANCEL-2)."""
    return whole_months_between(start, end + timedelta(days=1))


def whole_months_remaining(cancel_on: date, end: date) -> int:
    """GAP-CANCEL-2: complete calendar months from ``cancel_on + 1`` to ``end + 1``."""
    one = timedelta(days=1)
    return whole_months_between(cancel_on + one, end + one)


def cooling_off_last_day(
    purchased: date, documents_received: date | None, params: GapParams
) -> date:
    """GAP-CANCEL-1: the last day (inclusive) to give notice for a full refund."""
    anchor = max(purchased, documents_received or purchased)
    return anchor + timedelta(days=params.cancellation.cooling_off_days)


def insurer_cancellation_date(notice_on: date, params: GapParams) -> date:
    """GAP-CANCEL-4: the effective cancellation date (last day of cover) of insurer notice.

    The insurer gives ``insurer_notice_days`` written notice: notice on day 0,
    cover runs to and including day ``insurer_notice_days``.
    """
    return notice_on + timedelta(days=params.cancellation.insurer_notice_days)


def fraud_cancellation_date(fraudulent_act_on: date) -> date:
    """GAP-FRAUD-1: the cancellation may be backdated to the date of the fraudulent act.

    Insurance Act 2015 s.12 (REGULATION §8): the contract may be treated as
    terminated from the time of the fraudulent act; cover ends the day before.
    """
    return fraudulent_act_on - timedelta(days=1)


def _validate(req: CancellationRequest) -> None:
    if req.premium < 0:
        raise DomainError(ErrorCode.INVALID, "premium must not be negative", "G1", "premium")
    if req.end < req.start:
        raise DomainError(ErrorCode.INVALID, "end must not be before start", "G3", "end")
    if not req.start <= req.cancel_on <= req.end:
        raise DomainError(
            ErrorCode.INVALID,
            f"cancel_on must be within the period {req.start.isoformat()} to {req.end.isoformat()}",
            "G4",
            "cancel_on",
        )
    if months_in_term(req.start, req.end) < 1:
        raise DomainError(
            ErrorCode.INVALID, "the period must be at least one calendar month", "G3", "end"
        )
    if req.documents_received is not None and req.documents_received < req.purchased:
        raise DomainError(
            ErrorCode.INVALID,
            "documents_received must not be before the purchase date",
            "GAP-CANCEL-1",
            "documents_received",
        )
    if req.by is CancelledBy.INSURER and req.reason is None:
        raise DomainError(
            ErrorCode.REQUIRED,
            "an insurer cancellation needs a valid reason",
            "GAP-CANCEL-4",
            "reason",
        )
    if req.by is CancelledBy.CUSTOMER and req.reason is not None:
        raise DomainError(
            ErrorCode.INVALID,
            "a reason is only given for an insurer cancellation",
            "GAP-CANCEL-4",
            "reason",
        )


def _daily_refund(d: Decision, req: CancellationRequest, rule: str, description: str) -> Decimal:
    days = days_on_cover(req.start, req.cancel_on)
    total = term_days(req.start, req.end)
    charge = round_money(req.premium * days / total)
    refund = floor_zero(req.premium - charge)
    d.step(
        rule,
        f"{description}: charge for {days} of {total} days on cover",
        charge,
        days_on_cover=days,
        term_days=total,
    )
    d.step(rule, "Refund: premium less the charge for cover given", refund)
    return refund


def cancellation_refund(req: CancellationRequest, params: GapParams) -> Decision:
    """GAP-CANCEL-1..4, GAP-CLAIM-4, GAP-FRAUD-1: the refund on cancellation.

    Outcome ``"refund"`` with ``amounts["refund"]``; ``data["basis"]`` names the
    basis (``cooling_off``, ``whole_months``, ``statutory_daily``, ``insurer_daily``,
    ``claim_paid``, ``fraud``). A customer cancellation with a claim pending
    raises ``claim_pending`` (GAP-CANCEL-3).
    """
    _validate(req)
    d = Decision(outcome="refund")
    premium = req.premium
    notice = req.notice_on or req.cancel_on
    d.step(
        "GAP-CANCEL",
        f"Premium paid (IPT included) {gbp(premium)}; cover ends {req.cancel_on.isoformat()}",
        premium,
        start=req.start,
        end=req.end,
        cancel_on=req.cancel_on,
        by=req.by.value,
    )

    def done(refund: Decimal, basis: str) -> Decision:
        d.amounts["refund"] = round_money(refund)
        d.data["basis"] = basis
        return d

    # GAP-CLAIM-4 / GAP-TERM-1: a paid claim has already ended the policy.
    if req.claim is ClaimState.PAID:
        d.step(
            "GAP-CLAIM-4",
            "A claim has been paid: the policy terminated on payment, no premium is returned",
            ZERO,
        )
        return done(ZERO, "claim_paid")

    # GAP-FRAUD-1 / GAP-CANCEL-4: no refund where the insurer cancels for fraud.
    if req.by is CancelledBy.INSURER and req.reason is InsurerReason.FRAUD:
        d.step(
            "GAP-FRAUD-1",
            "Insurer cancellation for fraud: no premium is returned (seed 002 conditions 3 and 4)",
            ZERO,
        )
        return done(ZERO, "fraud")

    # GAP-CANCEL-3: hold while a claim is pending.
    if req.claim is ClaimState.PENDING:
        raise DomainError(
            ErrorCode.CLAIM_PENDING,
            "a claim is pending: the cancellation is held until the claim is decided",
            "GAP-CANCEL-3",
            "claim",
        )

    if req.by is CancelledBy.INSURER:
        assert req.reason is not None  # checked in _validate
        refund = _daily_refund(
            d,
            req,
            "GAP-CANCEL-4",
            f"Insurer cancellation ({req.reason.value}): pro rata by day, no retention fee",
        )
        return done(refund, "insurer_daily")

    # Customer cancellation.
    last_cooling = cooling_off_last_day(req.purchased, req.documents_received, params)
    in_cooling_off = notice <= last_cooling
    d.step(
        "GAP-CANCEL-1",
        f"Cooling-off period ends {last_cooling.isoformat()}; notice on {notice.isoformat()} is "
        + ("inside it" if in_cooling_off else "after it"),
        value=last_cooling,
        purchased=req.purchased,
        documents_received=req.documents_received,
    )
    if in_cooling_off and req.claim is ClaimState.NONE:
        d.step("GAP-CANCEL-1", "Cooling off with no claim: full refund incl. IPT", premium)
        return done(premium, "cooling_off")

    if req.claim is ClaimState.DECLINED:
        statutory_last = max(req.purchased, req.documents_received or req.purchased) + timedelta(
            days=params.cancellation.statutory_cancellation_days
        )
        d.step(
            "GAP-CANCEL-3",
            "A claim was made (declined or withdrawn): the request is processed as at its "
            "original notice date",
            value=notice,
        )
        if notice <= statutory_last:
            refund = _daily_refund(
                d,
                req,
                "GAP-CANCEL-3",
                "ICOBS 7 statutory cancellation (claim made, so no full refund)",
            )
            return done(refund, "statutory_daily")

    # GAP-CANCEL-2 whole months remaining less the retention fee.
    months = months_in_term(req.start, req.end)
    remaining = whole_months_remaining(req.cancel_on, req.end)
    pro_rata = round_money(premium * remaining / months)
    d.step(
        "GAP-CANCEL-2",
        f"Pro rata for {remaining} whole months remaining of {months}",
        pro_rata,
        whole_months_remaining=remaining,
        months_in_term=months,
    )
    fee = params.cancellation.retention_fee
    refund = floor_zero(pro_rata - fee)
    d.step("GAP-CANCEL-2", f"Less the insurer retention fee {gbp(fee)}, never below £0.00", refund)
    return done(refund, "whole_months")


def termination(
    *,
    end: date,
    claim_paid_on: date | None = None,
    vehicle_disposed_on: date | None = None,
    cancelled_on: date | None = None,
) -> Decision:
    """GAP-TERM-1: the policy ends on the first of natural expiry, claim payment, sale or
    disposal of the vehicle, or cancellation. Outcome ``"terminated"``; ``data`` holds
    ``ends_on`` and ``reason`` (a :class:`TerminationReason` value).
    """
    events: list[tuple[date, TerminationReason]] = [(end, TerminationReason.NATURAL_EXPIRY)]
    if claim_paid_on is not None:
        events.append((claim_paid_on, TerminationReason.CLAIM_PAID))
    if vehicle_disposed_on is not None:
        events.append((vehicle_disposed_on, TerminationReason.VEHICLE_DISPOSED))
    if cancelled_on is not None:
        events.append((cancelled_on, TerminationReason.CANCELLED))
    # On the same day an event outranks natural expiry (a claim paid on the last day ends it).
    priority = [
        TerminationReason.CLAIM_PAID,
        TerminationReason.VEHICLE_DISPOSED,
        TerminationReason.CANCELLED,
        TerminationReason.NATURAL_EXPIRY,
    ]
    ends_on, reason = min(events, key=lambda e: (e[0], priority.index(e[1])))
    d = Decision(outcome="terminated")
    rule = "GAP-CLAIM-4" if reason is TerminationReason.CLAIM_PAID else "GAP-TERM-1"
    d.step(
        rule,
        f"Policy ends on {ends_on.isoformat()}: {reason.value.replace('_', ' ')}",
        value=ends_on,
    )
    d.data.update({"ends_on": ends_on, "reason": reason.value})
    return d
