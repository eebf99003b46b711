"""The Young Driver policy lifecycle (YD-CANCEL-1..5, YD-VOID-1): one transitions table."""

from __future__ import annotations

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver.lifecycle import (
    IN_FORCE,
    TRANSITIONS,
    IllegalPolicyTransition,
    PolicyStatus,
    can_transition,
    check_transition,
)


def test_yd_cancel_5_notice_can_be_withdrawn_or_run_to_cancellation():
    assert check_transition(PolicyStatus.LIVE, PolicyStatus.NOTICE) is PolicyStatus.NOTICE
    assert check_transition("notice", "live") is PolicyStatus.LIVE
    assert check_transition("notice", "cancelled") is PolicyStatus.CANCELLED


def test_yd_void_1_a_cancelled_policy_can_still_be_declared_void():
    assert can_transition(PolicyStatus.CANCELLED, PolicyStatus.VOID)
    assert not can_transition(PolicyStatus.CANCELLED, PolicyStatus.LIVE)


def test_yd_void_1_void_is_terminal():
    assert TRANSITIONS[PolicyStatus.VOID] == frozenset()
    for target in PolicyStatus:
        assert not can_transition(PolicyStatus.VOID, target)


def test_yd_cancel_1_illegal_transition_is_a_typed_error_with_the_old_words():
    with pytest.raises(IllegalPolicyTransition) as err:
        check_transition("cancelled", "live")
    assert isinstance(err.value, DomainError)
    assert err.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert err.value.rule == "YD-CANCEL-1"
    assert err.value.field == "status"
    assert err.value.message == "a cancelled policy cannot become live"


def test_yd_cancel_1_every_status_has_a_row_and_stored_values_are_unchanged():
    assert set(TRANSITIONS) == set(PolicyStatus)
    assert [s.value for s in PolicyStatus] == ["live", "notice", "cancelled", "void"]
    assert {PolicyStatus.LIVE, PolicyStatus.NOTICE} == IN_FORCE
