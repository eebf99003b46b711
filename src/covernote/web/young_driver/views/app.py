"""The Young Driver customer app (mobile-first): policies, cancellation, Smartbox photos."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role
from covernote.accounts.selectors import request_user
from covernote.domain.errors import DomainError
from covernote.domain.young_driver import letters
from covernote.web.young_driver.views._common import _date, _error, _policy_context, _user
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
from covernote.young_driver.inputs import (
    CancelInput,
    PhotoUploadInput,
    build,
)


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
    today = timezone.localdate()
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
