"""Pass a GAP claim complaint to the insurer and tell the complainant (GAP-COMPLAINT, DISP 1.7)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    Complaint,
)
from covernote.complaints.selectors import (
    complaint_timeline_for,
    procedure_for,
)
from covernote.complaints.services._common import (
    S,
    issue_letter,
    letter_facts,
    lock_for_update,
    moment_of,
    record_event,
    save_version,
    snapshot,
)
from covernote.domain.complaints.letters import (
    forwarding_notice_letter,
)
from covernote.domain.complaints.procedures import (
    check_transition,
)
from covernote.domain.errors import DomainError, ErrorCode

# --- forward (COMP-5, DISP 1.7) -----------------------------------------------------


@transaction.atomic
def complaint_forward(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """Pass a GAP claim complaint to the insurer after the 3rd working day and tell the
    complainant by letter (GAP-COMPLAINT, DISP 1.7)."""
    require(actor, Action.COMPLAINT_FORWARD)
    moment = moment_of(now)
    c = lock_for_update(complaint)
    proc = procedure_for(c)
    target = check_transition(
        S(c.status), S.FORWARDED, procedure=proc, received_at=c.received_at, at=moment
    )
    assert proc.forward_to is not None  # check_transition refuses otherwise
    timeline = complaint_timeline_for(c)
    if moment <= timeline.summary_resolution_deadline:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "the complaints department has until close of business on "
            f"{timeline.summary_resolution_by:%d %B %Y} (the 3rd working day) to resolve it "
            "before it passes to the insurer",
            "GAP-COMPLAINT",
            "status",
        )
    doc = None
    if proc.tell_complainant_on_forward:
        letter = forwarding_notice_letter(
            letter_facts(c, proc.stage1), forwarded_to=proc.forward_to
        )
        doc = issue_letter(actor, c, letter)
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.forwarded_to = proc.forward_to.key
    c.forwarded_at = moment
    c.stage_owner_role = ""
    c.stage_owner = proc.forward_to.key
    save_version(c)
    record_event(
        complaint=c,
        kind="forwarded",
        actor=actor,
        at=moment,
        before=before,
        detail={"to": proc.forward_to.name, "complainant_told": doc is not None},
        document=doc,
    )
    audit_record(
        actor=actor, action="complaint.forward", obj=c, before=before_snap, after=snapshot(c)
    )
    return c
