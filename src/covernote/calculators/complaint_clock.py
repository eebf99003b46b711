"""``complaint-clock`` calculator: every deadline of a complaint (COMP-2, COMP-3, COMP-5).

The payload is :class:`ComplaintClockInput`, e.g.::

    {"received_at": "2026-12-24T16:00:00+00:00", "nation": "england",
     "procedure": "broker_platform", "escalated_at": "2026-12-31T10:00:00+00:00",
     "final_response_on": "2027-02-01"}

The answer is :class:`ComplaintClockOutput`: ``received_on``, ``summary_resolution_by``,
``acknowledge_by`` (null when the procedure sets none), ``qa_acknowledge_by`` (null
unless escalated under a procedure with a QA stage), ``final_response_by``,
``fos_referral_from``, ``fos_referral_until`` (null without a final response date) and
``steps``. The validated payload becomes the complaints app's own
:class:`covernote.complaints.inputs.ClockQuery`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Day,
    Step,
    Timestamp,
    lower,
    parse,
    rule,
)
from covernote.complaints.inputs import ClockQuery, ProcedureCode
from covernote.domain.calendar import Nation
from covernote.domain.complaints.clocks import ClockEvents, complaint_timeline
from covernote.domain.complaints.config import ComplaintsConfig
from covernote.products.loader import shipped_params

SUMMARY = "Every deadline of a complaint: acknowledgement, summary resolution, final response, FOS"
RULES = ("COMP-2", "COMP-3", "COMP-5", "G2", "G5")

UkNation = Annotated[
    Literal["england", "wales", "scotland", "northern_ireland"], BeforeValidator(lower)
]


def load_complaints_config(on: date | None = None) -> ComplaintsConfig:
    """The complaints procedures in force on ``on`` (the newest when None), COMP-5."""
    config: ComplaintsConfig = shipped_params("complaints", on)
    return config


class ComplaintClockInput(CalcInput):
    """When a complaint was received and what has happened since (COMP-2, COMP-3)."""

    RULE = "COMP-2"

    received_at: Timestamp = rule("G2", "When the complaint was received, with its UTC offset")
    nation: UkNation = rule("G5", "Whose bank holidays count as non-working days")
    procedure: ProcedureCode = rule("COMP-5", "The complaints procedure that applies")
    escalated_at: Timestamp | None = rule("COMP-3", "When it was escalated", default=None)
    final_response_on: Day | None = rule("COMP-2", "The final response's date", default=None)

    def cross_checks(self) -> list[tuple[str, str, str, str]]:
        if self.escalated_at is not None and self.escalated_at < self.received_at:
            return [("escalated_at", "COMP-3", "order", "is before the complaint was received")]
        return []


class ComplaintClockOutput(CalcOutput):
    received_on: str = rule("COMP-2", "ISO date")
    summary_resolution_by: str = rule("COMP-2", "ISO date")
    acknowledge_by: str | None = rule("COMP-2", "ISO date, or null when none is set")
    qa_acknowledge_by: str | None = rule("COMP-3", "ISO date, or null when not escalated")
    final_response_by: str = rule("COMP-2", "ISO date")
    fos_referral_from: str = rule("COMP-2", "ISO date")
    fos_referral_until: str | None = rule("COMP-2", "ISO date, or null without a final response")
    steps: list[Step]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


Input = ComplaintClockInput
Output = ComplaintClockOutput


def compute(data: Input) -> dict[str, Any]:
    query = ClockQuery(
        received_at=data.received_at,
        nation=Nation(data.nation),
        procedure=data.procedure,
        escalated_at=data.escalated_at,
        final_response_on=data.final_response_on,
    )
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


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload and return every deadline with its steps."""
    return compute(parse(Input, payload))
