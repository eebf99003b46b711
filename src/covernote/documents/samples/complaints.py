"""Complaint sample letters from fixed demo data (PLT-7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from covernote.documents.samples.common import (
    COMPLAINT_TEMPLATE,
    SAMPLE_DATE,
    SAMPLE_SENDER,
    Sample,
    _sample,
    in_force,
    sample_customer,
)
from covernote.domain.complaints import letters as complaint_letters
from covernote.domain.complaints.config import ComplaintsConfig, Contact, ProcedureKind
from covernote.domain.complaints.returns import Outcome

_COMPLAINT = SimpleNamespace(reference="CMP-2026-000031")
_RECEIVED = date(2026, 3, 2)


def _facts(handler: Contact | None = None) -> complaint_letters.LetterFacts:
    cfg = in_force("complaints", ComplaintsConfig)
    proc = cfg.procedure(ProcedureKind.GAP_SALE)
    return complaint_letters.LetterFacts(
        complainant_name="Mrs Margaret Holloway",
        reference=_COMPLAINT.reference,
        received_on=_RECEIVED,
        complaint_summary="the GAP policy was sold without explaining the exclusions.",
        firm_name=SAMPLE_SENDER.name,
        handler=handler or proc.stage1,
        fos=cfg.fos,
        response_format="large_print",
    )


def _complaint_letter(letter: complaint_letters.Letter) -> Sample:
    return _sample(
        letter.title,
        COMPLAINT_TEMPLATE,
        complaint=_COMPLAINT,
        paragraphs=list(letter.paragraphs),
        enclosures=list(letter.enclosures),
        rules=list(letter.rules),
    )


def complaint_acknowledgement() -> Sample:
    return _complaint_letter(
        complaint_letters.acknowledgement_letter(_facts(), final_response_by=date(2026, 4, 27))
    )


def complaint_qa_acknowledgement() -> Sample:
    proc = in_force("complaints", ComplaintsConfig).procedure(ProcedureKind.BROKER_PLATFORM)
    handler = proc.stage2 or proc.stage1
    return _complaint_letter(
        complaint_letters.qa_acknowledgement_letter(
            _facts(handler), final_response_by=date(2026, 4, 27)
        )
    )


def complaint_withdrawal() -> Sample:
    return _complaint_letter(complaint_letters.withdrawal_letter(_facts()))


def complaint_summary_resolution() -> Sample:
    return _complaint_letter(
        complaint_letters.summary_resolution_letter(
            _facts(),
            resolution="We have explained the exclusions and sent you the policy wording again.",
            wording=in_force("complaints", ComplaintsConfig).letters,
        )
    )


def complaint_holding_response() -> Sample:
    return _complaint_letter(
        complaint_letters.holding_response_letter(
            _facts(),
            reason="we are still waiting for the broker's sales call recording.",
            expected_by=date(2026, 5, 22),
            wording=in_force("complaints", ComplaintsConfig).letters,
        )
    )


def complaint_final_response() -> Sample:
    return _complaint_letter(
        complaint_letters.final_response_letter(
            _facts(),
            outcome=Outcome.PARTLY_UPHELD,
            reasons=(
                "The sales call shows the exclusions were read out, but the key facts "
                "document was not sent until after the sale.",
            ),
            wording=in_force("complaints", ComplaintsConfig).letters,
            redress=Decimal("120.50"),
        )
    )


def complaint_forwarding_notice() -> Sample:
    proc = in_force("complaints", ComplaintsConfig).procedure(ProcedureKind.GAP_CLAIM)
    forwarded_to = proc.forward_to or proc.stage1
    return _complaint_letter(
        complaint_letters.forwarding_notice_letter(_facts(), forwarded_to=forwarded_to)
    )


__all__ = ["SAMPLE_DATE", "Sample", "sample_customer"]
