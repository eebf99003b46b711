"""Stage 2: escalation to the QA team and its acknowledgement (COMP-3)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.complaints.inputs import Escalation
from covernote.complaints.models import (
    Complaint,
)
from covernote.complaints.selectors import (
    complaint_timeline_for,
    procedure_for,
)
from covernote.complaints.services._common import (
    FUTURE_TOLERANCE,
    S,
    issue_letter,
    letter_facts,
    lock_for_update,
    moment_of,
    record_event,
    save_version,
    snapshot,
)
from covernote.domain.calendar import london_date
from covernote.domain.complaints.letters import (
    qa_acknowledgement_letter,
)
from covernote.domain.complaints.procedures import (
    Step,
    check_step,
    check_transition,
)
from covernote.domain.errors import DomainError, ErrorCode

# --- escalate to QA (COMP-3) ---------------------------------------------------------

ESCALATION_REASONS = {
    "not_resolved": "Not resolved by the end of the 3rd working day",
    "rejected_resolution": "The customer rejected the proposed resolution",
}


@transaction.atomic
def complaint_escalate(
    *,
    actor: User,
    complaint: Complaint,
    data: Escalation | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Stage 2: the QA team (COMP-3), on the 3rd working day or when the customer rejects
    the proposed resolution. ``escalated_at`` (default: now) may not be before receipt
    nor in the future."""
    require(actor, Action.COMPLAINT_ESCALATE)
    moment = moment_of(now)
    data = data or Escalation()
    reason = data.reason
    at = data.escalated_at or moment
    c = lock_for_update(complaint)
    proc = procedure_for(c)
    if at > moment + FUTURE_TOLERANCE:
        raise DomainError(
            ErrorCode.INVALID, "escalated_at is in the future", "COMP-3", "escalated_at"
        )
    target = check_transition(
        S(c.status), S.STAGE2, procedure=proc, received_at=c.received_at, at=at
    )
    timeline = complaint_timeline_for(c)
    if reason == "not_resolved" and london_date(at) < timeline.summary_resolution_by:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "stage 1 has until close of business on "
            f"{timeline.summary_resolution_by:%d %B %Y} (the 3rd working day); escalate "
            "earlier only if the customer rejects the proposed resolution",
            "COMP-3",
            "reason",
        )
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.escalated_at = at
    c.escalation_reason = reason
    c.stage_owner_role = Role.QA.value
    c.stage_owner = proc.stage2.key if proc.stage2 else ""
    save_version(c)
    record_event(
        complaint=c,
        kind="escalated",
        actor=actor,
        at=at,
        before=before,
        detail={"reason": ESCALATION_REASONS[reason], "to": c.stage_owner},
    )
    audit_record(
        actor=actor, action="complaint.escalate", obj=c, before=before_snap, after=snapshot(c)
    )
    return c


@transaction.atomic
def complaint_acknowledge_qa(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """The QA team's written acknowledgement, due within 1 working day of escalation (COMP-3)."""
    require(actor, Action.COMPLAINT_QA_ACKNOWLEDGE)
    moment = moment_of(now)
    c = lock_for_update(complaint)
    proc = procedure_for(c)
    check_step(S(c.status), Step.QA_ACKNOWLEDGEMENT)
    assert proc.stage2 is not None  # check_transition refused an escalation without one
    if c.qa_acknowledged_at is not None:
        return c
    timeline = complaint_timeline_for(c)
    letter = qa_acknowledgement_letter(
        letter_facts(c, proc.stage2), final_response_by=timeline.final_response_by
    )
    doc = issue_letter(actor, c, letter)
    before_snap = snapshot(c)
    c.qa_acknowledged_at = moment
    save_version(c)
    record_event(
        complaint=c, kind="qa_acknowledged", actor=actor, at=moment, before=c.status, document=doc
    )
    audit_record(
        actor=actor,
        action="complaint.qa_acknowledge",
        obj=c,
        before=before_snap,
        after=snapshot(c),
    )
    return c
