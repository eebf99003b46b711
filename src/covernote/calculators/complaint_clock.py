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

from datetime import date
from typing import Any

from covernote.complaints.inputs import ClockQuery
from covernote.domain.complaints.clocks import ClockEvents, complaint_timeline
from covernote.domain.complaints.config import ComplaintsConfig
from covernote.products.loader import shipped_params


def load_complaints_config(on: date | None = None) -> ComplaintsConfig:
    """The complaints procedures in force on ``on`` (the newest when None), COMP-5."""
    config: ComplaintsConfig = shipped_params("complaints", on)
    return config


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def run(payload: dict[str, Any]) -> dict[str, Any]:
    query = ClockQuery.from_json(payload)
    config = load_complaints_config()
    timeline = complaint_timeline(
        received_at=query.received_at,
        procedure=config.procedure(query.procedure),
        nation=query.nation,
        rules=config.clock,
        events=ClockEvents(
            escalated_at=query.escalated_at, final_response_on=query.final_response_on
        ),
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
