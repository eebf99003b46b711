"""Corrections of a complaint's classification for the return (COMP-7)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.complaints.inputs import Reclassification
from covernote.complaints.models import (
    Complaint,
)
from covernote.complaints.services._common import (
    lock_for_update,
    moment_of,
    record_event,
    save_version,
)
from covernote.domain.errors import DomainError, ErrorCode

# --- classification corrections (COMP-7) ------------------------------------------------------


@transaction.atomic
def complaint_reclassify(
    *,
    actor: User,
    complaint: Complaint,
    data: Reclassification,
    now: datetime | None = None,
) -> Complaint:
    """Correct the cause, product, regulated activity or vulnerability flags (COMP-7).

    Every change writes a ComplaintEvent and an audit record with before/after. Any
    other field was refused at the door (``Reclassification``); the receipt time and
    the clock-stamped dates never change (decision 27). Vulnerability identified
    cannot be cleared while the customer has active reasonable adjustments
    (decision 33).
    """
    require(actor, Action.COMPLAINT_RECLASSIFY)
    moment = moment_of(now)
    c = lock_for_update(complaint)
    wanted = data.changes
    if wanted.get("vulnerability_identified") is False and (
        c.customer.active_adjustments().exists()
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "the customer has active reasonable adjustments, so vulnerability stays identified",
            "COMP-7",
            "vulnerability_identified",
        )
    diff = {
        name: {"before": getattr(c, name), "after": value}
        for name, value in wanted.items()
        if getattr(c, name) != value
    }
    if not diff:
        return c
    before_snap = {name: d["before"] for name, d in diff.items()}
    for name, d in diff.items():
        setattr(c, name, d["after"])
    save_version(c)
    record_event(
        complaint=c,
        kind="reclassified",
        actor=actor,
        at=moment,
        before=c.status,
        detail={"changes": diff, "note": data.note},
    )
    audit_record(
        actor=actor,
        action="complaint.reclassify",
        obj=c,
        before={**before_snap, "version": c.version - 1},
        after={**{name: d["after"] for name, d in diff.items()}, "version": c.version},
    )
    return c
