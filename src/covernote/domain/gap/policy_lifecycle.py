"""The GAP policy lifecycle (GAP-TERM-1, GAP-CANCEL-3): the allowed transitions in one place.

* active → terminated (natural expiry, claim paid, vehicle sold, cancelled)
* active → cancellation_pending_claim (a customer cancellation held while a claim is
  pending, GAP-CANCEL-3)
* cancellation_pending_claim → terminated (claim paid, or the held request released)

An illegal transition is an :class:`IllegalPolicyTransition`. The claim lifecycle is
:mod:`covernote.domain.gap.claims`.
"""

from __future__ import annotations

from enum import StrEnum

from covernote.domain.errors import DomainError, ErrorCode


class PolicyStatus(StrEnum):
    """GAP-TERM-1; the values are the ones stored on the policy."""

    ACTIVE = "active"
    CANCELLATION_PENDING_CLAIM = "cancellation_pending_claim"
    TERMINATED = "terminated"


TRANSITIONS: dict[PolicyStatus, frozenset[PolicyStatus]] = {
    PolicyStatus.ACTIVE: frozenset(
        {PolicyStatus.TERMINATED, PolicyStatus.CANCELLATION_PENDING_CLAIM}
    ),
    PolicyStatus.CANCELLATION_PENDING_CLAIM: frozenset({PolicyStatus.TERMINATED}),
    PolicyStatus.TERMINATED: frozenset(),
}


class IllegalPolicyTransition(DomainError):
    """GAP-TERM-1: a transition not in :data:`TRANSITIONS`."""

    def __init__(self, current: PolicyStatus, target: PolicyStatus) -> None:
        super().__init__(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a GAP policy cannot go from {current.value} to {target.value}",
            "GAP-TERM-1",
            "status",
        )
        self.current = current
        self.target = target


def can_transition(current: PolicyStatus, target: PolicyStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: PolicyStatus | str, target: PolicyStatus) -> PolicyStatus:
    """GAP-TERM-1: the new status, or :class:`IllegalPolicyTransition`."""
    current = PolicyStatus(current)
    if not can_transition(current, target):
        raise IllegalPolicyTransition(current, target)
    return target
