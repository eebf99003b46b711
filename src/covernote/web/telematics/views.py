"""Driving pages: the customer's trips, scores, trend and alerts; staff's view with the
last known position, the alert ladder and the evidence pack (YD-SCORE-2, YD-SPEED-3, YD-THEFT-1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role
from covernote.accounts.selectors import request_user
from covernote.audit.services import audit_record
from covernote.documents.rendering import render_pdf
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.products.selectors import params_of
from covernote.telematics.mileage import mileage_top_up_answer
from covernote.telematics.reviews import review_decision
from covernote.telematics.selectors import (
    alerts_for,
    cases_for,
    last_position_for,
    reviews_for,
    score_summary,
    telematics_policy_for,
    tracked_miles,
    trips_for,
)
from covernote.web import charts
from covernote.web.confirm import confirm_page, confirmed
from covernote.young_driver.models import YDPolicy
from covernote.young_driver.services import yd_cancellation_notice_issue, yd_cancellation_preview

STAFF = (Role.AGENT, Role.MANAGER, Role.CLAIMS_HANDLER, Role.QA, Role.UNDERWRITER)


def _policy(request: HttpRequest, policy_id: int, *, staff: bool) -> YDPolicy:
    user = request_user(request)
    if staff and user.role not in STAFF:
        raise Http404("no such page")
    if not staff and user.role != Role.CUSTOMER:
        raise Http404("no such page")
    try:
        return telematics_policy_for(user, policy_id)
    except DomainError as exc:
        raise Http404("no such policy") from exc


def _context(policy: YDPolicy, *, staff: bool) -> dict[str, Any]:
    trips = list(trips_for(policy)[:50])
    summary = score_summary(policy)
    chronological = list(reversed(trips))
    alerts = list(alerts_for(policy))
    trip_views = []
    alert_marks: dict[int, list[tuple[float, float, str]]] = {}
    for a in alerts:
        ev = a.evidence.get("inputs", {})
        if a.trip_id and "lat" in ev:
            alert_marks.setdefault(a.trip_id, []).append(
                (
                    float(ev["lat"]),
                    float(ev["lon"]),
                    f"{ev.get('speed_mph')} mph in a {ev.get('limit_mph')} mph limit",
                )
            )
    for t in trips[:20]:
        trip_views.append(
            {
                "trip": t,
                "svg": charts.route(
                    t.track,
                    label=f"Route of the trip at {t.start_at:%d %b %H:%M}",
                    marks=alert_marks.get(t.pk, []),
                ),
            }
        )
    indicators = summary["indicators"]
    ctx: dict[str, Any] = {
        "policy": policy,
        "customer": policy.customer,
        "adjustments": policy.customer.active_adjustments(),
        "summary": summary,
        "miles": tracked_miles(policy),
        "trips": trip_views,
        "alerts": alerts,
        "reviews": [(r, review_decision(r)) for r in reviews_for(policy)],
        "trend_svg": charts.line_chart(
            [
                (timezone.localtime(t.start_at).strftime("%d %b %H:%M"), float(t.score_overall))
                for t in chronological
            ],
            label="Overall score of each trip, oldest first",
            threshold=60,
        ),
        "indicator_svg": charts.bar_chart(
            [(name.title(), float(v)) for name, v in indicators.items() if v is not None],
            label="Indicator scores (distance-weighted)",
        ),
        "staff": staff,
        "top_up": policy.mileage_top_ups.filter(status="offered").first(),
    }
    if staff:
        position = last_position_for(policy)
        ctx["position"] = position
        ctx["cases"] = list(cases_for(policy))
        if position is not None:
            latest = trips[0].track if trips else []
            ctx["position_svg"] = charts.route(
                latest,
                label="Latest trip and last known position",
                marks=[
                    (position.lat, position.lon, f"last known position {position.ts:%d %b %H:%M}")
                ],
                width=480,
                height=300,
            )
    return ctx


@login_required
@require_http_methods(["GET", "POST"])
def customer_driving(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id, staff=False)
    if request.method == "POST":
        offer = policy.mileage_top_ups.filter(pk=request.POST.get("offer") or 0).first()
        if offer is None:
            raise Http404("no such offer")
        try:
            mileage_top_up_answer(
                actor=request_user(request), offer=offer, accept=request.POST.get("answer") == "buy"
            )
        except DomainError as exc:
            messages.error(request, exc.message[:1].upper() + exc.message[1:])  # no rule ids
        else:
            messages.success(request, "Thank you: we have written to you to confirm.")
        return redirect("driving-app", policy_id=policy.pk)
    return render(request, "telematics/driving.html", _context(policy, staff=False))


def _confirm_notice(request: HttpRequest, policy: YDPolicy) -> HttpResponse:
    """A notice of cancellation ends the cover after the notice period (YD-CANCEL-5):
    show the last day and the refund first (ADR 0026)."""
    today = timezone.localdate()
    last_day = today + timedelta(days=params_of(policy.config).periods.our_cancellation_notice_days)
    rows: list[tuple[str, Any]] = [
        ("Policy", f"{policy.number} ({policy.customer.full_name})"),
        ("Reason", request.POST.get("rule", "")),
        ("Notice given", long_date(today)),
        ("Last day of cover", long_date(min(last_day, policy.end))),
    ]
    try:
        quote = yd_cancellation_preview(
            policy=policy, cancel_on=min(last_day, policy.end), by="us", notice_date=today
        )
        rows.append(("Refund (Smartbox not returned)", gbp(quote.refund)))
    except DomainError as exc:
        rows.append(("Refund", f"{exc.message} ({exc.rule})"))
    return confirm_page(
        request,
        title=f"notice of cancellation for policy {policy.number}",
        rows=rows,
        button="Issue the notice of cancellation",
        back=request.path,
        warning="The customer is written to and the policy is cancelled when the notice "
        "ends. This cannot be undone from this page.",
        rule="YD-CANCEL-5",
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_driving(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id, staff=True)
    if request.method == "POST" and not confirmed(request):
        return _confirm_notice(request, policy)
    if request.method == "POST":
        rule = request.POST.get("rule", "")
        try:
            yd_cancellation_notice_issue(
                actor=request_user(request),
                policy=policy,
                rule=rule,
                detail=request.POST.get("detail", "")[:500],
            )
        except DomainError as exc:
            messages.error(request, f"{exc.message} ({exc.rule})")
        else:
            messages.success(
                request, "Notice of cancellation issued; the customer has been written to."
            )
        return redirect("driving-staff", policy_id=policy.pk)
    ctx = _context(policy, staff=True)
    proposed = [a for a in ctx["alerts"] if a.action == "notice_of_cancellation_proposed"]
    ctx["notice_rule"] = proposed[-1].rule if proposed and policy.status == "live" else None
    return render(request, "telematics/driving.html", ctx)


@login_required
def evidence_pack(request: HttpRequest, policy_id: int) -> HttpResponse:
    """A PDF of the driving evidence for the customer or the Financial Ombudsman (YD-SPEED-3)."""
    policy = _policy(request, policy_id, staff=True)
    ctx = _context(policy, staff=True)
    ctx["generated_at"] = timezone.now()
    html = render(request, "telematics/evidence_pack.html", ctx).content.decode()
    pdf = render_pdf(html)
    audit_record(
        actor=request_user(request),
        action="evidence_pack.export",
        obj=policy,
        firm_id=policy.firm_id,
        after={"alerts": len(ctx["alerts"]), "trips": len(ctx["trips"])},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-{policy.number}.pdf"'
    return response
