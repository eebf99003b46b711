"""REST endpoints for complaints (COMP-1..7), tenant-scoped through the selectors (PLT-4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from covernote.accounts.selectors import request_user
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.complaints._parsing import REDRESS_CEILING
from covernote.complaints.inputs import (
    EMPLOYEES,
    LEN,
    LONG_TEXT,
    NOTE_LENGTH,
    RECEIVED_FLOOR,
    ComplaintRegistration,
    Escalation,
    FinalResponse,
    FosDecision,
    FosReferral,
    HoldingResponse,
    Reclassification,
    SummaryResolution,
    Withdrawal,
)
from covernote.complaints.models import Complaint
from covernote.complaints.selectors import (
    complaint_attachment_for,
    complaint_clocks,
    complaint_get_for,
    complaint_letters,
    complaint_list_for,
    complaints_return_for,
    return_csv,
    return_shape,
)
from covernote.complaints.services import (
    complaint_close_after_fos,
    complaint_escalate,
    complaint_forward,
    complaint_reclassify,
    complaint_refer_fos,
    complaint_register,
    complaint_resolve_summary,
    complaint_respond_final,
    complaint_respond_holding,
    complaint_withdraw,
)
from covernote.domain.bounds import Day, Int, Moment, Money, Text
from covernote.parties.selectors import customer_get_for

router = Router(tags=["complaints"])


class ClockOut(Schema):
    kind: str
    label: str
    rule: str
    due_on: date
    due_at: datetime | None
    status: str
    met_at: datetime | None
    note: str


class EventOut(Schema):
    kind: str
    at: datetime
    actor: str
    status_before: str
    status_after: str
    detail: dict[str, Any]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str


class ComplaintOut(Schema):
    id: int
    reference: str
    customer_id: int
    customer: str
    firm: str | None
    procedure: str
    subject: str
    received_at: datetime
    channel: str
    complainant_type: str
    fos_eligible: bool
    product: str
    policy_reference: str
    claim_reference: str
    main_cause: str
    regulated_activity: str
    vulnerability_identified: bool
    vulnerability_related_cause: bool
    description: str
    response_format: str
    status: str
    stage_owner_role: str
    escalated_at: datetime | None
    route_subject: str
    stage_owner: str
    forwarded_to: str
    holding_response_on: date | None
    holding_expected_by: date | None
    final_response_on: date | None
    closed_on: date | None
    outcome: str
    redress_amount: Decimal | None
    redress_type: str
    retention_until: date
    version: int
    fos_referred_on: date | None
    fos_reference: str
    fos_referral: dict[str, Any]
    fos_outcome: str
    fos_redress_amount: Decimal | None
    fos_decided_on: date | None
    clocks: list[ClockOut] = []
    events: list[EventOut] = []
    letters: list[str] = []
    attachments: list[AttachmentOut] = []


def complaint_out(c: Complaint, *, full: bool = False) -> ComplaintOut:
    out = ComplaintOut(
        id=c.pk,
        reference=c.reference,
        customer_id=c.customer_id,
        customer=c.customer.full_name,
        firm=c.firm.name if c.firm is not None else None,
        procedure=c.procedure,
        subject=c.subject,
        received_at=c.received_at,
        channel=c.channel,
        complainant_type=c.complainant_type,
        fos_eligible=c.fos_eligible,
        product=c.product,
        policy_reference=c.policy_reference,
        claim_reference=c.claim_reference,
        main_cause=c.main_cause,
        regulated_activity=c.regulated_activity,
        vulnerability_identified=c.vulnerability_identified,
        vulnerability_related_cause=c.vulnerability_related_cause,
        description=c.description,
        response_format=c.response_format,
        status=c.status,
        stage_owner_role=c.stage_owner_role,
        escalated_at=c.escalated_at,
        route_subject=c.route_subject,
        stage_owner=c.stage_owner,
        forwarded_to=c.forwarded_to,
        holding_response_on=c.holding_response_on,
        holding_expected_by=c.holding_expected_by,
        final_response_on=c.final_response_on,
        closed_on=c.closed_on,
        outcome=c.outcome,
        redress_amount=c.redress_amount,
        redress_type=c.redress_type,
        retention_until=c.retention_until,
        version=c.version,
        fos_referred_on=c.fos_referred_on,
        fos_reference=c.fos_reference,
        fos_referral=c.fos_referral_decision,
        fos_outcome=c.fos_outcome,
        fos_redress_amount=c.fos_redress_amount,
        fos_decided_on=c.fos_decided_on,
    )
    if full:
        out.clocks = [ClockOut(**k.as_dict()) for k in complaint_clocks(c)]
        out.events = [
            EventOut(
                kind=e.kind,
                at=e.at,
                actor=e.actor_label,
                status_before=e.status_before,
                status_after=e.status_after,
                detail=e.detail,
            )
            for e in c.events.all()
        ]
        out.letters = [d.kind for d in complaint_letters(c)]
        out.attachments = [
            AttachmentOut(
                id=a.pk,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                uploaded_at=a.uploaded_at,
                url=f"/api/v1/complaints/{c.pk}/attachments/{a.pk}",
            )
            for a in c.attachments.all()
        ]
    return out


# Bounded at the door (ADR 0023): the columns' lengths and digits, DISP's start, a
# redress ceiling.
Received = Annotated[datetime, Moment(earliest=RECEIVED_FLOOR, rule="COMP-1")]
Figure = Annotated[Decimal, Money(max_digits=14, rule="COMP-FOS-ELIG")]
Fx = Annotated[Decimal, Money(max_digits=10, places=6, ceiling="100", rule="COMP-FOS-ELIG")]
Redress = Annotated[Decimal, Money(ceiling=REDRESS_CEILING, rule="COMP-7")]
LongText = Annotated[str, Text(LONG_TEXT, multiline=True)]
Note = Annotated[str, Text(NOTE_LENGTH, multiline=True)]
Code = Annotated[str, Text(40)]
Decided = Annotated[date, Day(earliest=RECEIVED_FLOOR, rule="COMP-4")]


class ComplaintIn(Schema):
    model_config = {"extra": "forbid"}

    customer_id: int
    received_at: Received
    channel: Literal["phone", "email", "letter", "web", "in_person"]
    procedure: Literal["broker_platform", "young_driver", "gap_claim", "gap_sale"]
    yd_subject: Literal["sale", "service", "claim"] | None = None
    product: Code
    description: Annotated[str, Text(LONG_TEXT, min_length=1, multiline=True, rule="COMP-1")]
    subject: Code = "firm_service"
    main_cause: Code = "general_admin"
    regulated_activity: Code | None = None
    policy_reference: Annotated[str, Text(LEN["policy_reference"])] = ""
    claim_reference: Annotated[str, Text(LEN["claim_reference"])] = ""
    complainant_type: Code = "consumer"
    employees: Annotated[int, Int(ge=EMPLOYEES[0], le=EMPLOYEES[1])] | None = None
    annual_turnover_gbp: Figure | None = None
    balance_sheet_gbp: Figure | None = None
    annual_income_gbp: Figure | None = None
    net_assets_gbp: Figure | None = None
    eur_per_gbp: Fx | None = None
    vulnerability_identified: bool = False
    vulnerability_related_cause: bool = False


class EscalateIn(Schema):
    model_config = {"extra": "forbid"}

    reason: Literal["not_resolved", "rejected_resolution"] = "not_resolved"
    escalated_at: Received | None = None


class OutcomeIn(Schema):
    model_config = {"extra": "forbid"}

    outcome: Code | None = None
    reasons: LongText = ""
    redress_amount: Redress | None = None
    redress_type: Code | None = None
    consent_to_waive: bool = False


class SummaryIn(OutcomeIn):
    resolution: LongText = ""


class WithdrawIn(Schema):
    model_config = {"extra": "forbid"}

    note: Note = ""


class HoldingIn(Schema):
    model_config = {"extra": "forbid"}

    reason: LongText = ""
    expected_by: Annotated[date, Day(rule="COMP-6")] | None = None


class FosReferralIn(Schema):
    model_config = {"extra": "forbid"}

    referred_on: Decided | None = None
    fos_reference: Annotated[str, Text(LEN["fos_reference"])] = ""
    eur_per_gbp: Fx | None = None


class FosOutcomeIn(Schema):
    model_config = {"extra": "forbid"}

    fos_outcome: Code | None = None
    decided_on: Decided | None = None
    redress_amount: Redress | None = None
    redress_type: Code | None = None
    note: Note = ""


class ComplaintPage(Page):
    items: list[ComplaintOut]


class ReclassifyIn(BaseModel):
    """The classification fields to correct (COMP-7). Other fields are refused by name —
    the received time and the clock dates always (403, decision 27)."""

    # A plain pydantic model: ninja's Schema would drop the extra fields the service
    # must see to refuse them by name.
    model_config = ConfigDict(extra="allow")

    main_cause: str | None = Field(None, description="advising_selling, terms_disputes, …")
    product: str | None = Field(None, description="young_driver_motor, gap, …")
    regulated_activity: str | None = Field(None, description="insurance_distribution, …")
    vulnerability_identified: bool | None = None
    vulnerability_related_cause: bool | None = None
    note: str = Field("", description="Why the classification changed (audited)")


CSV_ANSWER = {
    "responses": {
        200: {
            "description": "The return as CSV, one row per line of the FCA form",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}
FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file as uploaded (PDF, JPEG, PNG or text)",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/jpeg", "image/png", "text/plain")
            },
        }
    }
}


class ReturnQuery(Schema):
    start: Annotated[date, Day()] = Field(alias="from")
    end: Annotated[date, Day()] = Field(alias="to")
    shape: Code = "annex1r"
    frn: Annotated[str, Text(20)] = (
        ""  # one firm by its FCA reference number; ignored for brokers (PLT-4)
    )


@router.get("", response=ComplaintPage, summary="List complaints")
def list_complaints(
    request: HttpRequest, response: HttpResponse, page: PageQuery, open_only: bool = False
) -> dict[str, Any]:
    """The complaints you may see, a page at a time (COMP-1): a broker its own firm's only
    (PLT-4); `open_only` leaves out closed ones. `count` is the whole list's size."""
    qs = complaint_list_for(request_user(request), open_only=open_only)
    return paginate(request, response, qs, page, complaint_out)


@router.post("", response={201: ComplaintOut}, summary="Register a complaint")
def create_complaint(request: HttpRequest, payload: ComplaintIn) -> Status[ComplaintOut]:
    """Record an expression of dissatisfaction (COMP-1) under its procedure (COMP-5); the
    clocks start from `received_at` (COMP-2) and FOS eligibility is decided
    (COMP-FOS-ELIG)."""
    actor = request_user(request)
    data = payload.model_dump(exclude_none=True)
    customer = customer_get_for(actor, data.pop("customer_id"))
    complaint = complaint_register(
        actor=actor, customer=customer, data=ComplaintRegistration.parse(data)
    )
    return Status(201, complaint_out(complaint, full=True))


@router.get(
    "/return",
    response={200: None},
    summary="The FCA complaints return (CSV)",
    openapi_extra=CSV_ANSWER,
)
def complaints_return(request: HttpRequest, q: Query[ReturnQuery]) -> HttpResponse:
    """The complaints return for a period (`from`, `to`) as CSV (COMP-6, DISP 1.10): the
    shape `annex1r` or another the FCA asks for; staff may pick one firm by `frn`."""
    ret = complaints_return_for(
        request_user(request),
        start=q.start,
        end=q.end,
        shape=return_shape(q.shape),
        frn=q.frn or None,
    )
    response = HttpResponse(return_csv(ret), content_type="text/csv; charset=utf-8")
    frn = f"frn{ret.respondent_firm_frn}-" if ret.respondent_firm_frn else ""
    response["Content-Disposition"] = (
        f'attachment; filename="complaints-return-{q.shape}-{frn}{q.start}-{q.end}.csv"'
    )
    return response


@router.get("/{complaint_id}", response=ComplaintOut, summary="Read a complaint")
def get_complaint(request: HttpRequest, complaint_id: int) -> ComplaintOut:
    """One complaint with its clocks (COMP-2, COMP-3), events, letters and attachments.
    Another firm's complaint is 404 and the attempt audited (PLT-4)."""
    return complaint_out(complaint_get_for(request_user(request), complaint_id), full=True)


@router.get(
    "/{complaint_id}/attachments/{attachment_id}",
    response={200: None},
    summary="Download a complaint's attachment",
    openapi_extra=FILE_ANSWER,
)
def download_attachment(
    request: HttpRequest, complaint_id: int, attachment_id: int
) -> FileResponse:
    """The evidence file, for anyone who may read the complaint; every download is
    audited, another firm's complaint is 404 and the attempt audited (PLT-4)."""
    attachment = complaint_attachment_for(request_user(request), complaint_id, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@router.post(
    "/{complaint_id}/escalate",
    response=ComplaintOut,
    summary="Escalate a complaint",
    openapi_extra={"x-problems": [409]},
)
def escalate(request: HttpRequest, complaint_id: int, payload: EscalateIn) -> ComplaintOut:
    """The complainant is not satisfied: the complaint moves to the next stage and the QA
    acknowledgement clock starts where the procedure has one (COMP-3)."""
    actor = request_user(request)
    c = complaint_escalate(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=Escalation.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/forward",
    response=ComplaintOut,
    summary="Forward a complaint to the firm responsible",
    openapi_extra={"x-problems": [409]},
)
def forward(request: HttpRequest, complaint_id: int) -> ComplaintOut:
    """Send the complaint to the firm responsible for it (COMP-4, DISP 1.7), telling the
    complainant in writing."""
    actor = request_user(request)
    c = complaint_forward(actor=actor, complaint=complaint_get_for(actor, complaint_id))
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/summary-resolution",
    response=ComplaintOut,
    summary="Resolve a complaint by summary resolution",
    openapi_extra={"x-problems": [409]},
)
def summary_resolution(request: HttpRequest, complaint_id: int, payload: SummaryIn) -> ComplaintOut:
    """Resolve by the close of the third business day after receipt with a summary
    resolution communication (COMP-2, DISP 1.5)."""
    actor = request_user(request)
    c = complaint_resolve_summary(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=SummaryResolution.parse(
            resolution=payload.resolution or payload.reasons,
            outcome=payload.outcome,
            redress_amount=payload.redress_amount,
            redress_type=payload.redress_type,
            consent_to_waive=payload.consent_to_waive,
        ),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/final-response",
    response=ComplaintOut,
    summary="Send the final response",
    openapi_extra={"x-problems": [409]},
)
def final_response(request: HttpRequest, complaint_id: int, payload: OutcomeIn) -> ComplaintOut:
    """The final response with its outcome and any redress (COMP-2, DISP 1.6); the FOS
    referral window (six months) starts."""
    actor = request_user(request)
    c = complaint_respond_final(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=FinalResponse.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/withdraw",
    response=ComplaintOut,
    summary="Record a complaint's withdrawal",
    openapi_extra={"x-problems": [409]},
)
def withdraw(request: HttpRequest, complaint_id: int, payload: WithdrawIn) -> ComplaintOut:
    """The complainant withdrew the complaint (COMP-1); the clocks stop."""
    actor = request_user(request)
    c = complaint_withdraw(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=Withdrawal.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/holding-response",
    response=ComplaintOut,
    summary="Send a holding response",
    openapi_extra={"x-problems": [409]},
)
def holding_response(request: HttpRequest, complaint_id: int, payload: HoldingIn) -> ComplaintOut:
    """Eight weeks have passed without a final response: explain why and when to expect
    one, with the FOS referral rights (COMP-2, DISP 1.6.2R)."""
    actor = request_user(request)
    c = complaint_respond_holding(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=HoldingResponse.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/fos-referral",
    response=ComplaintOut,
    summary="Record a referral to the Financial Ombudsman",
    openapi_extra={"x-problems": [409]},
)
def fos_referral(request: HttpRequest, complaint_id: int, payload: FosReferralIn) -> ComplaintOut:
    """The complainant referred the complaint to the FOS; the referral's timeliness and the
    complainant's eligibility are decided with steps (COMP-FOS-ELIG, COMP-2)."""
    actor = request_user(request)
    c = complaint_refer_fos(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=FosReferral.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.post(
    "/{complaint_id}/fos-outcome",
    response=ComplaintOut,
    summary="Record the Financial Ombudsman's decision",
    openapi_extra={"x-problems": [409]},
)
def fos_outcome(request: HttpRequest, complaint_id: int, payload: FosOutcomeIn) -> ComplaintOut:
    """The FOS decided: upheld or not, with any redress; the complaint closes (COMP-6)."""
    actor = request_user(request)
    c = complaint_close_after_fos(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=FosDecision.parse(payload.model_dump()),
    )
    return complaint_out(c, full=True)


@router.patch(
    "/{complaint_id}/classification",
    response=ComplaintOut,
    summary="Correct a complaint's classification",
    openapi_extra={"x-problems": [409]},
)
def classification(request: HttpRequest, complaint_id: int, payload: ReclassifyIn) -> ComplaintOut:
    """Correct the cause, product, regulated activity or vulnerability flags (COMP-7); every
    change is audited. Any other field is refused by name, and the received time and
    clock dates always, with 403 (decision 27)."""
    actor = request_user(request)
    c = complaint_reclassify(
        actor=actor,
        complaint=complaint_get_for(actor, complaint_id),
        data=Reclassification.parse(payload.model_dump(exclude_unset=True)),
    )
    return complaint_out(c, full=True)
