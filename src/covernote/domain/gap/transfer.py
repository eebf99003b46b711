"""New-for-old replacement: moving cover to the replacement vehicle (SPEC GAP-CLAIM-3,
exclusion 9: "cover may transfer to the replacement vehicle on request").

Only the eligibility rules that depend on the vehicle are checked again —
GAP-ELIG-2 (purchase price), GAP-ELIG-3 (age), GAP-ELIG-5 (Glass's Guide) and
GAP-ELIG-7 (UK vehicle, type and use) — through :func:`check_eligibility`, so the
rules have one implementation. GAP-ELIG-3 is judged on the transfer date (the day
cover attaches to the replacement). Every failing rule is reported. Pure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from covernote.domain.decisions import Decision
from covernote.domain.gap.eligibility import (
    EligibilityInput,
    HolderRelationship,
    MotorCover,
    MotorPolicy,
    Vehicle,
    check_eligibility,
)
from covernote.domain.gap.params import GapParams
from covernote.domain.money import gbp

VEHICLE_RULES: tuple[str, ...] = ("GAP-ELIG-2", "GAP-ELIG-3", "GAP-ELIG-5", "GAP-ELIG-7")
RULE = "GAP-EXCL-9"


def check_replacement_vehicle(
    *,
    vehicle: Vehicle,
    purchase_price: Decimal,
    original_purchase_price: Decimal,
    transfer_on: date,
    params: GapParams,
) -> Decision:
    """Outcome ``"eligible"`` or ``"refused"``; ``data["failures"]`` lists every failing
    vehicle rule (``{"rule", "reason"}``) so ``require_eligible`` can refuse with them all.

    The premium and limit of liability do not change (the balance of cover moves); a
    replacement price different from the original is a warning, not a refusal.
    """
    # The rules not about the vehicle (GAP-ELIG-1/4/6) were met at sale and are not
    # re-judged; they are given passing inputs and their steps are dropped below.
    full = check_eligibility(
        EligibilityInput(
            vehicle=vehicle,
            holder_relationship=HolderRelationship.OWNER,
            motor_policy=MotorPolicy("-", "-", MotorCover.COMPREHENSIVE, True),
            ownership_date=transfer_on,
            policy_purchase_date=transfer_on,
            purchase_price=purchase_price,
        ),
        params,
    )
    decision = Decision(outcome="eligible")
    decision.step(
        RULE,
        "New-for-old replacement: cover moves to the replacement vehicle on request; "
        "the vehicle rules are checked again.",
        transfer_on=transfer_on.isoformat(),
    )
    decision.steps.extend(s for s in full.steps if s.rule in VEHICLE_RULES)
    failures = [f for f in full.data.get("failures", []) if f["rule"] in VEHICLE_RULES]
    if failures:
        decision.outcome = "refused"
    decision.data["failures"] = failures
    decision.amounts["purchase_price"] = purchase_price
    decision.amounts["original_purchase_price"] = original_purchase_price
    if purchase_price != original_purchase_price:
        decision.warn(
            f"The replacement's purchase price {gbp(purchase_price)} differs from the "
            f"original {gbp(original_purchase_price)}: claims on the replacement use its own "
            "price (GAP-DEF-PRICE); the premium and limit of liability are unchanged."
        )
    return decision
