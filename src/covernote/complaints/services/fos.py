"""The FOS referral and the closure after the FOS outcome (COMP-4, COMP-FOS-ELIG)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.complaints.inputs import FosDecision, FosReferral
from covernote.complaints.models import (
    ComplainantKind,
    Complaint,
)
from covernote.complaints.selectors import (
    complaint_procedures,
    complaint_timeline_for,
    procedure_for,
)
from covernote.complaints.services._common import (
    COMPLAINANT_TYPE,
    S,
    lock_for_update,
    moment_of,
    record_event,
    save_version,
    snapshot,
)
from covernote.domain.calendar import london_date
from covernote.domain.complaints.clocks import fos_referral_window
from covernote.domain.complaints.eligibility import (
    ComplainantFacts,
    fos_eligibility,
)
from covernote.domain.complaints.procedures import (
    Step,
    check_step,
    check_transition,
)
from covernote.domain.complaints.returns import Outcome
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode

# --- FOS referral and closure (COMP-4, COMP-FOS-ELIG) ---------------------------------------


def _complainant_facts(c: Complaint, eur_per_gbp: Decimal | None) -> ComplainantFacts:
    return ComplainantFacts(
        complainant=COMPLAINANT_TYPE[ComplainantKind(c.complainant_type)],
        employees=c.employees,
        annual_turnover_gbp=c.annual_turnover_gbp,
        balance_sheet_gbp=c.balance_sheet_gbp,
        annual_income_gbp=c.annual_income_gbp,
        net_assets_gbp=c.net_assets_gbp,
        eur_per_gbp=eur_per_gbp,
    )


@transaction.atomic
def complaint_refer_fos(
    *,
    actor: User,
    complaint: Complaint,
    data: FosReferral,
    now: datetime | None = None,
) -> Complaint:
    """Record that the complainant referred the complaint to the FOS (COMP-4).

    The eligibility test (COMP-FOS-ELIG) is run again from the complainant's recorded
    details with the FX rate given (the Bank of England rate on the referral date),
    else the one recorded at registration, else the configured default; the rate and
    its source are in the decision's first business step. A referral before the FOS
    window opens or after the six months end, or by a complainant who looks
    ineligible, is recorded and flagged with the rule: the FOS decides.
    """
    require(actor, Action.COMPLAINT_FOS_REFERRAL)
    moment = moment_of(now)
    reference, referred_on, rate = data.fos_reference, data.referred_on, data.eur_per_gbp
    c = lock_for_update(complaint)
    if referred_on > london_date(moment):
        raise DomainError(
            ErrorCode.INVALID, "the referral date is in the future", "COMP-4", "referred_on"
        )
    if referred_on < london_date(c.received_at):
        raise DomainError(
            ErrorCode.INVALID,
            "the referral date is before the complaint was received",
            "COMP-4",
            "referred_on",
        )
    proc = procedure_for(c)
    target = check_transition(
        S(c.status), S.REFERRED_FOS, procedure=proc, received_at=c.received_at, at=moment
    )
    config = complaint_procedures(c)
    used_rate = rate if rate is not None else c.eur_per_gbp
    eligibility = fos_eligibility(_complainant_facts(c, used_rate), config.eligibility)
    window = fos_referral_window(
        complaint_timeline_for(c), referred_on, consent_to_waive=c.consent_to_waive
    )
    decision = Decision(outcome=window.outcome)
    decision.steps = [*eligibility.steps, *window.steps]
    flags = list(window.data["flags"])
    if not eligibility.data["eligible"]:
        flags.append(
            "On the details recorded the complainant is not an eligible complainant "
            f"({eligibility.data['category']}, DISP 2.7.3R). The FOS decides."
        )
        decision.step("COMP-FOS-ELIG", flags[-1], value=False)
    for flag in flags:
        decision.warn(flag)
    decision.data.update(
        referred_on=referred_on,
        fos_reference=reference,
        eligible=eligibility.data["eligible"],
        category=eligibility.data["category"],
        eur_per_gbp=str(used_rate if used_rate is not None else config.eligibility.eur_per_gbp),
        eur_per_gbp_source="as recorded at referral"
        if rate is not None
        else ("as recorded at registration" if used_rate is not None else "configured default"),
        flags=flags,
        window_from=window.data["window_from"],
        window_until=window.data["window_until"],
    )
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.fos_referred_at = moment
    c.fos_referred_on = referred_on
    c.fos_reference = reference[:40]
    c.fos_referral_decision = decision.as_dict()
    save_version(c)
    record_event(
        complaint=c,
        kind="referred_fos",
        actor=actor,
        at=moment,
        before=before,
        detail={
            "referred_on": referred_on.isoformat(),
            "fos_reference": c.fos_reference,
            "window": window.outcome,
            "eligible": eligibility.data["eligible"],
            "flags": flags,
        },
    )
    audit_record(
        actor=actor,
        action="complaint.refer_fos",
        obj=c,
        before=before_snap,
        after={**snapshot(c), "flags": flags},
    )
    return c


@transaction.atomic
def complaint_close_after_fos(
    *,
    actor: User,
    complaint: Complaint,
    data: FosDecision,
    now: datetime | None = None,
) -> Complaint:
    """Close a complaint once the FOS has decided (upheld / not upheld, redress), COMP-4.

    Where the firm had already closed it (final response or summary resolution), the
    return keeps the firm's closure date, outcome and redress; the FOS result is kept
    alongside. Where the complainant referred before the firm's final response, the
    FOS outcome closes it for the return (upheld -> upheld, not upheld -> rejected)
    and the redress the FOS awarded counts as redress paid (decision 44).
    """
    require(actor, Action.COMPLAINT_FOS_CLOSE)
    moment = moment_of(now)
    fos_outcome, decided_on, note = data.fos_outcome, data.decided_on, data.note
    amount, kind = data.redress_amount, data.redress_type or ""
    c = lock_for_update(complaint)
    check_step(S(c.status), Step.FOS_OUTCOME)
    if decided_on > london_date(moment) or (
        c.fos_referred_on is not None and decided_on < c.fos_referred_on
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "the FOS decision date must be between the referral and today",
            "COMP-4",
            "decided_on",
        )
    proc = procedure_for(c)
    target = check_transition(
        S(c.status), S.CLOSED, procedure=proc, received_at=c.received_at, at=moment
    )
    before_snap, before = snapshot(c), c.status
    c.status = target.value
    c.fos_outcome = fos_outcome
    c.fos_decided_on = decided_on
    c.fos_redress_amount = amount
    firm_closed = c.closed_on is not None
    if not firm_closed:
        c.closed_on = decided_on
        c.outcome = Outcome.UPHELD.value if fos_outcome == "upheld" else Outcome.REJECTED.value
        c.redress_amount, c.redress_type = amount, kind
    save_version(c)
    record_event(
        complaint=c,
        kind="closed_after_fos",
        actor=actor,
        at=moment,
        before=before,
        detail={
            "fos_outcome": fos_outcome,
            "decided_on": decided_on.isoformat(),
            "redress": str(amount or ""),
            "redress_type": kind,
            "closes_for_return": not firm_closed,
            "note": note,
        },
    )
    audit_record(
        actor=actor,
        action="complaint.close_after_fos",
        obj=c,
        before=before_snap,
        after=snapshot(c),
    )
    return c
