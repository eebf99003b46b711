"""GAP pages (SPEC §1): broker quote → eligibility → sell → policy and schedule PDF;
cancellation with the refund steps; claims work queue and claim page (back office).

Views call services and selectors only; every page about a customer shows the
reasonable-adjustments banner (PLT-2); every id is resolved through a tenant-scoped
selector, so another firm's id is a 404.
"""

from __future__ import annotations

import csv
import re
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role, User
from covernote.accounts.selectors import request_user
from covernote.domain.errors import DomainError
from covernote.domain.gap.cancellation import InsurerReason
from covernote.domain.gap.claims import MotorSection, Territory
from covernote.domain.gap.eligibility import (
    BuiltForMarket,
    HolderRelationship,
    MotorCover,
    VehicleUse,
)
from covernote.domain.gap.finance import KINDS as FINANCE_KINDS
from covernote.domain.gap.purchase import PriceLineKind
from covernote.gap import selectors as sel
from covernote.gap import services as svc
from covernote.gap.models import CancellationKind
from covernote.parties.selectors import customer_get_for, customer_list_for
from covernote.web.charts import bar_chart

LONDON = ZoneInfo("Europe/London")
TERMS = (12, 24, 36, 48, 60)
LIMITS = ("5000", "10000", "15000", "25000", "50000")
LINE_ROWS = 5


def _label(v: str) -> str:
    return v.replace("_", " ").capitalize()


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, _label(m.value)) for m in enum]


def _user(request: HttpRequest) -> User:
    user = request_user(request)
    if user.role == Role.CUSTOMER:
        raise Http404("no such page")
    return user


def _area(user: User) -> str:
    return "broker" if user.role == Role.BROKER else "backoffice"


def _or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _adjustments(customer: Any) -> Any:
    return customer.active_adjustments()


def _error(request: HttpRequest, exc: DomainError) -> None:
    where = f" (field {exc.field})" if exc.field else ""
    messages.error(request, f"{exc.message}{where} — {exc.rule}")


def _form_error(request: HttpRequest, exc: DomainError, fields: dict[str, str]) -> dict[str, str]:
    """ARCHITECTURE §3.5: show a service's error next to the form field it names.

    ``fields`` maps the service's field name to the form's input name; an error about
    anything else (or no field) stays at the top of the page.
    """
    name = fields.get(exc.field or "")
    if name:
        return {name: f"{exc.message} ({exc.rule})"}
    _error(request, exc)
    return {}


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
CANCEL_FIELDS = {
    "kind": "kind",
    "reason": "reason",
    "notice_on": "notice_on",
    "cancel_on": "notice_on",
    "disposed_on": "disposed_on",
}
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


def _quote_fields(post: Any) -> dict[str, str]:
    """The quote form's field map, with invoice lines renumbered as the service sees them."""
    used = [i for i in range(LINE_ROWS) if post.get(f"line_{i}_amount", "").strip()]
    lines = {}
    for n, i in enumerate(used):
        lines[f"purchase_lines[{n}].amount"] = f"line_{i}_amount"
        lines[f"purchase_lines[{n}].kind"] = f"line_{i}_amount"
    return {**QUOTE_FIELDS, **lines}


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "gap/policy_list.html",
        {
            "policies": sel.policy_list_for(user, status=status)[:200],
            "quotes": sel.quote_scope(user).exclude(status="bound")[:50],
            "area": _area(user),
            "status": status,
            "customers": customer_list_for(user)[:200],
        },
    )


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
                actor=user, customer=customer, data=_quote_data(request.POST)
            )
        except DomainError as exc:
            errors = _form_error(request, exc, _quote_fields(request.POST))
        else:
            return redirect(reverse(f"gap-{_area(user)}-quote", args=[quote.pk]))
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
            "terms": TERMS,
            "limits": LIMITS,
            "codes": sel.valuation_codes(),
            "today": timezone.localdate(),
            "area": _area(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _user(request)
    quote = _or_404(sel.quote_get_for, user, quote_id)
    if request.method == "POST":
        try:
            policy = svc.gap_policy_bind(
                actor=user, quote=quote, idempotency_key=request.POST.get("idempotency_key", "")
            )
        except DomainError as exc:
            _error(request, exc)
            return redirect(request.path)
        messages.success(request, f"Policy {policy.number} sold. The schedule has been issued.")
        return redirect(reverse(f"gap-{_area(user)}-policy", args=[policy.pk]))
    return render(
        request,
        "gap/quote_detail.html",
        {
            "quote": quote,
            "customer": quote.customer,
            "adjustments": _adjustments(quote.customer),
            "lines": quote.purchase_lines.all(),
            "idempotency_key": uuid.uuid4().hex,
            "area": _area(user),
            "policy": getattr(quote, "policy", None) if quote.status == "bound" else None,
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
            "documents": sel.policy_documents(policy).order_by("created_at", "id"),
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


@login_required
@require_http_methods(["GET", "POST"])
def policy_cancel(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request)
    policy = _or_404(sel.policy_get_for, user, policy_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        try:
            c = svc.gap_policy_cancel(
                actor=user,
                policy=policy,
                kind=p.get("kind", ""),
                notice_on=_day(p.get("notice_on"), "notice_on"),
                reason=p.get("reason") or None,
                disposed_on=_day(p.get("disposed_on"), "disposed_on")
                if p.get("disposed_on")
                else None,
                idempotency_key=p.get("idempotency_key") or None,
            )
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
        data = _quote_data(p)
        try:
            t = svc.gap_policy_transfer_vehicle(
                actor=user,
                policy=policy,
                vehicle=data["vehicle"],
                purchase_lines=data["purchase_lines"],
                idempotency_key=p.get("idempotency_key", ""),
                transfer_on=_day(p.get("transfer_on"), "transfer_on")
                if p.get("transfer_on")
                else None,
                note=p.get("note", ""),
            )
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


def _day(value: str | None, field: str = "date") -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise DomainError("invalid", "enter a date as YYYY-MM-DD", "G3", field) from None


def _moment(value: str | None, field: str) -> datetime:
    try:
        naive = datetime.fromisoformat(value or "")
    except ValueError:
        raise DomainError("invalid", "enter a date and time", "G2", field) from None
    return naive.replace(tzinfo=LONDON) if naive.tzinfo is None else naive


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if user.role == Role.BROKER:
        raise Http404("no such page")
    return user


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
            claim = svc.gap_claim_register(
                actor=user,
                policy=policy,
                event_at=_moment(p.get("event_at"), "event_at"),
                notified_at=_moment(p.get("notified_at"), "notified_at")
                if p.get("notified_at")
                else None,
                total_loss_on=_day(p.get("total_loss_on"), "total_loss_on")
                if p.get("total_loss_on")
                else None,
                written_notice_on=_day(p.get("written_notice_on"), "written_notice_on")
                if p.get("written_notice_on")
                else None,
                territory=p.get("territory", "england"),
                motor_section=p.get("motor_section", "accidental_damage"),
                description=p.get("description", ""),
            )
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
                facts = {k: p.get(k) == "on" for k in svc.FACT_FLAGS}
                lines = [
                    (kind, p.get(f"ofb_{kind}", "").strip())
                    for kind in FINANCE_KINDS
                    if p.get(f"ofb_{kind}", "").strip()
                ]
                svc.gap_claim_assess(
                    actor=user, claim=claim, figures=figures, facts=facts, finance_lines=lines
                )
                messages.success(request, "Settlement calculated.")
            elif action == "approve":
                svc.gap_claim_decide(actor=user, claim=claim, approve=True, note=p.get("note", ""))
                messages.success(request, "Claim approved.")
            elif action == "decline":
                ids = [x.strip() for x in p.get("exclusion_ids", "").split(",") if x.strip()]
                svc.gap_claim_decide(
                    actor=user,
                    claim=claim,
                    approve=False,
                    exclusion_ids=ids or None,
                    note=p.get("note", ""),
                )
                messages.success(request, "Claim declined; the customer has been written to.")
            elif action == "pay":
                svc.gap_claim_pay(
                    actor=user, claim=claim, idempotency_key=p.get("idempotency_key", "")
                )
                messages.success(request, "Payment recorded. The policy has terminated.")
            elif action == "documents":
                docs = [x.strip() for x in p.get("documents", "").splitlines() if x.strip()]
                svc.gap_claim_request_documents(
                    actor=user, claim=claim, documents=docs, note=p.get("note", "")
                )
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
            "fact_flags": [(k, _label(k), svc.FACT_DEFAULTS.get(k, False)) for k in svc.FACT_FLAGS],
            "finance_kinds": list(FINANCE_KINDS.items()),
            "has_finance": hasattr(claim.policy.quote, "finance"),
            "idempotency_key": uuid.uuid4().hex,
            "finance_lines": claim.finance_lines.all(),
        },
    )


# --------------------------------------------------------------------------- fair value

VALUE_ROLES = frozenset({Role.UNDERWRITER, Role.MANAGER, Role.QA})
#: (heading, FairValueFigures attribute) — the page table and the CSV share them.
VALUE_COLUMNS = (
    ("Policies written", "policies_written"),
    ("Gross written premium £", "gross_written_premium"),
    ("Claims paid £", "claims_paid"),
    ("Claims ratio %", "claims_ratio_percent"),
    ("Claims paid", "claims_paid_count"),
    ("Claims declined", "claims_declined_count"),
    ("Claims open", "claims_open_count"),
    ("Claim acceptance %", "acceptance_rate_percent"),
    ("Average claim £", "average_claim"),
    ("Eligible quotes", "quotes_eligible"),
    ("Quotes bound", "quotes_bound"),
    ("Quote acceptance %", "quote_acceptance_percent"),
    ("Commission £", "commission"),
    ("Commission %", "commission_percent"),
    ("Cancellations", "cancellations"),
    ("Refunds £", "refunds"),
    ("Complaints", "complaints"),
    ("Days notified to decided", "average_turnaround_days"),
    ("Days notified to paid", "average_days_to_payment"),
)


def _value_user(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in VALUE_ROLES:
        raise Http404("no such page")
    return user


def _value_period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), today
    try:
        if request.GET.get("from"):
            start = _day(request.GET["from"])
        if request.GET.get("to"):
            end = _day(request.GET["to"])
    except DomainError as exc:
        return date(today.year, 1, 1), today, f"{exc.message} ({exc.rule})"
    return start, end, ""


def _value_report(request: HttpRequest, user: User) -> tuple[Any, str]:
    start, end, problem = _value_period(request)
    try:
        return sel.fair_value_report(user, period_from=start, period_to=end), problem
    except DomainError as exc:
        today = timezone.localdate()
        report = sel.fair_value_report(user, period_from=date(today.year, 1, 1), period_to=today)
        return report, f"{exc.message} ({exc.rule})"


def _cells(figures: Any) -> list[Any]:
    return [getattr(figures, attr) for _, attr in VALUE_COLUMNS]


@login_required
def value_report(request: HttpRequest) -> HttpResponse:
    """GAP-VALUE-1: fair-value figures per distributor for a period, with a chart."""
    user = _value_user(request)
    report, problem = _value_report(request, user)
    chart_rows = [r for r in report.rows if r.figures.acceptance_rate_percent is not None]
    chart = bar_chart(
        [(r.distributor[:14], float(r.figures.acceptance_rate_percent)) for r in chart_rows],
        label="Claim acceptance rate % by distributor (GAP-VALUE-1)",
    )
    ratio_chart = bar_chart(
        [
            (r.distributor[:14], float(r.figures.claims_ratio_percent or 0))
            for r in report.rows
            if r.figures.gross_written_premium
        ],
        label="Claims ratio % (claims paid ÷ gross written premium) by distributor",
    )
    return render(
        request,
        "gap/value_report.html",
        {
            "report": report,
            "problem": problem,
            "columns": [h for h, _ in VALUE_COLUMNS],
            "rows": [(r.distributor, _cells(r.figures)) for r in report.rows],
            "total": _cells(report.total),
            "chart": chart if chart_rows else None,
            "ratio_chart": ratio_chart,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def value_report_csv(request: HttpRequest) -> HttpResponse:
    user = _value_user(request)
    report, _ = _value_report(request, user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="gap-fair-value-{report.period_from}-{report.period_to}.csv"'
    )
    out = csv.writer(response)
    out.writerow(["Distributor", "From", "To", *(h for h, _ in VALUE_COLUMNS)])

    def line(name: str, figures: Any) -> list[Any]:
        cells = ["" if v is None else v for v in _cells(figures)]
        return [name, report.period_from, report.period_to, *cells]

    for r in report.rows:
        out.writerow(line(r.distributor, r.figures))
    out.writerow(line("All distributors", report.total))
    return response
