"""Young Driver theft claims in the back office (YD-THEFT-1)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from covernote.accounts.permissions import SELLERS
from covernote.domain.errors import DomainError
from covernote.telematics.positions import theft_tracking
from covernote.web.young_driver.views._common import _date, _error, _field_errors, _user
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    TheftClaimInput,
    TheftCloseInput,
    build,
)

# --------------------------------------------------------------------------- theft (YD-THEFT-1)


@login_required
@require_http_methods(["GET", "POST"])
def bo_theft_new(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        policy = sel.policy_get_for(user, policy_id)
    except DomainError as exc:
        raise Http404("no such policy") from exc
    form = {"police_incident_number": "", "stolen_on": "", "description": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        form = {k: p.get(k, "") for k in form}
        try:
            claim = svc.yd_theft_claim_register(
                actor=user,
                policy=policy,
                data=build(
                    TheftClaimInput,
                    police_incident_number=p.get("police_incident_number", ""),
                    stolen_on=_date(p.get("stolen_on", ""), "stolen_on"),
                    description=p.get("description", ""),
                    idempotency_key=p.get("idempotency_key") or uuid.uuid4().hex,
                ),
            )
        except DomainError as exc:
            errors = _field_errors(request, exc, {f: f for f in form})
        else:
            messages.success(request, "Theft claim registered; acknowledgement letter sent.")
            return redirect("yd-bo-theft", claim_id=claim.pk)
    return render(
        request,
        "young_driver/bo_theft_new.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "form": form,
            "key": uuid.uuid4().hex,
            "claims": policy.theft_claims.all(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_theft(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        claim = sel.theft_claim_get_for(user, claim_id)
    except DomainError as exc:
        raise Http404("no such claim") from exc
    if request.method == "POST":
        try:
            svc.yd_theft_claim_close(
                actor=user,
                claim=claim,
                data=build(TheftCloseInput, outcome=request.POST.get("outcome", "")),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, "Theft claim closed; tracking is no longer shown.")
        return redirect("yd-bo-theft", claim_id=claim.pk)
    tracking = theft_tracking(user, claim) if user.is_intermediary_staff else None
    return render(
        request,
        "young_driver/bo_theft.html",
        {
            "claim": claim,
            "policy": claim.policy,
            "customer": claim.policy.customer,
            "tracking": tracking,
            "is_staff": user.is_intermediary_staff,
            "documents": sel.theft_claim_documents(claim),
            "doc_staff": user.is_intermediary_staff,
        },
    )
