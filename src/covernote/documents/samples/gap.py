"""Combined GAP sample letters from fixed demo data (PLT-7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from covernote.documents.samples.common import (
    GAP_TEMPLATE,
    SAMPLE_BROKER,
    SAMPLE_SENDER,
    Sample,
    _sample,
    in_force,
    sample_customer,
)
from covernote.domain.gap import letters as gap_letters
from covernote.domain.gap.cancellation import CancellationRequest, cancellation_refund
from covernote.domain.gap.params import GapParams
from covernote.domain.gap.records import Finding, StepLine
from covernote.domain.gap.settlement import ClaimInput, gap_benefit

_GAP_START = date(2026, 2, 14)
_VEHICLE = gap_letters.VehicleFacts("YK24 HLW", "Vauxhall", "Corsa", date(2024, 3, 28))
_NEW_VEHICLE = gap_letters.VehicleFacts("YK26 MHD", "Vauxhall", "Corsa", date(2026, 4, 2))


def _gap_policy(vehicle: gap_letters.VehicleFacts = _VEHICLE, version: int = 1) -> Any:
    return gap_letters.PolicyFacts(
        number="GAP0000101",
        holder_name="Mrs Margaret Holloway",
        vehicle=vehicle,
        start_on=_GAP_START,
        end_on=date(2029, 2, 13),
        term_months=36,
        limit_of_liability=Decimal("10000.00"),
        net_premium=Decimal("249.00"),
        ipt=Decimal("29.88"),
        gross_premium=Decimal("278.88"),
        config_version=in_force("gap", GapParams).version,
        version=version,
        purchase_price=Decimal("16995.00"),
        commission_rate=Decimal("0.25"),
        commission=Decimal("62.25"),
        salutation=sample_customer().salutation,
    )


_CLAIM = gap_letters.ClaimFacts(
    reference="GCL0000042",
    policy_number="GAP0000101",
    registration="YK24 HLW",
    holder_name="Mrs Margaret Holloway",
    salutation=sample_customer().salutation,
)


def _gap_letter(letter: Any) -> Sample:
    return _sample(
        letter.title,
        GAP_TEMPLATE,
        disclosures=in_force("gap", GapParams).disclosures,
        letter=letter,
    )


def _gap_terms() -> gap_letters.ScheduleTerms:
    """As ``gap.services._common.schedule_terms``: the pinned version's figures, the
    insurer and the selling broker."""
    p = in_force("gap", GapParams)
    return gap_letters.ScheduleTerms(
        cooling_off_days=p.cancellation.cooling_off_days,
        excess_cap=p.cover.excess_benefit_cap,
        retention_fee=p.cancellation.retention_fee,
        insurer_notice_days=p.cancellation.insurer_notice_days,
        insurer=p.disclosures.insurer,
        broker=SAMPLE_BROKER.name,
    )


def _step_lines(decision: Any) -> tuple[StepLine, ...]:
    return tuple(StepLine(s.rule, s.description, s.amount) for s in decision.steps)


def _gap_claim_decision() -> Any:
    return gap_benefit(
        ClaimInput(
            purchase_price=Decimal("16995.00"),
            settlement=Decimal("11250.00"),
            motor_excess=Decimal("350.00"),
            limit_of_liability=Decimal("10000.00"),
            market_value=Decimal("11250.00"),
        ),
        in_force("gap", GapParams),
    )


def gap_schedule() -> Sample:
    return _gap_letter(gap_letters.schedule(_gap_policy(), terms=_gap_terms()))


def gap_statement() -> Sample:
    terms = _gap_terms()
    return _gap_letter(
        gap_letters.statement_of_insurance(
            _gap_policy(),
            firm_name=terms.broker or SAMPLE_SENDER.name,
            support_phone=SAMPLE_SENDER.phone,
            contact_within_days=in_force("gap", GapParams).claims.contact_within_days,
            insurer=terms.insurer,
        )
    )


def gap_replacement_schedule() -> Sample:
    return _gap_letter(
        gap_letters.replacement_schedule(
            _gap_policy(_NEW_VEHICLE, version=2),
            old=_VEHICLE,
            transferred_on=date(2026, 4, 20),
            purchase_price=Decimal("17450.00"),
        )
    )


def gap_cancellation() -> Sample:
    policy = _gap_policy()
    cancel_on = date(2026, 4, 30)
    decision = cancellation_refund(
        CancellationRequest(
            premium=policy.gross_premium,
            start=policy.start_on,
            end=policy.end_on,
            purchased=policy.start_on,
            cancel_on=cancel_on,
        ),
        in_force("gap", GapParams),
    )
    return _gap_letter(
        gap_letters.cancellation_letter(
            policy,
            cancel_on=cancel_on,
            refund=decision.amounts["refund"],
            steps=_step_lines(decision),
        )
    )


def gap_claim_registered() -> Sample:
    return _gap_letter(gap_letters.claim_registered(_CLAIM, late=True))


def gap_claim_documents() -> Sample:
    return _gap_letter(
        gap_letters.claim_documents_needed(
            _CLAIM,
            documents=(
                "The motor insurer's settlement letter",
                "The finance settlement statement",
                "The purchase invoice for the vehicle",
            ),
            note="A copy of the V5C logbook will also help us.",
        )
    )


def gap_claim_approved() -> Sample:
    decision = _gap_claim_decision()
    return _gap_letter(
        gap_letters.claim_approved(
            _CLAIM, payable=decision.amounts["payable"], steps=_step_lines(decision)
        )
    )


def gap_claim_declined() -> Sample:
    return _gap_letter(
        gap_letters.claim_declined(
            _CLAIM,
            rules=("GAP-EXCL-1",),
            declines=(Finding("GAP-EXCL-1", "The vehicle was used for hire or reward."),),
            note="We have enclosed a copy of the policy wording.",
        )
    )


def gap_claim_paid() -> Sample:
    decision = _gap_claim_decision()
    return _gap_letter(
        gap_letters.claim_paid(
            _CLAIM,
            amount=decision.amounts["payable"],
            paid_on=date(2026, 4, 28),
            steps=_step_lines(decision),
            policy_ended_on=date(2026, 4, 28),
        )
    )
