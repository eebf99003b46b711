"""What the Young Driver pages share: role checks, field readers, errors, the policy context."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.accounts.selectors import request_user
from covernote.domain.bounds import BoundError, check_day, check_int, every_error, label_of
from covernote.domain.errors import DomainError
from covernote.telematics.selectors import policy_documents
from covernote.young_driver import selectors as sel
from covernote.young_driver import services as svc
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


def _said(request: HttpRequest, err: DomainError) -> str:
    """An error in words: staff read the rule id, a customer the message alone (issue 12)."""
    customer = getattr(request.user, "role", "") == Role.CUSTOMER
    text = err.message[:1].upper() + err.message[1:]
    return f"{text} ({err.rule})" if err.rule and not customer else text


def _error(request: HttpRequest, exc: DomainError) -> None:
    """Every refused field (ADR 0023) at the top of the page."""
    for err in every_error(exc):
        messages.error(request, _said(request, err))


def _field_errors(
    request: HttpRequest, exc: DomainError, fields: Mapping[str, str]
) -> dict[str, str]:
    """ARCHITECTURE §3.5, as on the other forms: each refused field's error next to its
    input. ``fields`` maps the field an error names (``rating.vehicle_group`` is read as
    ``vehicle_group``) to the form's input; any other error stays at the top of the page."""
    shown: dict[str, str] = {}
    for err in every_error(exc):  # every refused field at once (ADR 0023)
        named = err.field or ""
        name = fields.get(named) or fields.get(named.rsplit(".", 1)[-1])
        if name:
            shown.setdefault(name, _said(request, err))
        else:
            messages.error(request, _said(request, err))
    return shown


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
        "live": policy.status in ("live", "notice") and timezone.localdate() <= policy.end,
        "InstalmentStatus": InstalmentStatus,
    }
