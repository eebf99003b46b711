"""YD-BOX-FAULT: the scheduled job that finds silent Smartboxes.

Only the telematics app knows when a box last sent data (its last position and its
trips), so the job lives here and asks Young Driver to replace each silent box
(:func:`covernote.young_driver.services.yd_smartbox_fault_replace`). Telematics sits
above Young Driver: it may import it, never the reverse.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from covernote.telematics.models import LastPosition, Trip
from covernote.young_driver.models import Device, PolicyStatus
from covernote.young_driver.services import SENDING_STATES, yd_smartbox_fault_replace


def last_data_on(device_id: int) -> date | None:
    """The day of the box's latest data: its last position or its latest trip."""
    days: list[date] = []
    pos = LastPosition.objects.filter(device_id=device_id).values_list("ts", flat=True).first()
    if pos is not None:
        days.append(timezone.localdate(pos))
    trip = (
        Trip.objects.filter(device_id=device_id)
        .order_by("-end_at")
        .values_list("end_at", flat=True)
        .first()
    )
    if trip is not None:
        days.append(timezone.localdate(trip))
    return max(days) if days else None


def smartboxes_fault_replace(*, as_of: date) -> str:
    """Every installed/verified box on a policy in force that has been silent for
    ``fault_no_data_days`` gets a free replacement with a letter (idempotent)."""
    candidates = Device.objects.filter(
        state__in=SENDING_STATES,
        policy__status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
    )
    replaced = 0
    for device in list(candidates):
        if yd_smartbox_fault_replace(
            device=device, last_data_on=last_data_on(device.pk), as_of=as_of
        ):
            replaced += 1
    return f"{replaced} suspected faulty Smartboxes replaced free of charge"
