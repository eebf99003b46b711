"""Register a complaint and send the written acknowledgement (COMP-1, YD-COMPLAINT)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import Action, require
from covernote.accounts.scoping import get_in_scope
from covernote.audit.services import audit_record
from covernote.complaints.inputs import ComplaintRegistration
from covernote.complaints.models import (
    ComplainantKind,
    Complaint,
    YoungDriverSubject,
)
from covernote.complaints.selectors import (
    complaint_timeline_for,
)
from covernote.complaints.services._common import (
    COMPLAINANT_TYPE,
    FUTURE_TOLERANCE,
    S,
    check_reachable,
    handler_for,
    issue_letter,
    letter_facts,
    moment_of,
    record_event,
    snapshot,
)
from covernote.documents.services import delivery_for
from covernote.domain.calendar import london_date
from covernote.domain.complaints.config import ComplaintsConfig
from covernote.domain.complaints.config import Procedure as ConfiguredProcedure
from covernote.domain.complaints.eligibility import (
    ComplainantFacts,
    fos_eligibility,
)
from covernote.domain.complaints.letters import (
    acknowledgement_letter,
)
from covernote.domain.complaints.procedures import (
    check_transition,
)
from covernote.domain.complaints.returns import retention_until
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import Customer, PartyKind
from covernote.parties.selectors import customer_scope
from covernote.products.selectors import params_of, product_config_in_force

# --- register (COMP-1) -----------------------------------------------------------


def _routed_subject(proc: ConfiguredProcedure, value: Any) -> str:
    """YD-COMPLAINT: sales/service/administration -> Customer Service (Quality Manager);
    claims -> Customer Relations (claims). Only for procedures with configured subjects."""
    subject = str(value or "").strip()
    if not subject:
        return ""
    if not proc.subjects:
        raise DomainError(
            ErrorCode.INVALID,
            f"the {proc.name} does not route by subject: leave it empty",
            "COMP-5",
            "yd_subject",
        )
    if subject not in proc.subjects or subject not in YoungDriverSubject.values:
        allowed = ", ".join(sorted(proc.subjects))
        raise DomainError(
            ErrorCode.INVALID, f"yd_subject must be one of {allowed}", "YD-COMPLAINT", "yd_subject"
        )
    return subject


def _next_reference() -> str:
    last = Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"CMP{last + 1:06d}"


@transaction.atomic
def complaint_register(
    *,
    actor: User,
    customer: Customer,
    data: ComplaintRegistration,
    now: datetime | None = None,
) -> Complaint:
    """Record an oral or written complaint and send the written acknowledgement (COMP-1).

    Refused (DomainError naming field and rule): no way to contact the complainant
    in their channel; a received time in the future; a Young Driver subject the
    procedure does not route by. The input itself was checked at the door.
    """
    moment = moment_of(now)
    require(actor, Action.COMPLAINT_LOG)
    get_in_scope(actor, customer_scope(actor), customer.pk, label="customer")
    if not (customer.email or customer.phone or customer.has_address):
        raise DomainError(
            ErrorCode.REQUIRED,
            "the complainant has no contact details: record an address, email or phone",
            "COMP-1",
            "contact",
        )
    if customer.kind == PartyKind.COMPLAINANT and data.complainant_relationship == "customer":
        raise DomainError(
            ErrorCode.INVALID,
            f"{customer.full_name} is not a customer: say who is complaining "
            "(representative, claims management company or other)",
            "COMP-1",
            "complainant_relationship",
        )
    check_reachable(customer)
    received_at = data.received_at
    if received_at > moment + FUTURE_TOLERANCE:
        raise DomainError(
            ErrorCode.INVALID,
            "the complaint cannot have been received in the future",
            "COMP-1",
            "received_at",
        )
    pinned = product_config_in_force("complaints", london_date(received_at))
    config: ComplaintsConfig = params_of(pinned)
    proc = config.procedure(data.procedure)
    route_subject = _routed_subject(proc, data.yd_subject)
    eligibility = fos_eligibility(
        ComplainantFacts(
            complainant=COMPLAINANT_TYPE[ComplainantKind(data.complainant_type)],
            employees=data.employees,
            annual_turnover_gbp=data.annual_turnover_gbp,
            balance_sheet_gbp=data.balance_sheet_gbp,
            annual_income_gbp=data.annual_income_gbp,
            net_assets_gbp=data.net_assets_gbp,
            eur_per_gbp=data.eur_per_gbp,
        ),
        config.eligibility,
    )
    complaint = Complaint(
        reference=_next_reference(),
        customer=customer,
        firm_id=customer.firm_id,
        procedure=data.procedure,
        config=pinned,
        subject=data.subject,
        received_at=received_at,
        channel=data.channel,
        logged_by=actor,
        logged_at=moment,
        complainant_type=data.complainant_type,
        fos_eligible=bool(eligibility.data["eligible"]),
        eligibility_decision=eligibility.as_dict(),
        product=data.product,
        policy_reference=data.policy_reference,
        claim_reference=data.claim_reference,
        main_cause=data.main_cause,
        regulated_activity=data.activity,
        vulnerability_identified=data.vulnerability_identified
        or customer.active_adjustments().exists(),
        vulnerability_related_cause=data.vulnerability_related_cause,
        complainant_relationship=data.complainant_relationship,
        representative_name=data.representative_name,
        representative_contact=data.representative_contact,
        description=data.description,
        response_format=delivery_for(customer).document_format.value,
        status=S.RECEIVED.value,
        stage_owner_role=Role.MANAGER.value,
        stage_owner=(proc.owner_for(route_subject) if route_subject else proc.stage1).key,
        route_subject=route_subject,
        retention_until=retention_until(london_date(received_at), max(3, config.retention.years)),
        employees=data.employees,
        annual_turnover_gbp=data.annual_turnover_gbp,
        balance_sheet_gbp=data.balance_sheet_gbp,
        annual_income_gbp=data.annual_income_gbp,
        net_assets_gbp=data.net_assets_gbp,
        eur_per_gbp=data.eur_per_gbp,
    )
    complaint.full_clean(exclude=["reference"])
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:  # a concurrent registration took the reference
        complaint.reference = _next_reference() + "A"
        complaint.save()
    record_event(
        complaint=complaint,
        kind="registered",
        actor=actor,
        at=moment,
        detail={"channel": complaint.channel, "received_at": received_at.isoformat()},
    )
    # DISP 1.6.1R: prompt written acknowledgement (Young Driver: within 5 working days).
    timeline = complaint_timeline_for(complaint)
    handler = handler_for(complaint, proc)
    letter = acknowledgement_letter(
        letter_facts(complaint, handler),
        final_response_by=timeline.final_response_by,
        acknowledge_by=timeline.acknowledge_by,
    )
    doc = issue_letter(actor, complaint, letter)
    before = complaint.status
    complaint.status = check_transition(
        S(complaint.status), S.STAGE1, procedure=proc, received_at=received_at, at=moment
    ).value
    complaint.acknowledged_at = moment
    complaint.save()
    record_event(
        complaint=complaint,
        kind="acknowledged",
        actor=actor,
        at=moment,
        before=before,
        detail={"letter": letter.type.value, "handler": handler.key},
        document=doc,
    )
    audit_record(
        actor=actor,
        action="complaint.register",
        obj=complaint,
        after={**snapshot(complaint), "eligibility": eligibility.data},
    )
    return complaint
