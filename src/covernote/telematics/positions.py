"""YD-THEFT-1: where a stolen car's Smartbox was last seen, for our staff only.

The positions and trips are telematics data; the theft claim is Young Driver's. This
read lives in the telematics app, which may import Young Driver (never the reverse).
"""

from __future__ import annotations

from typing import Any

from covernote.accounts.models import User
from covernote.accounts.permissions import require_staff
from covernote.audit.services import audit_record
from covernote.telematics.models import LastPosition, Trip
from covernote.young_driver.models import TheftClaimStatus, YDTheftClaim


def theft_tracking(actor: User, claim: YDTheftClaim, *, trips: int = 5) -> dict[str, Any]:
    """The Smartbox's last known position and recent track — staff only, and only while
    the theft case is open. Each look is audited."""
    require_staff(actor, what="see the tracking", rule="YD-THEFT-1")
    if claim.status != TheftClaimStatus.OPEN or claim.device_id is None:
        return {"open": False, "last_position": None, "trips": []}
    position = LastPosition.objects.filter(device_id=claim.device_id).first()
    recent = list(Trip.objects.filter(device_id=claim.device_id).order_by("-start_at")[:trips])
    audit_record(
        actor=actor,
        action="young_driver.theft.tracking_viewed",
        obj=claim,
        firm_id=claim.policy.firm_id,
        after={"device": claim.device.serial if claim.device else None},
    )
    return {"open": True, "last_position": position, "trips": recent}
