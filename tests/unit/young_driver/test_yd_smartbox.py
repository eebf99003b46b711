"""Smartbox device (YD-BOX-STATE, -INSTALL, -FAULT, -TAMPER, -VEHICLE; YD-DATA-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from covernote.domain.errors import ErrorCode
from covernote.domain.young_driver.smartbox import (
    TRANSITIONS,
    DeviceEvent,
    DeviceState,
    IllegalDeviceTransition,
    accepts_data,
    fault_replacement,
    install_status,
    is_suspected_faulty,
    tamper_review,
    transition,
    vehicle_change,
)

START = date(2026, 1, 1)


def test_yd_box_state_lifecycle_and_illegal_transition():
    state = DeviceState.ALLOCATED
    for target in (DeviceState.DISPATCHED, DeviceState.INSTALLED, DeviceState.VERIFIED):
        state = transition(state, target)
    assert state is DeviceState.VERIFIED
    with pytest.raises(IllegalDeviceTransition) as err:
        transition(DeviceState.ALLOCATED, DeviceState.VERIFIED)
    assert err.value.code is ErrorCode.ILLEGAL_TRANSITION
    assert err.value.rule == "YD-BOX-STATE"
    assert TRANSITIONS[DeviceState.DEACTIVATED] == frozenset()  # terminal
    assert set(TRANSITIONS) == set(DeviceState)


def test_yd_box_install_deadline_reminder_then_notice(params):
    # Start 1 Jan + 14 = 15 Jan deadline.
    assert (
        install_status(
            anchor=START, today=date(2026, 1, 20), params=params, verified_on=date(2026, 1, 10)
        ).outcome
        == "complete"
    )
    assert install_status(anchor=START, today=date(2026, 1, 15), params=params).outcome == (
        "pending"
    )
    assert install_status(anchor=START, today=date(2026, 1, 16), params=params).outcome == (
        "reminder_due"
    )
    # Reminder 16 Jan; grace 7 days → notice from 23 Jan; cover ends ≥ 30 Jan.
    waiting = install_status(
        anchor=START, today=date(2026, 1, 22), params=params, reminder_sent_on=date(2026, 1, 16)
    )
    assert waiting.outcome == "awaiting_after_reminder"
    notice = install_status(
        anchor=START, today=date(2026, 1, 23), params=params, reminder_sent_on=date(2026, 1, 16)
    )
    assert notice.outcome == "cancellation_notice_due"
    assert notice.data["earliest_last_day_of_cover"] == date(2026, 1, 30)


def test_yd_box_vehicle_change_restarts_clock_and_charges_fee(params):
    # Recorded 10 May → install by 24 May.
    keep = vehicle_change(
        recorded_on=date(2026, 5, 10), new_box=False, state=DeviceState.VERIFIED, params=params
    )
    assert keep.amounts["fee"] == Decimal("50")
    assert keep.data["device_state"] == "removed"
    assert keep.data["install_deadline"] == date(2026, 5, 24)
    new = vehicle_change(
        recorded_on=date(2026, 5, 10), new_box=True, state=DeviceState.VERIFIED, params=params
    )
    assert new.amounts["fee"] == Decimal("75")
    assert new.data["device_state"] == "deactivated"


def test_yd_box_fault_no_data_then_free_replacement(params):
    # 3 days without data (config) → suspected faulty.
    assert not is_suspected_faulty(date(2026, 1, 10), date(2026, 1, 12), params)
    assert is_suspected_faulty(date(2026, 1, 10), date(2026, 1, 13), params)
    d = fault_replacement(DeviceState.SUSPECTED_FAULTY)
    assert d.amounts["fee"] == Decimal("0")
    with pytest.raises(IllegalDeviceTransition):
        fault_replacement(DeviceState.ALLOCATED)


def test_yd_box_tamper_alarm_opens_review_case():
    end = date(2026, 12, 31)
    events = [DeviceEvent(date(2026, 3, 1), "overspeed"), DeviceEvent(date(2026, 3, 2), "powerCut")]
    d = tamper_review(events, start=START, end=end)
    assert d.outcome == "review_case"
    assert d.data["opened_on"] == date(2026, 3, 2)
    assert (
        tamper_review([DeviceEvent(date(2026, 3, 1), "overspeed")], start=START, end=end).outcome
        == "none"
    )
    # After the end of cover a jamming alarm does not open a case.
    assert (
        tamper_review([DeviceEvent(date(2027, 1, 2), "jamming")], start=START, end=end).outcome
        == "none"
    )


def test_yd_data_1_window_start_to_end_plus_fourteen(params):
    end_of_cover = date(2026, 3, 1)  # + 14 = 15 Mar
    assert accepts_data(date(2026, 3, 15), START, end_of_cover, params)
    assert not accepts_data(date(2026, 3, 16), START, end_of_cover, params)
    assert not accepts_data(date(2025, 12, 31), START, end_of_cover, params)
    assert accepts_data(START, START, end_of_cover, params)


def test_yd_box_vehicle_install_clock_runs_from_the_new_vehicles_effective_date(params):
    # Recorded 10 May for a car the customer collects on 1 June: the box cannot be fitted
    # before then, so the 14 days run from 1 June (by 15 June), not from 10 May.
    d = vehicle_change(
        recorded_on=date(2026, 5, 10),
        effective=date(2026, 6, 1),
        new_box=False,
        state=DeviceState.VERIFIED,
        params=params,
    )
    assert d.data["install_deadline"] == date(2026, 6, 15)
    assert d.data["install_anchor"] == date(2026, 6, 1)
    assert any(s.rule == "YD-BOX-INSTALL" for s in d.steps)


def test_yd_box_vehicle_backdated_change_runs_from_the_day_it_was_recorded(params):
    # A change recorded late (effective 1 May, told to us 10 May): nobody could fit the
    # cradle before we knew, so the 14 days run from 10 May.
    d = vehicle_change(
        recorded_on=date(2026, 5, 10),
        effective=date(2026, 5, 1),
        new_box=True,
        state=DeviceState.VERIFIED,
        params=params,
    )
    assert d.data["install_deadline"] == date(2026, 5, 24)
