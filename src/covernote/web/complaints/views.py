"""Complaint pages: list, log, complaint page with clocks and actions, dashboard, return.

Views call selectors and services only. Brokers see complaints about their own
firm's sales, read-only (PLT-4); the complaints team (staff roles) acts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import SELLERS, STAFF, can, require
from covernote.accounts.selectors import request_user
from covernote.complaints.inputs import (
    Attachment,
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
from covernote.complaints.models import OUTCOME_CHOICES, Complaint
from covernote.complaints.selectors import (
    complaint_attachment_for,
    complaint_clocks,
    complaint_get_for,
    complaint_letters,
    complaint_list_for,
    complaint_procedures,
    complaint_tasks,
    complaint_timeline_for,
    complaints_dashboard,
    complaints_return_for,
    final_response_action,
    procedure_for,
    return_csv,
    return_firms,
    return_shape,
)
from covernote.complaints.services import (
    complaint_acknowledge_qa,
    complaint_attach,
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
from covernote.documents.services import delivery_for
from covernote.domain.bounds import every_error
from covernote.domain.calendar import LONDON, long_date
from covernote.domain.complaints.procedures import ComplaintStatus as S
from covernote.domain.complaints.procedures import (
    Step,
    can_step,
    is_open,
    next_statuses,
    owes_final_response_after_referral,
)
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.parties.models import Customer
from covernote.parties.selectors import customer_get_for, customer_scope
from covernote.parties.services import complainant_contact_create
from covernote.web.complaints.forms import (
    AttachmentForm,
    ComplaintForm,
    CustomerComplaintForm,
    EscalateForm,
    FosCloseForm,
    FosReferralForm,
    HoldingForm,
    OutcomeForm,
    ReclassifyForm,
    ReturnForm,
)
from covernote.web.confirm import confirm_page, confirmed
from covernote.web.listing import csv_of, page_of, wants_csv

VIEWERS = SELLERS  # the complaints team, and brokers read-only (PLT-4)


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request_user(request)
    if user.role not in roles:
        raise Http404("no such page")
    return user


def _complaint(user: User, complaint_id: int) -> Complaint:
    try:
        return complaint_get_for(user, complaint_id)
    except DomainError as exc:
        raise Http404("no such complaint") from exc


def _form_error(form: Any, exc: DomainError, *, customer: bool = False) -> None:
    """Every refused field, next to it (ADR 0023); staff read the rule id, a customer
    reads the message alone (issue 12)."""
    for err in every_error(exc):
        field = err.field if err.field in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, err.message if customer else f"{err.message} ({err.rule})")


def bar_chart(bars: list[tuple[str, int | Decimal]], *, unit: str = "") -> dict[str, Any]:
    """Server-side inline SVG bar chart: rows of label, value and bar width in px."""
    top = max((float(v) for _, v in bars), default=0.0) or 1.0
    rows = []
    for i, (label, value) in enumerate(bars):
        rows.append(
            {
                "label": label,
                "value": value,
                "width": round(float(value) / top * 300, 1),
                "y": i * 30,
                "ty": i * 30 + 15,
            }
        )
    return {"rows": rows, "height": max(30, len(rows) * 30), "unit": unit}


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


def _received(value: datetime) -> datetime:
    if timezone.is_naive(value):
        return value.replace(tzinfo=LONDON)
    return value


def _register(user: User, customer: Customer, data: dict[str, Any]) -> Complaint:
    data = {**data, "received_at": _received(data["received_at"])}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    return complaint_register(actor=user, customer=customer, data=ComplaintRegistration.parse(data))


def _complainant_contact(user: User, contact: dict[str, Any]) -> Customer:
    """A complainant who is not a customer (COMP-1, ADR 0026): recorded as a party."""
    name = " ".join(str(contact.get("complainant_name") or "").split())
    first, _, last = name.rpartition(" ")
    return complainant_contact_create(
        actor=user,
        data={
            "first_name": first,
            "last_name": last,
            "email": contact.get("complainant_email") or "",
            "phone": contact.get("complainant_phone") or "",
            "address_line1": contact.get("complainant_address_line1") or "",
            "town": contact.get("complainant_town") or "",
            "postcode": contact.get("complainant_postcode") or "",
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


@login_required
def complaint_dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request, *VIEWERS)
    d = complaints_dashboard(user)
    vul_up, vul_n, vul_pct = d["vulnerable"]
    not_up, not_n, not_pct = d["not_vulnerable"]
    charts = {
        "stage": bar_chart(sorted(d["by_stage"].items())),
        "clocks": bar_chart(
            [
                ("Due in the next 7 days", d["due_this_week"]),
                ("Breached", d["breaches"]),
                ("8-week response late", d["late_final"]),
            ]
        ),
        "upheld": bar_chart([("Upheld", d["upheld"]), ("Not upheld", d["closed"] - d["upheld"])]),
        "vulnerable": bar_chart(
            [
                ("Vulnerable: uphold rate %", vul_pct or Decimal(0)),
                ("Not vulnerable: uphold rate %", not_pct or Decimal(0)),
            ],
            unit="%",
        ),
    }
    return render(
        request,
        "complaints/dashboard.html",
        {"d": d, "charts": charts, "vul": (vul_up, vul_n), "notvul": (not_up, not_n)},
    )


@login_required
def complaint_return(request: HttpRequest) -> HttpResponse:
    user = _user(request, *VIEWERS)
    today = timezone.localdate()
    default_start = date(today.year, 1, 1) if today.month > 6 else date(today.year - 1, 7, 1)
    data: QueryDict | None = request.GET.copy() if "start" in request.GET else None
    firms = [(f.fca_number, f"{f.name} (FRN {f.fca_number})") for f in return_firms(user)]
    if user.role == Role.BROKER and data is not None:
        # PLT-4: a broker's return is its own firm's, whatever the parameter says.
        data["frn"] = firms[0][0] if firms else ""
    form = ReturnForm(
        data,
        initial={"start": default_start, "end": today, "shape": "annex1r"},
        firms=firms,
    )
    ret = None
    if form.is_bound and form.is_valid():
        frn = form.cleaned_data.get("frn") or ""
        try:
            ret = complaints_return_for(
                user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                shape=return_shape(form.cleaned_data["shape"]),
                frn=frn or None,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if request.GET.get("format") == "csv":
                response = HttpResponse(return_csv(ret), content_type="text/csv; charset=utf-8")
                name = (
                    f"complaints-return-{form.cleaned_data['shape']}-"
                    + (f"frn{ret.respondent_firm_frn}-" if ret.respondent_firm_frn else "")
                    + f"{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
    return render(
        request,
        "complaints/return.html",
        {"form": form, "ret": ret, "query": (data or request.GET).urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_complaint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.CUSTOMER)
    customer = getattr(user, "customer", None)
    if customer is None:
        raise Http404("no customer record")
    form = CustomerComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        about = form.cleaned_data["about"]
        product = {
            "gap_claim": "gap",
            "gap_sale": "gap",
            "young_driver": "young_driver_motor",
        }.get(about, "motor_other")
        try:
            complaint = complaint_register(
                actor=user,
                customer=customer,
                data=ComplaintRegistration.parse(
                    {
                        "received_at": timezone.now(),
                        "channel": "web",
                        "procedure": about,
                        "product": product,
                        "policy_reference": form.cleaned_data["policy_reference"],
                        "main_cause": "other",
                        "description": form.cleaned_data["description"],
                    }
                ),
            )
        except DomainError as exc:
            _form_error(form, exc, customer=True)
        else:
            return render(request, "complaints/customer_thanks.html", {"complaint": complaint})
    return render(request, "complaints/customer_new.html", {"form": form, "customer": customer})
