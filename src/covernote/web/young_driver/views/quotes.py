"""Young Driver back-office quotes: quote a customer, buy by card or Direct Debit."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from covernote.accounts.permissions import SELLERS
from covernote.billing.payment_page import payment_page
from covernote.domain.errors import DomainError
from covernote.parties.selectors import customer_get_for
from covernote.products.selectors import params_in_force
from covernote.web.young_driver.views._common import _date, _error, _field_errors, _int, _user
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    BuyInput,
    QuoteInput,
    build,
)

#: The quote and buy forms' inputs, named as the inputs' fields (errors sit next to them).
QUOTE_FIELDS = (
    "start",
    "vehicle_reg",
    "vehicle_description",
    "vehicle_group",
    "licence_years",
    "annual_mileage",
    "no_claims_years",
)
BUY_FIELDS = ("account_name", "sort_code", "account_number")


@login_required
@require_http_methods(["GET", "POST"])
def bo_quote(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        customer = customer_get_for(user, customer_id)
    except DomainError as exc:
        raise Http404("no such customer") from exc
    params = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            q = svc.yd_quote_create(
                actor=user,
                customer=customer,
                data=build(
                    QuoteInput,
                    start=_date(request.POST.get("start", ""), "start"),
                    vehicle_reg=request.POST.get("vehicle_reg", ""),
                    vehicle_description=request.POST.get("vehicle_description", ""),
                    rating={
                        f: _int(request.POST.get(f, ""), f)
                        for f in (
                            "licence_years",
                            "vehicle_group",
                            "annual_mileage",
                            "no_claims_years",
                        )
                    },
                    add_ons=request.POST.getlist("add_ons"),
                ),
            )
        except DomainError as exc:
            errors = _field_errors(request, exc, {f: f for f in QUOTE_FIELDS})
        else:
            return redirect("yd-bo-quote-detail", quote_id=q.pk)
    try:
        params = params_in_force("young_driver", timezone.localdate())
    except DomainError:
        params = None
    return render(
        request,
        "young_driver/bo_quote_form.html",
        {
            "customer": customer,
            "adjustments": customer.active_adjustments(),
            "add_ons": list(params.add_ons.values()) if params else [],
            "post": request.POST,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        q = sel.quote_get_for(user, quote_id)
    except DomainError as exc:
        raise Http404("no such quote") from exc
    errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("payment_method") == "card":
        # YD-PAY-2: the card is taken on the provider's hosted page, never typed here.
        key = request.POST.get("idempotency_key") or uuid.uuid4().hex
        try:
            url = payment_page().create_session(
                amount=q.total,
                reference=f"{q.reference}:{key}",
                return_url=request.build_absolute_uri(
                    reverse("yd-bo-quote-card-return", args=[q.pk])
                ),
            )
        except DomainError as exc:
            _error(request, exc)
            return redirect("yd-bo-quote-detail", quote_id=q.pk)
        return redirect(url)
    if request.method == "POST":
        try:
            policy = svc.yd_policy_buy(
                actor=user,
                quote_obj=q,
                data=build(
                    BuyInput,
                    payment_method=request.POST.get("payment_method", ""),
                    idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
                    sort_code=request.POST.get("sort_code", ""),
                    account_number=request.POST.get("account_number", ""),
                    account_name=request.POST.get("account_name", ""),
                ),
            )
        except DomainError as exc:
            errors = _field_errors(request, exc, {f: f for f in BUY_FIELDS})
        else:
            messages.success(request, f"Policy {policy.number} is live. Welcome pack sent.")
            return redirect("yd-bo-policy", policy_id=policy.pk)
    return render(
        request,
        "young_driver/bo_quote.html",
        {
            "quote": q,
            "customer": q.customer,
            "adjustments": q.customer.active_adjustments(),
            "steps": list(q.stored_decision.steps),
            "key": uuid.uuid4().hex,
            "bought": hasattr(q, "policy"),
            "errors": errors,
            "post": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@csrf_exempt  # the provider posts back cross-site; the signed result is the check
@login_required
@require_http_methods(["GET", "POST"])
def bo_quote_card_return(request: HttpRequest, quote_id: int) -> HttpResponse:
    """Back from the hosted payment page (YD-PAY-2): a verified "paid" result for this
    quote and its total binds the policy with the provider's card token; anything else
    leaves the quote unbought and says why."""
    user = _user(request, *SELLERS)
    try:
        q = sel.quote_get_for(user, quote_id)
    except DomainError as exc:
        raise Http404("no such quote") from exc
    params = request.POST if request.method == "POST" else request.GET
    try:
        result = payment_page().read_result(params)
        quote_ref, _, key = result.reference.partition(":")
        if quote_ref != q.reference or not key or result.amount != q.total:
            raise DomainError(
                "invalid",
                "the payment result is for another quote or amount: nothing was bought",
                "YD-PAY-2",
                "payment_result",
            )
        if not result.paid:
            messages.error(
                request, "The card payment was not taken (declined or cancelled): try again."
            )
            return redirect("yd-bo-quote-detail", quote_id=q.pk)
        policy = svc.yd_policy_buy(
            actor=user,
            quote_obj=q,
            data=build(
                BuyInput,
                payment_method="card",
                idempotency_key=key,
                card_token=result.token,
                card_last4=result.last4,
            ),
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("yd-bo-quote-detail", quote_id=q.pk)
    messages.success(
        request, f"Card payment taken. Policy {policy.number} is live. Welcome pack sent."
    )
    return redirect("yd-bo-policy", policy_id=policy.pk)
