"""Young Driver back office: home, policy page and its actions, installs, devices."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import User
from covernote.accounts.permissions import SELLERS, STAFF
from covernote.billing.selectors import transactions_for
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.domain.young_driver.smartbox import PHOTO_REJECTION_REASONS
from covernote.parties.selectors import customer_list_for
from covernote.web.confirm import confirm_page, confirmed
from covernote.web.listing import csv_of, page_of, wants_csv
from covernote.web.young_driver.views._common import (
    _date,
    _error,
    _field_errors,
    _int,
    _policy_context,
    _user,
)
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    AdjustInput,
    CancelInput,
    PhotoReviewInput,
    SmartboxReturnInput,
    VehicleChangeInput,
    build,
)


@login_required
def bo_home(request: HttpRequest) -> HttpResponse:
    user = _user(request, *SELLERS)
    search = request.GET.get("q", "").strip()
    policies = sel.policy_scope(user).select_related("customer").order_by("-created_at")
    if wants_csv(request):
        return csv_of(
            "young-driver-policies.csv",
            ["Policy", "Customer", "Vehicle", "Status", "Start", "End", "Annual premium"],
            policies,
            lambda p: [
                p.number,
                p.customer.full_name,
                p.vehicle_reg,
                p.get_status_display(),
                p.start,
                p.end,
                p.annual_premium,
            ],
        )
    listing = page_of(request, policies)
    return render(
        request,
        "young_driver/bo_home.html",
        {
            **listing,
            "search": search,
            "customers": customer_list_for(user, search=search)[:20] if search else [],
            "policies": listing["page"].object_list,
            "open_quotes": sel.open_quotes(user, timezone.localdate()),
            "queue_count": sel.install_queue(user).count(),
            "is_staff": user.is_intermediary_staff,
        },
    )


def _confirm_bo_cancel(request: HttpRequest, policy: Any) -> HttpResponse:
    """Cancelling ends the cover: show the last day, premium and refund first (ADR 0026)."""
    p = request.POST
    cancel_on = _date(p.get("cancel_on", ""), "cancel_on")
    void = p.get("void") == "yes"
    quote = svc.yd_cancellation_preview(
        policy=policy,
        cancel_on=cancel_on,
        by=p.get("by", "customer"),
        void_for_fraud=void,
        notice_date=timezone.localdate(),
    )
    return confirm_page(
        request,
        title=f"{'void' if void else 'cancel'} Young Driver policy {policy.number}",
        rows=[
            ("Policy", f"{policy.number} ({policy.customer.full_name})"),
            ("Premium paid", gbp(policy.premium_paid)),
            ("Last day of cover", long_date(cancel_on)),
            ("Refund (Smartbox not returned)", gbp(quote.refund)),
        ],
        button="Void the policy" if void else "Cancel the policy",
        back=request.path,
        warning="The customer is written to and the refund is posted. This cannot be undone.",
        rule="YD-VOID-1" if void else "YD-CANCEL-1..5",
    )


#: The policy page's forms: the field an error names -> the input it is shown next to
#: (``errors.<input>`` in the template; an input name is unique across the page's forms).
_RATING = ("annual_mileage", "postcode", "licence_years", "vehicle_group", "no_claims_years")
POLICY_FORM_FIELDS: dict[str, dict[str, str]] = {
    "mta": {
        "field": "mta_value",
        "value": "mta_value",
        "changes": "mta_value",
        **dict.fromkeys(_RATING, "mta_value"),
        "effective": "mta_effective",
    },
    "vehicle": {
        "vehicle_reg": "vehicle_reg",
        "vehicle_description": "vehicle_description",
        "vehicle_group": "vehicle_group",
        "effective": "vehicle_effective",
    },
    "cancel": {"cancel_on": "cancel_on", "reason": "reason", "by": "by"},
    "box_return": {"returned_on": "returned_on"},
}


@login_required
@require_http_methods(["GET", "POST"])
def bo_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        policy = sel.policy_get_for(user, policy_id)
    except DomainError as exc:
        raise Http404("no such policy") from exc
    if request.POST.get("action") == "cancel" and not confirmed(request):
        try:
            return _confirm_bo_cancel(request, policy)
        except DomainError as exc:
            # YD-CANCEL-1: the refusal sits next to the date, with what was typed kept,
            # before the confirm step is reached.
            errors = _field_errors(request, exc, POLICY_FORM_FIELDS["cancel"])
            if errors:
                return _bo_policy_page(request, user, policy, errors=errors, status=400)
            return redirect("yd-bo-policy", policy_id=policy.pk)
    if request.method == "POST":
        action = request.POST.get("action")
        p = request.POST
        try:
            if action == "mta":
                field = p.get("field", "")
                value: Any = p.get("value", "")
                if field != "postcode":
                    value = _int(value, field)
                svc.yd_policy_adjust(
                    actor=user,
                    policy=policy,
                    data=build(
                        AdjustInput,
                        changes={field: value},
                        effective=_date(p.get("effective", ""), "effective"),
                        idempotency_key=p.get("idempotency_key") or uuid.uuid4().hex,
                    ),
                )
                messages.success(request, "Mid-term adjustment recorded; written notice sent.")
            elif action == "vehicle":
                svc.yd_policy_vehicle_change(
                    actor=user,
                    policy=policy,
                    data=build(
                        VehicleChangeInput,
                        vehicle_reg=p.get("vehicle_reg", ""),
                        vehicle_description=p.get("vehicle_description", ""),
                        vehicle_group=_int(p.get("vehicle_group", ""), "vehicle_group"),
                        new_box=p.get("new_box") == "yes",
                        effective=_date(p.get("effective", ""), "effective"),
                        idempotency_key=p.get("idempotency_key") or uuid.uuid4().hex,
                    ),
                )
                task = sel.open_task(policy)
                messages.success(
                    request,
                    "Vehicle changed; the Smartbox must be fitted and its photo approved by "
                    f"{long_date(task.deadline)} (YD-BOX-INSTALL)."
                    if task
                    else "Vehicle changed.",
                )
            elif action == "cancel":
                svc.yd_policy_cancel(
                    actor=user,
                    policy=policy,
                    data=build(
                        CancelInput,
                        cancel_on=_date(p.get("cancel_on", ""), "cancel_on"),
                        by=p.get("by", "customer"),
                        void_for_fraud=p.get("void") == "yes",
                        reason=p.get("reason", ""),
                    ),
                )
                messages.success(request, "Policy cancelled; letter sent.")
            elif action == "box_return":
                svc.yd_smartbox_return_record(
                    actor=user,
                    policy=policy,
                    data=build(
                        SmartboxReturnInput,
                        returned_on=_date(p.get("returned_on", ""), "returned_on"),
                    ),
                )
                messages.success(request, "Smartbox return recorded.")
            elif action == "renewal_invite":
                svc.yd_renewal_invite(actor=user, policy=policy, today=timezone.localdate())
                messages.success(
                    request, "Renewal invitation sent (with the 14-day payment notice)."
                )
            elif action == "renew":
                new = svc.yd_policy_renew(
                    actor=user,
                    policy=policy,
                    idempotency_key=p.get("idempotency_key") or uuid.uuid4().hex,
                )
                messages.success(
                    request, f"Renewed: policy {new.number} starts {new.start:%d %B %Y}."
                )
                return redirect("yd-bo-policy", policy_id=new.pk)
            else:
                raise DomainError("invalid", "unknown action", None, "action")
        except DomainError as exc:
            # Each refusal next to its field, with what was typed kept (YD-CANCEL-1 for
            # the last day of cover); anything else at the top of the page.
            errors = _field_errors(request, exc, POLICY_FORM_FIELDS.get(action or "", {}))
            if errors:
                return _bo_policy_page(request, user, policy, errors=errors, status=400)
        return redirect("yd-bo-policy", policy_id=policy.pk)
    return _bo_policy_page(request, user, policy)


def _bo_policy_page(
    request: HttpRequest,
    user: User,
    policy: Any,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = _policy_context(policy)
    ctx.update(
        is_staff=user.is_intermediary_staff,
        doc_staff=user.is_intermediary_staff,
        key=uuid.uuid4().hex,
        today=timezone.localdate(),
        errors=errors or {},
        v=request.POST if errors else {},
    )
    if user.is_intermediary_staff:  # ledger postings: read-only, staff only
        ctx["ledger"] = [
            (t, sorted(t.entries.all(), key=lambda e: (-e.debit, e.account_id)))
            for t in transactions_for(policy.number)
        ]
    return render(request, "young_driver/bo_policy.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def bo_installs(request: HttpRequest) -> HttpResponse:
    user = _user(request, *STAFF)
    if request.method == "POST":
        try:
            photo = sel.photo_get_for(user, _int(request.POST.get("photo", ""), "photo"))
            approve = request.POST.get("decision") == "approve"
            svc.yd_install_photo_review(
                actor=user,
                photo=photo,
                data=build(
                    PhotoReviewInput,
                    approve=approve,
                    note=request.POST.get("note", ""),
                    reason="" if approve else request.POST.get("reason", ""),
                ),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, "Approved: Smartbox verified." if approve else "Rejected.")
        return redirect("yd-bo-installs")
    return render(
        request,
        "young_driver/bo_installs.html",
        {"queue": sel.install_queue(user), "reasons": list(PHOTO_REJECTION_REASONS.items())},
    )


@login_required
def bo_device(request: HttpRequest, device_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        device = sel.device_get_for(user, device_id)
    except DomainError as exc:
        raise Http404("no such device") from exc
    return render(
        request,
        "young_driver/bo_device.html",
        {"device": device, "events": device.events.all(), "tasks": device.install_tasks.all()},
    )
