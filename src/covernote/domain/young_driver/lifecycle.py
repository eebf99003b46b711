"""The Young Driver policy lifecycle (YD-CANCEL-1..5, YD-VOID-1, YD-BOX-INSTALL).

* A sold policy is ``live``.
* Our notice of cancellation (YD-CANCEL-5, or an uninstalled Smartbox, YD-BOX-INSTALL)
  moves it to ``notice``; a verified Smartbox withdraws the notice (back to ``live``).
* A cancellation (by the customer or at the end of our notice) makes it ``cancelled``;
  fraud makes it ``void`` (YD-VOID-1), even after a cancellation.

The allowed transitions live in :data:`TRANSITIONS` and nowhere else; an illegal one is
an :class:`IllegalPolicyTransition`. Every transition is also a policy version (the app
writes it).
"""

from __future__ import annotations

from enum import StrEnum

from covernote.domain.errors import DomainError, ErrorCode


class PolicyStatus(StrEnum):
    """Where a Young Driver policy is in its life; the values are the stored ones."""

    LIVE = "live"
    NOTICE = "notice"  # our notice of cancellation has been given (YD-CANCEL-5)
    CANCELLED = "cancelled"
    VOID = "void"  # terminal (YD-VOID-1)


#: How each status reads on a page or in a message.
LABELS: dict[PolicyStatus, str] = {
    PolicyStatus.LIVE: "Live",
    PolicyStatus.NOTICE: "Notice of cancellation issued",
    PolicyStatus.CANCELLED: "Cancelled",
    PolicyStatus.VOID: "Void",
}

TRANSITIONS: dict[PolicyStatus, frozenset[PolicyStatus]] = {
    PolicyStatus.LIVE: frozenset({PolicyStatus.NOTICE, PolicyStatus.CANCELLED, PolicyStatus.VOID}),
    PolicyStatus.NOTICE: frozenset({PolicyStatus.LIVE, PolicyStatus.CANCELLED, PolicyStatus.VOID}),
    PolicyStatus.CANCELLED: frozenset({PolicyStatus.VOID}),
    PolicyStatus.VOID: frozenset(),
}

#: Statuses in which the policy is in force (changes, reviews, claims, renewal invitations).
IN_FORCE = frozenset({PolicyStatus.LIVE, PolicyStatus.NOTICE})


class IllegalPolicyTransition(DomainError):
    """YD-CANCEL-1: a status change not in :data:`TRANSITIONS`."""

    def __init__(self, current: PolicyStatus, target: PolicyStatus) -> None:
        super().__init__(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a {LABELS[current].lower()} policy cannot become {target.value}",
            "YD-CANCEL-1",
            "status",
        )
        self.current = current
        self.target = target


def can_transition(current: PolicyStatus, target: PolicyStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: PolicyStatus | str, target: PolicyStatus | str) -> PolicyStatus:
    """The new status, or :class:`IllegalPolicyTransition` (YD-CANCEL-1)."""
    now, new = PolicyStatus(current), PolicyStatus(target)
    if not can_transition(now, new):
        raise IllegalPolicyTransition(now, new)
    return new
