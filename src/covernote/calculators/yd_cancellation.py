"""``yd-cancellation``: Young Driver cancellation refund (YD-CANCEL-1..5, YD-VOID-1).

The payload is :class:`YdCancellationInput`, e.g.::

    {"premium": "1200.00", "start": "2026-01-01", "end": "2026-12-31",
     "documents_received": "2026-01-03", "cancel_on": "2026-03-01",
     "fees_paid": {"arrangement": "100"}, "smartbox_returned_on": "2026-03-10",
     "void_for_fraud": false, "by": "customer"}

The answer is :class:`YdCancellationOutput`: ``{"refund", "smartbox_return_refund", "fees_retained",
"steps", "warnings"}``. The premium is assumed paid in full at a single annual rate. The
notice date is taken to be ``cancel_on`` (REGULATION §3.1 ASSUMPTION). The product
configuration in force on ``start`` is loaded from ``config/products/young_driver``.
"""

from __future__ import annotations

from typing import Any

from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Day,
    Money,
    Step,
    parse,
    rule,
)
from covernote.domain.money import ZERO, format_money
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

SUMMARY = "The refund on cancelling a Young Driver policy, and the Smartbox return credit"
RULES = ("YD-CANCEL-1", "YD-CANCEL-2", "YD-CANCEL-4", "YD-CANCEL-5", "YD-VOID-1", "YD-FEE")


class YdFeesPaid(CalcInput):
    """Fees paid on the policy; each defaults to 0 (YD-FEE)."""

    RULE = "YD-FEE"

    arrangement: Money = rule("YD-FEE", default=ZERO)
    renewal: Money = rule("YD-FEE", default=ZERO)
    vehicle_change_new_box: Money = rule("YD-FEE", default=ZERO)


class YdCancellationInput(CalcInput):
    """A Young Driver cancellation (YD-CANCEL-1..5)."""

    RULE = "YD-CANCEL-1"

    premium: Money = rule("YD-CANCEL-1", "The annual premium, paid in full")
    start: Day = rule("YD-CANCEL-1", "First day of cover")
    end: Day = rule("G3", "Last day of cover")
    cancel_on: Day = rule("YD-CANCEL-1", "The last day of cover after cancelling")
    documents_received: Day | None = rule(
        "YD-CANCEL-2", "When the policy documents arrived (cooling-off)", default=None
    )
    fees_paid: YdFeesPaid = rule("YD-FEE", default=YdFeesPaid())
    smartbox_returned_on: Day | None = rule(
        "YD-CANCEL-4", "When the Smartbox came back", default=None
    )
    void_for_fraud: bool = rule("YD-VOID-1", default=False, strict=True)
    by: CancelledBy = rule("YD-CANCEL-5", "customer, or us", default=CancelledBy.CUSTOMER)

    def cross_checks(self) -> list[tuple[str, str, str, str]]:
        if self.end < self.start:
            return [("end", "G3", "period", "must not be before start")]
        return []


class YdCancellationOutput(CalcOutput):
    refund: str = rule("YD-CANCEL-1", "The premium refund, two decimals")
    smartbox_return_refund: str = rule("YD-CANCEL-4", "Paid back for the returned Smartbox")
    fees_retained: str = rule("YD-FEE", "Fees kept, net of the Smartbox refund")
    steps: list[Step]
    warnings: list[str]


Input = YdCancellationInput
Output = YdCancellationOutput


def compute(data: Input) -> dict[str, Any]:
    start, by, returned_on = data.start, data.by, data.smartbox_returned_on
    fees = FeesPaid(
        arrangement=data.fees_paid.arrangement,
        renewal=data.fees_paid.renewal,
        vehicle_change_new_box=data.fees_paid.vehicle_change_new_box,
    )
    params: YoungDriverParams = shipped_params("young_driver", start)
    request = CancellationRequest(
        start=start,
        end=data.end,
        cancel_on=data.cancel_on,
        premium_paid=data.premium,
        segments=single_premium(start, data.premium),
        fees_paid=fees,
        documents_received=data.documents_received,
        by=by,
        void_for_fraud=data.void_for_fraud,
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


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, compute the refund and return it with its steps."""
    return compute(parse(Input, payload))
