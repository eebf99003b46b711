"""Permission-aware reads of complaints (PLT-4) and their derived clocks (COMP-2, COMP-7)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from covernote.accounts.models import Firm, FirmKind, User
from covernote.accounts.permissions import SELLERS, Action, require_role
from covernote.accounts.scoping import firm_scope_q, get_in_scope, scoped
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    OPEN_STATUSES,
    PRODUCT_GROUP,
    Complaint,
    ComplaintAttachment,
    ComplaintTask,
    Product,
)
from covernote.documents.models import Document
from covernote.domain.calendar import Nation, london_date
from covernote.domain.complaints.clocks import (
    ClockEvents,
    ClockKind,
    ClockStatus,
    ComplaintTimeline,
    complaint_timeline,
)
from covernote.domain.complaints.config import ComplaintsConfig, Contact, DestinationKind, Procedure
from covernote.domain.complaints.procedures import ComplaintStatus, destination_route
from covernote.domain.complaints.returns import (
    ComplaintRecord,
    ComplaintsReturn,
    Outcome,
    RedressType,
    ReportingPeriod,
    ReturnShape,
    complaints_return,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import Customer
from covernote.products.selectors import params_in_force, params_of

UK_NATIONS = (Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND)

CLOCK_LABELS = {
    ClockKind.SUMMARY_RESOLUTION: "3rd working day (summary resolution)",
    ClockKind.ACKNOWLEDGEMENT: "Written acknowledgement",
    ClockKind.QA_ACKNOWLEDGEMENT: "QA acknowledgement",
    ClockKind.FINAL_RESPONSE: "8 weeks (final or holding response)",
}


def complaint_procedures(complaint: Complaint) -> ComplaintsConfig:
    """The complaints procedures the complaint runs under (COMP-5, ADR 0005/0009): the
    version pinned at registration; for a complaint registered before pinning, the
    version in force on its received date."""
    if complaint.config is not None:
        pinned: ComplaintsConfig = params_of(complaint.config)
        return pinned
    return params_in_force("complaints", london_date(complaint.received_at))


def procedure_for(complaint: Complaint) -> Procedure:
    return complaint_procedures(complaint).procedure(complaint.procedure)


def complaint_destinations(complaint: Complaint) -> list[Contact]:
    """COMP-4: where the complainant may go after the firm's final response."""
    config = complaint_procedures(complaint)
    decision = destination_route(config, DestinationKind(complaint.subject))
    return [config.contacts[k] for k in decision.data["route"]]


def nation_for(complaint: Complaint) -> Nation:
    """G5: the customer's UK nation; the Crown dependencies use the configured default."""
    default = complaint_procedures(complaint).clock.default_nation
    try:
        nation = Nation(complaint.customer.nation)
    except ValueError:
        nation = default
    return nation if nation in UK_NATIONS else default


def complaint_timeline_for(complaint: Complaint) -> ComplaintTimeline:
    """Every clock, derived only from the receipt and the recorded events (COMP-2)."""
    return complaint_timeline(
        received_at=complaint.received_at,
        procedure=procedure_for(complaint),
        nation=nation_for(complaint),
        rules=complaint_procedures(complaint).clock,
        events=ClockEvents(
            escalated_at=complaint.escalated_at,
            acknowledged_at=complaint.acknowledged_at,
            qa_acknowledged_at=complaint.qa_acknowledged_at,
            summary_resolution_sent_at=complaint.summary_resolution_sent_at,
            final_response_on=complaint.final_response_on,
            holding_response_on=complaint.holding_response_on,
        ),
        alternative_format=complaint.response_format != "standard",
    )


@dataclass(frozen=True)
class ClockView:
    kind: str
    label: str
    rule: str
    due_on: date
    due_at: datetime | None
    status: str  # due | met | breached | open | closed
    met_at: datetime | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "rule": self.rule,
            "due_on": self.due_on.isoformat(),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "status": self.status,
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "note": self.note,
        }


def complaint_clocks(complaint: Complaint, now: datetime | None = None) -> list[ClockView]:
    """The clocks shown on the complaint page and in the API, FOS window included (COMP-7)."""
    now = now or timezone.now()
    timeline = complaint_timeline_for(complaint)
    views: list[ClockView] = []
    proc = procedure_for(complaint)
    for clock in timeline.clocks:
        status = clock.status(now)
        label = CLOCK_LABELS[clock.kind]
        note = clock.on_lapse
        if clock.kind is ClockKind.ACKNOWLEDGEMENT and proc.acknowledge_working_days:
            label = f"{label} ({proc.acknowledge_working_days} working days)"
        if (
            clock.kind is ClockKind.FINAL_RESPONSE
            and complaint.holding_response_on is not None
            and (
                complaint.final_response_on is None
                or complaint.holding_response_on <= complaint.final_response_on
            )
        ):
            # Decision 5: the holding response (DISP 1.6.2R(2)) meets the 8-week clock.
            note = f"Met by the holding response sent {complaint.holding_response_on:%d %b %Y}"
            if complaint.holding_expected_by and complaint.final_response_on is None:
                note += f"; final response expected by {complaint.holding_expected_by:%d %b %Y}"
        views.append(
            ClockView(
                kind=clock.kind.value,
                label=label,
                rule=clock.rule,
                due_on=clock.due_on,
                due_at=clock.due_at,
                status=_closed_status(complaint, clock.kind, clock.met_at, status, clock.due_on),
                met_at=clock.met_at,
                note=note,
            )
        )
    today = london_date(now)
    if timeline.fos_referral_until is not None:
        fos_status = "open" if today <= timeline.fos_referral_until else "closed"
        note = (
            f"The complainant may refer to the FOS from {timeline.fos_referral_from:%d %b %Y} "
            f"until {timeline.fos_referral_until:%d %b %Y}"
        )
        due = timeline.fos_referral_until
    else:
        fos_status = "open" if today >= timeline.fos_referral_from else "due"
        note = f"The complainant may refer to the FOS from {timeline.fos_referral_from:%d %b %Y}"
        due = timeline.fos_referral_from
    views.append(
        ClockView(
            kind="fos_window",
            label="FOS referral window",
            rule="COMP-4",
            due_on=due,
            due_at=None,
            status=fos_status,
            note=note,
        )
    )
    return views


def _closed_status(
    complaint: Complaint,
    kind: ClockKind,
    met_at: datetime | None,
    status: ClockStatus,
    due_on: date,
) -> str:
    """A clock on a closed complaint that was never reached before closure is met by the
    closure (withdrawal or resolution), unless it had already lapsed (never hidden)."""
    if (
        met_at is None
        and not complaint.is_open
        and complaint.closed_on is not None
        and complaint.closed_on <= due_on
        and kind is not ClockKind.QA_ACKNOWLEDGEMENT
    ):
        return ClockStatus.MET.value
    return status.value


def complaint_scope(actor: User) -> QuerySet[Complaint]:
    """Broker: complaints about its own firm's sales; customer: its own; staff: all."""
    return scoped(
        actor, Complaint.objects.select_related("customer", "firm", "logged_by", "config")
    )


def complaint_list_for(
    actor: User, *, status: str = "", open_only: bool = False
) -> QuerySet[Complaint]:
    qs = complaint_scope(actor)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs


def complaint_get_for(actor: User, complaint_id: int) -> Complaint:
    """One complaint, or NOT_FOUND — also for another firm's complaint, which is audited."""
    return get_in_scope(actor, complaint_scope(actor), complaint_id, label="complaint")


def complaints_for_customer(actor: User, customer: Customer) -> QuerySet[Complaint]:
    """A customer's complaints, newest first, within the actor's scope (PLT-4)."""
    return complaint_scope(actor).filter(customer=customer)


def complaint_attachment_for(
    actor: User, complaint_id: int, attachment_id: int
) -> ComplaintAttachment:
    """An attachment of a complaint the actor may see; the download is audited
    (REGULATION §10 personal data). Another firm's complaint is NOT_FOUND (audited).
    Evidence is for the complaints team and the broker (as on the pages); a customer
    is refused (decision 50)."""
    require_role(actor, SELLERS, what="download complaint evidence")
    complaint = complaint_get_for(actor, complaint_id)
    try:
        attachment = complaint.attachments.get(pk=attachment_id)
    except ComplaintAttachment.DoesNotExist:
        raise DomainError(
            ErrorCode.NOT_FOUND, "no such attachment", "PLT-4", "attachment_id"
        ) from None
    audit_record(
        actor=actor,
        action="complaint.attachment_download",
        obj=attachment,
        firm_id=complaint.firm_id,
        after={"complaint": complaint.reference, "name": attachment.name},
    )
    return attachment


def complaint_letters(complaint: Complaint) -> QuerySet[Document]:
    return Document.objects.filter(
        related_type="complaints.complaint", related_id=str(complaint.pk)
    ).prefetch_related("messages")


def complaint_tasks(actor: User, *, open_only: bool = True) -> QuerySet[ComplaintTask]:
    qs = ComplaintTask.objects.filter(complaint__in=complaint_scope(actor)).select_related(
        "complaint"
    )
    return qs.filter(status="open") if open_only else qs


# --- Return (COMP-7) -------------------------------------------------------------


def _direct_frn() -> str:
    """The respondent for complaints from direct customers (no broker firm): the
    intermediary, when exactly one intermediary firm has an FCA reference number."""
    frns = list(
        Firm.objects.filter(kind=FirmKind.INTERMEDIARY.value)
        .exclude(fca_number="")
        .values_list("fca_number", flat=True)[:2]
    )
    return frns[0] if len(frns) == 1 else ""


def complaint_record(complaint: Complaint, *, direct_frn: str = "") -> ComplaintRecord:
    """One complaint as the return counts it. The respondent firm (PS25/19: one return
    per legal entity) is the broker firm whose sale it concerns, else ``direct_frn``."""
    redress: dict[RedressType, Decimal] = {}
    if complaint.redress_amount and complaint.redress_type:
        redress[RedressType(complaint.redress_type)] = complaint.redress_amount
    return ComplaintRecord(
        id=complaint.reference,
        received_on=london_date(complaint.received_at),
        product_group=PRODUCT_GROUP[Product(complaint.product)],
        product=complaint.product,
        main_cause=complaint.main_cause,
        closed_on=complaint.closed_on,
        outcome=Outcome(complaint.outcome) if complaint.outcome else None,
        redress=redress,
        eligible=complaint.fos_eligible,
        nation=nation_for(complaint),
        vulnerability_identified=complaint.vulnerability_identified,
        vulnerability_related_cause=complaint.vulnerability_related_cause,
        respondent_firm_frn=complaint.firm.fca_number if complaint.firm else direct_frn,
    )


def _firm_scope(actor: User) -> Q | None:
    """The firm-level report scope (PLT-4): empty for staff (every firm), one firm for
    a broker user, None for anyone without firm reports."""
    try:
        return firm_scope_q(actor, firm="pk")
    except DomainError:
        return None


def return_firms(actor: User) -> list[Firm]:
    """The firms (with an FCA reference number) whose return the actor may produce:
    a broker its own firm only (PLT-4), the intermediary's staff every firm."""
    firms = _firm_scope(actor)
    return [] if firms is None else list(Firm.objects.exclude(fca_number="").filter(firms))


def complaints_return_for(
    actor: User,
    *,
    start: date,
    end: date,
    shape: ReturnShape | str,
    frn: str | None = None,
) -> ComplaintsReturn:
    """The complaints return (COMP-7) over the actor's scope, optionally for one firm by
    its FCA reference number (PS25/19: one return per legal entity), in either shape.

    A broker always gets its own firm's figures: ``frn`` is ignored (PLT-4). Staff
    asking for an FRN no firm holds get ``field=frn``.
    """
    rshape = shape if isinstance(shape, ReturnShape) else return_shape(shape)
    period = ReportingPeriod(start, end)
    wanted = (frn or "").strip() or None
    firms = _firm_scope(actor)
    one_firm = bool(firms)  # a broker: its own firm's return, whatever was asked (PLT-4)
    if one_firm:
        own = Firm.objects.filter(firms).values_list("fca_number", flat=True).first() or ""
        wanted = own or None
    elif wanted is not None and not Firm.objects.filter(fca_number=wanted).exists():
        raise DomainError(ErrorCode.INVALID, f"no firm has the FRN {wanted}", "COMP-7", "frn")
    qs = complaint_scope(actor).filter(received_at__date__lte=end)
    direct_frn = _direct_frn()
    records = [complaint_record(c, direct_frn=direct_frn) for c in qs]
    ret = complaints_return(records, period, rshape, respondent_firm_frn=wanted)
    if one_firm:
        ret.decision.step(
            "PLT-4", "A broker's return covers its own firm's complaints only", value=own or None
        )
    return ret


RETURN_SHAPE_ALIASES = {
    "annex1r": ReturnShape.DISP_1_ANNEX_1R,
    "disp_1_annex_1r": ReturnShape.DISP_1_ANNEX_1R,
    "consolidated_2027": ReturnShape.CONSOLIDATED_2027,
}


def return_shape(value: str) -> ReturnShape:
    try:
        return RETURN_SHAPE_ALIASES[value]
    except KeyError:
        raise DomainError(
            ErrorCode.INVALID,
            "shape must be annex1r or consolidated_2027",
            "COMP-7",
            "shape",
        ) from None


def return_csv(ret: ComplaintsReturn) -> str:
    buf = io.StringIO()
    columns = list(ret.totals.keys())
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in ret.rows:
        writer.writerow(row)
    writer.writerow(ret.totals)
    return buf.getvalue()


# --- Dashboard (COMP-7) ------------------------------------------------------------


def complaints_dashboard(actor: User, now: datetime | None = None) -> dict[str, Any]:
    """Figures for the oversight dashboard: open by stage, clocks due this week,
    breaches, uphold rate, vulnerable vs not."""
    now = now or timezone.now()
    today = london_date(now)
    qs = list(complaint_scope(actor).select_related("customer"))
    by_stage: dict[str, int] = {}
    due_this_week = 0
    breaches = 0  # clocks lapsed on open complaints: someone must act now
    late_final = 0  # 8-week clock breached (open or answered late): a DISP 1.6 breach
    for c in qs:
        if c.is_open:
            label = c.get_status_display()
            by_stage[label] = by_stage.get(label, 0) + 1
        for clock in complaint_clocks(c, now):
            if clock.kind == "fos_window":
                continue
            if clock.kind == "final_response" and clock.status == "breached":
                late_final += 1
            if not c.is_open:
                continue
            if clock.status == "breached":
                breaches += 1
            elif clock.status == "due" and 0 <= (clock.due_on - today).days <= 7:
                due_this_week += 1
    closed = [c for c in qs if c.outcome]
    upheld = [c for c in closed if Outcome(c.outcome).counts_as_upheld]

    def rate(group: list[Complaint]) -> tuple[int, int, Decimal | None]:
        n = len(group)
        up = sum(1 for c in group if Outcome(c.outcome).counts_as_upheld)
        return up, n, (Decimal(up) * 100 / n).quantize(Decimal("0.1")) if n else None

    vuln = [c for c in closed if c.vulnerability_identified]
    not_vuln = [c for c in closed if not c.vulnerability_identified]
    return {
        "total": len(qs),
        "open": sum(1 for c in qs if c.is_open),
        "by_stage": by_stage,
        "due_this_week": due_this_week,
        "breaches": breaches,
        "late_final": late_final,
        "closed": len(closed),
        "upheld": len(upheld),
        "upheld_pct": (Decimal(len(upheld)) * 100 / len(closed)).quantize(Decimal("0.1"))
        if closed
        else None,
        "vulnerable": rate(vuln),
        "not_vulnerable": rate(not_vuln),
        "vulnerable_open": sum(1 for c in qs if c.is_open and c.vulnerability_identified),
    }


def final_response_action(c: Complaint) -> Action:
    """Who may send the final response: a contact-centre manager owns stage 1, the QA
    team an escalated complaint (COMP-3). A complaint once escalated stays QA's, also
    after a FOS referral."""
    if c.escalated_at is not None or c.status == ComplaintStatus.STAGE2.value:
        return Action.COMPLAINT_FINAL_RESPONSE_STAGE2
    return Action.COMPLAINT_FINAL_RESPONSE_STAGE1
