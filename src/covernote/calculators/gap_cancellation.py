"""``gap-cancellation`` calculator: the refund on cancelling a GAP policy (GAP-CANCEL-1..4).

The payload is :class:`GapCancellationInput`; ``cancel_on`` is the last day of cover (inclusive, G4).
The answer is :class:`GapCancellationOutput`: ``{"refund": "…", "steps": [...], "warnings": [...]}``.
A customer cancellation while a claim is pending is refused with code ``claim_pending``
(GAP-CANCEL-3); the insurer must give a reason (GAP-CANCEL-4).
"""

from __future__ import annotations

from typing import Any, Literal

from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Day,
    Money,
    Step,
    parse,
    rule,
)
from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.gap.cancellation import (
    CancellationRequest,
    CancelledBy,
    ClaimState,
    InsurerReason,
    cancellation_refund,
)
from covernote.domain.money import format_money

SUMMARY = "The refund on cancelling a GAP policy, in or after the cooling-off period"
RULES = ("GAP-CANCEL-1", "GAP-CANCEL-2", "GAP-CANCEL-3", "GAP-CANCEL-4")


class GapCancellationInput(CalcInput):
    """A GAP cancellation (GAP-CANCEL-1..4)."""

    RULE = "GAP-CANCEL"

    premium: Money = rule("G1", "The gross premium paid, IPT included")
    start: Day = rule("G3", "First day of cover")
    end: Day = rule("G3", "Last day of cover")
    purchased: Day = rule("GAP-CANCEL-1", "The day the policy was bought")
    cancel_on: Day = rule("G4", "The last day of cover after cancelling (inclusive)")
    documents_received: Day | None = rule(
        "GAP-CANCEL-1", "When the policy documents arrived (cooling-off)", default=None
    )
    claim: Literal["none", "pending", "paid"] = rule(
        "GAP-CANCEL-3", "The claim position", default="none"
    )
    by: CancelledBy = rule("GAP-CANCEL-4", "Who cancels", default=CancelledBy.CUSTOMER)
    reason: InsurerReason | None = rule(
        "GAP-CANCEL-4", "Required when the insurer cancels", default=None
    )


class GapCancellationOutput(CalcOutput):
    refund: str = rule("GAP-CANCEL-2", "The refund, two decimals")
    steps: list[Step]
    warnings: list[str]


Input = GapCancellationInput
Output = GapCancellationOutput


def compute(data: Input) -> dict[str, Any]:
    request = CancellationRequest(
        premium=data.premium,
        start=data.start,
        end=data.end,
        purchased=data.purchased,
        cancel_on=data.cancel_on,
        documents_received=data.documents_received,
        claim=ClaimState(data.claim),
        by=data.by,
        reason=data.reason,
    )
    decision = cancellation_refund(request, load_gap_params(data.start))
    return {
        "refund": format_money(decision.amounts["refund"]),
        "steps": [s.as_dict() for s in decision.steps],
        "warnings": list(decision.warnings),
    }


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, compute the cancellation refund and return it with its steps."""
    return compute(parse(Input, payload))
