"""Writes for customers and adjustments, each audited (PLT-6)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.accounts.permissions import SELLERS, Action, require, require_role
from covernote.audit.services import audit_record
from covernote.domain.bounds import Fields, check_day, check_text
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.contact import normalise_phone, normalise_postcode
from covernote.parties.models import Customer, PartyKind, ReasonableAdjustment
from covernote.parties.selectors import customer_duplicates_for

CUSTOMER_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "salutation_style",
    "address_line1",
    "address_line2",
    "locality",
    "town",
    "postcode",
    "nation",
    "email",
    "phone",
    "contact_channel",
    "document_format",
    "is_business",
    "business_name",
    "business_turnover_gbp",
    "business_staff",
    "business_balance_sheet_gbp",
]

_FORBIDDEN_INPUTS = {"sex", "gender", "religion", "sexual_orientation", "orientation", "disability"}


def _next_reference() -> str:
    last = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"C{last + 1:07d}"


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {f: getattr(customer, f) for f in CUSTOMER_FIELDS}


class DuplicateCustomerError(DomainError):
    """A customer with the same name, date of birth and postcode already exists (issue 12).

    ``existing`` holds the matching customers the actor may see; the caller shows them
    and asks to confirm (``confirm_duplicate=True``) or to open the existing record."""

    def __init__(self, existing: Sequence[Customer]) -> None:
        refs = ", ".join(c.reference for c in existing)
        super().__init__(
            ErrorCode.CONFLICT,
            f"this looks like a customer we already have ({refs}): open the existing record, "
            "or confirm that this is a different person",
            "PLT-1",
            "confirm_duplicate",
        )
        self.existing = list(existing)


#: Text a customer record holds; each is bounded by its column (ADR 0023).
_TEXT_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "email",
    "phone",
)
#: A date of birth: not before 1900, and the person is born (ADR 0023).
EARLIEST_BIRTH = date(1900, 1, 1)


def _bounded(data: dict[str, Any]) -> None:
    """Every text within its column and free of NUL and control characters, the date of
    birth a real one in the past: every refusal at once, before anything is written."""
    f = Fields()
    for key in _TEXT_FIELDS:
        if key in data and data[key] is not None:
            column = getattr(Customer._meta.get_field(key), "max_length", None) or 200
            f.take(check_text, data[key], key, "PLT-1", max_length=column)
    if data.get("date_of_birth") is not None:
        f.take(
            check_day,
            data["date_of_birth"],
            "date_of_birth",
            "PLT-1",
            earliest=EARLIEST_BIRTH,
            latest=timezone.localdate(),
        )
    f.done()


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Postcode and phone in their one stored form; names and email trimmed."""
    _bounded(data)
    out = dict(data)
    for key in (
        "title",
        "first_name",
        "last_name",
        "address_line1",
        "address_line2",
        "locality",
        "town",
    ):
        if isinstance(out.get(key), str):
            out[key] = " ".join(out[key].split())
    if isinstance(out.get("email"), str):
        out["email"] = out["email"].strip()
    if "postcode" in out:
        out["postcode"] = normalise_postcode(out["postcode"] or "")
    if "phone" in out:
        out["phone"] = normalise_phone(out["phone"] or "")
    return out


def _full_clean(customer: Customer, *, exclude: list[str] | None = None) -> None:
    """Model validation as a DomainError naming the first bad field, in plain English."""
    try:
        customer.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = field.replace("_", " ").capitalize()
        raise DomainError(
            ErrorCode.INVALID, f"{label}: {' '.join(messages)}", "PLT-1", field
        ) from None


@transaction.atomic
def customer_create(
    *, actor: User, data: dict[str, Any], confirm_duplicate: bool = False
) -> Customer:
    """Create a customer. A broker creates customers for its own firm only (PLT-4); the
    reference is generated. A likely duplicate (same name, date of birth and postcode,
    among the customers the actor may see) is refused with :class:`DuplicateCustomerError`
    unless ``confirm_duplicate``; the confirmation is kept in the audit record."""
    forbidden = _FORBIDDEN_INPUTS & set(data)
    if forbidden:
        field = sorted(forbidden)[0]
        raise DomainError(ErrorCode.INVALID, f"{field} is never recorded or used", "PLT-3", field)
    unknown = set(data) - set(CUSTOMER_FIELDS) - {"firm_id"}
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID, f"unknown field {field}", "PLT-1", field)
    require_role(actor, SELLERS, what="create customers")
    data = _normalise(data)
    firm_id = data.pop("firm_id", None)
    if actor.role == Role.BROKER:
        firm_id = actor.firm_id
    if not data.get("date_of_birth"):
        raise DomainError(ErrorCode.REQUIRED, "Date of birth is required", "PLT-1", "date_of_birth")
    customer = Customer(reference=_next_reference(), firm_id=firm_id, **data)
    _full_clean(customer, exclude=["reference"])
    duplicates = list(
        customer_duplicates_for(
            actor,
            first_name=customer.first_name,
            last_name=customer.last_name,
            date_of_birth=customer.birth_date,
            postcode=customer.postcode,
        )
    )
    if duplicates and not confirm_duplicate:
        raise DuplicateCustomerError(duplicates)
    customer.save()
    after = _snapshot(customer)
    if duplicates:
        after["confirmed_not_duplicate_of"] = [c.reference for c in duplicates]
    audit_record(actor=actor, action="customer.create", obj=customer, after=after)
    return customer


COMPLAINANT_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "email",
    "phone",
    "contact_channel",
    "document_format",
    "business_name",
)


@transaction.atomic
def complainant_contact_create(*, actor: User, data: dict[str, Any]) -> Customer:
    """Record someone who complains but is not a customer — a representative, a claims
    management company, another person (COMP-1, ADR 0026) — as a party of kind
    ``complainant``: name and at least one way to reach them, so the complaint letters
    go through the same channels (PLT-7). No date of birth; never quoted or sold to."""
    require(actor, Action.COMPLAINT_LOG)
    unknown = set(data) - set(COMPLAINANT_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID, f"unknown field {field}", "COMP-1", field)
    data = _normalise({k: v for k, v in data.items() if v not in (None, "")})
    if not data.get("last_name"):
        raise DomainError(
            ErrorCode.REQUIRED, "the complainant's name is required", "COMP-1", "last_name"
        )
    data.setdefault("first_name", "")
    if not (data.get("email") or data.get("phone") or data.get("address_line1")):
        raise DomainError(
            ErrorCode.REQUIRED,
            "the complainant has no contact details: record an address, email or phone",
            "COMP-1",
            "contact",
        )
    if "contact_channel" not in data:
        data["contact_channel"] = "email" if data.get("email") else "letter"
    contact = Customer(reference=_next_reference(), kind=PartyKind.COMPLAINANT.value, **data)
    _full_clean(contact, exclude=["reference", "first_name"])
    contact.save()
    audit_record(
        actor=actor,
        action="party.complainant_create",
        obj=contact,
        after={f: getattr(contact, f) for f in COMPLAINANT_FIELDS},
    )
    return contact


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, data: dict[str, Any], expected_version: int | None = None
) -> Customer:
    """Change a customer's details; ``expected_version`` guards against lost updates.
    The caller fetched ``customer`` through ``customer_get_for`` (PLT-4)."""
    require_role(actor, SELLERS, what="change customer details")
    data = _normalise(data)
    locked = Customer.objects.select_for_update(of=("self",)).get(pk=customer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the customer was changed by someone else; reload and try again",
            "PLT-6",
            "version",
        )
    before = _snapshot(locked)
    for key, value in data.items():
        if key not in CUSTOMER_FIELDS:
            raise DomainError(ErrorCode.INVALID, f"unknown field {key}", "PLT-1", key)
        setattr(locked, key, value)
    _full_clean(locked)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit_record(
        actor=actor, action="customer.update", obj=locked, before=before, after=_snapshot(locked)
    )
    return locked


@transaction.atomic
def adjustment_record(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    note: str,
    third_party_name: str = "",
    supersedes: ReasonableAdjustment | None = None,
) -> ReasonableAdjustment:
    """Record a reasonable adjustment (PLT-2); optionally supersede an older one."""
    if not note.strip():
        raise DomainError(ErrorCode.REQUIRED, "describe the adjustment", "PLT-2", "note")
    adj = ReasonableAdjustment(
        customer=customer,
        kind=kind,
        note=note.strip(),
        third_party_name=third_party_name,
        recorded_by=actor,
    )
    adj.full_clean(exclude=["customer", "recorded_by"])
    adj.save()
    if supersedes is not None:
        old = ReasonableAdjustment.objects.select_for_update(of=("self",)).get(pk=supersedes.pk)
        if old.customer_id != customer.pk:
            raise DomainError(
                ErrorCode.INVALID, "that adjustment is another customer's", "PLT-2", "supersedes"
            )
        if old.superseded_at is not None:
            raise DomainError(
                ErrorCode.CONFLICT, "that adjustment is already superseded", "PLT-2", "supersedes"
            )
        old.superseded_by = adj
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_by", "superseded_at"])
    audit_record(
        actor=actor,
        action="adjustment.record",
        obj=adj,
        firm_id=customer.firm_id,
        after={
            "customer": customer.reference,
            "kind": kind,
            "note": adj.note,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return adj
