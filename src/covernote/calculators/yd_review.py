"""``yd-review``: Young Driver 90-day premium review (YD-REVIEW-1..4).

The payload is :class:`YdReviewInput`, e.g.::

    {"renewal_premium": "1000.00", "current_premium": "1000.00",
     "start": "2026-01-01", "end": "2026-12-31", "review_date": "2026-04-01",
     "proposed_premium": "1300.00"}

or, instead of ``proposed_premium``, the band table (YD-REVIEW-2): ``previous_score`` and
``period_score`` (``previous_score`` may be left out at the first review: the score
assumed at pricing is used, YD-REVIEW-1).

The answer is :class:`YdReviewOutput`: ``{"new_premium", "adjustment", "capped", "steps"}`` —
``adjustment`` is the pro-rata charge (positive) or refund (negative) for the rest of
the term.
"""

from __future__ import annotations

from typing import Any

from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Day,
    Money,
    Number,
    Step,
    parse,
    rule,
)
from covernote.domain.money import format_money
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.domain.young_driver.review import premium_review
from covernote.products.loader import shipped_params

SUMMARY = "The premium after a Young Driver 90-day driving review, capped, with the pro-rata"
RULES = ("YD-REVIEW-1", "YD-REVIEW-2", "YD-REVIEW-3", "YD-REVIEW-4")


class YdReviewInput(CalcInput):
    """A 90-day premium review (YD-REVIEW-1..4)."""

    RULE = "YD-REVIEW-2"

    renewal_premium: Money = rule("YD-REVIEW-3", "The premium at inception or renewal")
    current_premium: Money = rule("YD-REVIEW-2", "The premium now in force")
    start: Day = rule("YD-REVIEW-1", "First day of cover")
    end: Day = rule("YD-REVIEW-1", "Last day of cover")
    review_date: Day = rule("YD-REVIEW-1", "The day of the review")
    proposed_premium: Money | None = rule(
        "YD-REVIEW-2", "The new premium proposed (or give period_score)", default=None
    )
    previous_score: Number | None = rule(
        "YD-REVIEW-1",
        "The score at the previous review (default: assumed at pricing)",
        default=None,
    )
    period_score: Number | None = rule(
        "YD-REVIEW-1", "The driving score over the review period", default=None
    )

    def cross_checks(self) -> list[tuple[str, str, str, str]]:
        problems = []
        if self.end < self.start:
            problems.append(("end", "G3", "period", "must not be before start"))
        if self.proposed_premium is None and self.period_score is None:
            problems.append(
                (
                    "proposed_premium",
                    "YD-REVIEW-2",
                    "required",
                    "is required: give proposed_premium, or period_score (with previous_score)",
                )
            )
        return problems


class YdReviewOutput(CalcOutput):
    new_premium: str = rule("YD-REVIEW-2", "The premium after the review, two decimals")
    adjustment: str = rule("YD-REVIEW-4", "Charge (positive) or refund (negative) to term end")
    capped: bool = rule("YD-REVIEW-3", "The cap on the renewal premium applied")
    steps: list[Step]


Input = YdReviewInput
Output = YdReviewOutput


def compute(data: Input) -> dict[str, Any]:
    params: YoungDriverParams = shipped_params("young_driver", data.start)
    outcome = premium_review(
        renewal_premium=data.renewal_premium,
        current_premium=data.current_premium,
        start=data.start,
        end=data.end,
        review_date=data.review_date,
        params=params,
        proposed_premium=data.proposed_premium,
        previous_score=data.previous_score,
        period_score=data.period_score,
    )
    return {
        "new_premium": format_money(outcome.new_premium),
        "adjustment": format_money(outcome.adjustment),
        "capped": outcome.capped,
        "steps": [s.as_dict() for s in outcome.decision.steps],
    }


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, run the review and return the outcome with its steps."""
    return compute(parse(Input, payload))
