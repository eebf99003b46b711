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

from typing import Any

from covernote.calculators.complaint_clock import load_complaints_config
from covernote.complaints.inputs import EligibilityQuery
from covernote.domain.complaints.eligibility import ComplainantFacts, fos_eligibility


def run(payload: dict[str, Any]) -> dict[str, Any]:
    q = EligibilityQuery.from_json(payload)
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
