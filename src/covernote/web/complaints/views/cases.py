"""Complaint list, logging a complaint and the complaint page with its clocks (PLT-4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.permissions import STAFF, can
from covernote.complaints.selectors import (
    complaint_clocks,
    complaint_letters,
    complaint_list_for,
    complaint_procedures,
    complaint_tasks,
    complaint_timeline_for,
    final_response_action,
    procedure_for,
)
from covernote.domain.complaints.procedures import ComplaintStatus as S
from covernote.domain.complaints.procedures import (
    Step,
    can_step,
    is_open,
    next_statuses,
    owes_final_response_after_referral,
)
from covernote.domain.errors import DomainError
from covernote.parties.models import Customer
from covernote.parties.selectors import customer_get_for, customer_scope
from covernote.web.complaints.forms import (
    AttachmentForm,
    ComplaintForm,
    EscalateForm,
    FosCloseForm,
    FosReferralForm,
    HoldingForm,
    OutcomeForm,
    ReclassifyForm,
)
from covernote.web.complaints.views._common import (
    VIEWERS,
    _complainant_contact,
    _complaint,
    _form_error,
    _register,
    _user,
)
from covernote.web.listing import csv_of, page_of, wants_csv


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = _user(request, *VIEWERS)
    show = request.GET.get("show", "open")
    qs = complaint_list_for(user, open_only=show == "open").select_related("customer")
    if wants_csv(request):
        return csv_of(
            "complaints.csv",
            ["Reference", "Received", "Complainant", "Status", "Product", "Main cause"],
            qs,
            lambda c: [
                c.reference,
                c.received_at,
                c.customer.full_name if c.customer else "",
                c.get_status_display(),
                c.product,
                c.main_cause,
            ],
        )
    listing = page_of(request, qs)
    now = timezone.now()
    rows = []
    for c in listing["page"].object_list:
        clocks = [k for k in complaint_clocks(c, now) if k.kind != "fos_window"]
        rows.append(
            {
                "complaint": c,
                "breached": sum(1 for k in clocks if k.status == "breached"),
                "due": [k for k in clocks if k.status == "due"],
            }
        )
    return render(
        request,
        "complaints/list.html",
        {
            **listing,
            "rows": rows,
            "show": show,
            "tasks": complaint_tasks(user)[:50],
            "can_act": user.role in STAFF,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request, *STAFF)
    initial: dict[str, Any] = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
    }
    customer: Customer | None = None
    if request.GET.get("customer"):
        try:
            customer = customer_get_for(user, int(request.GET["customer"]))
        except (DomainError, ValueError) as exc:
            raise Http404("no such customer") from exc
        initial["customer_reference"] = customer.reference
    form = ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ref = data.pop("customer_reference").strip()
        contact = {
            k: data.pop(k)
            for k in list(data)
            if k.startswith("complainant_") and k != "complainant_relationship"
        }
        if ref:
            customer = customer_scope(user).filter(reference__iexact=ref).first()
            if customer is None:
                form.add_error("customer_reference", "No customer with that reference.")
        elif data["complainant_relationship"] == "customer":
            form.add_error(
                "customer_reference",
                "Enter the customer reference, or choose who is complaining if it is not a "
                "customer (COMP-1).",
            )
        else:
            customer = None
            try:
                with transaction.atomic():
                    customer = _complainant_contact(user, contact)
                    complaint = _register(user, customer, data)
            except DomainError as exc:
                customer = None  # rolled back
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Complaint {complaint.reference} logged; the acknowledgement has been sent.",
                )
                return redirect("complaint-detail", complaint_id=complaint.pk)
        if customer is not None and customer.pk is not None and not form.errors:
            try:
                complaint = _register(user, customer, data)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Complaint {complaint.reference} logged; the acknowledgement has been sent.",
                )
                return redirect("complaint-detail", complaint_id=complaint.pk)
    if customer is None and form.data.get("customer_reference"):
        customer = (
            customer_scope(user).filter(reference__iexact=form.data["customer_reference"]).first()
        )
    return render(
        request,
        "complaints/new.html",
        {
            "form": form,
            "customer": customer,
            "adjustments": customer.active_adjustments() if customer else [],
        },
    )


@login_required
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    user = _user(request, *VIEWERS)
    c = _complaint(user, complaint_id)
    proc = procedure_for(c)
    clocks = complaint_clocks(c)
    staff = user.role in STAFF
    status = S(c.status)
    nxt = next_statuses(status, proc)
    owner = complaint_procedures(c).contacts.get(c.stage_owner)
    reclassify_form = ReclassifyForm(
        initial={
            "main_cause": c.main_cause,
            "product": c.product,
            "regulated_activity": c.regulated_activity,
            "vulnerability_identified": "yes" if c.vulnerability_identified else "no",
            "vulnerability_related_cause": "yes" if c.vulnerability_related_cause else "no",
        },
        auto_id="rc_%s",
    )
    return render(
        request,
        "complaints/detail.html",
        {
            "c": c,
            "customer": c.customer,
            "adjustments": c.customer.active_adjustments(),
            "procedure": proc,
            "clocks": clocks,
            "timeline": complaint_timeline_for(c).decision,
            "events": c.events.select_related("document").all(),
            "letters": complaint_letters(c),
            "doc_staff": staff,
            "attachments": c.attachments.all(),
            "can_act": staff and is_open(status),
            # ADR 0026: only the roles the permissions table gives each action see it.
            "can_final": can(user, final_response_action(c)),
            "can_escalate": S.STAGE2 in nxt,
            "can_qa_ack": can_step(status, Step.QA_ACKNOWLEDGEMENT)
            and c.qa_acknowledged_at is None,
            "can_forward": S.FORWARDED in nxt,
            "can_summary": S.RESOLVED_SUMMARY in nxt,
            "escalate_form": EscalateForm(),
            "outcome_form": OutcomeForm(),
            "attachment_form": AttachmentForm(),
            "owner": owner,
            "can_holding": staff and can_step(status, Step.HOLDING_RESPONSE),
            "can_refer_fos": staff and S.REFERRED_FOS in nxt,
            "can_close_fos": staff and can_step(status, Step.FOS_OUTCOME),
            # COMP-6: referred to the FOS before we responded: our final response is still due.
            "can_final_after_fos": staff
            and owes_final_response_after_referral(status, responded=c.responded),
            "can_reclassify": staff,
            "holding_form": HoldingForm(),
            "fos_form": FosReferralForm(initial={"referred_on": timezone.localdate()}),
            "fos_close_form": FosCloseForm(initial={"decided_on": timezone.localdate()}),
            "reclassify_form": reclassify_form,
            "fos": c.fos_referral,
            "fos_window": c.fos_referral.window_label if c.fos_referral else "",
        },
    )
