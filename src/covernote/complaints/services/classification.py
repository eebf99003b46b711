"""Corrections of a complaint's classification for the return (COMP-7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from covernote.accounts.models import User
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    Complaint,
    MainCause,
    Product,
    RegulatedActivity,
)
from covernote.complaints.services._common import (
    choice,
    lock_for_update,
    moment_of,
    record_event,
    require_staff,
    save_version,
)
from covernote.domain.errors import DomainError, ErrorCode

# --- classification corrections (COMP-7) ------------------------------------------------------

RECLASSIFIABLE: dict[str, Any] = {
    "main_cause": MainCause,
    "product": Product,
    "regulated_activity": RegulatedActivity,
    "vulnerability_identified": bool,
    "vulnerability_related_cause": bool,
}
#: Stamped by the services when a step is recorded: never editable (decision 27).
CLOCK_FIELDS = frozenset(
    {
        "received_at",
        "logged_at",
        "acknowledged_at",
        "escalated_at",
        "qa_acknowledged_at",
        "summary_resolution_sent_at",
        "forwarded_at",
        "holding_response_on",
        "final_response_on",
        "closed_on",
        "fos_referred_at",
        "fos_referred_on",
        "fos_decided_on",
    }
)
_TRUE = {True, "true", "True", "yes", "on", "1"}
_FALSE = {False, "false", "False", "no", "off", "0", ""}


def _flag(name: str, value: Any) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise DomainError(ErrorCode.INVALID, f"{name} must be yes or no", "COMP-7", name)


@transaction.atomic
def complaint_reclassify(
    *,
    actor: User,
    complaint: Complaint,
    changes: dict[str, Any],
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Correct the cause, product, regulated activity or vulnerability flags (COMP-7).

    Every change writes a ComplaintEvent and an audit record with before/after. Any
    other field is refused before anything changes; the receipt time and the
    clock-stamped dates never (decision 27). Vulnerability identified cannot be
    cleared while the customer has active reasonable adjustments (decision 33).
    """
    require_staff(actor, "correct a complaint's classification")
    moment = moment_of(now)
    for name in sorted(changes):
        if name in RECLASSIFIABLE:
            continue
        if name in CLOCK_FIELDS:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                f"{name} is stamped when the step is recorded and can never be edited",
                "COMP-7",
                name,
            )
        allowed = ", ".join(RECLASSIFIABLE)
        raise DomainError(
            ErrorCode.INVALID,
            f"{name} cannot be corrected here; only {allowed}",
            "COMP-7",
            name,
        )
    c = lock_for_update(complaint)
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        kind = RECLASSIFIABLE[name]
        if kind is bool:
            wanted[name] = _flag(name, value)
        else:
            wanted[name] = choice({name: value}, name, kind)
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
        detail={"changes": diff, "note": note.strip()},
    )
    audit_record(
        actor=actor,
        action="complaint.reclassify",
        obj=c,
        before={**before_snap, "version": c.version - 1},
        after={**{name: d["after"] for name, d in diff.items()}, "version": c.version},
    )
    return c
