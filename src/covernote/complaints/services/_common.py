"""Steps shared by the complaints services: lock, stamp, letters, events (COMP-1..7).

Each service locks the complaint, checks the transition with the pure state
machine (``domain.complaints.procedures.check_transition``), issues its letter
through ``document_issue`` in the complainant's format and channel (PLT-2),
writes a :class:`ComplaintEvent` and an audit record, all in one transaction.

Clock events are stamped with the time the step is recorded (``now``), never a
date typed by a user, so no edit can make a late step look on time (COMP-7).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import STAFF
from covernote.complaints.models import (
    ComplainantKind,
    Complaint,
    ComplaintEvent,
)
from covernote.complaints.selectors import (
    complaint_procedures,
)
from covernote.documents.letterhead import sending_firm
from covernote.documents.models import Document
from covernote.documents.services import delivery_for, document_issue
from covernote.domain.calendar import london_date
from covernote.domain.complaints.config import Contact
from covernote.domain.complaints.config import Procedure as ConfiguredProcedure
from covernote.domain.complaints.eligibility import (
    ComplainantType,
)
from covernote.domain.complaints.letters import (
    Letter,
    LetterFacts,
)
from covernote.domain.complaints.procedures import (
    ComplaintStatus,
)
from covernote.domain.correspondence import Channel
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import Customer

S = ComplaintStatus
#: Who may log or withdraw a complaint, or add evidence: the intermediary's staff and the
#: complainant; a broker's own complaints are logged by the complaints team (COMP-1, PLT-4).
STAFF_OR_COMPLAINANT = STAFF | {Role.CUSTOMER}
LETTER_TEMPLATE = "documents/complaint_letter.html"
FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew between a browser and the server

COMPLAINANT_TYPE = {
    ComplainantKind.CONSUMER: ComplainantType.CONSUMER,
    ComplainantKind.MICRO_ENTERPRISE: ComplainantType.BUSINESS,
    ComplainantKind.SMALL_BUSINESS: ComplainantType.BUSINESS,
    ComplainantKind.CHARITY: ComplainantType.CHARITY,
    ComplainantKind.TRUST: ComplainantType.TRUST,
    ComplainantKind.GUARANTOR: ComplainantType.GUARANTOR,
}
SNAPSHOT_FIELDS = (
    "reference",
    "status",
    "procedure",
    "received_at",
    "channel",
    "stage_owner_role",
    "escalated_at",
    "qa_acknowledged_at",
    "summary_resolution_sent_at",
    "forwarded_to",
    "holding_response_on",
    "holding_expected_by",
    "final_response_on",
    "closed_on",
    "outcome",
    "redress_amount",
    "redress_type",
    "fos_referred_on",
    "fos_reference",
    "fos_outcome",
    "fos_redress_amount",
    "fos_decided_on",
    "version",
)


# --- helpers -------------------------------------------------------------------


def snapshot(c: Complaint) -> dict[str, Any]:
    return {f: getattr(c, f) for f in SNAPSHOT_FIELDS}


def moment_of(now: datetime | None) -> datetime:
    moment = now or timezone.now()
    if moment.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "now must carry a time zone", "G2", "now")
    return moment


def lock_for_update(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer", "firm")
        .get(pk=complaint.pk)
    )


def check_reachable(customer: Customer) -> None:
    """COMP-1/COMP-6: the complainant can be written to in their channel."""
    delivery = delivery_for(customer)
    if delivery.channel is Channel.LETTER and not customer.has_address:
        raise DomainError(
            ErrorCode.REQUIRED,
            f"{customer.full_name} must be written to by letter but has no postal address: "
            "record the address (first line and postcode) before issuing complaint letters",
            "COMP-6",
            "address",
        )
    if delivery.channel is Channel.EMAIL and not customer.email:
        raise DomainError(
            ErrorCode.REQUIRED, "no email address for the complainant", "COMP-6", "email"
        )


def letter_facts(complaint: Complaint, handler: Contact) -> LetterFacts:
    customer = complaint.customer
    return LetterFacts(
        complainant_name=customer.full_name,
        reference=complaint.reference,
        received_on=london_date(complaint.received_at),
        complaint_summary=complaint.description.strip().rstrip(".") + ".",
        firm_name=sending_firm().name,
        handler=handler,
        fos=complaint_procedures(complaint).fos,
        response_format=delivery_for(customer).document_format.value,
    )


def issue_letter(actor: User, complaint: Complaint, letter: Letter) -> Document:
    """Issue a complaint letter (domain content, one template) in the complainant's
    format and channel (PLT-2, COMP-6); one per letter type and complaint version."""
    check_reachable(complaint.customer)
    kind = letter.type.value
    return document_issue(
        actor=actor,
        customer=complaint.customer,
        kind=f"complaint_{kind}",
        title=letter.title,
        template=LETTER_TEMPLATE,
        context={
            "complaint": complaint,
            "paragraphs": list(letter.paragraphs),
            "enclosures": list(letter.enclosures),
            "rules": list(letter.rules),
        },
        related=complaint,
        idempotency_key=f"complaint-{complaint.pk}-{kind}-v{complaint.version}",
    )


def record_event(
    *,
    complaint: Complaint,
    kind: str,
    actor: User | None,
    at: datetime,
    before: str = "",
    detail: dict[str, Any] | None = None,
    document: Document | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "full_name", "") or "system",
        status_before=before,
        status_after=complaint.status,
        detail=detail or {},
        document=document,
    )


def save_version(complaint: Complaint) -> None:
    complaint.version = F("version") + 1
    complaint.save()
    complaint.refresh_from_db()


def handler_for(c: Complaint, proc: ConfiguredProcedure) -> Contact:
    """Who deals with the complaint now: the QA stage once escalated, the routed Young
    Driver owner (YD-COMPLAINT), otherwise stage 1."""
    if c.status == S.STAGE2.value and proc.stage2 is not None:
        return proc.stage2
    if c.route_subject and proc.subjects:
        return proc.owner_for(c.route_subject)
    return proc.stage1


# --- outcomes --------------------------------------------------------------------------
