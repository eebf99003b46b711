"""What the complaints team does on a complaint: escalate, respond, forward, refer to the
FOS, reclassify, attach evidence (COMP rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from covernote.accounts.models import User
from covernote.accounts.permissions import STAFF, require
from covernote.complaints.inputs import (
    Attachment,
    Escalation,
    FinalResponse,
    FosDecision,
    FosReferral,
    HoldingResponse,
    Reclassification,
    SummaryResolution,
    Withdrawal,
)
from covernote.complaints.models import OUTCOME_CHOICES, Complaint
from covernote.complaints.selectors import (
    complaint_attachment_for,
    final_response_action,
)
from covernote.complaints.services import (
    complaint_acknowledge_qa,
    complaint_attach,
    complaint_close_after_fos,
    complaint_escalate,
    complaint_forward,
    complaint_reclassify,
    complaint_refer_fos,
    complaint_resolve_summary,
    complaint_respond_final,
    complaint_respond_holding,
    complaint_withdraw,
)
from covernote.documents.services import delivery_for
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.web.complaints.forms import (
    FosCloseForm,
    FosReferralForm,
    HoldingForm,
    OutcomeForm,
)
from covernote.web.complaints.views._common import VIEWERS, _complaint, _user
from covernote.web.confirm import confirm_page, confirmed


def _action(
    request: HttpRequest, complaint_id: int, run: Callable[[User, Complaint], str]
) -> HttpResponse:
    user = _user(request, *STAFF)
    c = _complaint(user, complaint_id)
    try:
        message = run(user, c)
    except DomainError as exc:
        messages.error(request, f"{exc.message} ({exc.rule})")
    else:
        messages.success(request, message)
    return redirect("complaint-detail", complaint_id=c.pk)


@login_required
@require_POST
def complaint_escalate_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        complaint_escalate(
            actor=user,
            complaint=c,
            data=Escalation.parse(reason=request.POST.get("reason", "not_resolved")),
        )
        return "Escalated to the Quality Assurance Team (stage 2)."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_qa_ack_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        complaint_acknowledge_qa(actor=user, complaint=c)
        return "QA acknowledgement sent."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_forward_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        c = complaint_forward(actor=user, complaint=c)
        return "Passed to the insurer; the complainant has been told by letter."

    return _action(request, complaint_id, run)


def _outcome_args(request: HttpRequest) -> dict[str, Any]:
    """The outcome form's cleaned data, for a summary resolution or a final response."""
    form = OutcomeForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    return {
        "outcome": d.get("outcome") or None,
        "redress_amount": d.get("redress_amount"),
        "redress_type": d.get("redress_type") or None,
        "consent_to_waive": bool(d.get("consent_to_waive")),
    }


@login_required
@require_POST
def complaint_summary_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        data = SummaryResolution.parse(
            _outcome_args(request), resolution=request.POST.get("reasons", "")
        )
        complaint_resolve_summary(actor=user, complaint=c, data=data)
        return "Summary resolution communication sent."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_final_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The final response closes the complaint and starts the FOS six months: the first
    POST shows what will be sent and changes nothing; the confirm page's POST sends it
    (ADR 0026)."""
    if not confirmed(request):
        user = _user(request, *STAFF)
        c = _complaint(user, complaint_id)
        try:
            require(user, final_response_action(c))
            data = FinalResponse.parse(
                _outcome_args(request), reasons=request.POST.get("reasons", "")
            )
        except DomainError as exc:
            messages.error(request, f"{exc.message} ({exc.rule})")
            return redirect("complaint-detail", complaint_id=c.pk)
        delivery = delivery_for(c.customer)
        return confirm_page(
            request,
            title=f"final response to complaint {c.reference}",
            rows=[
                ("Complainant", c.customer.full_name),
                ("Outcome", dict(OUTCOME_CHOICES).get(data.outcome.value, data.outcome.value)),
                ("Redress", gbp(data.redress_amount) if data.redress_amount else "None"),
                ("Sent", f"by {delivery.channel.value}, {delivery.document_format.value}"),
                ("Effective", f"today, {long_date(timezone.localdate())}"),
            ],
            paragraphs=data.paragraphs,
            button="Send the final response",
            back=reverse("complaint-detail", args=[c.pk]),
            warning="The complaint closes and the complainant's six months to go to the "
            "Financial Ombudsman start. This cannot be undone.",
            rule="COMP-3, COMP-6",
        )

    def run(user: User, c: Complaint) -> str:
        data = FinalResponse.parse(_outcome_args(request), reasons=request.POST.get("reasons", ""))
        complaint_respond_final(actor=user, complaint=c, data=data)
        return "Final response sent."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_withdraw_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        complaint_withdraw(
            actor=user, complaint=c, data=Withdrawal.parse(note=request.POST.get("note", ""))
        )
        return "Complaint withdrawn; confirmation sent."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_attach_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("required", "choose a file to attach", "COMP-1", "file")
        complaint_attach(actor=user, complaint=c, data=Attachment.from_upload(upload))
        return f"Attached {upload.name}."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_holding_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        form = HoldingForm(request.POST)
        form.is_valid()
        complaint_respond_holding(
            actor=user,
            complaint=c,
            data=HoldingResponse.parse(
                reason=form.cleaned_data.get("holding_reason") or "",
                expected_by=form.cleaned_data.get("expected_by"),
            ),
        )
        return "Holding response sent, with the FOS leaflet."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_refer_fos_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        form = FosReferralForm(request.POST)
        form.is_valid()
        if "eur_per_gbp" in form.errors:
            raise DomainError("invalid", "EUR per GBP is not a number", "COMP-4", "eur_per_gbp")
        c = complaint_refer_fos(
            actor=user,
            complaint=c,
            data=FosReferral.parse(
                referred_on=form.cleaned_data.get("referred_on"),
                fos_reference=form.cleaned_data.get("fos_reference") or "",
                eur_per_gbp=form.cleaned_data.get("eur_per_gbp"),
            ),
        )
        flags = c.fos_referral.flags if c.fos_referral else ()
        return "FOS referral recorded." + (
            f" Flagged: {len(flags)} (the FOS decides)." if flags else ""
        )

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_close_fos_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    def run(user: User, c: Complaint) -> str:
        form = FosCloseForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        complaint_close_after_fos(
            actor=user,
            complaint=c,
            data=FosDecision.parse(
                fos_outcome=d.get("fos_outcome") or None,
                decided_on=d.get("decided_on"),
                redress_amount=d.get("fos_redress_amount"),
                redress_type=d.get("fos_redress_type") or None,
                note=d.get("fos_note") or "",
            ),
        )
        return "Closed after the FOS outcome."

    return _action(request, complaint_id, run)


@login_required
@require_POST
def complaint_reclassify_view(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Every posted field goes to the service, which refuses anything but the
    classification (received_at and clock dates never change, decision 27)."""

    def run(user: User, c: Complaint) -> str:
        data = Reclassification.parse(
            {k: request.POST.get(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        )
        before = c.version
        c = complaint_reclassify(actor=user, complaint=c, data=data)
        return "Classification corrected." if c.version != before else "Nothing changed."

    return _action(request, complaint_id, run)


@login_required
def complaint_attachment_download(
    request: HttpRequest, complaint_id: int, attachment_id: int
) -> FileResponse:
    user = _user(request, *VIEWERS)
    try:
        attachment = complaint_attachment_for(user, complaint_id, attachment_id)
    except DomainError as exc:
        raise Http404("no such attachment") from exc
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
