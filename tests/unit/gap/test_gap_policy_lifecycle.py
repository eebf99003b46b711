"""GAP-TERM-1 / GAP-CANCEL-3: the policy state machine in the domain."""

from __future__ import annotations

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.policy_lifecycle import (
    TRANSITIONS,
    IllegalPolicyTransition,
    PolicyStatus,
    can_transition,
    check_transition,
)


def test_gap_term_1_an_active_policy_terminates():
    assert check_transition(PolicyStatus.ACTIVE, PolicyStatus.TERMINATED) is PolicyStatus.TERMINATED


def test_gap_cancel_3_a_request_is_held_while_a_claim_is_pending_then_terminates():
    held = check_transition("active", PolicyStatus.CANCELLATION_PENDING_CLAIM)
    assert held is PolicyStatus.CANCELLATION_PENDING_CLAIM
    assert check_transition(held, PolicyStatus.TERMINATED) is PolicyStatus.TERMINATED


@pytest.mark.parametrize("target", list(PolicyStatus))
def test_gap_term_1_a_terminated_policy_goes_nowhere(target):
    with pytest.raises(IllegalPolicyTransition) as err:
        check_transition(PolicyStatus.TERMINATED, target)
    assert isinstance(err.value, DomainError)
    assert err.value.code is ErrorCode.ILLEGAL_TRANSITION
    assert (err.value.rule, err.value.field) == ("GAP-TERM-1", "status")
    assert err.value.message == f"a GAP policy cannot go from terminated to {target.value}"


def test_gap_term_1_every_status_has_one_row_and_the_stored_values_stay():
    assert set(TRANSITIONS) == set(PolicyStatus)
    assert [s.value for s in PolicyStatus] == [
        "active",
        "cancellation_pending_claim",
        "terminated",
    ]
    assert not can_transition(PolicyStatus.CANCELLATION_PENDING_CLAIM, PolicyStatus.ACTIVE)
