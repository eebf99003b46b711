"""GAP quote pages: the broker's quote form → eligibility → sell."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    HolderRelationship,
    MotorCover,
    VehicleUse,
)
from covernote.domain.gap.purchase import PriceLineKind
from covernote.domain.money import gbp
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.parties.selectors import customer_get_for, customer_list_for
from covernote.products.selectors import params_in_force
from covernote.web.confirm import confirm_page, confirmed
from covernote.web.gap.views._common import (
    LINE_ROWS,
    _adjustments,
    _area,
    _choices,
    _error,
    _form_error,
    _or_404,
    _user,
)

QUOTE_FIELDS = {
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
    "finance.lender": "finance_lender",
    "finance.amount_advanced": "finance_amount_advanced",
    "finance.agreement_number": "finance_agreement_number",
    "motor_policy.insurer": "motor_insurer",
    "motor_policy.policy_number": "motor_policy_number",
    "motor_policy.cover": "motor_cover",
    **{
        k: k
        for k in (
            "holder_relationship",
            "ownership_date",
            "term_months",
            "limit_of_liability",
            "start_on",
            "prescribed_info_given_on",
        )
    },
}


def _quote_fields(post: Any) -> dict[str, str]:
    """The quote form's field map, with invoice lines renumbered as the service sees them."""
    used = [i for i in range(LINE_ROWS) if post.get(f"line_{i}_amount", "").strip()]
    lines = {}
    for n, i in enumerate(used):
        lines[f"purchase_lines[{n}].amount"] = f"line_{i}_amount"
        lines[f"purchase_lines[{n}].kind"] = f"line_{i}_amount"
        lines[f"purchase_lines[{n}].description"] = f"line_{i}_amount"
    return {**QUOTE_FIELDS, **lines}


def _quote_data(post: Any) -> dict[str, Any]:
    lines = []
    for i in range(LINE_ROWS):
        amount = post.get(f"line_{i}_amount", "").strip()
        if amount:
            lines.append(
                {
                    "kind": post.get(f"line_{i}_kind", ""),
                    "amount": amount,
                    "description": post.get(f"line_{i}_description", ""),
                }
            )
    finance = None
    if post.get("finance_lender", "").strip() or post.get("finance_amount_advanced", "").strip():
        finance = {
            "lender": post.get("finance_lender", "").strip(),
            "agreement_number": post.get("finance_agreement_number", ""),
            "amount_advanced": post.get("finance_amount_advanced", "").strip() or None,
        }
    motor = None
    if post.get("motor_insurer", "").strip() or post.get("motor_policy_number", "").strip():
        motor = {
            "insurer": post.get("motor_insurer", "").strip(),
            "policy_number": post.get("motor_policy_number", "").strip(),
            "cover": post.get("motor_cover", "comprehensive"),
            "covers_whole_gap_period": post.get("motor_whole_period") == "on",
        }
    return {
        "vehicle": {
            "registration": post.get("registration", "").strip(),
            "make": post.get("make", "").strip(),
            "model": post.get("model", "").strip(),
            "valuation_code": post.get("valuation_code", "").strip(),
            "first_registered_on": post.get("first_registered_on", ""),
            "uses": post.getlist("uses") or ["social_domestic_pleasure"],
            "gross_weight_kg": post.get("gross_weight_kg") or 1500,
            "is_commercial": post.get("is_commercial") == "on",
            "is_kit_car": post.get("is_kit_car") == "on",
            "is_invalid_carriage": post.get("is_invalid_carriage") == "on",
            "built_for": post.get("built_for", "uk"),
            "registered_in_uk": post.get("not_registered_in_uk") != "on",
            "principally_used_in_uk": post.get("not_used_in_uk") != "on",
        },
        "purchase_lines": lines,
        "finance": finance,
        "motor_policy": motor,
        "holder_relationship": post.get("holder_relationship", "owner"),
        "ownership_date": post.get("ownership_date", ""),
        "term_months": post.get("term_months", ""),
        "limit_of_liability": post.get("limit_of_liability", ""),
        "start_on": post.get("start_on") or None,
        "sold_with_vehicle": post.get("sold_with_vehicle") == "on",
        "customer_initiated": post.get("customer_initiated") == "on",
        "prescribed_info_given_on": post.get("prescribed_info_given_on") or None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    customer_id = request.POST.get("customer") or request.GET.get("customer")
    customer = None
    if customer_id:
        try:
            customer = _or_404(customer_get_for, user, int(customer_id))
        except ValueError as exc:
            raise Http404("no such customer") from exc
    errors: dict[str, str] = {}
    if request.method == "POST" and customer is not None:
        try:
            quote = svc.gap_quote_create(
                actor=user, customer=customer, data=QuoteInput.parse(_quote_data(request.POST))
            )
        except DomainError as exc:
            errors = _form_error(request, exc, _quote_fields(request.POST))
        else:
            return redirect(reverse(f"gap-{_area(user)}-quote", args=[quote.pk]))
    params = params_in_force("gap", timezone.localdate())
    rates = params.rates
    return render(
        request,
        "gap/quote_form.html",
        {
            "customer": customer,
            "adjustments": _adjustments(customer) if customer else [],
            "customers": customer_list_for(user)[:200],
            "v": request.POST,
            "errors": errors,
            "rows": [
                (i, errors.get(f"line_{i}_amount", ""), request.POST.get(f"line_{i}_amount", ""))
                for i in range(LINE_ROWS)
            ],
            "line_kinds": _choices(PriceLineKind),
            "uses": _choices(VehicleUse),
            "markets": _choices(BuiltForMarket),
            "holders": _choices(HolderRelationship),
            "covers": _choices(MotorCover),
            # GAP-PRICE-1: the terms and limits of the rate table in force.
            "terms": rates.terms_months,
            "limits": [str(limit) for limit in rates.limits],
            "codes": sel.valuation_codes(),
            "today": timezone.localdate(),
            "deferral_clear_days": params.sale.deferral_clear_days,
            "area": _area(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _user(request)
    quote = _or_404(sel.quote_get_for, user, quote_id)
    if request.method == "POST" and not confirmed(request):
        return confirm_page(
            request,
            title=f"sell GAP to {quote.customer.full_name}",
            rows=[
                ("Quote", quote.reference),
                ("Cover", f"{long_date(quote.start_on)} to {long_date(quote.end_on)}"),
                ("Limit of liability", gbp(quote.limit_of_liability)),
                ("Net premium", gbp(quote.net_premium or Decimal("0.00"))),
                ("Insurance Premium Tax", gbp(quote.ipt or Decimal("0.00"))),
                ("Premium to pay", gbp(quote.gross_premium or Decimal("0.00"))),
            ],
            button=f"Sell the policy for {gbp(quote.gross_premium or Decimal('0.00'))}",
            back=request.path,
            warning="The policy starts, the premium is posted and the schedule is issued.",
            rule="GAP-SALE-1, GAP-PRICE-1",
        )
    if request.method == "POST":
        try:
            policy = svc.gap_policy_bind(
                actor=user,
                quote=quote,
                data=BindInput(request.POST.get("idempotency_key", "")),
            )
        except DomainError as exc:
            _error(request, exc)
            return redirect(request.path)
        messages.success(request, f"Policy {policy.number} sold. The schedule has been issued.")
        return redirect(reverse(f"gap-{_area(user)}-policy", args=[policy.pk]))
    timing = svc.quote_sale_timing(quote)
    earliest = timing.data.get("earliest_start")
    today = timezone.localdate()
    return render(
        request,
        "gap/quote_detail.html",
        {
            "quote": quote,
            # GAP-SALE-1: the earliest start and why, on the quote, not discovered on "Sell".
            "timing": timing,
            "earliest_start": earliest,
            "can_sell_today": earliest is not None and earliest <= today,
            "customer": quote.customer,
            "adjustments": _adjustments(quote.customer),
            "lines": quote.purchase_lines.all(),
            "idempotency_key": uuid.uuid4().hex,
            "area": _area(user),
            "policy": getattr(quote, "policy", None) if quote.status == "bound" else None,
        },
    )
