"""GAP policy lifecycle (GAP-TERM-1, GAP-CANCEL-3): allowed transitions in one place.

active → terminated (natural expiry, claim paid, vehicle sold, cancelled)
active → cancellation_pending_claim (a customer cancellation held while a claim is pending)
cancellation_pending_claim → terminated (claim paid, or the held request released)
The claim lifecycle is the domain's (``covernote.domain.gap.claims.transition``).
"""

from __future__ import annotations

from covernote.domain.errors import DomainError, ErrorCode
from covernote.gap.models import PolicyStatus

POLICY_TRANSITIONS: dict[str, frozenset[str]] = {
    PolicyStatus.ACTIVE: frozenset(
        {PolicyStatus.TERMINATED, PolicyStatus.CANCELLATION_PENDING_CLAIM}
    ),
    PolicyStatus.CANCELLATION_PENDING_CLAIM: frozenset({PolicyStatus.TERMINATED}),
    PolicyStatus.TERMINATED: frozenset(),
}


def policy_transition(current: str, target: str) -> str:
    if target not in POLICY_TRANSITIONS[current]:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a GAP policy cannot go from {current} to {target}",
            "GAP-TERM-1",
            "status",
        )
    return target
