"""YD-THEFT-1: a theft claim requires the police incident number.

UK forces write incident / crime reference numbers in many shapes
("CAD 1234/02MAR26", "MPS-0101-26", "4519 12/03/26", "CRI/26/123456"), so the
check is deliberately loose but refuses what cannot be a reference: blank,
placeholders ("N/A", "TBC", "unknown"), fewer than four digits, a single
repeated character, or characters a reference never has.
"""

from __future__ import annotations

import re

from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-THEFT-1"
FIELD = "police_incident_number"
_ALLOWED = re.compile(r"^[A-Z0-9][A-Z0-9 /.\-]{3,38}[A-Z0-9]$")
_PLACEHOLDERS = frozenset(
    {
        "NA",
        "NONE",
        "TBC",
        "TBA",
        "UNKNOWN",
        "PENDING",
        "NOTREPORTED",
        "NIL",
        "NULL",
    }  # all-one-letter fillers fail the digits check below
)


def police_incident_number(raw: str | None) -> str:
    """The normalised police incident number (upper case, single spaces) or a DomainError."""
    value = " ".join((raw or "").split()).upper()
    if not value:
        raise DomainError(
            ErrorCode.REQUIRED,
            "a theft claim needs the police incident number: report the theft to the police first",
            RULE,
            FIELD,
        )
    squashed = re.sub(r"[^A-Z0-9]", "", value)
    if squashed in _PLACEHOLDERS:
        raise DomainError(
            ErrorCode.INVALID,
            "give the incident number the police gave you, not a placeholder",
            RULE,
            FIELD,
        )
    if not _ALLOWED.match(value):
        raise DomainError(
            ErrorCode.INVALID,
            "a police incident number has 5 to 40 letters, digits, spaces, '/', '-' or '.'",
            RULE,
            FIELD,
        )
    digits = re.sub(r"\D", "", value)
    if len(digits) < 4 or len(set(squashed)) == 1:
        raise DomainError(
            ErrorCode.INVALID,
            "this does not look like a police incident number (at least 4 digits expected)",
            RULE,
            FIELD,
        )
    return value
