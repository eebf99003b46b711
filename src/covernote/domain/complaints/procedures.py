"""Complaint procedures: configured routing and the complaint stage state machine.

COMP-3 (broker platform: contact-centre manager, then QA), COMP-4 (destinations
after the firm: FOS; panel-solicitor conduct -> the solicitor's procedure, then
the Legal Ombudsman; claims management -> FOS since April 2019), COMP-5 (routing
per product: GAP-COMPLAINT, YD-COMPLAINT; forwarding under DISP 1.7).

The procedures themselves are configuration (``config/products/complaints/<date>.toml``,
parsed by :func:`parse_complaints_config`); this module holds the lifecycle.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from covernote.domain.complaints.config import (
    ComplaintsConfig,
    Contact,
    DestinationKind,
    LapseAction,
    Procedure,
    ProcedureKind,
    parse_complaints_config,
)
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode

__all__ = [
    "OPEN_STATUSES",
    "STEP_FROM",
    "TRANSITIONS",
    "ComplaintStatus",
    "ComplaintTransitionError",
    "LapseAction",
    "Procedure",
    "ProcedureKind",
    "Step",
    "can_step",
    "can_transition",
    "check_step",
    "check_transition",
    "destination_route",
    "is_open",
    "lapse_route",
    "next_statuses",
    "owes_final_response_after_referral",
    "parse_complaints_config",
]


class ComplaintStatus(StrEnum):
    """Where a complaint is in its lifecycle (COMP-3, COMP-5, DISP 1.5-1.7)."""

    RECEIVED = "received"
    STAGE1 = "stage1"
    STAGE2 = "stage2"  # escalated (COMP-3: the QA team)
    ESCALATED = "stage2"  # alias: escalated == stage 2
    FORWARDED = "forwarded"  # DISP 1.7: passed to another firm (GAP claims -> insurer)
    RESOLVED_SUMMARY = "resolved_summary"  # DISP 1.5: resolved by the 3rd working day, SRC sent
    FINAL_RESPONSE_ISSUED = "final_response_issued"  # DISP 1.6.2R
    REFERRED_FOS = "referred_fos"  # COMP-4, DISP 2.8
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = ComplaintStatus

# The one place where the allowed transitions live (ARCHITECTURE §3.3).
TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    S.RECEIVED: frozenset(
        {S.STAGE1, S.RESOLVED_SUMMARY, S.FORWARDED, S.FINAL_RESPONSE_ISSUED, S.WITHDRAWN}
    ),
    # An open complaint can be referred to the FOS by the complainant (after 8 weeks, or
    # earlier: the FOS decides whether it can consider it, DISP 2.8.1R).
    S.STAGE1: frozenset(
        {
            S.STAGE2,
            S.RESOLVED_SUMMARY,
            S.FORWARDED,
            S.FINAL_RESPONSE_ISSUED,
            S.REFERRED_FOS,
            S.WITHDRAWN,
        }
    ),
    S.STAGE2: frozenset({S.FORWARDED, S.FINAL_RESPONSE_ISSUED, S.REFERRED_FOS, S.WITHDRAWN}),
    S.FORWARDED: frozenset({S.FINAL_RESPONSE_ISSUED, S.REFERRED_FOS, S.CLOSED, S.WITHDRAWN}),
    S.RESOLVED_SUMMARY: frozenset({S.REFERRED_FOS, S.CLOSED}),
    S.FINAL_RESPONSE_ISSUED: frozenset({S.REFERRED_FOS, S.CLOSED}),
    # DISP 1.6.2R: a complainant who went to the FOS before our final response still gets
    # one (COMP-6). The complaint stays with the FOS: see ``check_transition``.
    S.REFERRED_FOS: frozenset({S.FINAL_RESPONSE_ISSUED, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class ComplaintTransitionError(DomainError):
    """An illegal complaint status change (typed, code ``illegal_transition``)."""

    def __init__(self, message: str, rule: str = "COMP-5", field: str | None = "status") -> None:
        super().__init__(ErrorCode.ILLEGAL_TRANSITION, message, rule, field)


def can_transition(current: ComplaintStatus, target: ComplaintStatus) -> bool:
    return target in TRANSITIONS[current]


#: Open: the firm still owes a response and the clocks run (COMP-2).
OPEN_STATUSES: frozenset[ComplaintStatus] = frozenset({S.RECEIVED, S.STAGE1, S.STAGE2, S.FORWARDED})


def is_open(current: ComplaintStatus) -> bool:
    return current in OPEN_STATUSES


def next_statuses(current: ComplaintStatus, procedure: Procedure) -> frozenset[ComplaintStatus]:
    """Where the complaint may go next under its procedure: the transitions, less an
    escalation without a stage 2 (COMP-3) or a forwarding without a firm (COMP-5)."""
    allowed = set(TRANSITIONS[current])
    if not procedure.can_escalate:
        allowed.discard(S.STAGE2)
    if not procedure.can_forward:
        allowed.discard(S.FORWARDED)
    return frozenset(allowed)


class Step(StrEnum):
    """Recorded steps that do not change the status, and the FOS outcome that closes a
    referred complaint: each is allowed only from certain statuses."""

    QA_ACKNOWLEDGEMENT = "qa_acknowledgement"  # COMP-3: the QA team's acknowledgement
    HOLDING_RESPONSE = "holding_response"  # COMP-6, DISP 1.6.2R(2)
    FOS_OUTCOME = "fos_outcome"  # COMP-4: closes a complaint referred to the FOS


STEP_FROM: dict[Step, tuple[frozenset[ComplaintStatus], str, str]] = {
    Step.QA_ACKNOWLEDGEMENT: (
        frozenset({S.STAGE2}),
        "only an escalated complaint is acknowledged by the QA team",
        "COMP-3",
    ),
    Step.HOLDING_RESPONSE: (
        OPEN_STATUSES,
        "a holding response is for an open complaint that has no final response yet",
        "COMP-2",
    ),
    Step.FOS_OUTCOME: (
        frozenset({S.REFERRED_FOS}),
        "only a complaint referred to the FOS is closed after the FOS outcome",
        "COMP-4",
    ),
}


def can_step(current: ComplaintStatus, step: Step) -> bool:
    return current in STEP_FROM[step][0]


def check_step(current: ComplaintStatus, step: Step) -> None:
    """Refuse ``step`` from ``current`` with its rule (a typed illegal transition)."""
    statuses, message, rule = STEP_FROM[step]
    if current not in statuses:
        raise ComplaintTransitionError(message, rule)


def owes_final_response_after_referral(current: ComplaintStatus, *, responded: bool) -> bool:
    """COMP-6: referred to the FOS before the firm responded, the final response is due."""
    return current is S.REFERRED_FOS and not responded


def check_transition(
    current: ComplaintStatus,
    target: ComplaintStatus,
    *,
    procedure: Procedure,
    received_at: datetime,
    at: datetime,
    responded: bool = False,
) -> ComplaintStatus:
    """Validate a status change and return the new status.

    Refused: a transition not in :data:`TRANSITIONS`; escalation where the
    procedure has no stage 2 (COMP-3) or forwarding where it has no forwarding
    firm (COMP-5, DISP 1.7); any step timed before the complaint was received
    (an escalation before receipt names ``escalated_at``); a final response on a
    complaint referred to the FOS when the firm already responded (``responded``:
    a final response or summary resolution was sent).

    A final response on a complaint the complainant referred to the FOS before it
    (COMP-6, DISP 1.6.2R) returns ``referred_fos``: the complaint stays with the FOS,
    whose outcome is recorded later (COMP-4).
    """
    if at.tzinfo is None or received_at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "timestamps must carry a time zone offset", "G2", "at")
    if not can_transition(current, target):
        raise ComplaintTransitionError(f"a complaint cannot go from {current} to {target}")
    if target is S.STAGE2:
        if not procedure.can_escalate:
            raise ComplaintTransitionError(
                f"the {procedure.kind} procedure has no stage 2 to escalate to", "COMP-3"
            )
        if at < received_at:
            raise ComplaintTransitionError(
                "a complaint cannot be escalated before it was received", "COMP-3", "escalated_at"
            )
    if target is S.FORWARDED and not procedure.can_forward:
        raise ComplaintTransitionError(
            f"the {procedure.kind} procedure does not forward complaints to another firm", "COMP-5"
        )
    if at < received_at:
        raise ComplaintTransitionError(
            f"{target} cannot be recorded before the complaint was received", "COMP-2", "at"
        )
    if current is S.REFERRED_FOS and target is S.FINAL_RESPONSE_ISSUED:
        if responded:
            raise ComplaintTransitionError(
                "the firm has already responded: the FOS now deals with the complaint",
                "COMP-6",
            )
        return S.REFERRED_FOS
    return target


def lapse_route(procedure: Procedure) -> Decision:
    """What happens when stage 1 has not resolved the complaint by the end of the 3rd working day.

    COMP-3: escalate to QA; GAP-COMPLAINT/DISP 1.7: forward to the insurer and
    tell the complainant; otherwise the complaint continues under the 8-week rule.
    """
    d = Decision(outcome=procedure.on_summary_lapse.value)
    d.step(
        procedure.rule,
        f"{procedure.name}: stage 1 is owned by {procedure.stage1.name}",
        owner=procedure.stage1.key,
    )
    if procedure.on_summary_lapse is LapseAction.ESCALATE and procedure.stage2 is not None:
        d.step(
            "COMP-3",
            f"Not resolved by the end of the 3rd working day, or the resolution was rejected: "
            f"escalate to {procedure.stage2.name}",
            owner=procedure.stage2.key,
            acknowledge_working_days=procedure.escalation_acknowledge_working_days,
        )
        d.data["next_status"] = ComplaintStatus.STAGE2.value
    elif procedure.on_summary_lapse is LapseAction.FORWARD and procedure.forward_to is not None:
        told = " and tell the complainant" if procedure.tell_complainant_on_forward else ""
        d.step(
            "COMP-5",
            f"Not resolved by the end of the 3rd working day: forward to "
            f"{procedure.forward_to.name}{told} (DISP 1.7)",
            owner=procedure.forward_to.key,
        )
        d.data["next_status"] = ComplaintStatus.FORWARDED.value
    else:
        d.step(
            "COMP-2",
            "Not resolved by the end of the 3rd working day: the 8-week final response "
            "rule applies (DISP 1.6)",
        )
        d.data["next_status"] = ComplaintStatus.STAGE1.value
    return d


def destination_route(config: ComplaintsConfig, kind: DestinationKind | str) -> Decision:
    """The onward route after the firm's own procedure (COMP-4), from configuration."""
    try:
        dkind = DestinationKind(kind)
    except ValueError as exc:
        allowed = ", ".join(k.value for k in DestinationKind)
        raise DomainError(
            ErrorCode.INVALID, f"subject must be one of {allowed}", "COMP-4", "subject"
        ) from exc
    destination = config.destinations[dkind]
    d = Decision(outcome=destination.route[-1].key)
    since = f" (since {destination.since.isoformat()})" if destination.since else ""
    route: list[Contact] = list(destination.route)
    d.step(
        "COMP-4",
        f"{destination.description}{since}: " + " then ".join(c.name for c in route),
        value=[c.key for c in route],
    )
    d.data["route"] = [c.key for c in route]
    return d
