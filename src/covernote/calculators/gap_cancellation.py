"""``gap-cancellation`` calculator: the refund on cancelling a GAP policy (GAP-CANCEL-1..4).

Payload::

    premium (gross, IPT included), start, end, purchased, cancel_on     required
    documents_received (ISO date)                                       optional
    claim: "none" | "pending" | "paid"                                  default "none"
    by: "customer" | "insurer"                                          default "customer"
    reason: "fraud" | "non_payment" | "abusive" | "non_compliance" |
            "misrepresentation"                                         required when by=insurer

``cancel_on`` is the last day of cover (inclusive, G4). Answer:
``{"refund": "…", "steps": [...], "warnings": [...]}``; a customer
cancellation while a claim is pending is an error with code ``claim_pending``
(GAP-CANCEL-3).
"""

from __future__ import annotations

from typing import Any

from covernote.calculators.gap_claim import Payload, load_gap_params
from covernote.domain.gap.cancellation import (
    CancellationRequest,
    CancelledBy,
    ClaimState,
    InsurerReason,
    cancellation_refund,
)
from covernote.domain.money import format_money

REQUIRED = {"premium", "start", "end", "purchased", "cancel_on"}
OPTIONAL = {"documents_received", "claim", "by", "reason"}
CLAIM_VALUES = ("none", "pending", "paid")
BY_VALUES = tuple(b.value for b in CancelledBy)
REASON_VALUES = tuple(r.value for r in InsurerReason)


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, compute the cancellation refund and return it with its steps."""
    p = Payload(payload, allowed=REQUIRED | OPTIONAL, rule="GAP-CANCEL", required=REQUIRED)
    claim = p.choice("claim", CLAIM_VALUES, "GAP-CANCEL-3") if p.present("claim") else "none"
    by = p.choice("by", BY_VALUES, "GAP-CANCEL-4") if p.present("by") else "customer"
    reason = p.choice("reason", REASON_VALUES, "GAP-CANCEL-4") if p.present("reason") else None
    start = p.day("start", "G3")
    request = CancellationRequest(
        premium=p.money("premium", "G1"),
        start=start,
        end=p.day("end", "G3"),
        purchased=p.day("purchased", "GAP-CANCEL-1"),
        cancel_on=p.day("cancel_on", "G4"),
        documents_received=p.optional_day("documents_received", "GAP-CANCEL-1"),
        claim=ClaimState(claim),
        by=CancelledBy(by),
        reason=InsurerReason(reason) if reason is not None else None,
    )
    decision = cancellation_refund(request, load_gap_params(start))
    return {
        "refund": format_money(decision.amounts["refund"]),
        "steps": [s.as_dict() for s in decision.steps],
        "warnings": list(decision.warnings),
    }
