"""Sample letters from fixed demo data, for the catalogue, the CLI and the golden tests (PLT-7).

Every sample is built in memory — no database, no clock: the customer is the demo's
Mrs Margaret Holloway (unsaved), every date is fixed around :data:`SAMPLE_DATE`, and
the figures come from the real domain calculations (GAP claim benefit, GAP
cancellation refund) with the shipped product configuration in force on that date.
The words come from the same domain functions the services call, so a sample changes
exactly when a real letter would.

Every sample carries the letterhead a real letter gets (ADR 0021): the sending
intermediary and Mrs Holloway's broker, Northgate Motor Brokers, with the FCA firm
reference numbers, company numbers and registered offices the demo loads
(``covernote demo``), and the ``[disclosures]`` (insurer, FSCS, applicable law) of the
product version in force on :data:`SAMPLE_DATE`; the address in Royal Mail order and the
greeting the customer chose come from the same ``Customer`` properties the services use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from covernote.domain.complaints import letters as complaint_letters
from covernote.domain.complaints.config import ComplaintsConfig, Contact, ProcedureKind
from covernote.domain.complaints.returns import Outcome
from covernote.domain.gap import letters as gap_letters
from covernote.domain.gap.cancellation import CancellationRequest, cancellation_refund
from covernote.domain.gap.params import GapParams
from covernote.domain.gap.records import Finding, StepLine
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.domain.letterhead import Disclosures, FirmIdentity, Letterhead
from covernote.domain.young_driver import letters as yd_letters
from covernote.domain.young_driver.mileage import mileage_check
from covernote.domain.young_driver.params import YoungDriverParams, percent_text
from covernote.domain.young_driver.rating import RatingInput
from covernote.domain.young_driver.rating import quote as yd_quote
from covernote.domain.young_driver.review import premium_review
from covernote.parties.models import Customer
from covernote.products.loader import shipped_params

#: The "today" of every sample: the letter's date line.
SAMPLE_DATE = date(2026, 5, 1)

GAP_TEMPLATE = "gap/documents/letter.html"
YD_TEMPLATE = "documents/yd_letter.html"
COMPLAINT_TEMPLATE = "documents/complaint_letter.html"


@dataclass(frozen=True)
class Sample:
    """One letter ready to render: its title, template and context (``customer`` and
    ``today`` included)."""

    title: str
    template: str
    context: dict[str, Any]


def sample_customer() -> Customer:
    """The demo's Mrs Margaret Holloway (``covernote demo``), never saved."""
    return Customer(
        reference="CUS-000101",
        title="Mrs",
        first_name="Margaret",
        last_name="Holloway",
        date_of_birth=date(1951, 4, 12),
        address_line1="14 Beacon Row",
        town="Leeds",
        postcode="LS6 2AB",
        email="m.holloway@example.com",
        phone="+441134960123",
        contact_channel="letter",
        document_format="large_print",
    )


#: The sender of every customer letter (``settings.COVERNOTE["FIRM_NAME"]``) and Mrs
#: Holloway's broker, as ``covernote demo`` loads them into ``accounts.Firm``
#: (``tests/unit/test_letter_samples.py`` keeps the two the same).
SAMPLE_SENDER = FirmIdentity(
    name="Coplus Insurance Services",
    frn="300001",
    registered_office=("Coplus House", "1 Quayside", "NEWCASTLE UPON TYNE", "NE1 3DX"),
    company_number="09876543",
    phone="0191 000 0000",
)
SAMPLE_BROKER = FirmIdentity(
    name="Northgate Motor Brokers",
    frn="400001",
    registered_office=("Northgate Chambers", "12 Park Row", "LEEDS", "LS1 5HD"),
    company_number="08765432",
    phone="0113 496 0000",
)


def sample_letterhead(disclosures: Disclosures | None = None) -> Letterhead:
    """What ``documents.letterhead.letterhead(broker=..., disclosures=...)`` gives a
    letter to Mrs Holloway: the sender, her broker and the product's disclosures."""
    return Letterhead(sender=SAMPLE_SENDER, broker=SAMPLE_BROKER, disclosures=disclosures)


def _sample(
    title: str, template: str, *, disclosures: Disclosures | None = None, **context: Any
) -> Sample:
    """The context ``documents.services.document_issue`` renders a letter with."""
    customer = sample_customer()
    head = sample_letterhead(disclosures)
    return Sample(
        title=title,
        template=template,
        context={
            **context,
            "customer": customer,
            "title": title,
            "today": SAMPLE_DATE,
            "letterhead": head,
            "sender": head.sender,
            "footer": head.footer(),
            "address": customer.postal_address,
            "salutation": customer.salutation,
        },
    )


# --------------------------------------------------------------------------- GAP


def _gap_params() -> GapParams:
    params: GapParams = shipped_params("gap", SAMPLE_DATE, launch_terms_before_first=True)
    return params


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
        config_version=_gap_params().version,
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
    return _sample(letter.title, GAP_TEMPLATE, disclosures=_gap_params().disclosures, letter=letter)


def _gap_terms() -> gap_letters.ScheduleTerms:
    """As ``gap.services._common.schedule_terms``: the pinned version's figures, the
    insurer and the selling broker."""
    p = _gap_params()
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
        _gap_params(),
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
            contact_within_days=_gap_params().claims.contact_within_days,
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
        _gap_params(),
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


# --------------------------------------------------------------------------- Young Driver

_YD_POLICY = SimpleNamespace(
    number="YD0000101",
    vehicle_reg="YK24 HLW",
    vehicle_description="Vauxhall Corsa 1.2 SE",
    start=date(2026, 3, 1),
    end=date(2027, 2, 28),
    get_payment_method_display="Monthly Direct Debit (premium finance)",
)


def _yd_params() -> YoungDriverParams:
    params: YoungDriverParams = shipped_params(
        "young_driver", SAMPLE_DATE, launch_terms_before_first=True
    )
    return params


def _yd_letter(letter: yd_letters.Letter, steps: list[dict[str, Any]] | None = None) -> Sample:
    return _sample(
        letter.title,
        YD_TEMPLATE,
        disclosures=_yd_params().disclosures,
        policy=_YD_POLICY,
        paragraphs=letter.paragraphs,
        rows=letter.rows,
        steps=steps or [],
    )


def yd_schedule() -> Sample:
    params = _yd_params()
    decision = yd_quote(
        RatingInput(
            age=19,
            licence_years=1,
            vehicle_group=10,
            postcode="LS6 2AB",
            annual_mileage=6000,
            no_claims_years=0,
        ),
        params,
    )
    a = decision.amounts
    quote = SimpleNamespace(
        premium_net=a["premium_net"],
        ipt=a["ipt"],
        premium_gross=a["premium_gross"],
        add_ons_gross=a["add_ons_gross"],
        arrangement_fee=a["arrangement_fee"],
        total=a["total"],
    )
    plan = SimpleNamespace(
        provider="Premium Credit Limited",
        credit_search_reference="PCL-SRCH-55120",
        amount_financed=quote.total,
        total_charge_for_credit=Decimal("0.00"),
        total_payable=quote.total,
    )
    monthly = (quote.total / 10).quantize(Decimal("0.01"))
    instalments = [
        SimpleNamespace(
            number=n, due=date(2026, 3 + n, 1) if n < 10 else date(2027, 1, 1), amount=monthly
        )
        for n in range(1, 11)
    ]
    install_by = date(2026, 3, 15)
    welcome = yd_letters.welcome_schedule(
        params=params,
        device_serial="SBX-7730021",
        install_by=install_by,
        finance_provider=plan.provider,
        credit_search_reference=plan.credit_search_reference,
    )
    return _sample(
        welcome.title,
        "documents/yd_schedule.html",
        disclosures=params.disclosures,
        policy=_YD_POLICY,
        quote=quote,
        steps=yd_letters.price_steps(step.as_dict() for step in decision.steps),
        plan=plan,
        instalments=instalments,
        task=SimpleNamespace(deadline=install_by),
        device=SimpleNamespace(serial="SBX-7730021"),
        welcome=welcome,
    )


def yd_cpa_notice() -> Sample:
    return _yd_letter(
        yd_letters.payment_notice(
            reason=yd_letters.adjustment_reason("add_driver", Decimal("84.20"), Decimal("25.00")),
            amount=Decimal("109.20"),
            respread=True,
            earliest=date(2026, 5, 15),
        )
    )


def yd_install_reminder() -> Sample:
    return _yd_letter(yd_letters.install_reminder(deadline=date(2026, 3, 15)))


def yd_replacement_reminder() -> Sample:
    return _yd_letter(yd_letters.replacement_final_reminder())


def yd_install_notice() -> Sample:
    return _yd_letter(yd_letters.install_notice(last_day=date(2026, 5, 8)))


def yd_cancellation_notice() -> Sample:
    return _yd_letter(
        yd_letters.notice_of_cancellation(
            reason="repeated speeding",
            rule="YD-SPEED-2",
            detail="Your Smartbox recorded three speeding events in 30 days.",
            last_day=date(2026, 5, 8),
        )
    )


def yd_smartbox_replacement() -> Sample:
    return _yd_letter(
        yd_letters.fault_replacement(
            old_serial="SBX-7730021",
            last_data_on=date(2026, 4, 20),
            new_serial="SBX-7730544",
            deadline=date(2026, 5, 15),
        )
    )


def yd_cancellation() -> Sample:
    steps = [
        {
            "rule": "YD-CANCEL-3",
            "description": "Unused premium, 304 of 365 days",
            "amount": "1332.60",
        },
        {"rule": "YD-FEE-CANX", "description": "Cancellation fee", "amount": "-50.00"},
    ]
    return _yd_letter(
        yd_letters.cancellation(
            void=False,
            cancel_on=date(2026, 4, 30),
            refund=Decimal("1282.60"),
            refund_due_by=date(2026, 5, 30),
            box_return_deadline=date(2026, 5, 14),
            box_credit=Decimal("25.00"),
            finance=yd_letters.FinanceSettlement(
                provider="Premium Credit Limited",
                owed=Decimal("1380.00"),
                set_off=Decimal("1282.60"),
                refund_to_customer=Decimal("0.00"),
                balance=Decimal("97.40"),
            ),
        ),
        steps,
    )


def yd_theft_ack() -> Sample:
    return _yd_letter(
        yd_letters.theft_acknowledgement(
            reference="YDT0000007",
            vehicle_reg="YK24 HLW",
            stolen_on=date(2026, 4, 26),
            incident="WYP-26-04-118833",
        )
    )


def yd_renewal_invitation() -> Sample:
    fees = _yd_params().fees
    return _yd_letter(
        yd_letters.renewal_invitation(
            end=date(2027, 2, 28),
            new_start=date(2027, 3, 1),
            annual=Decimal("1490.00"),
            fee=fees.renewal,
            total=Decimal("1490.00") + fees.renewal,
            by_card=False,
        )
    )


def yd_renewal_schedule() -> Sample:
    fees = _yd_params().fees
    return _yd_letter(
        yd_letters.renewal_schedule(
            number="YD0000188",
            start=date(2027, 3, 1),
            end=date(2028, 2, 29),
            renewal_of="YD0000101",
            annual=Decimal("1490.00"),
            fee=fees.renewal,
            total=Decimal("1490.00") + fees.renewal,
        )
    )


def yd_renewal_declined() -> Sample:
    return _yd_letter(yd_letters.renewal_declined(number="YD0000101", end=date(2027, 2, 28)))


# --------------------------------------------------------------------------- telematics


_REVIEW_START, _REVIEW_END = date(2026, 1, 29), date(2027, 1, 28)


def yd_review_outcome() -> Sample:
    """As ``telematics.reviews.reviews_notify``: the real review (score 78 -> 86 at the
    first 90-day review) and the domain's words."""
    params = _yd_params()
    review_date = date(2026, 4, 29)
    outcome = premium_review(
        renewal_premium=Decimal("1600.00"),
        current_premium=Decimal("1600.00"),
        start=_REVIEW_START,
        end=_REVIEW_END,
        review_date=review_date,
        params=params,
        previous_score=Decimal(78),
        period_score=Decimal(86),
        notified_on=SAMPLE_DATE,
    )
    decision = outcome.decision.as_dict()
    letter = yd_letters.review_outcome(
        review_date=review_date,
        period_score=86,
        previous_score=78,
        current_premium=Decimal("1600.00"),
        new_premium=outcome.new_premium,
        adjustment=outcome.adjustment,
        effective_on=SAMPLE_DATE + timedelta(days=params.periods.cpa_notice_days),
        capped=outcome.capped,
        cap_percent=percent_text(params.review.cap_rate_of_renewal),
    )
    return _yd_letter(letter, decision["steps"])


def yd_driving_alert() -> Sample:
    """As ``telematics.services._send_alert_letter``: London time, whole mph."""
    return _yd_letter(
        yd_letters.speeding_alert(
            at=datetime(2026, 4, 27, 22, 14, 9, tzinfo=UTC),
            road_name="Harrogate Road (A61)",
            limit_mph=30,
            speed_mph="47.6",
            notice_proposed=False,
        )
    )


def yd_mileage_top_up() -> Sample:
    """As ``telematics.mileage``: the real mileage check and the domain's words."""
    declared, tracked = 6000, 3412
    decision = mileage_check(
        declared_annual=declared,
        tracked_miles=tracked,
        start=_REVIEW_START,
        end=_REVIEW_END,
        on=date(2026, 4, 29),
        params=_yd_params(),
    )
    letter = yd_letters.mileage_top_up(
        tracked=tracked,
        declared=declared,
        miles=decision.data["top_up_miles"],
        gross=decision.amounts["top_up_gross"],
    )
    return _yd_letter(letter, decision.as_dict()["steps"])


def yd_evidence_pack() -> Sample:
    """The staff export (web/telematics ``evidence_pack``): two alerts, one review; no trip
    maps (they are drawn from stored fixes)."""

    def alert(at: datetime, action: str, label: str, kind: str, rule: str, **ev: Any) -> Any:
        return SimpleNamespace(
            at=at,
            get_action_display=label,
            action=action,
            kind=kind,
            rule=rule,
            evidence={"inputs": ev},
        )

    alerts = [
        alert(
            datetime(2026, 4, 12, 21, 40, 3, tzinfo=UTC),
            "alert",
            "Alert",
            "excessive",
            "YD-SPEED-1",
            road_name="Otley Road (A660)",
            road_id="osm-4410231",
            lat=53.8241,
            lon=-1.5762,
            limit_mph=30,
            speed_mph=44,
            trip_id="T-0412-2",
        ),
        alert(
            datetime(2026, 4, 27, 22, 14, 9, tzinfo=UTC),
            "notice_of_cancellation_proposed",
            "Notice of cancellation proposed",
            "excessive",
            "YD-SPEED-2",
            road_name="Harrogate Road (A61)",
            road_id="osm-2293310",
            lat=53.8456,
            lon=-1.5305,
            limit_mph=30,
            speed_mph=47,
            trip_id="T-0427-1",
        ),
    ]
    review = SimpleNamespace(
        review_date=date(2026, 4, 29),
        previous_score=78,
        period_score=86,
        current_premium=Decimal("1600.00"),
        new_premium=Decimal("1520.00"),
        adjustment=Decimal("-66.30"),
    )
    return _sample(
        "Driving evidence YD0000101",
        "telematics/evidence_pack.html",
        policy=_YD_POLICY,
        generated_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        summary={
            "trips": 48,
            "overall": 81,
            "indicators": {"speed": 74, "eco": 88, "night": 90, "duration": 95},
        },
        miles=Decimal("612.4"),
        alerts=alerts,
        trips=[],
        reviews=[(review, {})],
    )


# --------------------------------------------------------------------------- complaints


def _complaints_config() -> ComplaintsConfig:
    cfg: ComplaintsConfig = shipped_params(
        "complaints", SAMPLE_DATE, launch_terms_before_first=True
    )
    return cfg


_COMPLAINT = SimpleNamespace(reference="CMP-2026-000031")
_RECEIVED = date(2026, 3, 2)


def _facts(handler: Contact | None = None) -> complaint_letters.LetterFacts:
    cfg = _complaints_config()
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
    proc = _complaints_config().procedure(ProcedureKind.BROKER_PLATFORM)
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
            wording=_complaints_config().letters,
        )
    )


def complaint_holding_response() -> Sample:
    return _complaint_letter(
        complaint_letters.holding_response_letter(
            _facts(),
            reason="we are still waiting for the broker's sales call recording.",
            expected_by=date(2026, 5, 22),
            wording=_complaints_config().letters,
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
            wording=_complaints_config().letters,
            redress=Decimal("120.50"),
        )
    )


def complaint_forwarding_notice() -> Sample:
    proc = _complaints_config().procedure(ProcedureKind.GAP_CLAIM)
    forwarded_to = proc.forward_to or proc.stage1
    return _complaint_letter(
        complaint_letters.forwarding_notice_letter(_facts(), forwarded_to=forwarded_to)
    )


__all__ = ["SAMPLE_DATE", "Sample", "sample_customer"]
