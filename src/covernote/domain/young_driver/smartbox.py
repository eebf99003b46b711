"""The Smartbox telematics device (YD-BOX-STATE, -INSTALL, -FAULT, -TAMPER, -VEHICLE; YD-DATA-1).

* YD-BOX-STATE The device lifecycle is an explicit state machine: the allowed
  transitions live in :data:`TRANSITIONS` and nowhere else; an illegal one is
  an :class:`IllegalDeviceTransition`. The box stays the insurer group's
  property whatever its state.
* YD-BOX-INSTALL Fitted and the app steps done (photo approved = ``verified``)
  within 14 days of start or of a recorded vehicle change; overdue → reminder,
  then a notice of cancellation.
* YD-BOX-FAULT No data / bad data → suspected faulty → free replacement.
* YD-BOX-TAMPER Tamper alarms (Traccar's alarm vocabulary) open a review case.
* YD-BOX-VEHICLE A change of vehicle restarts the install clock; fee per
  YD-FEE-COV-KEEP / YD-FEE-COV-NEW.
* YD-DATA-1 Data is used only from start to 14 days after the end of cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO
from covernote.domain.young_driver.params import YoungDriverParams


class DeviceState(StrEnum):
    """YD-BOX-STATE."""

    ALLOCATED = "allocated"
    DISPATCHED = "dispatched"
    INSTALLED = "installed"  # first data received
    VERIFIED = "verified"  # photo of the fitted box approved
    SUSPECTED_FAULTY = "suspected_faulty"
    REPLACED = "replaced"  # superseded by a replacement box
    REMOVED = "removed"  # taken out (vehicle change, end of cover)
    DEACTIVATED = "deactivated"  # terminal: no data accepted


TRANSITIONS: dict[DeviceState, frozenset[DeviceState]] = {
    DeviceState.ALLOCATED: frozenset({DeviceState.DISPATCHED, DeviceState.DEACTIVATED}),
    DeviceState.DISPATCHED: frozenset(
        {DeviceState.INSTALLED, DeviceState.SUSPECTED_FAULTY, DeviceState.DEACTIVATED}
    ),
    DeviceState.INSTALLED: frozenset(
        {
            DeviceState.VERIFIED,
            DeviceState.SUSPECTED_FAULTY,
            DeviceState.REMOVED,
            DeviceState.DEACTIVATED,
        }
    ),
    DeviceState.VERIFIED: frozenset(
        {DeviceState.SUSPECTED_FAULTY, DeviceState.REMOVED, DeviceState.DEACTIVATED}
    ),
    DeviceState.SUSPECTED_FAULTY: frozenset(
        {
            DeviceState.VERIFIED,  # interruption rectified (YD-BOX-FAULT)
            DeviceState.REPLACED,
            DeviceState.REMOVED,
            DeviceState.DEACTIVATED,
        }
    ),
    DeviceState.REPLACED: frozenset({DeviceState.DEACTIVATED}),
    DeviceState.REMOVED: frozenset({DeviceState.INSTALLED, DeviceState.DEACTIVATED}),
    DeviceState.DEACTIVATED: frozenset(),
}


class IllegalDeviceTransition(DomainError):
    """YD-BOX-STATE: a transition not in :data:`TRANSITIONS`."""

    def __init__(self, current: DeviceState, target: DeviceState) -> None:
        super().__init__(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a Smartbox cannot go from {current.value} to {target.value}",
            "YD-BOX-STATE",
            "state",
        )
        self.current = current
        self.target = target


def can_transition(current: DeviceState, target: DeviceState) -> bool:
    return target in TRANSITIONS[current]


def transition(current: DeviceState, target: DeviceState) -> DeviceState:
    """YD-BOX-STATE: the new state, or :class:`IllegalDeviceTransition`."""
    if not can_transition(current, target):
        raise IllegalDeviceTransition(current, target)
    return target


# --------------------------------------------------------------------------- installation


class InstallStatus(StrEnum):
    COMPLETE = "complete"
    PENDING = "pending"
    REMINDER_DUE = "reminder_due"
    AWAITING_AFTER_REMINDER = "awaiting_after_reminder"
    CANCELLATION_NOTICE_DUE = "cancellation_notice_due"


def install_deadline(anchor: date, params: YoungDriverParams) -> date:
    """YD-BOX-INSTALL: policy start (or recorded vehicle change) + 14 days."""
    return anchor + timedelta(days=params.periods.install_window_days)


def install_status(
    *,
    anchor: date,
    today: date,
    params: YoungDriverParams,
    verified_on: date | None = None,
    reminder_sent_on: date | None = None,
) -> Decision:
    """YD-BOX-INSTALL: complete, pending, reminder due, or notice of cancellation due.

    ``anchor`` is the policy start or the recorded vehicle change
    (YD-BOX-VEHICLE). Installation is complete when the photo is approved
    (``verified``) on or before the deadline. After the deadline a reminder is
    sent; if still not verified ``install_reminder_grace_days`` after the
    reminder, a notice of cancellation is due (YD-CANCEL-5).
    """
    deadline = install_deadline(anchor, params)
    d = Decision(outcome=InstallStatus.PENDING.value)
    d.step("YD-BOX-INSTALL", f"Install and verify by {deadline.isoformat()}", value=deadline)
    d.data["deadline"] = deadline
    if verified_on is not None and verified_on <= deadline:
        d.outcome = InstallStatus.COMPLETE.value
        d.step("YD-BOX-INSTALL", f"Verified on {verified_on.isoformat()}, in time")
        return d
    if verified_on is not None:
        d.outcome = InstallStatus.COMPLETE.value
        d.step("YD-BOX-INSTALL", f"Verified late on {verified_on.isoformat()}")
        d.warn("Smartbox verified after the 14-day deadline")
        return d
    if today <= deadline:
        return d
    if reminder_sent_on is None:
        d.outcome = InstallStatus.REMINDER_DUE.value
        d.step("YD-BOX-INSTALL", "Overdue: send a reminder")
        return d
    notice_from = reminder_sent_on + timedelta(days=params.periods.install_reminder_grace_days)
    if today < notice_from:
        d.outcome = InstallStatus.AWAITING_AFTER_REMINDER.value
        d.step(
            "YD-BOX-INSTALL",
            f"Reminder sent; notice of cancellation from {notice_from}",
            value=notice_from,
        )
        return d
    d.outcome = InstallStatus.CANCELLATION_NOTICE_DUE.value
    last_day = today + timedelta(days=params.periods.our_cancellation_notice_days)
    d.step("YD-BOX-INSTALL", "Still not installed after the reminder: the policy may not continue")
    d.step(
        "YD-CANCEL-5",
        f"Notice of cancellation; cover ends no earlier than {last_day}",
        value=last_day,
    )
    d.data["earliest_last_day_of_cover"] = last_day
    return d


# --------------------------------------------------------------------------- vehicle change


def vehicle_change(
    *,
    recorded_on: date,
    new_box: bool,
    state: DeviceState,
    params: YoungDriverParams,
    effective: date | None = None,
) -> Decision:
    """YD-BOX-VEHICLE: fee, device transition and the restarted 14-day install clock.

    Box kept: the box is removed and re-installed in a new cradle (YD-FEE-COV-KEEP).
    New box: the old box is deactivated and a new one allocated (YD-FEE-COV-NEW).
    YD-BOX-INSTALL: the clock runs from the later of the day the change was recorded and
    the day the new vehicle comes on cover (``effective``) — the box cannot be fitted to a
    car the customer does not have yet, nor before we knew of the change (ADR 0027).
    """
    d = Decision(outcome="vehicle_change")
    if new_box:
        fee, rule = params.fees.vehicle_change_new_box, "YD-FEE-COV-NEW"
        old_state = transition(state, DeviceState.DEACTIVATED)
        d.step(rule, "New Smartbox and cradle; the old box is deactivated", fee)
    else:
        fee, rule = params.fees.vehicle_change_keep_box, "YD-FEE-COV-KEEP"
        old_state = transition(state, DeviceState.REMOVED)
        d.step(rule, "New cradle sent; the Smartbox is removed for re-installation", fee)
    anchor = max(recorded_on, effective) if effective is not None else recorded_on
    deadline = install_deadline(anchor, params)
    why = (
        f"the new vehicle is on cover from {anchor.isoformat()}"
        if anchor != recorded_on
        else f"the change was recorded on {recorded_on.isoformat()}"
    )
    d.step(
        "YD-BOX-INSTALL",
        f"Install clock restarts: {params.periods.install_window_days} days from {why}: by "
        f"{deadline.isoformat()}",
        value=deadline,
        recorded_on=recorded_on,
        effective=effective or recorded_on,
    )
    d.amounts["fee"] = fee
    d.data.update(device_state=old_state.value, install_deadline=deadline, install_anchor=anchor)
    return d


# --------------------------------------------------------------------------- faults and tampering


def is_suspected_faulty(last_data_on: date, today: date, params: YoungDriverParams) -> bool:
    """YD-BOX-FAULT: no data for ``fault_no_data_days`` days → suspected faulty."""
    return (today - last_data_on).days >= params.periods.fault_no_data_days


def fault_replacement(state: DeviceState) -> Decision:
    """YD-BOX-FAULT: a suspected-faulty box is replaced free of charge."""
    d = Decision(outcome="replace")
    transition(state, DeviceState.REPLACED)
    d.step("YD-BOX-FAULT", "Suspected fault: replacement Smartbox sent free of charge", ZERO)
    d.amounts["fee"] = ZERO
    return d


class TamperAlarm(StrEnum):
    """Traccar ``alarm`` values that signal tampering (YD-BOX-TAMPER)."""

    TAMPERING = "tampering"
    REMOVING = "removing"
    POWER_CUT = "powerCut"
    JAMMING = "jamming"
    GPS_ANTENNA_CUT = "gpsAntennaCut"


FAULT_ALARMS = frozenset({"fault"})  # Traccar: device-reported fault (YD-BOX-FAULT)


def is_tamper_alarm(alarm: str) -> bool:
    return alarm in {a.value for a in TamperAlarm}


@dataclass(frozen=True)
class DeviceEvent:
    on: date
    alarm: str  # Traccar alarm attribute, e.g. "powerCut"


def tamper_review(events: Iterable[DeviceEvent], *, start: date, end: date) -> Decision:
    """YD-BOX-TAMPER: tamper alarms while the policy is in force open a review case.

    The outcome is ``review_case`` (with the alarms as evidence) or ``none``;
    the review may end in a notice of cancellation (YD-CANCEL-5) — a human
    decision, not made here. Fault alarms are flagged for YD-BOX-FAULT.
    """
    d = Decision(outcome="none")
    tampers = [e for e in events if is_tamper_alarm(e.alarm) and start <= e.on <= end]
    faults = [e for e in events if e.alarm in FAULT_ALARMS]
    if faults:
        d.warn("Device-reported fault: check for YD-BOX-FAULT replacement")
    if not tampers:
        d.step("YD-BOX-TAMPER", "No tamper alarm while in force")
        return d
    d.outcome = "review_case"
    d.step(
        "YD-BOX-TAMPER",
        f"{len(tampers)} tamper alarm(s): open a review case (may lead to cancellation)",
        value=[{"on": e.on, "alarm": e.alarm} for e in tampers],
    )
    d.data["opened_on"] = min(e.on for e in tampers)
    return d


# --------------------------------------------------------------------------- data window


def data_window(start: date, end_of_cover: date, params: YoungDriverParams) -> tuple[date, date]:
    """YD-DATA-1: first and last day whose data may be used (the last is the deactivation date)."""
    return start, end_of_cover + timedelta(days=params.periods.data_window_days)


def accepts_data(day: date, start: date, end_of_cover: date, params: YoungDriverParams) -> bool:
    """YD-DATA-1: data dated ``day`` is accepted iff start <= day <= end of cover + 14 days."""
    first, last = data_window(start, end_of_cover, params)
    return first <= day <= last


# --------------------------------------------------------------------------- photo review

#: Why an installation photo is rejected (YD-BOX-INSTALL), in the words the customer
#: reads in the app: what is wrong and what to do (ADR 0026).
PHOTO_REJECTION_REASONS: dict[str, str] = {
    "box_not_visible": "We can't see the Smartbox in the photo. Take a photo that shows "
    "the whole Smartbox in its cradle.",
    "blurred": "The photo is blurred or too dark for us to check. Take it again in "
    "daylight, holding the phone still.",
    "wrong_position": "The Smartbox isn't fitted where the fitting guide shows. Move it "
    "to the position in the guide and send a new photo.",
    "serial_not_readable": "We can't read the Smartbox serial number. Take a closer photo "
    "where the number on the label is clear.",
    "wrong_vehicle": "The photo doesn't show the insured vehicle. Fit the Smartbox in the "
    "car on your policy and send a new photo.",
    "other": "We need a new photo of your fitted Smartbox.",
}


def photo_rejection_message(reason: str, note: str = "") -> str:
    """What the customer is told when a photo is rejected: the reason in plain English,
    then the reviewer's own words, if any."""
    text = PHOTO_REJECTION_REASONS.get(reason, PHOTO_REJECTION_REASONS["other"])
    note = note.strip()
    return f"{text} {note.rstrip('.')}." if note else text
