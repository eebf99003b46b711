"""Source adapters: one small function per kind of task, reading that kind's open tasks.

Each adapter returns the tasks that are open *now* as ``SourceItem`` values; a work
item whose source is not in that list is done (``work_sync`` closes it). Adapters
read the product apps' models — the work app sits above the product apps and
telematics, below the API and the pages — and never write them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Q

from covernote.complaints.models import OPEN_STATUSES, ComplaintTask, TaskStatus
from covernote.documents.models import OutboxMessage, OutboxStatus
from covernote.domain.gap.claims import ClaimStatus
from covernote.gap.models import GapClaim
from covernote.telematics.models import AlertAction, DeviceCase, DrivingAlert
from covernote.young_driver.models import (
    InstallTask,
    InstallTaskStatus,
    PhotoStatus,
    PolicyStatus,
    PolicyVersion,
)


@dataclass(frozen=True)
class SourceItem:
    """One open task as its source sees it."""

    source_kind: str
    source_id: str
    route: str
    title: str
    product: str
    start_at: datetime
    link_kind: str
    link_id: int | None = None
    due_at: datetime | None = None  # the source's own deadline; else start + route hours
    urgent: bool = False  # raises the route's priority by one
    firm_id: int | None = None
    detail: str = ""


def _complaint_product(product: str) -> str:
    if product == "gap":
        return "gap"
    if product == "young_driver_motor":
        return "young_driver"
    return "platform"


def complaint_tasks() -> Iterable[SourceItem]:
    """COMP-7 clock tasks raised by ``complaints.clock_check``, while the complaint is open."""
    qs = ComplaintTask.objects.filter(
        status=TaskStatus.OPEN, complaint__status__in=OPEN_STATUSES
    ).select_related("complaint")
    for t in qs:
        c = t.complaint
        what = "lapsed" if t.level == "breached" else "due"
        contact = "phone the complainant" if t.action == "phone" else "write to the complainant"
        yield SourceItem(
            source_kind="complaint_task",
            source_id=str(t.pk),
            route=f"complaint.{t.assigned_role}",
            title=f"{c.reference}: {t.clock.replace('_', ' ')} clock {what} — {contact}",
            product=_complaint_product(c.product),
            start_at=t.created_at,
            due_at=t.due_at,
            urgent=t.level == "breached",
            link_kind="complaint",
            link_id=c.pk,
            firm_id=c.firm_id,
            detail=t.note,
        )


def install_photos() -> Iterable[SourceItem]:
    """YD-BOX-INSTALL: a Smartbox photo uploaded and waiting for a member of staff."""
    qs = (
        InstallTask.objects.filter(status=InstallTaskStatus.AWAITING_APPROVAL)
        .select_related("policy")
        .annotate(uploaded=Max("photos__uploaded_at", filter=Q(photos__status=PhotoStatus.PENDING)))
    )
    for t in qs:
        p = t.policy
        yield SourceItem(
            source_kind="install_photo",
            source_id=str(t.pk),
            route="install_photo.approve",
            title=f"Approve the Smartbox photo for policy {p.number} ({p.vehicle_reg})",
            product="young_driver",
            start_at=t.uploaded or t.created_at,
            urgent=p.status == PolicyStatus.NOTICE,
            link_kind="yd_installs",
            firm_id=p.firm_id,
            detail=f"Fitting deadline {t.deadline:%d %b %Y} ({t.reason.replace('_', ' ')}).",
        )


#: GAP-CLAIM stages: which claim statuses wait for a claims handler, and for what.
GAP_STAGES: dict[str, tuple[str, str]] = {
    ClaimStatus.NOTIFIED.value: ("assess", "assess"),
    ClaimStatus.DOCUMENTS_OUTSTANDING.value: ("assess", "chase the documents and assess"),
    ClaimStatus.ASSESSED.value: ("decide", "approve or decline"),
    ClaimStatus.APPROVED.value: ("pay", "pay"),
    ClaimStatus.PAYMENT_PENDING.value: ("approve_payment", "approve the payment (second approver)"),
}


def gap_claims() -> Iterable[SourceItem]:
    """GAP claims waiting for a handler: one item per claim and stage (assess, decide, pay)."""
    qs = GapClaim.objects.filter(status__in=list(GAP_STAGES)).select_related("customer")
    for c in qs:
        stage, verb = GAP_STAGES[c.status]
        yield SourceItem(
            source_kind="gap_claim",
            source_id=f"{c.pk}:{stage}",
            route=f"gap_claim.{stage}",
            title=f"GAP claim {c.reference}: {verb} ({c.customer.full_name})",
            product="gap",
            start_at=c.notified_at,
            link_kind="gap_claim",
            link_id=c.pk,
            firm_id=c.firm_id,
        )


def notices_proposed() -> Iterable[SourceItem]:
    """YD-SPEED ladder proposed a notice of cancellation (YD-CANCEL-5) and none was given
    since: open while the policy is live and has no notice version after the proposal."""
    notice_since = PolicyVersion.objects.filter(
        policy=OuterRef("policy"),
        kind="notice_of_cancellation",
        created_at__gte=OuterRef("created_at"),
    )
    qs = (
        DrivingAlert.objects.filter(
            action=AlertAction.NOTICE_PROPOSED, policy__status=PolicyStatus.LIVE
        )
        .exclude(Exists(notice_since))
        .select_related("policy")
    )
    for a in qs:
        p = a.policy
        yield SourceItem(
            source_kind="yd_notice",
            source_id=str(a.pk),
            route="notice.speeding",
            title=f"Review the evidence and decide on notice of cancellation: policy {p.number} ({a.rule})",
            product="young_driver",
            start_at=a.created_at,
            urgent=False,
            link_kind="yd_driving",
            link_id=p.pk,
            firm_id=p.firm_id,
            detail=f"{a.kind.capitalize()} speeding on {a.at:%d %b %Y %H:%M}.",
        )


#: Status names another part of the system may use for a dead letter (PLT-7).
DEAD_LETTER_NAMES = ("DEAD", "DEAD_LETTER", "DEAD_LETTERED")


def dead_letter_status() -> str | None:
    """The outbox's dead-letter status, or None when this build of documents has none."""
    for name in DEAD_LETTER_NAMES:
        member = getattr(OutboxStatus, name, None)
        if member is not None:
            return str(member.value)
    return None


def _document_product(kind: str) -> str:
    if kind.startswith("gap"):
        return "gap"
    if kind.startswith("yd"):
        return "young_driver"
    return "platform"


def dead_letters() -> Iterable[SourceItem]:
    """Messages the outbox gave up on: staff must send them another way (PLT-7).
    Skipped (no items) when the outbox has no dead-letter status."""
    dead = dead_letter_status()
    if dead is None:
        return
    qs = OutboxMessage.objects.filter(status=dead).select_related("document", "customer")
    for m in qs:
        yield SourceItem(
            source_kind="dead_letter",
            source_id=str(m.pk),
            route="dead_letter.resend",
            title=f"Not delivered: “{m.document.title}” to {m.customer.full_name} by {m.channel}",
            product=_document_product(m.document.kind),
            start_at=m.created_at,
            link_kind="customer",
            link_id=m.customer_id,
            firm_id=m.customer.firm_id,
            detail=(m.last_error or "")[:500],
        )


def transcriptions() -> Iterable[SourceItem]:
    """PLT-2: a document for a customer whose recorded adjustment needs audio or Braille.
    The outbox holds it (``needs_transcription``) rather than send a standard letter they
    cannot read; the print house makes it from the document's plain text. Open until a
    member of the team closes the item with what was sent, and when."""
    qs = OutboxMessage.objects.filter(status=OutboxStatus.NEEDS_TRANSCRIPTION).select_related(
        "document", "customer"
    )
    for m in qs:
        fmt = m.get_document_format_display()
        yield SourceItem(
            source_kind="transcription",
            source_id=str(m.pk),
            route="transcription.print_house",
            title=f"Print house: “{m.document.title}” in {fmt} for {m.customer.full_name}",
            product=_document_product(m.document.kind),
            start_at=m.created_at,
            link_kind="document_text",
            link_id=m.document_id,
            firm_id=m.customer.firm_id,
            detail=(
                f"Send the plain text to the print house for {fmt}, then to the customer by "
                f"{m.get_channel_display().lower()}: {m.address.replace(chr(10), ', ')}."
            )[:500],
        )


def device_cases() -> Iterable[SourceItem]:
    """Tamper (YD-BOX-TAMPER) and suspected-fault (YD-BOX-FAULT) cases still open."""
    qs = DeviceCase.objects.filter(closed_at__isnull=True).select_related("device", "policy")
    for case in qs:
        yield SourceItem(
            source_kind="device_case",
            source_id=str(case.pk),
            route=f"device_case.{case.kind}",
            title=f"{case.get_kind_display()}: Smartbox {case.device.serial}, policy {case.policy.number}",
            product="young_driver",
            start_at=case.opened_at,
            link_kind="yd_device",
            link_id=case.device_id,
            firm_id=case.policy.firm_id,
        )


#: Every adapter by source kind; ``work_sync`` runs them all.
SOURCES: dict[str, Callable[[], Iterable[SourceItem]]] = {
    "complaint_task": complaint_tasks,
    "install_photo": install_photos,
    "gap_claim": gap_claims,
    "yd_notice": notices_proposed,
    "dead_letter": dead_letters,
    "transcription": transcriptions,
    "device_case": device_cases,
}
