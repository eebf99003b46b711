"""Young Driver and telematics sample letters from fixed demo data (PLT-7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from covernote.documents.samples.common import SAMPLE_DATE, YD_TEMPLATE, Sample, _sample, in_force
from covernote.domain.young_driver import letters as yd_letters
from covernote.domain.young_driver.mileage import mileage_check
from covernote.domain.young_driver.params import YoungDriverParams, percent_text
from covernote.domain.young_driver.rating import RatingInput
from covernote.domain.young_driver.rating import quote as yd_quote
from covernote.domain.young_driver.review import premium_review

_YD_POLICY = SimpleNamespace(
    number="YD0000101",
    vehicle_reg="YK24 HLW",
    vehicle_description="Vauxhall Corsa 1.2 SE",
    start=date(2026, 3, 1),
    end=date(2027, 2, 28),
    get_payment_method_display="Monthly Direct Debit (premium finance)",
)


def _yd_letter(letter: yd_letters.Letter, steps: list[dict[str, Any]] | None = None) -> Sample:
    return _sample(
        letter.title,
        YD_TEMPLATE,
        disclosures=in_force("young_driver", YoungDriverParams).disclosures,
        policy=_YD_POLICY,
        paragraphs=letter.paragraphs,
        rows=letter.rows,
        steps=steps or [],
    )


def yd_schedule() -> Sample:
    params = in_force("young_driver", YoungDriverParams)
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
    fees = in_force("young_driver", YoungDriverParams).fees
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
    fees = in_force("young_driver", YoungDriverParams).fees
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
    params = in_force("young_driver", YoungDriverParams)
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
        params=in_force("young_driver", YoungDriverParams),
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
