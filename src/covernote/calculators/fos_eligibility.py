"""``fos-eligibility`` calculator: may this complainant go to the FOS? (COMP-FOS-ELIG, DISP 2.7.3R).

Input::

    {"complainant": "business",        # consumer | business | charity | trust | guarantor
     "employees": 8,                   # optional, whole number
     "annual_turnover_gbp": "1500000", # optional money (string or int, never float)
     "balance_sheet_gbp": "900000",    # optional
     "annual_income_gbp": "...",       # optional (charity)
     "net_assets_gbp": "...",          # optional (trust)
     "eur_per_gbp": "1.15"}            # optional; default from config/complaints/procedures.toml

Output: ``{"eligible": bool, "category": str, "steps": [...]}``. Missing data is
treated as eligible (DISP 2.7.5G).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from covernote.calculators.complaint_clock import check_fields, load_complaints_config
from covernote.domain.complaints.eligibility import (
    ComplainantFacts,
    ComplainantType,
    fos_eligibility,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import non_negative_money, to_money

RULE = "COMP-FOS-ELIG"
REQUIRED = ("complainant",)
OPTIONAL = (
    "employees",
    "annual_turnover_gbp",
    "balance_sheet_gbp",
    "annual_income_gbp",
    "net_assets_gbp",
    "eur_per_gbp",
)
MONEY_FIELDS = ("annual_turnover_gbp", "balance_sheet_gbp", "annual_income_gbp", "net_assets_gbp")


def _money(payload: dict[str, Any], name: str) -> Decimal | None:
    value = payload.get(name)
    return None if value is None else non_negative_money(value, field=name, rule=RULE)


def run(payload: dict[str, Any]) -> dict[str, Any]:
    check_fields(payload, REQUIRED, OPTIONAL, RULE)
    try:
        complainant = ComplainantType(str(payload["complainant"]).lower())
    except ValueError as exc:
        allowed = ", ".join(c.value for c in ComplainantType)
        raise DomainError(
            ErrorCode.INVALID, f"complainant must be one of {allowed}", RULE, "complainant"
        ) from exc

    employees = payload.get("employees")
    if employees is not None and (
        isinstance(employees, bool) or not isinstance(employees, int) or employees < 0
    ):
        raise DomainError(
            ErrorCode.INVALID, "employees must be a whole number >= 0", RULE, "employees"
        )

    fx = None
    if payload.get("eur_per_gbp") is not None:
        fx = to_money(payload["eur_per_gbp"], field="eur_per_gbp", rule=RULE)
        if fx <= 0:
            raise DomainError(
                ErrorCode.INVALID, "eur_per_gbp must be positive", RULE, "eur_per_gbp"
            )

    facts = ComplainantFacts(
        complainant=complainant,
        employees=employees,
        annual_turnover_gbp=_money(payload, "annual_turnover_gbp"),
        balance_sheet_gbp=_money(payload, "balance_sheet_gbp"),
        annual_income_gbp=_money(payload, "annual_income_gbp"),
        net_assets_gbp=_money(payload, "net_assets_gbp"),
        eur_per_gbp=fx,
    )
    decision = fos_eligibility(facts, load_complaints_config().eligibility)
    return {
        "eligible": bool(decision.data["eligible"]),
        "category": str(decision.data["category"]),
        "steps": [s.as_dict() for s in decision.steps],
    }
