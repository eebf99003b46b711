"""Plain-English labels for the codes stored in the database (issue 12).

Pages show ``UK``, not ``Uk``; ``Third party, fire and theft``, not
``third_party_fire_theft``. A code with no entry here reads as its words with the
first one capitalised (``registered_keeper`` -> ``Registered keeper``).
"""

from __future__ import annotations

import re

#: Codes whose words alone read badly (acronyms, lists, terms of art).
LABELS: dict[str, str] = {
    "uk": "UK",
    "usa": "USA",
    "eu": "EU",
    "gap": "GAP",
    "ipt": "IPT",
    "apr": "APR",
    "mta": "Mid-term adjustment",
    "dd": "Direct Debit",
    "direct_debit": "Direct Debit",
    "fos": "Financial Ombudsman Service",
    "comprehensive": "Comprehensive",
    "third_party_fire_theft": "Third party, fire and theft",
    "third_party_only": "Third party only",
    "social_domestic_pleasure": "Social, domestic and pleasure",
    "hire_or_reward": "Hire or reward",
    "finances_for_owner": "Finances it for the owner or keeper",
    "rac_breakdown": "RAC breakdown cover",
    "legal_expenses": "Legal expenses cover",
    "annual_premium": "Annual premium",
    "premium_adjustment": "Premium adjustment",
    "vehicle_reg": "Vehicle registration",
    "smartbox": "Smartbox",
    "box_returned_on": "Smartbox returned on",
    "box_refund": "Smartbox refund",
    "cover_ends": "Cover ends",
    "licence_years": "Years with a full licence",
    "no_claims_years": "No-claims years",
    "annual_mileage": "Annual mileage",
    "vehicle_group": "Insurance group",
    "by": "By",
}

_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def human_label(code: object) -> str:
    """``"third_party_fire_theft"`` -> ``"Third party, fire and theft"``; text that is not
    a lower-case code is returned as it is."""
    text = "" if code is None else str(code)
    if text in LABELS:
        return LABELS[text]
    if not _CODE.match(text):
        return text
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]
