"""90-day premium review (YD-REVIEW-1..4; REGULATION.md §3.2).

* YD-REVIEW-1 Reviews fall on start + 90, 180 and 270 days. The period's
  average score is compared with the previous period's; the first period is
  compared with the score assumed at pricing.
* YD-REVIEW-2 The score change picks a band (configuration) whose percentage
  moves the *current* annual premium to the proposed annual premium. The
  difference is charged/refunded pro rata: ``round((new − current) ×
  remaining ÷ term)``, ``remaining = (end − review date).days + 1``.
* YD-REVIEW-3 Cap: the driving-adjusted annual premium never exceeds 150 % of
  the renewal premium (the premium at the start of the current term).
  Vehicle changes and other MTAs are outside the cap and are not passed here.
* YD-REVIEW-4 The customer is told the outcome; DD instalments are re-spread
  or the card charged/refunded, never before 14 days' written notice (YD-PAY-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from covernote.domain.calendar import term_days
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import gbp, round_money
from covernote.domain.young_driver.params import ReviewBand, YoungDriverParams, percent_text

SCORE_MIN = Decimal(0)  # YD-SCORE-2: scores are 0-100
SCORE_MAX = Decimal(100)


def review_dates(start: date, end: date, params: YoungDriverParams) -> tuple[date, ...]:
    """YD-REVIEW-1: start + 90, 180, 270 days (those inside the term)."""
    step = params.review.interval_days
    dates = (start + timedelta(days=step * n) for n in range(1, params.review.reviews_per_term + 1))
    return tuple(d for d in dates if d <= end)


def _score(value: Decimal, field: str) -> Decimal:
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be between 0 and 100", "YD-REVIEW-1", field
        )
    return value


def review_band(score_change: Decimal, params: YoungDriverParams) -> ReviewBand:
    """YD-REVIEW-2: the band whose ``from_change`` is the largest not above the change."""
    chosen = params.review.bands[0]
    for band in params.review.bands:
        if score_change >= band.from_change:
            chosen = band
    return chosen


def proposed_premium_from_scores(
    decision: Decision,
    current_premium: Decimal,
    previous_score: Decimal | None,
    period_score: Decimal,
    params: YoungDriverParams,
) -> Decimal:
    """YD-REVIEW-1/2: proposed annual premium from the change in average score.

    ``previous_score`` ``None`` means the first period: the score assumed at
    pricing is used.
    """
    if previous_score is None:
        previous = params.review.assumed_first_period_score
        decision.step(
            "YD-REVIEW-1",
            "First period: compared with the score assumed at pricing",
            value=str(previous),
        )
    else:
        previous = _score(previous_score, "previous_score")
    period = _score(period_score, "period_score")
    change = period - previous
    band = review_band(change, params)
    proposed = round_money(current_premium * (1 + band.premium_change))
    direction = "improvement" if change > 0 else "deterioration" if change < 0 else "no change"
    decision.step(
        "YD-REVIEW-2",
        f"Score {previous} → {period} ({direction}, {change:+}): band from {band.from_change}, "
        f"premium {'+' if band.premium_change > 0 else ''}{percent_text(band.premium_change)}",
        proposed,
        previous_score=str(previous),
        period_score=str(period),
    )
    return proposed


@dataclass(frozen=True)
class ReviewOutcome:
    decision: Decision
    new_premium: Decimal
    adjustment: Decimal
    capped: bool
    cap: Decimal


def premium_review(
    *,
    renewal_premium: Decimal,
    current_premium: Decimal,
    start: date,
    end: date,
    review_date: date,
    params: YoungDriverParams,
    proposed_premium: Decimal | None = None,
    previous_score: Decimal | None = None,
    period_score: Decimal | None = None,
    notified_on: date | None = None,
) -> ReviewOutcome:
    """Apply a 90-day review (YD-REVIEW-1..4).

    Give either ``proposed_premium`` or ``period_score`` (with ``previous_score``,
    or none for the first review). ``notified_on``, when known, fixes the
    earliest collection/refund date (YD-REVIEW-4, YD-PAY-2).
    """
    for name, value in (
        ("renewal_premium", renewal_premium),
        ("current_premium", current_premium),
    ):
        if value <= 0:
            raise DomainError(ErrorCode.INVALID, f"{name} must be positive", "G1", name)
    term = term_days(start, end)
    schedule = review_dates(start, end, params)
    if review_date not in schedule:
        raise DomainError(
            ErrorCode.INVALID,
            "review_date must be one of the review dates "
            + ", ".join(d.isoformat() for d in schedule),
            "YD-REVIEW-1",
            "review_date",
        )
    d = Decision(outcome="review")
    number = schedule.index(review_date) + 1
    d.step(
        "YD-REVIEW-1",
        f"Review {number}: start + {params.review.interval_days * number} days",
        value=review_date,
    )
    if proposed_premium is None:
        if period_score is None:
            raise DomainError(
                ErrorCode.REQUIRED,
                "give proposed_premium or period_score",
                "YD-REVIEW-2",
                "proposed_premium",
            )
        if previous_score is None and number > 1:
            raise DomainError(
                ErrorCode.REQUIRED,
                "previous_score is required after the first review",
                "YD-REVIEW-1",
                "previous_score",
            )
        proposed = proposed_premium_from_scores(
            d, current_premium, previous_score, period_score, params
        )
    else:
        if period_score is not None or previous_score is not None:
            raise DomainError(
                ErrorCode.INVALID,
                "give proposed_premium or the scores, not both",
                "YD-REVIEW-2",
                "proposed_premium",
            )
        if proposed_premium < 0:
            raise DomainError(
                ErrorCode.INVALID, "proposed_premium must not be negative", "G1", "proposed_premium"
            )
        proposed = round_money(proposed_premium)
        d.step("YD-REVIEW-2", "Proposed annual premium from the driving in the period", proposed)

    cap = round_money(renewal_premium * params.review.cap_rate_of_renewal)
    capped = proposed > cap
    new_premium = cap if capped else proposed
    d.step(
        "YD-REVIEW-3",
        f"Cap: {percent_text(params.review.cap_rate_of_renewal)} of the renewal premium "
        f"{gbp(round_money(renewal_premium))} = {gbp(cap)}"
        + (f"; proposed {gbp(proposed)} capped" if capped else "; proposed premium within the cap"),
        new_premium,
        cap=cap,
    )
    remaining = (end - review_date).days + 1
    adjustment = round_money((new_premium - current_premium) * remaining / term)
    d.step(
        "YD-REVIEW-2",
        f"Pro-rata difference: ({gbp(new_premium)} − {gbp(round_money(current_premium))}) × "
        f"{remaining} ÷ {term} days "
        + ("(charge)" if adjustment > 0 else "(refund)" if adjustment < 0 else "(no change)"),
        adjustment,
        remaining_days=remaining,
        term_days=term,
    )
    notice_text = (
        f"written notice {notice.isoformat()}, nothing collected or refunded before "
        f"{(notice + timedelta(days=params.periods.cpa_notice_days)).isoformat()}"
        if (notice := notified_on) is not None
        else f"nothing collected or refunded until {params.periods.cpa_notice_days} days after "
        "the written notice"
    )
    d.step(
        "YD-REVIEW-4",
        "Customer told the outcome; DD instalments re-spread or the card charged/refunded: "
        + notice_text,
    )
    d.amounts.update(new_premium=new_premium, adjustment=adjustment, cap=cap)
    d.data["capped"] = capped
    return ReviewOutcome(d, new_premium, adjustment, capped, cap)
