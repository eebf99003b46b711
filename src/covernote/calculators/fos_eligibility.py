"""``fos-eligibility`` calculator: may this complainant go to the FOS? (COMP-FOS-ELIG, DISP 2.7.3R).

The payload is :class:`FosEligibilityInput`, e.g.
``{"complainant": "business", "employees": 8, "annual_turnover_gbp": "1500000",
"eur_per_gbp": "1.15"}`` (the rate defaults to the one in the complaints configuration).
The answer is :class:`FosEligibilityOutput`: ``{"eligible": bool, "category": str, "steps": [...]}``.
Missing data is treated as eligible (DISP 2.7.5G). The validated payload becomes the
complaints app's own :class:`covernote.complaints.inputs.EligibilityQuery`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from covernote.calculators.complaint_clock import load_complaints_config
from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Money,
    Step,
    lower,
    parse,
    rule,
)
from covernote.complaints.inputs import EligibilityQuery
from covernote.domain.complaints.eligibility import ComplainantFacts, fos_eligibility
from covernote.domain.complaints.eligibility import ComplainantType as _ComplainantType

SUMMARY = "Whether a complainant is eligible to refer a complaint to the Financial Ombudsman"
RULES = ("COMP-FOS-ELIG",)
R = "COMP-FOS-ELIG"

ComplainantType = Annotated[_ComplainantType, BeforeValidator(lower)]


class FosEligibilityInput(CalcInput):
    """Who the complainant is, and what is known of their size (DISP 2.7.3R)."""

    RULE = R

    complainant: ComplainantType = rule(R, "consumer, business, charity, trust or guarantor")
    employees: int | None = rule(R, "Head count (businesses)", default=None, strict=True, ge=0)
    annual_turnover_gbp: Money | None = rule(R, "Businesses", default=None)
    balance_sheet_gbp: Money | None = rule(R, "Businesses", default=None)
    annual_income_gbp: Money | None = rule(R, "Charities", default=None)
    net_assets_gbp: Money | None = rule(R, "Trusts", default=None)
    eur_per_gbp: Money | None = rule(R, "Euros per pound (default: configuration)", default=None)

    def cross_checks(self) -> list[tuple[str, str, str, str]]:
        if self.eur_per_gbp is not None and self.eur_per_gbp <= Decimal(0):
            return [("eur_per_gbp", R, "positive", "must be positive")]
        return []


class FosEligibilityOutput(CalcOutput):
    eligible: bool = rule(R, "May refer the complaint to the FOS")
    category: str = rule(R, "consumer, micro_enterprise, small_business, charity, trust, …")
    steps: list[Step]


Input = FosEligibilityInput
Output = FosEligibilityOutput


def compute(data: Input) -> dict[str, Any]:
    q = EligibilityQuery(**data.model_dump())
    facts = ComplainantFacts(
        complainant=q.complainant,
        employees=q.employees,
        annual_turnover_gbp=q.annual_turnover_gbp,
        balance_sheet_gbp=q.balance_sheet_gbp,
        annual_income_gbp=q.annual_income_gbp,
        net_assets_gbp=q.net_assets_gbp,
        eur_per_gbp=q.eur_per_gbp,
    )
    decision = fos_eligibility(facts, load_complaints_config().eligibility)
    return {
        "eligible": bool(decision.data["eligible"]),
        "category": str(decision.data["category"]),
        "steps": [s.as_dict() for s in decision.steps],
    }


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload and decide eligibility, with the steps."""
    return compute(parse(Input, payload))
