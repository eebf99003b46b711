"""GAP claim pages (back office): the work queue, registration and the claim page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from covernote.domain.errors import DomainError
from covernote.domain.gap.claims import MotorSection, Territory
from covernote.domain.gap.finance import KINDS as FINANCE_KINDS
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs import (
    FACT_DEFAULTS,
    FACT_FLAGS,
    AssessInput,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
    PayInput,
)
from covernote.web.gap.views._common import (
    _adjustments,
    _choices,
    _day,
    _error,
    _form_error,
    _label,
    _moment,
    _or_404,
    _staff,
)

CLAIM_FIELDS = {
    k: k
    for k in (
        "event_at",
        "notified_at",
        "total_loss_on",
        "written_notice_on",
        "territory",
        "motor_section",
    )
}


@login_required
def claims_queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request,
        "gap/claims_queue.html",
        {"claims": sel.claims_work_queue(user), "recent": sel.claim_scope(user)[:30]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _staff(request)
    policy = _or_404(sel.policy_get_for, user, policy_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        try:
            data = ClaimRegistration.parse(
                {
                    "event_at": _moment(p.get("event_at"), "event_at"),
                    "notified_at": _moment(p.get("notified_at"), "notified_at")
                    if p.get("notified_at")
                    else None,
                    "total_loss_on": _day(p.get("total_loss_on"), "total_loss_on")
                    if p.get("total_loss_on")
                    else None,
                    "written_notice_on": _day(p.get("written_notice_on"), "written_notice_on")
                    if p.get("written_notice_on")
                    else None,
                    "territory": p.get("territory", "england"),
                    "motor_section": p.get("motor_section", "accidental_damage"),
                    "description": p.get("description", ""),
                }
            )
            claim = svc.gap_claim_register(actor=user, policy=policy, data=data)
        except DomainError as exc:
            errors = _form_error(request, exc, CLAIM_FIELDS)
        else:
            messages.success(request, f"Claim {claim.reference} registered.")
            return redirect("gap-claim", claim_id=claim.pk)
    return render(
        request,
        "gap/claim_form.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "adjustments": _adjustments(policy.customer),
            "territories": _choices(Territory),
            "sections": _choices(MotorSection),
            "v": request.POST,
            "errors": errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = _staff(request)
    claim = _or_404(sel.claim_get_for, user, claim_id)
    if request.method == "POST":
        p = request.POST
        action = p.get("action")
        try:
            if action == "assess":
                figures: dict[str, Any] = {
                    k: p.get(k, "").strip()
                    for k in (
                        "settlement",
                        "accepted_settlement",
                        "market_value",
                        "motor_excess",
                        "contributory_percent",
                        "contributory_amount",
                    )
                }
                figures["vat_recovered"] = p.get("vat_recovered") == "on"
                figures["waive_market_value"] = p.get("waive_market_value") == "on"
                facts = {k: p.get(k) == "on" for k in FACT_FLAGS}
                lines = [
                    (kind, p.get(f"ofb_{kind}", "").strip())
                    for kind in FINANCE_KINDS
                    if p.get(f"ofb_{kind}", "").strip()
                ]
                data = AssessInput.parse(figures=figures, facts=facts, finance_lines=lines)
                svc.gap_claim_assess(actor=user, claim=claim, data=data)
                messages.success(request, "Settlement calculated.")
            elif action == "approve":
                approval = DecideInput(approve=True, note=p.get("note", ""))
                svc.gap_claim_decide(actor=user, claim=claim, data=approval)
                messages.success(request, "Claim approved.")
            elif action == "decline":
                ids = [x.strip() for x in p.get("exclusion_ids", "").split(",") if x.strip()]
                decline = DecideInput.parse(
                    {"approve": False, "exclusion_ids": ids, "note": p.get("note", "")}
                )
                svc.gap_claim_decide(actor=user, claim=claim, data=decline)
                messages.success(request, "Claim declined; the customer has been written to.")
            elif action == "pay":
                payment = PayInput(p.get("idempotency_key", ""))
                svc.gap_claim_pay(actor=user, claim=claim, data=payment)
                messages.success(request, "Payment recorded. The policy has terminated.")
            elif action == "documents":
                docs = [x.strip() for x in p.get("documents", "").splitlines() if x.strip()]
                wanted = DocumentsRequest.parse({"documents": docs, "note": p.get("note", "")})
                svc.gap_claim_request_documents(actor=user, claim=claim, data=wanted)
                messages.success(request, "The customer has been told what is still needed.")
            elif action == "withdraw":
                svc.gap_claim_withdraw(actor=user, claim=claim)
                messages.success(request, "Claim withdrawn.")
        except DomainError as exc:
            _error(request, exc)
        return redirect("gap-claim", claim_id=claim.pk)
    return render(
        request,
        "gap/claim_detail.html",
        {
            "claim": claim,
            "policy": claim.policy,
            "customer": claim.customer,
            "adjustments": _adjustments(claim.customer),
            "fact_flags": [(k, _label(k), FACT_DEFAULTS.get(k, False)) for k in FACT_FLAGS],
            "figures": claim.figures_record,
            "finance_kinds": list(FINANCE_KINDS.items()),
            "has_finance": hasattr(claim.policy.quote, "finance"),
            "idempotency_key": uuid.uuid4().hex,
            "finance_lines": claim.finance_lines.all(),
            "documents": sel.claim_documents(claim),
            "doc_staff": True,
        },
    )
