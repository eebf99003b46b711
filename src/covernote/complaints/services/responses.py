"""The firm's responses: summary resolution, final and holding responses, withdrawal (COMP-3, COMP-6, COMP-7)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.accounts.scoping import get_in_scope
from covernote.audit.services import audit_record
from covernote.complaints.inputs import (
    FinalResponse,
    HoldingResponse,
    SummaryResolution,
    Withdrawal,
)
from covernote.complaints.models import (
    Complaint,
    Subject,
)
from covernote.complaints.selectors import (
    complaint_destinations,
    complaint_procedures,
    complaint_scope,
    complaint_timeline_for,
    final_response_action,
    procedure_for,
)
from covernote.complaints.services._common import (
    S,
    handler_for,
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
    final_response_letter,
    holding_response_letter,
    summary_resolution_letter,
    withdrawal_letter,
)
from covernote.domain.complaints.procedures import (
    Step,
    check_step,
    check_transition,
)
from covernote.domain.complaints.returns import Outcome
from covernote.domain.errors import DomainError, ErrorCode


@transaction.atomic
def complaint_resolve_summary(
    *,
    actor: User,
    complaint: Complaint,
    data: SummaryResolution,
    now: datetime | None = None,
) -> Complaint:
    """Resolved by close of business on the 3rd working day: the summary resolution
    communication (DISP 1.5.4R) instead of a final response (COMP-3)."""
    require(actor, Action.COMPLAINT_SUMMARY_RESOLUTION)
    moment = moment_of(now)
    c = lock_for_update(complaint)
    proc = procedure_for(c)
    target = check_transition(
        S(c.status), S.RESOLVED_SUMMARY, procedure=proc, received_at=c.received_at, at=moment
    )
    result, amount, kind = data.outcome, data.redress_amount, data.redress_type or ""
    timeline = complaint_timeline_for(c)
    if moment > timeline.summary_resolution_deadline:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "the summary resolution window closed at "
            f"{timeline.summary_resolution_deadline:%H:%M on %d %B %Y}: send a final response",
            "COMP-3",
            "status",
        )
    letter = summary_resolution_letter(
        letter_facts(c, handler_for(c, proc)),
        resolution=data.resolution.rstrip(".") + ".",
        wording=complaint_procedures(c).letters,
        consent_to_waive=data.consent_to_waive,
    )
    doc = issue_letter(actor, c, letter)
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.summary_resolution_sent_at = moment
    c.closed_on = london_date(moment)
    c.outcome = result.value
    c.redress_amount, c.redress_type = amount, kind
    c.consent_to_waive = data.consent_to_waive
    save_version(c)
    record_event(
        complaint=c,
        kind="summary_resolution",
        actor=actor,
        at=moment,
        before=before,
        detail={"outcome": result.value, "redress": str(amount or "")},
        document=doc,
    )
    audit_record(
        actor=actor,
        action="complaint.resolve_summary",
        obj=c,
        before=before_snap,
        after=snapshot(c),
    )
    return c


@transaction.atomic
def complaint_respond_final(
    *,
    actor: User,
    complaint: Complaint,
    data: FinalResponse,
    now: datetime | None = None,
) -> Complaint:
    """The final response (DISP 1.6.2R): outcome with reasons and redress, the FOS
    leaflet, six-month limit and Annex 3R wording; destinations per COMP-4.

    Also sent when the complainant referred to the FOS before it (COMP-6): the letter
    notes the referral, the complaint stays ``referred_fos`` (the FOS outcome is
    recorded later) and the return counts our final response date and outcome.
    Refused there if we had already responded (final response or summary resolution).
    """
    moment = moment_of(now)
    result, amount, kind = data.outcome, data.redress_amount, data.redress_type or ""
    c = lock_for_update(complaint)
    require(actor, final_response_action(c))
    proc = procedure_for(c)
    target = check_transition(
        S(c.status),
        S.FINAL_RESPONSE_ISSUED,
        procedure=proc,
        received_at=c.received_at,
        at=moment,
        responded=c.responded,
    )
    after_referral = target is S.REFERRED_FOS
    handler = handler_for(c, proc)
    destinations = complaint_destinations(c)
    letter = final_response_letter(
        letter_facts(c, handler),
        outcome=result,
        reasons=data.paragraphs,
        wording=complaint_procedures(c).letters,
        redress=amount,
        consent_to_waive=data.consent_to_waive,
        fos_referred_on=c.fos_referred_on if after_referral else None,
        fos_reference=c.fos_reference if after_referral else "",
        solicitor_route=tuple(destinations)
        if c.subject == Subject.PANEL_SOLICITOR_CONDUCT.value
        else (),
    )
    doc = issue_letter(actor, c, letter)
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    today = london_date(moment)
    c.final_response_on = today
    c.closed_on = today
    c.outcome = result.value
    c.redress_amount, c.redress_type = amount, kind
    c.consent_to_waive = data.consent_to_waive
    save_version(c)
    record_event(
        complaint=c,
        kind="final_response",
        actor=actor,
        at=moment,
        before=before,
        detail={
            "outcome": result.value,
            "redress": str(amount or ""),
            "redress_type": kind,
            "destinations": [d.key for d in destinations],
            "after_fos_referral": after_referral,
        },
        document=doc,
    )
    audit_record(
        actor=actor,
        action="complaint.final_response",
        obj=c,
        before=before_snap,
        after=snapshot(c),
    )
    return c


@transaction.atomic
def complaint_withdraw(
    *,
    actor: User,
    complaint: Complaint,
    data: Withdrawal | None = None,
    now: datetime | None = None,
) -> Complaint:
    """The complainant withdraws: closed, not upheld (COMP-7); confirmed in writing."""
    require(actor, Action.COMPLAINT_WITHDRAW)
    get_in_scope(actor, complaint_scope(actor), complaint.pk, label="complaint")
    moment = moment_of(now)
    c = lock_for_update(complaint)
    proc = procedure_for(c)
    target = check_transition(
        S(c.status), S.WITHDRAWN, procedure=proc, received_at=c.received_at, at=moment
    )
    doc = issue_letter(actor, c, withdrawal_letter(letter_facts(c, handler_for(c, proc))))
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.outcome = Outcome.WITHDRAWN.value
    c.closed_on = london_date(moment)
    save_version(c)
    record_event(
        complaint=c,
        kind="withdrawn",
        actor=actor,
        at=moment,
        before=before,
        detail={"note": (data or Withdrawal()).note},
        document=doc,
    )
    audit_record(
        actor=actor, action="complaint.withdraw", obj=c, before=before_snap, after=snapshot(c)
    )
    return c


# --- holding response (COMP-6, DISP 1.6.2R(2)) ---------------------------------------------

HOLDING_EARLIEST_DAYS_BEFORE = 7  # the letter says "you may refer now": only in the 8th week


@transaction.atomic
def complaint_respond_holding(
    *,
    actor: User,
    complaint: Complaint,
    data: HoldingResponse,
    now: datetime | None = None,
) -> Complaint:
    """The holding letter at (or before) 8 weeks: why no final response yet, when one is
    expected, and the right to refer to the FOS now with the FOS leaflet (DISP 1.6.2R(2)).

    It meets the 8-week clock (decision 5). Refused: no reason (``reason``), no expected
    date or one not after today (``expected_by``), a closed complaint, or a letter before
    the last week of the 8 weeks (it would tell the complainant they may refer now
    when the FOS cannot yet consider it, DISP 2.8.1R). A late holding letter is sent and
    the 8-week clock shows breached (decision 7).
    """
    require(actor, Action.COMPLAINT_HOLDING_RESPONSE)
    moment = moment_of(now)
    reason, expected_by = data.reason, data.expected_by
    today = london_date(moment)
    if expected_by <= today:
        raise DomainError(
            ErrorCode.INVALID,
            "the expected final response date must be after today",
            "COMP-6",
            "expected_by",
        )
    c = lock_for_update(complaint)
    check_step(S(c.status), Step.HOLDING_RESPONSE)
    timeline = complaint_timeline_for(c)
    earliest = timeline.final_response_by - timedelta(days=HOLDING_EARLIEST_DAYS_BEFORE)
    if today < earliest:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "the holding response tells the complainant they may refer to the FOS now: send "
            f"it from {earliest:%d %B %Y}, in the last week before the 8 weeks end on "
            f"{timeline.final_response_by:%d %B %Y}",
            "COMP-2",
            "status",
        )
    proc = procedure_for(c)
    letter = holding_response_letter(
        letter_facts(c, handler_for(c, proc)),
        reason=reason.strip().rstrip(".") + ".",
        expected_by=expected_by,
        wording=complaint_procedures(c).letters,
    )
    doc = issue_letter(actor, c, letter)
    before_snap = snapshot(c)
    late = today > timeline.final_response_by
    if c.holding_response_on is None:
        c.holding_response_on = today  # the first one meets (or misses) the clock
    c.holding_expected_by = expected_by
    save_version(c)
    record_event(
        complaint=c,
        kind="holding_response",
        actor=actor,
        at=moment,
        before=c.status,
        detail={"reason": reason.strip(), "expected_by": expected_by.isoformat(), "late": late},
        document=doc,
    )
    audit_record(
        actor=actor,
        action="complaint.holding_response",
        obj=c,
        before=before_snap,
        after=snapshot(c),
    )
    return c
