"""``yd-review``: Young Driver 90-day premium review (YD-REVIEW-1..4).

Input::

    {"renewal_premium": "1000.00", "current_premium": "1000.00",
     "start": "2026-01-01", "end": "2026-12-31", "review_date": "2026-04-01",
     "proposed_premium": "1300.00"}
    # or, instead of proposed_premium, the band table (YD-REVIEW-2):
    #    "previous_score": "70", "period_score": "55"
    # (previous_score may be left out at the first review: the score assumed
    #  at pricing is used, YD-REVIEW-1)

Output: ``{"new_premium", "adjustment", "capped", "steps"}`` — ``adjustment`` is
the pro-rata charge (positive) or refund (negative) for the rest of the term.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from covernote.calculators.yd_cancellation import (
    check_fields,
    check_period,
    parse_date,
    parse_money,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import format_money, to_money
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.domain.young_driver.review import premium_review
from covernote.products.loader import shipped_params

FIELDS = {
    "renewal_premium",
    "current_premium",
    "start",
    "end",
    "review_date",
    "proposed_premium",
    "previous_score",
    "period_score",
}
RULE = "YD-REVIEW-2"


def _score(payload: dict[str, Any], name: str) -> Decimal | None:
    if payload.get(name) is None:
        return None
    return to_money(payload[name], field=name, rule="YD-REVIEW-1")


def run(payload: dict[str, Any]) -> dict[str, Any]:
    data = check_fields(payload, FIELDS, RULE)
    renewal = parse_money(data, "renewal_premium", "YD-REVIEW-3")
    current = parse_money(data, "current_premium", RULE)
    start = parse_date(data, "start", "YD-REVIEW-1")
    end = parse_date(data, "end", "YD-REVIEW-1")
    check_period(start, end)
    review_date = parse_date(data, "review_date", "YD-REVIEW-1")
    proposed = (
        parse_money(data, "proposed_premium", RULE)
        if data.get("proposed_premium") is not None
        else None
    )
    previous_score = _score(data, "previous_score")
    period_score = _score(data, "period_score")
    if proposed is None and period_score is None:
        raise DomainError(
            ErrorCode.REQUIRED,
            "give proposed_premium, or period_score (with previous_score)",
            RULE,
            "proposed_premium",
        )
    params: YoungDriverParams = shipped_params("young_driver", start)
    outcome = premium_review(
        renewal_premium=renewal,
        current_premium=current,
        start=start,
        end=end,
        review_date=review_date,
        params=params,
        proposed_premium=proposed,
        previous_score=previous_score,
        period_score=period_score,
    )
    return {
        "new_premium": format_money(outcome.new_premium),
        "adjustment": format_money(outcome.adjustment),
        "capped": outcome.capped,
        "steps": [s.as_dict() for s in outcome.decision.steps],
    }
