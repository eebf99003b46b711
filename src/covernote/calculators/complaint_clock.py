"""``complaint-clock`` calculator: every deadline of a complaint (COMP-2, COMP-3, COMP-5).

Input::

    {"received_at": "2026-12-24T16:00:00+00:00",   # ISO timestamp with offset (G2)
     "nation": "england",                          # england | wales | scotland | northern_ireland
     "procedure": "broker_platform",               # broker_platform|young_driver|gap_claim|gap_sale
     "escalated_at": "...",                        # optional ISO timestamp with offset (COMP-3)
     "final_response_on": "2027-02-01"}            # optional ISO date (DISP 2.8.2R)

Output: ``received_on``, ``summary_resolution_by``, ``acknowledge_by`` (null when the
procedure sets none), ``qa_acknowledge_by`` (null unless escalated under a procedure
with a QA stage), ``final_response_by``, ``fos_referral_from``, ``fos_referral_until``
(null without a final response date) and ``steps``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from covernote.domain.calendar import Nation
from covernote.domain.complaints.clocks import ClockEvents, complaint_timeline
from covernote.domain.complaints.config import ComplaintsConfig
from covernote.domain.errors import DomainError, ErrorCode
from covernote.products.loader import shipped_params

NATIONS = {
    n.value: n for n in (Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND)
}
REQUIRED = ("received_at", "nation", "procedure")
OPTIONAL = ("escalated_at", "final_response_on")


def load_complaints_config(on: date | None = None) -> ComplaintsConfig:
    """The complaints procedures in force on ``on`` (the newest when None), COMP-5."""
    config: ComplaintsConfig = shipped_params("complaints", on)
    return config


def check_fields(
    payload: Any, required: tuple[str, ...], optional: tuple[str, ...], rule: str
) -> None:
    if not isinstance(payload, dict):
        raise DomainError(ErrorCode.INVALID, "payload must be a JSON object", rule, None)
    for name in payload:
        if name not in required and name not in optional:
            raise DomainError(ErrorCode.INVALID, f"unknown field {name!r}", rule, str(name))
    for name in required:
        if payload.get(name) is None:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", rule, name)


def parse_timestamp(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise DomainError(
            ErrorCode.INVALID, f"{field} must be an ISO timestamp string", "G2", field
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{field} is not an ISO timestamp: {value!r}", "G2", field
        ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError(
            ErrorCode.INVALID, f"{field} must carry a time zone offset (e.g. +00:00)", "G2", field
        )
    return moment


def parse_date(value: Any, field: str, rule: str) -> date:
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, f"{field} must be an ISO date string", rule, field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, f"{field} is not an ISO date (YYYY-MM-DD): {value!r}", rule, field
        ) from exc


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def run(payload: dict[str, Any]) -> dict[str, Any]:
    check_fields(payload, REQUIRED, OPTIONAL, "COMP-2")
    received_at = parse_timestamp(payload["received_at"], "received_at")
    nation_raw = payload["nation"]
    if not isinstance(nation_raw, str) or nation_raw.lower() not in NATIONS:
        raise DomainError(
            ErrorCode.INVALID, f"nation must be one of {', '.join(NATIONS)}", "G5", "nation"
        )
    nation = NATIONS[nation_raw.lower()]
    config = load_complaints_config()
    procedure = config.procedure(str(payload["procedure"]))
    escalated_at = None
    if payload.get("escalated_at") is not None:
        escalated_at = parse_timestamp(payload["escalated_at"], "escalated_at")
        if escalated_at < received_at:
            raise DomainError(
                ErrorCode.INVALID,
                "escalated_at is before the complaint was received",
                "COMP-3",
                "escalated_at",
            )
    final_response_on = None
    if payload.get("final_response_on") is not None:
        final_response_on = parse_date(payload["final_response_on"], "final_response_on", "COMP-2")

    timeline = complaint_timeline(
        received_at=received_at,
        procedure=procedure,
        nation=nation,
        rules=config.clock,
        events=ClockEvents(escalated_at=escalated_at, final_response_on=final_response_on),
    )
    return {
        "received_on": timeline.received_on.isoformat(),
        "summary_resolution_by": timeline.summary_resolution_by.isoformat(),
        "acknowledge_by": _iso(timeline.acknowledge_by),
        "qa_acknowledge_by": _iso(timeline.qa_acknowledge_by),
        "final_response_by": timeline.final_response_by.isoformat(),
        "fos_referral_from": timeline.fos_referral_from.isoformat(),
        "fos_referral_until": _iso(timeline.fos_referral_until),
        "steps": [s.as_dict() for s in timeline.decision.steps],
    }
