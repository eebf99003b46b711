"""``yd-cancellation``: Young Driver cancellation refund (YD-CANCEL-1..5, YD-VOID-1).

Input::

    {"premium": "1200.00", "start": "2026-01-01", "end": "2026-12-31",
     "documents_received": "2026-01-03",            # optional
     "cancel_on": "2026-03-01",                      # last day of cover
     "fees_paid": {"arrangement": "100", "renewal": "0",
                   "vehicle_change_new_box": "0"},   # optional, each default 0
     "smartbox_returned_on": "2026-03-10",           # optional
     "void_for_fraud": false, "by": "customer"}      # by: customer | us

Output: ``{"refund", "smartbox_return_refund", "fees_retained", "steps", "warnings"}``.
The premium is assumed paid in full at a single annual rate. The notice date is
taken to be ``cancel_on`` (REGULATION §3.1 ASSUMPTION). The product
configuration in force on ``start`` is loaded from ``config/products/young_driver``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from covernote.domain.bounds import BoundError, check_day
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, format_money, non_negative_money
from covernote.domain.young_driver.cancellation import (
    CancellationRequest,
    CancelledBy,
    FeesPaid,
    cancellation_refund,
    single_premium,
    smartbox_return_refund,
)
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.products.loader import shipped_params

# Product versions are named by their effective date; other files in the directory
# (e.g. the telematics thresholds, telematics.toml) belong to other modules.
VERSION_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].toml"

FIELDS = {
    "premium",
    "start",
    "end",
    "documents_received",
    "cancel_on",
    "fees_paid",
    "smartbox_returned_on",
    "void_for_fraud",
    "by",
}
FEE_FIELDS = {"arrangement", "renewal", "vehicle_change_new_box"}
RULE = "YD-CANCEL-1"


# --------------------------------------------------------------------------- configuration


# --------------------------------------------------------------------------- payload helpers


def check_fields(payload: object, allowed: set[str], rule: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise DomainError(ErrorCode.INVALID, "payload must be a JSON object", rule, None)
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"unknown field {unknown[0]!r}", rule, unknown[0])
    return payload


def parse_date(payload: dict[str, Any], name: str, rule: str, *, required: bool = True) -> Any:
    value = payload.get(name)
    if value is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", rule, name)
        return None
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, f"{name} must be an ISO date string", rule, name)
    try:
        return check_day(value)  # 1900..2100 (ADR 0023)
    except BoundError as exc:
        raise DomainError(ErrorCode.INVALID, f"{name}: {exc.problem}", rule, name) from None


def parse_money(payload: dict[str, Any], name: str, rule: str, *, required: bool = True) -> Decimal:
    if payload.get(name) is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", rule, name)
        return ZERO
    return non_negative_money(payload[name], field=name, rule=rule)


def parse_bool(payload: dict[str, Any], name: str, rule: str) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, f"{name} must be true or false", rule, name)
    return value


def check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError(ErrorCode.INVALID, "end must not be before start", "G3", "end")


# --------------------------------------------------------------------------- run


def run(payload: dict[str, Any]) -> dict[str, Any]:
    data = check_fields(payload, FIELDS, RULE)
    premium = parse_money(data, "premium", RULE)
    start = parse_date(data, "start", RULE)
    end = parse_date(data, "end", RULE)
    check_period(start, end)
    cancel_on = parse_date(data, "cancel_on", RULE)
    documents_received = parse_date(data, "documents_received", "YD-CANCEL-2", required=False)
    returned_on = parse_date(data, "smartbox_returned_on", "YD-CANCEL-4", required=False)
    void = parse_bool(data, "void_for_fraud", "YD-VOID-1")

    by_raw = data.get("by", CancelledBy.CUSTOMER.value)
    try:
        by = CancelledBy(by_raw)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, "by must be 'customer' or 'us'", "YD-CANCEL-5", "by"
        ) from exc

    fees_raw = data.get("fees_paid")
    if fees_raw is None:
        fees_raw = {}
    if not isinstance(fees_raw, dict):
        raise DomainError(ErrorCode.INVALID, "fees_paid must be an object", "YD-FEE", "fees_paid")
    unknown = sorted(set(fees_raw) - FEE_FIELDS)
    if unknown:
        raise DomainError(
            ErrorCode.INVALID, f"unknown fee {unknown[0]!r}", "YD-FEE", f"fees_paid.{unknown[0]}"
        )
    fee_values = {
        name: (
            non_negative_money(fees_raw[name], field=f"fees_paid.{name}", rule="YD-FEE")
            if fees_raw.get(name) is not None
            else ZERO
        )
        for name in FEE_FIELDS
    }
    fees = FeesPaid(
        arrangement=fee_values["arrangement"],
        renewal=fee_values["renewal"],
        vehicle_change_new_box=fee_values["vehicle_change_new_box"],
    )

    params: YoungDriverParams = shipped_params("young_driver", start)
    request = CancellationRequest(
        start=start,
        end=end,
        cancel_on=cancel_on,
        premium_paid=premium,
        segments=single_premium(start, premium),
        fees_paid=fees,
        documents_received=documents_received,
        by=by,
        void_for_fraud=void,
    )
    quote = cancellation_refund(request, params)
    steps = [s.as_dict() for s in quote.decision.steps]
    warnings = list(quote.decision.warnings)
    if by is CancelledBy.US:
        warnings.append(
            f"Cancellation by us: the notice of cancellation must have been served at least "
            f"{params.periods.our_cancellation_notice_days} days before the last day of cover "
            "(YD-CANCEL-5)"
        )

    box_refund = ZERO
    if returned_on is not None:
        box = smartbox_return_refund(quote, returned_on)
        box_refund = box.amounts["refund"]
        steps.extend(s.as_dict() for s in box.steps)
        warnings.extend(box.warnings)
    elif not quote.void and quote.box_credit > 0:
        steps.append(
            {
                "rule": "YD-CANCEL-4",
                "description": (
                    f"Smartbox not yet returned: up to £{format_money(quote.box_credit)} more if "
                    f"it is returned by {quote.box_return_deadline.isoformat()}"
                ),
            }
        )

    fees_retained = quote.decision.amounts["fees_retained"] - box_refund
    return {
        "refund": format_money(quote.refund),
        "smartbox_return_refund": format_money(box_refund),
        "fees_retained": format_money(fees_retained),
        "steps": steps,
        "warnings": warnings,
    }
