"""Young Driver pages: the customer app (mobile-first) and the back office (agents, brokers)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import SELLERS, STAFF
from covernote.accounts.selectors import request_user
from covernote.billing.payment_page import payment_page
from covernote.billing.selectors import transactions_for
from covernote.domain.bounds import BoundError, check_day, check_int, every_error, label_of
from covernote.domain.calendar import long_date
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.domain.young_driver import letters
from covernote.domain.young_driver.smartbox import PHOTO_REJECTION_REASONS
from covernote.parties.selectors import customer_get_for, customer_list_for
from covernote.products.selectors import params_in_force
from covernote.telematics.positions import theft_tracking
from covernote.telematics.selectors import policy_documents
from covernote.web.confirm import confirm_page, confirmed
from covernote.web.listing import csv_of, page_of, wants_csv
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    AdjustInput,
    BuyInput,
    CancelInput,
    PhotoReviewInput,
    PhotoUploadInput,
    QuoteInput,
    SmartboxReturnInput,
    TheftClaimInput,
    TheftCloseInput,
    VehicleChangeInput,
    build,
)
from covernote.young_driver.models import InstalmentStatus, PaymentMethod


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request_user(request)
    if user.role not in roles:
        raise Http404("no such page")
    return user


def _date(value: str, field: str) -> date:
    """A date from the form, through the shared checker (ADR 0023)."""
    try:
        return check_day(value)
    except BoundError as exc:
        raise DomainError("invalid", f"{label_of(field)}: {exc.problem}", "G2", field) from None


def _int(value: str, field: str) -> int:
    """ASCII digits only (full-width digits are refused); the rating bounds follow."""
    try:
        return check_int(value, ge=-(10**9), le=10**9)
    except BoundError:
        raise DomainError(
            "invalid", f"{label_of(field)}: must be a whole number", "YD-RATE", field
        ) from None


def _error(request: HttpRequest, exc: DomainError) -> None:
    """Every refused field (ADR 0023); staff read the rule id, a customer reads the
    message alone (issue 12)."""
    customer = getattr(request.user, "role", "") == Role.CUSTOMER
    for err in every_error(exc):
        text = err.message[:1].upper() + err.message[1:]
        messages.error(request, f"{text} ({err.rule})" if err.rule and not customer else text)


def _policy_context(policy: Any) -> dict[str, Any]:
    plan = (
        getattr(policy, "plan", None)
        if policy.payment_method == PaymentMethod.DIRECT_DEBIT
        else None
    )
    return {
        "policy": policy,
        "customer": policy.customer,
        "adjustments": policy.customer.active_adjustments(),
        "task": sel.open_task(policy),
        "device": svc.current_device(policy),
        "plan": plan,
        "instalments": list(plan.instalments.all()) if plan else [],
        "cancellation": getattr(policy, "cancellation", None),
        "versions": policy.versions.select_related("created_by").order_by("-version"),
        "fees": policy.fees.all(),
        "payments": policy.payments.all(),
        "position": sel.premium_position(policy),
        "documents": policy_documents(policy)[:50],
        # Actions that no longer apply are not offered: a cancelled or void policy, or one
        # whose term has ended (YD has no stored "expired" state), offers no MTA, vehicle
        # change, cancellation or renewal acceptance.
        "live": policy.status in ("live", "notice") and date.today() <= policy.end,
        "InstalmentStatus": InstalmentStatus,
    }


# --------------------------------------------------------------------------- customer app


@login_required
def app_home(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.CUSTOMER)
    policies = list(sel.policies_for_customer_user(user))
    if len(policies) == 1:
        return redirect("yd-app-policy", policy_id=policies[0].pk)
    return render(request, "young_driver/app_home.html", {"policies": policies})


@login_required
@require_http_methods(["GET", "POST"])
def app_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request, Role.CUSTOMER)
    try:
        policy = sel.policy_get_for(user, policy_id)
    except DomainError as exc:
        raise Http404("no such policy") from exc
    if request.method == "POST" and request.POST.get("action") in ("renew", "decline_renewal"):
        try:
            if request.POST["action"] == "renew":
                new = svc.yd_policy_renew(
                    actor=user,
                    policy=policy,
                    idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
                )
                messages.success(
                    request,
                    f"Thank you — your policy is renewed: {new.number} starts "
                    f"{new.start:%-d %B %Y}. We have written to you.",
                )
                return redirect("yd-app-policy", policy_id=new.pk)
            svc.yd_renewal_decline(actor=user, policy=policy)
            messages.success(
                request,
                f"You have chosen not to renew. Your cover continues until {policy.end:%-d %B %Y}.",
            )
        except DomainError as exc:
            _error(request, exc)
        return redirect("yd-app-policy", policy_id=policy.pk)
    if request.method == "POST":
        task = sel.open_task(policy)
        upload = request.FILES.get("photo")
        try:
            if task is None:
                raise DomainError("conflict", "there is no installation task", "YD-BOX-INSTALL")
            if upload is None:
                raise DomainError("required", "choose a photo", "YD-BOX-INSTALL", "photo")
            if upload.size and upload.size > svc.PHOTO_MAX_BYTES:
                raise DomainError("invalid", "the photo is larger than 8 MB", "YD-BOX-INSTALL")
            svc.yd_install_photo_upload(
                actor=user,
                task=task,
                data=build(PhotoUploadInput, filename=upload.name or "", content=upload.read()),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(
                request, "Thank you — your photo is uploaded and waiting for our check."
            )
        return redirect("yd-app-policy", policy_id=policy.pk)
    ctx = _policy_context(policy)
    c = ctx["cancellation"]
    ctx.update(
        renewal=getattr(policy, "renewal", None),
        key=uuid.uuid4().hex,
        # Customers see the working in words; staff see the steps with rule ids.
        cancellation_summary=letters.cancellation_summary(
            premium_collected=c.premium_paid,
            premium_refund=c.premium_refund,
            cancellation_fee=c.cancellation_fee,
            outstanding_netted=c.outstanding_netted,
            balance_to_collect=c.balance_to_collect,
            refund=c.refund,
        )
        if c is not None and not c.void
        else (),
    )
    return render(request, "young_driver/app_policy.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def app_cancel(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = _user(request, Role.CUSTOMER)
    try:
        policy = sel.policy_get_for(user, policy_id)
    except DomainError as exc:
        raise Http404("no such policy") from exc
    today = date.today()
    raw = request.POST.get("cancel_on") or request.GET.get("cancel_on") or ""
    live = policy.status in ("live", "notice") and today <= policy.end
    default = max(today, policy.start)
    preview = None
    errors: dict[str, str] = {}
    cancel_on = default
    try:
        cancel_on = _date(raw, "cancel_on") if raw else default
        if not live:
            raise DomainError("conflict", "this policy has already ended", "YD-CANCEL-1")
        # YD-CANCEL-1: a past last day of cover is refused here, next to the field.
        preview = svc.yd_cancellation_preview(policy=policy, cancel_on=cancel_on, notice_date=today)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            svc.yd_policy_cancel(
                actor=user,
                policy=policy,
                data=build(CancelInput, cancel_on=cancel_on, by="customer"),
            )
            messages.success(request, "Your policy is cancelled. We have written to you.")
            return redirect("yd-app-policy", policy_id=policy.pk)
    except DomainError as exc:
        if exc.field == "cancel_on":
            errors["cancel_on"] = _plain(exc.message)
        else:
            messages.error(request, _plain(exc.message))
        preview = None
    return render(
        request,
        "young_driver/app_cancel.html",
        {
            "policy": policy,
            "customer": policy.customer,
            "adjustments": policy.customer.active_adjustments(),
            "cancel_on": cancel_on,
            "raw_cancel_on": raw or cancel_on.isoformat(),
            "errors": errors,
            "live": live,
            "today": today,
            "preview": preview,
            "summary": letters.cancellation_summary(
                premium_collected=preview.premium_collected,
                premium_refund=preview.premium_refund,
                cancellation_fee=preview.cancellation_fee,
                outstanding_netted=preview.outstanding_netted,
                balance_to_collect=preview.balance_to_collect,
                refund=preview.refund,
            )
            if preview
            else (),
        },
        status=400 if errors else 200,
    )


def _plain(message: str) -> str:
    """A refusal in the customer's words: a sentence, no rule id (customers never see them)."""
    message = message.replace("cancel_on", "the last day of cover")
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


@login_required
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    user = request_user(request)
    try:
        photo = sel.photo_get_for(user, photo_id)
    except DomainError as exc:
        raise Http404("no such photo") from exc
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)


# --------------------------------------------------------------------------- back office


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
            "queue_count": sel.install_queue(user).count(),
            "is_staff": user.is_intermediary_staff,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_quote(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        customer = customer_get_for(user, customer_id)
    except DomainError as exc:
        raise Http404("no such customer") from exc
    params = None
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
            _error(request, exc)
        else:
            return redirect("yd-bo-quote-detail", quote_id=q.pk)
    try:
        params = params_in_force("young_driver", date.today())
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _user(request, *SELLERS)
    try:
        q = sel.quote_get_for(user, quote_id)
    except DomainError as exc:
        raise Http404("no such quote") from exc
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
            _error(request, exc)
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
        notice_date=date.today(),
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
            if exc.field == "cancel_on":
                # YD-CANCEL-1: the refusal sits next to the date, with what was typed kept,
                # before the confirm step is reached.
                errors = {"cancel_on": f"{exc.message} ({exc.rule})"}
                return _bo_policy_page(request, user, policy, errors=errors, status=400)
            _error(request, exc)
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
                svc.yd_renewal_invite(actor=user, policy=policy, today=date.today())
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
            if action == "cancel" and exc.field == "cancel_on":
                # YD-CANCEL-1: the refusal sits next to the date, with what was typed kept.
                errors = {"cancel_on": f"{exc.message} ({exc.rule})"}
                return _bo_policy_page(request, user, policy, errors=errors, status=400)
            _error(request, exc)
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
        today=date.today(),
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
            _error(request, exc)
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
        },
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
