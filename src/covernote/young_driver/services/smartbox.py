"""Smartbox lifecycle (YD-BOX-STATE, YD-BOX-FAULT, YD-DATA-1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.money import ZERO
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import smartbox as box
from covernote.products.selectors import params_of
from covernote.young_driver.models import (
    Device,
    PolicyStatus,
)
from covernote.young_driver.services._common import (
    FAULT_REPLACEMENT,
    _device_allocate,
    _device_move,
    _install_task,
    _letter,
    _lock,
    _version,
)

#: Device states a silent box can be in when it is suspected faulty (YD-BOX-FAULT).
SENDING_STATES = (box.DeviceState.INSTALLED.value, box.DeviceState.VERIFIED.value)


@transaction.atomic
def yd_smartbox_fault_replace(*, device: Device, last_data_on: date | None, as_of: date) -> bool:
    """YD-BOX-FAULT: a box silent for ``fault_no_data_days`` since ``last_data_on`` (its
    latest data, which the telematics app knows) is suspected faulty; a replacement is
    dispatched free of charge with a letter. False when the box is not (or no longer) due.
    """
    device = Device.objects.select_for_update(of=("self",)).get(pk=device.pk)
    if device.state not in SENDING_STATES:
        return False
    assert device.policy is not None
    policy = _lock(device.policy)
    params = params_of(policy.config)
    last = last_data_on
    if last is None:  # never sent data: count from when it was fitted / verified
        at = device.events.order_by("-at", "-id").values_list("at", flat=True).first()
        last = timezone.localdate(at) if at else device.created_at.date()
    if not box.is_suspected_faulty(last, as_of, params):
        return False
    _device_move(
        device,
        box.DeviceState.SUSPECTED_FAULTY,
        actor=None,
        note=f"No data since {last.isoformat()}",
    )
    d = box.fault_replacement(box.DeviceState(device.state))
    d.data["last_data_on"] = last
    _device_move(device, box.DeviceState.REPLACED, actor=None, note="Free replacement sent")
    new_device = _device_allocate(policy, actor=None, note="Free replacement (YD-BOX-FAULT)")
    task = _install_task(policy, new_device, anchor=as_of, reason=FAULT_REPLACEMENT, params=params)
    _version(
        policy,
        actor=None,
        kind="smartbox_fault_replacement",
        effective=as_of,
        changes={"old": device.serial, "new": new_device.serial, "fee": ZERO},
        decision=d.as_dict(),
    )
    policy.save()
    _letter(
        actor=None,
        policy=policy,
        kind="yd_smartbox_replacement",
        letter=letters.fault_replacement(
            old_serial=device.serial,
            last_data_on=last,
            new_serial=new_device.serial,
            deadline=task.deadline,
        ),
        steps=[s.as_dict() for s in d.steps],
        key=f"yd-fault-replacement-{device.serial}",
    )
    audit_record(
        actor=None,
        action="young_driver.smartbox.fault_replacement",
        obj=device,
        firm_id=policy.firm_id,
        after={"last_data_on": last, "replacement": new_device.serial, "fee": ZERO},
    )
    return True


def yd_smartboxes_deactivate(*, as_of: date) -> str:
    """YD-DATA-1: deactivate every box whose policy ended (expired, cancelled or void) more
    than 14 days ago; the telematics ingest then rejects its data (idempotent)."""
    deactivated = 0
    rows = (
        Device.objects.exclude(state=box.DeviceState.DEACTIVATED.value)
        .filter(policy__isnull=False)
        .select_related("policy__config", "policy__cancellation")
    )
    for device in list(rows):
        policy = device.policy
        assert policy is not None
        ended = policy.end
        if policy.status in (PolicyStatus.CANCELLED, PolicyStatus.VOID):
            c = getattr(policy, "cancellation", None)
            ended = c.cancel_on if c is not None else policy.end
        window = params_of(policy.config).periods.data_window_days
        if (as_of - ended).days <= window:
            continue
        with transaction.atomic():
            d = Device.objects.select_for_update(of=("self",)).get(pk=device.pk)
            if d.state == box.DeviceState.DEACTIVATED.value or d.policy_id != policy.pk:
                continue
            _device_move(
                d,
                box.DeviceState.DEACTIVATED,
                actor=None,
                note=f"Cover ended {ended.isoformat()}; data window closed (YD-DATA-1)",
            )
            audit_record(
                actor=None,
                action="young_driver.smartbox.deactivate",
                obj=d,
                firm_id=policy.firm_id,
                after={"policy": policy.number, "cover_ended": ended, "as_of": as_of},
            )
            deactivated += 1
    return f"{deactivated} Smartboxes deactivated after the end of cover (YD-DATA-1)"


@transaction.atomic
def yd_device_first_data(*, device: Device, actor: Any) -> None:
    """YD-BOX-STATE: the box's first data marks it installed (the photo then verifies it)."""
    device = Device.objects.select_for_update(of=("self",)).get(pk=device.pk)
    if device.state == box.DeviceState.DISPATCHED.value:
        _device_move(device, box.DeviceState.INSTALLED, actor=actor, note="First data received")
        audit_record(
            actor=actor, action="device.first_data", obj=device, after={"serial": device.serial}
        )
