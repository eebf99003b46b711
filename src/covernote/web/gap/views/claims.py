"""GAP claim pages (back office): the work queue, registration and the claim page."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import User
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.claims import DECLINE_REASONS, MotorSection, Territory
from covernote.domain.gap.finance import KINDS as FINANCE_KINDS
from covernote.domain.money import gbp
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs.claims import (
    FACT_DEFAULTS,
    FACT_FLAGS,
    AssessInput,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
    PayInput,
    PaymentRefusalInput,
    PaymentRequestInput,
)
from covernote.gap.models import GapClaim
from covernote.web.confirm import confirm_page, confirmed
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


def _confirm_payment(
    request: HttpRequest, user: User, claim: GapClaim, *, approving: bool
) -> HttpResponse:
    """Paying a claim ends the policy (GAP-CLAIM-4): show the figures first (ADR 0026)."""
    policy = claim.policy
    amount = claim.payable or Decimal("0.00")
    rows = [
        ("Claim", claim.reference),
        ("Customer", claim.customer.full_name),
        ("Amount to pay", gbp(amount)),
        ("Paid on", long_date(timezone.localdate())),
        ("Policy", f"{policy.number} terminates on payment"),
        ("Your payment authority", gbp(svc.payment_authority(user))),
    ]
    if approving and claim.payment_requested_by is not None:
        rows.insert(3, ("Requested by", claim.payment_requested_by.full_name))
    return confirm_page(
        request,
        title=f"{'approve and ' if approving else ''}pay GAP claim {claim.reference}",
        rows=rows,
        button=f"{'Approve and pay' if approving else 'Pay'} {gbp(amount)}",
        back=reverse("gap-claim", args=[claim.pk]),
        warning="The money leaves the claims bank account and the policy ends. "
        "This cannot be undone.",
        rule="GAP-CLAIM-4",
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
                ids = [x.strip() for x in p.getlist("exclusion_ids") if x.strip()]
                if len(p.get("note", "").split()) < 4:
                    raise DomainError(
                        ErrorCode.REQUIRED,
                        "explain the decline to the customer in a sentence (they read it)",
                        "GAP-CLAIM-3",
                        "note",
                    )
                decline = DecideInput.parse(
                    {"approve": False, "exclusion_ids": ids, "note": p.get("note", "")}
                )
                svc.gap_claim_decide(actor=user, claim=claim, data=decline)
                messages.success(request, "Claim declined; the customer has been written to.")
            elif action in ("pay", "approve_payment") and not confirmed(request):
                return _confirm_payment(request, user, claim, approving=action != "pay")
            elif action == "pay":
                payment = PayInput(p.get("idempotency_key", ""))
                svc.gap_claim_pay(actor=user, claim=claim, data=payment)
                messages.success(request, "Payment recorded. The policy has terminated.")
            elif action == "request_payment":
                svc.gap_claim_payment_request(
                    actor=user, claim=claim, data=PaymentRequestInput(note=p.get("note", ""))
                )
                messages.success(request, "Payment sent to a second approver.")
            elif action == "approve_payment":
                payment = PayInput(p.get("idempotency_key", ""))
                svc.gap_claim_payment_approve(actor=user, claim=claim, data=payment)
                messages.success(
                    request, "Payment approved and recorded. The policy has terminated."
                )
            elif action == "refuse_payment":
                refusal = PaymentRefusalInput(reason=p.get("reason", ""))
                svc.gap_claim_payment_refuse(actor=user, claim=claim, data=refusal)
                messages.success(request, "Payment sent back to the handler.")
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
    entered = {line.kind: str(line.amount) for line in claim.finance_lines.all()}
    return render(
        request,
        "gap/claim_detail.html",
        {
            "claim": claim,
            "policy": claim.policy,
            "customer": claim.customer,
            "adjustments": _adjustments(claim.customer),
            # The handler's last choices stay ticked across a recalculation (GAP-BEST-1 waiver,
            # GAP-EXCL-14 VAT, the GAP-CLAIM-3 facts, the lender's lines).
            "fact_flags": [
                (k, _label(k), bool((claim.facts or {}).get(k, FACT_DEFAULTS.get(k, False))))
                for k in FACT_FLAGS
            ],
            "figures": claim.figures_record,
            "finance_kinds": [(k, label, entered.get(k, "")) for k, label in FINANCE_KINDS.items()],
            "has_finance": hasattr(claim.policy.quote, "finance"),
            "idempotency_key": uuid.uuid4().hex,
            "finance_lines": claim.finance_lines.all(),
            "authority": svc.payment_authority(user),
            "within_authority": svc.within_authority(user, claim.payable),
            "own_request": claim.payment_requested_by_id == user.pk,
            # GAP-CLAIM-3: the decline reasons offered, in the customer's words
            "decline_reasons": [
                (rule, text, rule in claim.validity_record.decline_rules)
                for rule, text in DECLINE_REASONS.items()
            ],
            "documents": sel.claim_documents(claim),
            "doc_staff": True,
        },
    )
