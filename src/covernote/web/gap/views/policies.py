"""GAP policy pages: list, detail and PDFs, cancellation (with the refund steps) and
the new-for-old vehicle transfer."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.gap.cancellation import InsurerReason
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    VehicleUse,
)
from covernote.domain.money import gbp
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs.policy import CancelInput, TransferInput
from covernote.gap.models import CancellationKind, GapPolicy
from covernote.gap.services.cancellations import CancellationPreview
from covernote.parties.selectors import customer_list_for
from covernote.web.confirm import confirm_page, confirmed
from covernote.web.gap.views._common import (
    _adjustments,
    _area,
    _choices,
    _day,
    _form_error,
    _or_404,
    _user,
)
from covernote.web.gap.views.quotes import _quote_data
from covernote.web.listing import csv_of, page_of, wants_csv

CANCEL_FIELDS = {
    "kind": "kind",
    "reason": "reason",
    "notice_on": "notice_on",
    "cancel_on": "notice_on",
    "disposed_on": "disposed_on",
}


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = request.GET.get("status", "")
    policies = sel.policy_list_for(user, status=status)
    if wants_csv(request):
        return csv_of(
            "gap-policies.csv",
            ["Policy", "Customer", "Registration", "Start", "End", "Gross premium", "Status"],
            policies,
            lambda p: [
                p.number,
                p.customer.full_name,
                p.vehicle.registration,
                p.start_on,
                p.end_on,
                p.gross_premium,
                p.get_status_display(),
            ],
        )
    listing = page_of(request, policies)
    return render(
        request,
        "gap/policy_list.html",
        {
            **listing,
            "policies": listing["page"].object_list,
            "quotes": sel.quote_scope(user).exclude(status="bound")[:50],
            "area": _area(user),
            "status": status,
            "customers": customer_list_for(user)[:200],
        },
    )


@login_required
def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request)
    policy = _or_404(sel.policy_get_for, user, policy_id)
    return render(
        request,
        "gap/policy_detail.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "adjustments": _adjustments(policy.customer),
            "documents": sel.policy_documents(policy)
            .prefetch_related("messages")
            .order_by("-created_at", "-id"),
            "doc_staff": user.is_intermediary_staff,
            "cancellations": sel.cancellations_for(policy),
            "claims": policy.claims.all(),
            "area": _area(user),
            "can_claim": user.role in svc.CLAIMS_STAFF | {Role.AGENT},
            "submissions": policy.submissions.all(),
            "transfers": policy.transfers.select_related("from_vehicle", "to_vehicle"),
            "can_transfer": user.role in svc.SELLERS,
        },
    )


@login_required
def document_pdf(request: HttpRequest, policy_id: int, document_id: int) -> FileResponse:
    user = _user(request)
    doc = _or_404(sel.policy_document_get_for, user, policy_id, document_id)
    return FileResponse(
        doc.pdf.open("rb"),
        as_attachment=True,
        filename=f"{doc.kind}-{doc.customer.reference}.pdf",
        content_type="application/pdf",
    )


def _confirm_cancel(
    request: HttpRequest, policy: GapPolicy, data: CancelInput, preview: CancellationPreview
) -> HttpResponse:
    """Cancelling ends the cover: show the dates and the refund first (ADR 0026)."""
    rows = [
        ("Policy", f"{policy.number} ({policy.customer.full_name})"),
        ("Premium paid", gbp(policy.gross_premium)),
        ("Notice given", long_date(data.notice_on)),
        ("Last day of cover", long_date(preview.cancel_on)),
    ]
    if preview.held:
        rows.append(("Refund", "held until the pending claim is decided"))
    else:
        rows.append(("Refund", gbp(preview.refund or Decimal("0.00"))))
    return confirm_page(
        request,
        title=f"cancel GAP policy {policy.number}",
        rows=rows,
        paragraphs=[preview.message] if preview.message else [],
        button="Cancel the policy",
        back=request.path,
        warning="The customer is written to and the refund is posted. This cannot be undone.",
        rule="GAP-CANCEL-1..4",
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_cancel(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request)
    policy = _or_404(sel.policy_get_for, user, policy_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        try:
            notice_on = _day(p.get("notice_on"), "notice_on")
            disposed_on = (
                _day(p.get("disposed_on"), "disposed_on") if p.get("disposed_on") else None
            )
            data = CancelInput.parse(
                {
                    "kind": p.get("kind", ""),
                    "notice_on": notice_on,
                    "reason": p.get("reason") or None,
                    "disposed_on": disposed_on,
                    "idempotency_key": p.get("idempotency_key") or None,
                }
            )
            if not confirmed(request):
                preview = svc.gap_cancellation_preview(actor=user, policy=policy, data=data)
                return _confirm_cancel(request, policy, data, preview)
            c = svc.gap_policy_cancel(actor=user, policy=policy, data=data)
        except DomainError as exc:
            errors = _form_error(request, exc, CANCEL_FIELDS)
        else:
            return redirect(reverse(f"gap-{_area(user)}-cancellation", args=[c.pk]))
    kinds = [
        (k.value, k.label)
        for k in CancellationKind
        if user.role != Role.BROKER or k != CancellationKind.INSURER
    ]
    return render(
        request,
        "gap/cancel_form.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "adjustments": _adjustments(policy.customer),
            "kinds": kinds,
            "reasons": _choices(InsurerReason),
            "today": timezone.localdate(),
            "idempotency_key": uuid.uuid4().hex,
            "area": _area(user),
            "v": request.POST,
            "errors": errors,
        },
    )


TRANSFER_FIELDS = {
    **{
        f"vehicle.{k}": k
        for k in (
            "registration",
            "make",
            "model",
            "valuation_code",
            "first_registered_on",
            "gross_weight_kg",
            "built_for",
            "uses",
        )
    },
    "transfer_on": "transfer_on",
    "purchase_lines[0].amount": "line_0_amount",
    "purchase_lines[0].kind": "line_0_amount",
}


@login_required
@require_http_methods(["GET", "POST"])
def policy_transfer(request: HttpRequest, policy_id: int) -> HttpResponse:
    """GAP-CLAIM-3 exclusion 9: move cover to the new-for-old replacement vehicle."""
    user = _user(request)
    policy = _or_404(sel.policy_get_for, user, policy_id)
    errors: dict[str, str] = {}
    failures: list[dict[str, str]] = []
    if request.method == "POST":
        p = request.POST
        raw = _quote_data(p)
        try:
            transfer_on = (
                _day(p.get("transfer_on"), "transfer_on") if p.get("transfer_on") else None
            )
            data = TransferInput.parse(
                {
                    "vehicle": raw["vehicle"],
                    "purchase_lines": raw["purchase_lines"],
                    "idempotency_key": p.get("idempotency_key", ""),
                    "transfer_on": transfer_on,
                    "note": p.get("note", ""),
                }
            )
            t = svc.gap_policy_transfer_vehicle(actor=user, policy=policy, data=data)
        except DomainError as exc:
            if exc.code == "not_eligible":
                failures = [
                    {"rule": part.split(": ", 1)[0], "reason": part.split(": ", 1)[-1]}
                    for part in re.split(r" (?=GAP-ELIG-\d+: )", exc.message)
                ]
                messages.error(request, f"The replacement is not eligible — {exc.rule}")
            else:
                errors = _form_error(request, exc, TRANSFER_FIELDS)
        else:
            messages.success(
                request,
                f"Cover moved to {t.to_vehicle.registration}. The new schedule has been issued.",
            )
            return redirect(reverse(f"gap-{_area(user)}-policy", args=[policy.pk]))
    return render(
        request,
        "gap/transfer_form.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "adjustments": _adjustments(policy.customer),
            "uses": _choices(VehicleUse),
            "markets": _choices(BuiltForMarket),
            "codes": sel.valuation_codes(),
            "today": timezone.localdate(),
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "area": _area(user),
            "v": request.POST,
            "errors": errors,
            "failures": failures,
        },
    )


@login_required
def cancellation_detail(request: HttpRequest, cancellation_id: int) -> HttpResponse:
    user = _user(request)
    c = _or_404(sel.cancellation_get_for, user, cancellation_id)
    return render(
        request,
        "gap/cancellation_detail.html",
        {
            "c": c,
            "policy": c.policy,
            "customer": c.policy.customer,
            "adjustments": _adjustments(c.policy.customer),
            "area": _area(user),
        },
    )
