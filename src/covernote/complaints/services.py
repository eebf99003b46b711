"""Writes for complaints (COMP-1..7): register, escalate, forward, resolve, respond, withdraw.

Each service locks the complaint, checks the transition with the pure state
machine (``domain.complaints.procedures.check_transition``), issues its letter
through ``document_issue`` in the complainant's format and channel (PLT-2),
writes a :class:`ComplaintEvent` and an audit record, all in one transaction.

Clock events are stamped with the time the step is recorded (``now``), never a
date typed by a user, so no edit can make a late step look on time (COMP-7).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    OPEN_STATUSES,
    ComplainantKind,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintTask,
    FosOutcome,
    MainCause,
    Procedure,
    Product,
    ReceivedChannel,
    RegulatedActivity,
    Subject,
    YoungDriverSubject,
)
from covernote.complaints.selectors import (
    complaint_timeline_for,
    complaints_config,
    nation_for,
)
from covernote.documents.models import Document
from covernote.documents.services import delivery_for, document_issue
from covernote.domain.calendar import LONDON, london_date
from covernote.domain.complaints.clocks import clocks_needing_attention, fos_referral_window
from covernote.domain.complaints.config import Contact, DestinationKind
from covernote.domain.complaints.config import Procedure as ConfiguredProcedure
from covernote.domain.complaints.eligibility import (
    ComplainantFacts,
    ComplainantType,
    fos_eligibility,
)
from covernote.domain.complaints.letters import (
    Letter,
    LetterFacts,
    acknowledgement_letter,
    final_response_letter,
    forwarding_notice_letter,
    holding_response_letter,
    summary_resolution_letter,
)
from covernote.domain.complaints.procedures import (
    ComplaintStatus,
    check_transition,
    destination_route,
)
from covernote.domain.complaints.returns import Outcome, RedressType, retention_until
from covernote.domain.correspondence import Channel, may_phone
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import Customer

S = ComplaintStatus
LETTER_TEMPLATE = "documents/complaint_letter.html"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "text/plain": (".txt",),
}
FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew between a browser and the server

_COMPLAINANT_TYPE = {
    ComplainantKind.CONSUMER: ComplainantType.CONSUMER,
    ComplainantKind.MICRO_ENTERPRISE: ComplainantType.BUSINESS,
    ComplainantKind.SMALL_BUSINESS: ComplainantType.BUSINESS,
    ComplainantKind.CHARITY: ComplainantType.CHARITY,
    ComplainantKind.TRUST: ComplainantType.TRUST,
    ComplainantKind.GUARANTOR: ComplainantType.GUARANTOR,
}
EVIDENCE_FIELDS = (
    "employees",
    "annual_turnover_gbp",
    "balance_sheet_gbp",
    "annual_income_gbp",
    "net_assets_gbp",
    "eur_per_gbp",
)
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


def _snapshot(c: Complaint) -> dict[str, Any]:
    return {f: getattr(c, f) for f in SNAPSHOT_FIELDS}


def _now(now: datetime | None) -> datetime:
    moment = now or timezone.now()
    if moment.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "now must carry a time zone", "G2", "now")
    return moment


def _require_staff(actor: User, what: str) -> None:
    if not actor.is_intermediary_staff:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, f"only the complaints team can {what}", "PLT-4"
        )


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer", "firm")
        .get(pk=complaint.pk)
    )


def _check_reachable(customer: Customer) -> None:
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


def _facts(complaint: Complaint, handler: Contact) -> LetterFacts:
    customer = complaint.customer
    return LetterFacts(
        complainant_name=customer.full_name,
        reference=complaint.reference,
        received_on=london_date(complaint.received_at),
        complaint_summary=complaint.description.strip().rstrip(".") + ".",
        firm_name=settings.COVERNOTE["FIRM_NAME"],
        handler=handler,
        fos=complaints_config().fos,
        response_format=delivery_for(customer).document_format.value,
    )


def _issue(
    *,
    actor: User,
    complaint: Complaint,
    kind: str,
    title: str,
    paragraphs: tuple[str, ...] | list[str],
    enclosures: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> Document:
    _check_reachable(complaint.customer)
    return document_issue(
        actor=actor,
        customer=complaint.customer,
        kind=f"complaint_{kind}",
        title=title,
        template=LETTER_TEMPLATE,
        context={
            "complaint": complaint,
            "paragraphs": list(paragraphs),
            "enclosures": list(enclosures),
            "rules": list(rules),
            **(extra or {}),
        },
        related=complaint,
        idempotency_key=f"complaint-{complaint.pk}-{kind}-v{complaint.version}",
    )


def _issue_letter(
    actor: User, complaint: Complaint, letter: Letter, extra: dict[str, Any] | None = None
) -> Document:
    return _issue(
        actor=actor,
        complaint=complaint,
        kind=letter.type.value,
        title=letter.title,
        paragraphs=letter.paragraphs,
        enclosures=letter.enclosures,
        rules=letter.rules,
        extra=extra,
    )


def _event(
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


def _save(complaint: Complaint) -> None:
    complaint.version = F("version") + 1
    complaint.save()
    complaint.refresh_from_db()


def _choice(data: dict[str, Any], name: str, choices: Any, default: str | None = None) -> str:
    value = data.get(name) or default
    if value is None or value == "":
        raise DomainError(ErrorCode.REQUIRED, f"{name} is required", "COMP-1", name)
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise DomainError(ErrorCode.INVALID, f"{name} must be one of {allowed}", "COMP-1", name)
    return str(value)


def _decimal(data: dict[str, Any], name: str) -> Decimal | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise DomainError(ErrorCode.INVALID, f"{name} is not a number", "COMP-1", name) from exc
    if amount < 0:
        raise DomainError(ErrorCode.INVALID, f"{name} cannot be negative", "COMP-1", name)
    return amount


def _route_subject(proc: ConfiguredProcedure, value: Any) -> str:
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


def _handler(c: Complaint, proc: ConfiguredProcedure) -> Contact:
    """Who deals with the complaint now: the QA stage once escalated, the routed Young
    Driver owner (YD-COMPLAINT), otherwise stage 1."""
    if c.status == S.STAGE2.value and proc.stage2 is not None:
        return proc.stage2
    if c.route_subject and proc.subjects:
        return proc.owner_for(c.route_subject)
    return proc.stage1


# --- register (COMP-1) -----------------------------------------------------------


def _next_reference() -> str:
    last = Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"CMP{last + 1:06d}"


@transaction.atomic
def complaint_register(
    *, actor: User, customer: Customer, data: dict[str, Any], now: datetime | None = None
) -> Complaint:
    """Record an oral or written complaint and send the written acknowledgement (COMP-1).

    Refused (DomainError naming field and rule): no way to contact the complainant
    in their channel; a received time in the future or without a time zone;
    no description; unknown choices.
    """
    moment = _now(now)
    if actor.role == Role.BROKER:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "complaints about a broker's sale are logged by the intermediary's complaints team",
            "COMP-1",
        )
    if actor.role == Role.CUSTOMER and customer.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, "no such customer", "PLT-4", "customer_id")
    if not (customer.email or customer.phone or customer.has_address):
        raise DomainError(
            ErrorCode.REQUIRED,
            "the complainant has no contact details: record an address, email or phone",
            "COMP-1",
            "contact",
        )
    _check_reachable(customer)
    received_at = data.get("received_at")
    if received_at is None:
        raise DomainError(ErrorCode.REQUIRED, "received_at is required", "COMP-1", "received_at")
    if not isinstance(received_at, datetime) or received_at.tzinfo is None:
        raise DomainError(
            ErrorCode.INVALID,
            "received_at must be a date and time with a time zone",
            "G2",
            "received_at",
        )
    if received_at > moment + FUTURE_TOLERANCE:
        raise DomainError(
            ErrorCode.INVALID,
            "the complaint cannot have been received in the future",
            "COMP-1",
            "received_at",
        )
    description = str(data.get("description") or "").strip()
    if not description:
        raise DomainError(
            ErrorCode.REQUIRED, "describe what the complaint is about", "COMP-1", "description"
        )
    procedure = _choice(data, "procedure", Procedure)
    config = complaints_config()
    proc = config.procedure(procedure)
    route_subject = _route_subject(proc, data.get("yd_subject"))
    complainant_type = _choice(data, "complainant_type", ComplainantKind, "consumer")
    employees_raw = data.get("employees")
    try:
        employees = None if employees_raw in (None, "") else int(str(employees_raw))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            ErrorCode.INVALID, "employees must be a whole number", "COMP-1", "employees"
        ) from exc
    money = {f: _decimal(data, f) for f in EVIDENCE_FIELDS if f != "employees"}
    eligibility = fos_eligibility(
        ComplainantFacts(
            complainant=_COMPLAINANT_TYPE[ComplainantKind(complainant_type)],
            employees=employees,
            annual_turnover_gbp=money["annual_turnover_gbp"],
            balance_sheet_gbp=money["balance_sheet_gbp"],
            annual_income_gbp=money["annual_income_gbp"],
            net_assets_gbp=money["net_assets_gbp"],
            eur_per_gbp=money["eur_per_gbp"],
        ),
        config.eligibility,
    )
    complaint = Complaint(
        reference=_next_reference(),
        customer=customer,
        firm_id=customer.firm_id,
        procedure=procedure,
        subject=_choice(data, "subject", Subject, Subject.FIRM_SERVICE.value),
        received_at=received_at,
        channel=_choice(data, "channel", ReceivedChannel),
        logged_by=actor,
        logged_at=moment,
        complainant_type=complainant_type,
        fos_eligible=bool(eligibility.data["eligible"]),
        eligibility_decision=eligibility.as_dict(),
        product=_choice(data, "product", Product),
        policy_reference=str(data.get("policy_reference") or "")[:60],
        claim_reference=str(data.get("claim_reference") or "")[:60],
        main_cause=_choice(data, "main_cause", MainCause, MainCause.GENERAL_ADMIN.value),
        regulated_activity=_choice(
            data,
            "regulated_activity",
            RegulatedActivity,
            RegulatedActivity.CLAIMS_HANDLING.value
            if procedure == Procedure.GAP_CLAIM
            else RegulatedActivity.INSURANCE_DISTRIBUTION.value,
        ),
        vulnerability_identified=bool(data.get("vulnerability_identified"))
        or customer.active_adjustments().exists(),
        vulnerability_related_cause=bool(data.get("vulnerability_related_cause")),
        description=description,
        response_format=delivery_for(customer).document_format.value,
        status=S.RECEIVED.value,
        stage_owner_role=Role.MANAGER.value,
        stage_owner=(proc.owner_for(route_subject) if route_subject else proc.stage1).key,
        route_subject=route_subject,
        retention_until=retention_until(london_date(received_at), max(3, config.retention.years)),
        employees=employees,
        **money,
    )
    complaint.full_clean(exclude=["reference"])
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:  # a concurrent registration took the reference
        complaint.reference = _next_reference() + "A"
        complaint.save()
    _event(
        complaint=complaint,
        kind="registered",
        actor=actor,
        at=moment,
        detail={"channel": complaint.channel, "received_at": received_at.isoformat()},
    )
    # DISP 1.6.1R: prompt written acknowledgement (Young Driver: within 5 working days).
    timeline = complaint_timeline_for(complaint)
    handler = _handler(complaint, proc)
    letter = acknowledgement_letter(
        _facts(complaint, handler),
        final_response_by=timeline.final_response_by,
        acknowledge_by=timeline.acknowledge_by,
    )
    doc = _issue_letter(actor, complaint, letter)
    before = complaint.status
    complaint.status = check_transition(
        S(complaint.status), S.STAGE1, procedure=proc, received_at=received_at, at=moment
    ).value
    complaint.acknowledged_at = moment
    complaint.save()
    _event(
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
        after={**_snapshot(complaint), "eligibility": eligibility.data},
    )
    return complaint


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
    reason: str = "not_resolved",
    escalated_at: datetime | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Stage 2: the QA team (COMP-3), on the 3rd working day or when the customer rejects
    the proposed resolution. ``escalated_at`` (default: now) may not be before receipt
    nor in the future."""
    _require_staff(actor, "escalate a complaint")
    moment = _now(now)
    at = escalated_at or moment
    c = _lock(complaint)
    proc = complaints_config().procedure(c.procedure)
    if reason not in ESCALATION_REASONS:
        raise DomainError(
            ErrorCode.INVALID,
            "reason must be not_resolved or rejected_resolution",
            "COMP-3",
            "reason",
        )
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
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.escalated_at = at
    c.escalation_reason = reason
    c.stage_owner_role = Role.QA.value
    c.stage_owner = proc.stage2.key if proc.stage2 else ""
    _save(c)
    _event(
        complaint=c,
        kind="escalated",
        actor=actor,
        at=at,
        before=before,
        detail={"reason": ESCALATION_REASONS[reason], "to": c.stage_owner},
    )
    audit_record(
        actor=actor, action="complaint.escalate", obj=c, before=before_snap, after=_snapshot(c)
    )
    return c


@transaction.atomic
def complaint_acknowledge_qa(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """The QA team's written acknowledgement, due within 1 working day of escalation (COMP-3)."""
    _require_staff(actor, "acknowledge a complaint")
    moment = _now(now)
    c = _lock(complaint)
    proc = complaints_config().procedure(c.procedure)
    if c.status != S.STAGE2.value or proc.stage2 is None:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "only an escalated complaint is acknowledged by the QA team",
            "COMP-3",
            "status",
        )
    if c.qa_acknowledged_at is not None:
        return c
    timeline = complaint_timeline_for(c)
    letter = acknowledgement_letter(
        _facts(c, proc.stage2), final_response_by=timeline.final_response_by
    )
    doc = _issue(
        actor=actor,
        complaint=c,
        kind="qa_acknowledgement",
        title="Your complaint has been passed to our Quality Assurance Team",
        paragraphs=(
            letter.paragraphs[0],
            f"Your complaint has been passed to our {proc.stage2.name}, who will now review it.",
            *letter.paragraphs[2:],
        ),
        rules=("COMP-3", "COMP-6"),
    )
    before_snap = _snapshot(c)
    c.qa_acknowledged_at = moment
    _save(c)
    _event(
        complaint=c, kind="qa_acknowledged", actor=actor, at=moment, before=c.status, document=doc
    )
    audit_record(
        actor=actor,
        action="complaint.qa_acknowledge",
        obj=c,
        before=before_snap,
        after=_snapshot(c),
    )
    return c


# --- forward (COMP-5, DISP 1.7) -----------------------------------------------------


@transaction.atomic
def complaint_forward(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """Pass a GAP claim complaint to the insurer after the 3rd working day and tell the
    complainant by letter (GAP-COMPLAINT, DISP 1.7)."""
    _require_staff(actor, "forward a complaint")
    moment = _now(now)
    c = _lock(complaint)
    proc = complaints_config().procedure(c.procedure)
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
        letter = forwarding_notice_letter(_facts(c, proc.stage1), forwarded_to=proc.forward_to)
        doc = _issue_letter(actor, c, letter)
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.forwarded_to = proc.forward_to.key
    c.forwarded_at = moment
    c.stage_owner_role = ""
    c.stage_owner = proc.forward_to.key
    _save(c)
    _event(
        complaint=c,
        kind="forwarded",
        actor=actor,
        at=moment,
        before=before,
        detail={"to": proc.forward_to.name, "complainant_told": doc is not None},
        document=doc,
    )
    audit_record(
        actor=actor, action="complaint.forward", obj=c, before=before_snap, after=_snapshot(c)
    )
    return c


# --- outcomes --------------------------------------------------------------------------


def _outcome(value: str | None, *, allow_withdrawn: bool = False) -> Outcome:
    if not value:
        raise DomainError(
            ErrorCode.REQUIRED,
            "record the outcome (upheld, partly upheld, rejected) before responding",
            "COMP-7",
            "outcome",
        )
    try:
        outcome = Outcome(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"unknown outcome {value!r}", "COMP-7", "outcome"
        ) from exc
    if outcome is Outcome.WITHDRAWN and not allow_withdrawn:
        raise DomainError(
            ErrorCode.INVALID, "use withdraw for a withdrawn complaint", "COMP-7", "outcome"
        )
    return outcome


def _redress(amount: Decimal | str | None, kind: str | None) -> tuple[Decimal | None, str]:
    if amount in (None, ""):
        return None, ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise DomainError(
            ErrorCode.INVALID, "redress amount is not a number", "COMP-7", "redress_amount"
        ) from exc
    if value < 0:
        raise DomainError(
            ErrorCode.INVALID, "redress cannot be negative", "COMP-7", "redress_amount"
        )
    if value == 0:
        return None, ""
    if not kind or kind not in RedressType.__members__.values():
        raise DomainError(
            ErrorCode.REQUIRED,
            "say what the redress is for (financial loss, distress and inconvenience, "
            "goodwill, interest, excess waived)",
            "COMP-7",
            "redress_type",
        )
    return value.quantize(Decimal("0.01")), kind


@transaction.atomic
def complaint_resolve_summary(
    *,
    actor: User,
    complaint: Complaint,
    resolution: str,
    outcome: str = Outcome.UPHELD.value,
    redress_amount: Decimal | str | None = None,
    redress_type: str | None = None,
    consent_to_waive: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """Resolved by close of business on the 3rd working day: the summary resolution
    communication (DISP 1.5.4R) instead of a final response (COMP-3)."""
    _require_staff(actor, "resolve a complaint")
    moment = _now(now)
    c = _lock(complaint)
    proc = complaints_config().procedure(c.procedure)
    target = check_transition(
        S(c.status), S.RESOLVED_SUMMARY, procedure=proc, received_at=c.received_at, at=moment
    )
    if not resolution.strip():
        raise DomainError(
            ErrorCode.REQUIRED, "say how the complaint was resolved", "COMP-3", "resolution"
        )
    result = _outcome(outcome)
    amount, kind = _redress(redress_amount, redress_type)
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
        _facts(c, _handler(c, proc)),
        resolution=resolution.strip().rstrip(".") + ".",
        wording=complaints_config().letters,
        consent_to_waive=consent_to_waive,
    )
    doc = _issue_letter(actor, c, letter)
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.summary_resolution_sent_at = moment
    c.closed_on = london_date(moment)
    c.outcome = result.value
    c.redress_amount, c.redress_type = amount, kind
    c.consent_to_waive = consent_to_waive
    _save(c)
    _event(
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
        after=_snapshot(c),
    )
    return c


def destinations_for(complaint: Complaint) -> list[Contact]:
    """COMP-4: where the complainant may go after the firm's final response."""
    decision = destination_route(complaints_config(), DestinationKind(complaint.subject))
    contacts = complaints_config().contacts
    return [contacts[k] for k in decision.data["route"]]


@transaction.atomic
def complaint_final_response(
    *,
    actor: User,
    complaint: Complaint,
    outcome: str | None,
    reasons: str,
    redress_amount: Decimal | str | None = None,
    redress_type: str | None = None,
    consent_to_waive: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """The final response (DISP 1.6.2R): outcome with reasons and redress, the FOS
    leaflet, six-month limit and Annex 3R wording; destinations per COMP-4.

    Also sent when the complainant referred to the FOS before it (COMP-6): the letter
    notes the referral, the complaint stays ``referred_fos`` (the FOS outcome is
    recorded later) and the return counts our final response date and outcome.
    Refused there if we had already responded (final response or summary resolution).
    """
    _require_staff(actor, "issue a final response")
    moment = _now(now)
    result = _outcome(outcome)
    amount, kind = _redress(redress_amount, redress_type)
    if not reasons.strip():
        raise DomainError(
            ErrorCode.REQUIRED, "give the reasons for the outcome", "COMP-6", "reasons"
        )
    c = _lock(complaint)
    proc = complaints_config().procedure(c.procedure)
    target = check_transition(
        S(c.status),
        S.FINAL_RESPONSE_ISSUED,
        procedure=proc,
        received_at=c.received_at,
        at=moment,
        responded=c.final_response_on is not None or c.summary_resolution_sent_at is not None,
    )
    after_referral = target is S.REFERRED_FOS
    handler = _handler(c, proc)
    letter = final_response_letter(
        _facts(c, handler),
        outcome=result,
        reasons=tuple(p.strip() for p in reasons.split("\n\n") if p.strip()),
        wording=complaints_config().letters,
        redress=amount,
        consent_to_waive=consent_to_waive,
        fos_referred_on=c.fos_referred_on if after_referral else None,
        fos_reference=c.fos_reference if after_referral else "",
    )
    destinations = destinations_for(c)
    paragraphs = list(letter.paragraphs)
    if c.subject == Subject.PANEL_SOLICITOR_CONDUCT.value:
        # COMP-4: the solicitor's own procedure, then the Legal Ombudsman (not the FOS).
        route = " and then ".join(d.name for d in destinations)
        last = destinations[-1]
        paragraphs.insert(
            3,
            "Your complaint concerns the conduct of a panel solicitor. If you remain "
            f"dissatisfied with the solicitor, the route is: {route}. "
            + ", ".join(last.lines())
            + ".",
        )
    doc = _issue(
        actor=actor,
        complaint=c,
        kind=letter.type.value,
        title=letter.title,
        paragraphs=paragraphs,
        enclosures=letter.enclosures,
        rules=letter.rules,
    )
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    today = london_date(moment)
    c.final_response_on = today
    c.closed_on = today
    c.outcome = result.value
    c.redress_amount, c.redress_type = amount, kind
    c.consent_to_waive = consent_to_waive
    _save(c)
    _event(
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
        after=_snapshot(c),
    )
    return c


@transaction.atomic
def complaint_withdraw(
    *, actor: User, complaint: Complaint, note: str = "", now: datetime | None = None
) -> Complaint:
    """The complainant withdraws: closed, not upheld (COMP-7); confirmed in writing."""
    moment = _now(now)
    c = _lock(complaint)
    if actor.role == Role.CUSTOMER:
        if c.customer.user_id != actor.pk:
            raise DomainError(ErrorCode.NOT_FOUND, "no such complaint", "PLT-4", "complaint_id")
    else:
        _require_staff(actor, "withdraw a complaint")
    proc = complaints_config().procedure(c.procedure)
    target = check_transition(
        S(c.status), S.WITHDRAWN, procedure=proc, received_at=c.received_at, at=moment
    )
    facts = _facts(c, _handler(c, proc))
    doc = _issue(
        actor=actor,
        complaint=c,
        kind="withdrawal",
        title="Your complaint has been withdrawn",
        paragraphs=(
            f"Dear {facts.complainant_name}, you have told us that you wish to withdraw your "
            f"complaint, which we received on {facts.received_on:%d %B %Y} (our reference "
            f"{c.reference}). We have closed it.",
            "If you change your mind, or become dissatisfied again, please contact us and we "
            "will look into it. You may also be able to refer the matter to the Financial "
            f"Ombudsman Service ({facts.fos.website}).",
        ),
        rules=("COMP-6", "COMP-7"),
    )
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.outcome = Outcome.WITHDRAWN.value
    c.closed_on = london_date(moment)
    _save(c)
    _event(
        complaint=c,
        kind="withdrawn",
        actor=actor,
        at=moment,
        before=before,
        detail={"note": note},
        document=doc,
    )
    audit_record(
        actor=actor, action="complaint.withdraw", obj=c, before=before_snap, after=_snapshot(c)
    )
    return c


# --- holding response (COMP-6, DISP 1.6.2R(2)) ---------------------------------------------

HOLDING_EARLIEST_DAYS_BEFORE = 7  # the letter says "you may refer now": only in the 8th week


@transaction.atomic
def complaint_holding_response(
    *,
    actor: User,
    complaint: Complaint,
    reason: str,
    expected_by: date | None,
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
    _require_staff(actor, "send a holding response")
    moment = _now(now)
    if not reason.strip():
        raise DomainError(
            ErrorCode.REQUIRED,
            "explain why a final response cannot be given yet",
            "COMP-6",
            "reason",
        )
    if expected_by is None:
        raise DomainError(
            ErrorCode.REQUIRED,
            "say when you expect to send the final response (DISP 1.6.2R(2))",
            "COMP-6",
            "expected_by",
        )
    today = london_date(moment)
    if expected_by <= today:
        raise DomainError(
            ErrorCode.INVALID,
            "the expected final response date must be after today",
            "COMP-6",
            "expected_by",
        )
    c = _lock(complaint)
    if c.status not in OPEN_STATUSES:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "a holding response is for an open complaint that has no final response yet",
            "COMP-2",
            "status",
        )
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
    proc = complaints_config().procedure(c.procedure)
    letter = holding_response_letter(
        _facts(c, _handler(c, proc)),
        reason=reason.strip().rstrip(".") + ".",
        expected_by=expected_by,
        wording=complaints_config().letters,
    )
    doc = _issue_letter(actor, c, letter)
    before_snap = _snapshot(c)
    late = today > timeline.final_response_by
    if c.holding_response_on is None:
        c.holding_response_on = today  # the first one meets (or misses) the clock
    c.holding_expected_by = expected_by
    _save(c)
    _event(
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
        after=_snapshot(c),
    )
    return c


# --- FOS referral and closure (COMP-4, COMP-FOS-ELIG) ---------------------------------------


def _complainant_facts(c: Complaint, eur_per_gbp: Decimal | None) -> ComplainantFacts:
    return ComplainantFacts(
        complainant=_COMPLAINANT_TYPE[ComplainantKind(c.complainant_type)],
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
    referred_on: date | None,
    fos_reference: str,
    eur_per_gbp: Decimal | str | None = None,
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
    _require_staff(actor, "record a FOS referral")
    moment = _now(now)
    reference = (fos_reference or "").strip()
    if not reference:
        raise DomainError(
            ErrorCode.REQUIRED, "record the FOS case reference", "COMP-4", "fos_reference"
        )
    if referred_on is None:
        raise DomainError(
            ErrorCode.REQUIRED, "when did the complainant refer?", "COMP-4", "referred_on"
        )
    rate = _decimal({"eur_per_gbp": eur_per_gbp}, "eur_per_gbp")
    if rate is not None and rate == 0:
        raise DomainError(ErrorCode.INVALID, "eur_per_gbp must be above 0", "COMP-4", "eur_per_gbp")
    c = _lock(complaint)
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
    proc = complaints_config().procedure(c.procedure)
    target = check_transition(
        S(c.status), S.REFERRED_FOS, procedure=proc, received_at=c.received_at, at=moment
    )
    config = complaints_config()
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
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.fos_referred_at = moment
    c.fos_referred_on = referred_on
    c.fos_reference = reference[:40]
    c.fos_referral_decision = decision.as_dict()
    _save(c)
    _event(
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
        after={**_snapshot(c), "flags": flags},
    )
    return c


@transaction.atomic
def complaint_close_after_fos(
    *,
    actor: User,
    complaint: Complaint,
    fos_outcome: str | None,
    decided_on: date | None,
    redress_amount: Decimal | str | None = None,
    redress_type: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Close a complaint once the FOS has decided (upheld / not upheld, redress), COMP-4.

    Where the firm had already closed it (final response or summary resolution), the
    return keeps the firm's closure date, outcome and redress; the FOS result is kept
    alongside. Where the complainant referred before the firm's final response, the
    FOS outcome closes it for the return (upheld -> upheld, not upheld -> rejected)
    and the redress the FOS awarded counts as redress paid (decision 44).
    """
    _require_staff(actor, "close a complaint after the FOS")
    moment = _now(now)
    if fos_outcome not in FosOutcome.values:
        raise DomainError(
            ErrorCode.REQUIRED,
            "record the FOS outcome: upheld or not_upheld",
            "COMP-4",
            "fos_outcome",
        )
    if decided_on is None:
        raise DomainError(ErrorCode.REQUIRED, "when did the FOS decide?", "COMP-4", "decided_on")
    amount, kind = _redress(redress_amount, redress_type)
    if amount is not None and fos_outcome == FosOutcome.NOT_UPHELD:
        raise DomainError(
            ErrorCode.INVALID,
            "a complaint the FOS did not uphold has no FOS redress",
            "COMP-4",
            "redress_amount",
        )
    c = _lock(complaint)
    if c.status != S.REFERRED_FOS.value:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            "only a complaint referred to the FOS is closed after the FOS outcome",
            "COMP-4",
            "status",
        )
    if decided_on > london_date(moment) or (
        c.fos_referred_on is not None and decided_on < c.fos_referred_on
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "the FOS decision date must be between the referral and today",
            "COMP-4",
            "decided_on",
        )
    proc = complaints_config().procedure(c.procedure)
    target = check_transition(
        S(c.status), S.CLOSED, procedure=proc, received_at=c.received_at, at=moment
    )
    before_snap, before = _snapshot(c), c.status
    c.status = target.value
    c.fos_outcome = fos_outcome
    c.fos_decided_on = decided_on
    c.fos_redress_amount = amount
    firm_closed = c.closed_on is not None
    if not firm_closed:
        c.closed_on = decided_on
        c.outcome = (
            Outcome.UPHELD.value if fos_outcome == FosOutcome.UPHELD else Outcome.REJECTED.value
        )
        c.redress_amount, c.redress_type = amount, kind
    _save(c)
    _event(
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
        after=_snapshot(c),
    )
    return c


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
    _require_staff(actor, "correct a complaint's classification")
    moment = _now(now)
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
    c = _lock(complaint)
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        kind = RECLASSIFIABLE[name]
        if kind is bool:
            wanted[name] = _flag(name, value)
        else:
            wanted[name] = _choice({name: value}, name, kind)
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
    _save(c)
    _event(
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


# --- attachments ---------------------------------------------------------------------------


@transaction.atomic
def complaint_attach(
    *, actor: User, complaint: Complaint, upload: UploadedFile
) -> ComplaintAttachment:
    """Attach evidence: PDF, JPEG, PNG or text, at most 10 MB (COMP-1, DISP 1.9 records)."""
    if actor.role == Role.BROKER:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "brokers cannot add evidence", "PLT-4")
    name = (upload.name or "attachment").rsplit("/", 1)[-1][:200]
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(ErrorCode.INVALID, "the file is larger than 10 MB", "COMP-1", "file")
    if size == 0:
        raise DomainError(ErrorCode.INVALID, "the file is empty", "COMP-1", "file")
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    extensions = ALLOWED_ATTACHMENT_TYPES.get(ctype)
    if extensions is None or not name.lower().endswith(extensions):
        raise DomainError(
            ErrorCode.INVALID,
            "attach a PDF, JPEG, PNG or text file",
            "COMP-1",
            "file",
        )
    c = _lock(complaint)
    attachment = ComplaintAttachment(
        complaint=c, name=name, content_type=ctype, size=size, uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(
        complaint=c,
        kind="attachment",
        actor=actor,
        at=timezone.now(),
        before=c.status,
        detail={"name": name, "size": size},
    )
    audit_record(
        actor=actor,
        action="complaint.attach",
        obj=attachment,
        firm_id=c.firm_id,
        after={"complaint": c.reference, "name": name, "size": size, "type": ctype},
    )
    return attachment


# --- scheduled clock check (COMP-7) --------------------------------------------------------

CHECK_TIME = time(18, 0)  # after close of business: the day's 17:30 deadlines have passed
ALERT_WITHIN_DAYS = 2


@transaction.atomic
def complaint_clock_check(*, as_of: date) -> int:
    """Raise a task for each open clock due within 2 days (``due``) or lapsed
    (``breached``). Idempotent: one task per complaint, clock and level. A customer
    whose adjustments rule out phone gets a written-contact task, never a phone task."""
    now = datetime.combine(as_of, CHECK_TIME, tzinfo=LONDON)
    config = complaints_config()
    created = 0
    open_complaints = Complaint.objects.filter(status__in=OPEN_STATUSES).select_related("customer")
    for c in open_complaints:
        timeline = complaint_timeline_for(c)
        clocks = [(str(c.pk), clock) for clock in timeline.clocks]
        alerts = clocks_needing_attention(
            clocks, now=now, within_days=ALERT_WITHIN_DAYS, rules=config.clock
        )
        if not alerts:
            continue
        phone_ok = may_phone([a.as_adjustment() for a in c.customer.active_adjustments()])
        for alert in alerts:
            level = alert.status.value
            if ComplaintTask.objects.filter(
                complaint=c, clock=alert.clock.kind.value, level=level
            ).exists():
                continue
            action = "phone" if phone_ok else "write"
            contact = (
                "Phone the complainant with an update"
                if phone_ok
                else "Write to the complainant (their adjustments rule out phone calls)"
            )
            what = "has lapsed" if level == "breached" else "is due"
            task = ComplaintTask.objects.create(
                complaint=c,
                clock=alert.clock.kind.value,
                level=level,
                action=action,
                assigned_role=c.stage_owner_role or Role.MANAGER.value,
                due_at=alert.clock.due_at,
                note=(
                    f"{c.reference}: the {alert.clock.kind.value.replace('_', ' ')} clock "
                    f"{what} ({alert.clock.due_on:%d %b %Y}, {alert.clock.rule}). {contact}."
                    + (f" Next: {alert.clock.on_lapse}." if alert.clock.on_lapse else "")
                ),
            )
            _event(
                complaint=c,
                kind=f"task_{level}",
                actor=None,
                at=now,
                before=c.status,
                detail={"clock": task.clock, "task": task.pk, "action": action},
            )
            audit_record(
                actor=None,
                action="complaint.task_raise",
                obj=task,
                firm_id=c.firm_id,
                after={
                    "complaint": c.reference,
                    "clock": task.clock,
                    "level": level,
                    "action": action,
                },
            )
            created += 1
    return created


__all__ = [
    "complaint_acknowledge_qa",
    "complaint_attach",
    "complaint_clock_check",
    "complaint_close_after_fos",
    "complaint_escalate",
    "complaint_final_response",
    "complaint_forward",
    "complaint_holding_response",
    "complaint_reclassify",
    "complaint_refer_fos",
    "complaint_register",
    "complaint_resolve_summary",
    "complaint_withdraw",
    "destinations_for",
    "nation_for",
]
