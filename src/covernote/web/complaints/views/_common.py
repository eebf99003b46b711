"""What the complaint pages share: who may see them, the tenant-scoped lookup, form errors,
registering a complaint (PLT-4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import SELLERS
from covernote.accounts.selectors import request_user
from covernote.complaints.inputs import ComplaintRegistration
from covernote.complaints.models import Complaint
from covernote.complaints.selectors import complaint_get_for
from covernote.complaints.services import complaint_register
from covernote.domain.bounds import every_error
from covernote.domain.calendar import LONDON
from covernote.domain.errors import DomainError
from covernote.parties.models import Customer
from covernote.parties.services import complainant_contact_create

VIEWERS = SELLERS  # the complaints team, and brokers read-only (PLT-4)


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request_user(request)
    if user.role not in roles:
        raise Http404("no such page")
    return user


def _complaint(user: User, complaint_id: int) -> Complaint:
    try:
        return complaint_get_for(user, complaint_id)
    except DomainError as exc:
        raise Http404("no such complaint") from exc


def _form_error(form: Any, exc: DomainError, *, customer: bool = False) -> None:
    """Every refused field, next to it (ADR 0023); staff read the rule id, a customer
    reads the message alone (issue 12)."""
    for err in every_error(exc):
        field = err.field if err.field in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, err.message if customer else f"{err.message} ({err.rule})")


def _received(value: datetime) -> datetime:
    if timezone.is_naive(value):
        return value.replace(tzinfo=LONDON)
    return value


def _register(user: User, customer: Customer, data: dict[str, Any]) -> Complaint:
    data = {**data, "received_at": _received(data["received_at"])}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    return complaint_register(actor=user, customer=customer, data=ComplaintRegistration.parse(data))


def _complainant_contact(user: User, contact: dict[str, Any]) -> Customer:
    """A complainant who is not a customer (COMP-1, ADR 0026): recorded as a party."""
    name = " ".join(str(contact.get("complainant_name") or "").split())
    first, _, last = name.rpartition(" ")
    return complainant_contact_create(
        actor=user,
        data={
            "first_name": first,
            "last_name": last,
            "email": contact.get("complainant_email") or "",
            "phone": contact.get("complainant_phone") or "",
            "address_line1": contact.get("complainant_address_line1") or "",
            "town": contact.get("complainant_town") or "",
            "postcode": contact.get("complainant_postcode") or "",
        },
    )
