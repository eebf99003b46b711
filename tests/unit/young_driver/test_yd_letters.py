"""The words of the Young Driver letters come from the domain, money and dates formatted once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from covernote.domain.young_driver import letters
from covernote.domain.young_driver.stored import StoredDecision


def test_yd_pay_2_payment_notice_gives_amount_method_and_earliest_date():
    letter = letters.payment_notice(
        reason="Your policy was changed",
        amount=Decimal("-12.50"),
        respread=False,
        earliest=date(2026, 3, 16),
    )
    assert letter.title == "Notice of a payment on your Young Driver policy"
    assert letter.paragraphs[0] == (
        "Your policy was changed. We will refund £12.50, paid back to the payment method we "
        "hold, no earlier than 16 March 2026 (14 days' written notice under your continuous "
        "payment authority)."
    )


def test_yd_pay_3_respread_notice_says_the_instalments_carry_it():
    letter = letters.payment_notice(
        reason="r", amount=Decimal("30.00"), respread=True, earliest=date(2026, 4, 1)
    )
    assert (
        "We will collect £30.00, spread over your remaining Direct Debit instalments"
        in (letter.paragraphs[0])
    )


def test_yd_cancel_1_cancellation_letter_with_premium_finance_settlement():
    letter = letters.cancellation(
        void=False,
        cancel_on=date(2026, 5, 1),
        refund=Decimal("400.00"),
        refund_due_by=date(2026, 5, 31),
        box_return_deadline=date(2026, 5, 15),
        box_credit=Decimal("25.00"),
        finance=letters.FinanceSettlement(
            provider="Close Brothers",
            owed=Decimal("500.00"),
            set_off=Decimal("400.00"),
            refund_to_customer=Decimal("0.00"),
            balance=Decimal("100.00"),
        ),
    )
    assert letter.title == "Your policy is cancelled"
    assert letter.paragraphs[0] == "Your cover ends at the end of 1 May 2026."
    assert letter.paragraphs[1].startswith(
        "Your Direct Debit credit agreement is settled: £400.00 of your refund goes to "
        "Close Brothers"
    )
    assert letter.paragraphs[-1].startswith("You still owe Close Brothers £100.00;")
    assert ("Refund paid to you", "£0.00") in letter.rows


def test_yd_void_1_void_letter_keeps_the_premium():
    letter = letters.cancellation(
        void=True,
        cancel_on=date(2026, 5, 1),
        refund=Decimal("0.00"),
        refund_due_by=date(2026, 5, 31),
        box_return_deadline=date(2026, 5, 15),
        box_credit=Decimal("0.00"),
    )
    assert letter.title == "Your policy has been declared void"
    assert letter.paragraphs == (
        "We have declared your policy void on the grounds of fraud. We keep the premium paid.",
    )


def test_yd_pay_1_refund_reason_names_the_finance_provider_only_when_money_goes_there():
    assert letters.cancellation_refund_reason(set_off=Decimal("0"), provider="PF") == (
        "Your policy has been cancelled"
    )
    assert letters.cancellation_refund_reason(set_off=Decimal("10.00"), provider="PF") == (
        "Your policy has been cancelled; £10.00 of your refund goes to PF to settle your "
        "credit agreement"
    )


def test_yd_fee_ren_renewal_schedule_rows_use_one_money_format():
    letter = letters.renewal_schedule(
        number="YD1",
        start=date(2027, 3, 2),
        end=date(2028, 3, 1),
        renewal_of="YD0",
        annual=Decimal("1234.50"),
        fee=Decimal("50.00"),
        total=Decimal("1284.50"),
    )
    assert letter.rows == (
        ("Renewal premium (incl. IPT)", "£1,234.50"),
        ("Renewal fee", "£50.00"),
        ("Total", "£1,284.50"),
    )
    assert "runs from 2 March 2027 to 1 March 2028 (renewal of YD0)" in letter.paragraphs[0]


def test_yd_theft_1_acknowledgement_names_claim_and_incident():
    letter = letters.theft_acknowledgement(
        reference="YDT1", vehicle_reg="AB12 CDE", stolen_on=date(2026, 6, 1), incident="MPS 1"
    )
    assert letter.rows == (("Claim", "YDT1"), ("Police incident number", "MPS 1"))
    assert "Police incident number: MPS 1." in letter.paragraphs


def test_yd_cancel_5_notice_includes_detail_only_when_given():
    with_detail = letters.notice_of_cancellation(
        reason="tampering",
        rule="YD-BOX-TAMPER",
        detail="Power cut twice",
        last_day=date(2026, 7, 8),
    )
    without = letters.notice_of_cancellation(
        reason="tampering", rule="YD-BOX-TAMPER", detail="", last_day=date(2026, 7, 8)
    )
    assert len(with_detail.paragraphs) == len(without.paragraphs) + 1
    assert "end of 8 July 2026" in without.paragraphs[-1]


def test_yd_rate_stored_decision_reads_steps_and_amounts_typed():
    stored = StoredDecision.from_json(
        {"outcome": "quote", "commission": "12.34", "steps": [{"rule": "YD-RATE"}], "warnings": []}
    )
    assert stored.outcome == "quote"
    assert stored.amount("commission") == Decimal("12.34")
    assert stored.amount("missing") == Decimal("0")
    assert stored.steps[0]["rule"] == "YD-RATE"
    assert StoredDecision.from_json(None).steps == ()


def test_yd_info_welcome_schedule_words_and_fees_come_from_the_product_version():
    import tomllib
    from pathlib import Path

    from covernote.domain.young_driver.params import parse_params

    path = Path(__file__).resolve().parents[3] / "config/products/young_driver/2026-01-01.toml"
    params = parse_params(tomllib.loads(path.read_text()), path.name)
    welcome = letters.welcome_schedule(
        params=params,
        device_serial="SB123",
        install_by=date(2026, 3, 16),
        finance_provider="Close Brothers Premium Finance",
        credit_search_reference="cs-1",
    )
    fees = dict(welcome.fees)
    assert fees["Arrangement"] == letters.money(params.fees.arrangement)
    cancel = f"Cancellation after the {params.periods.cooling_off_days}-day cooling off period"
    assert fees[cancel].startswith(letters.money(params.fees.cancellation))
    assert "by 16 March 2026" in welcome.smartbox
    assert f"{params.periods.cpa_notice_days} days before" in welcome.payment_authority
    assert "(search cs-1)" in welcome.credit_search
    assert not letters.welcome_schedule(
        params=params, device_serial="SB1", install_by=date(2026, 3, 16)
    ).credit_search


def test_yd_pay_2_cancellation_letter_says_the_notified_payment_is_not_taken():
    from datetime import date
    from decimal import Decimal

    from covernote.domain.young_driver import letters as yd_letters

    common = {
        "void": False,
        "cancel_on": date(2026, 4, 14),
        "refund_due_by": date(2026, 5, 14),
        "box_return_deadline": date(2026, 4, 28),
        "box_credit": Decimal("25.00"),
    }
    netted = yd_letters.cancellation(**common, refund=Decimal("913.66"), netted=Decimal("386.34"))
    text = " ".join(netted.paragraphs)
    assert "We will not take the payment of £386.34" in text
    assert "We will refund £913.66 by 14 May 2026" in text
    owed = yd_letters.cancellation(
        **common, refund=Decimal("0"), netted=Decimal("386.34"), balance=Decimal("40.10")
    )
    text = " ".join(owed.paragraphs)
    assert "you owe us £40.10" in text and "We will refund £0.00" not in text
    assert "YD-" not in text  # customers never see rule ids


def test_yd_rate_customer_price_steps_are_plain_english_with_the_same_figures():
    """PLT-7: the welcome pack explains the price without rule ids, bands or staff notes
    (PLT-3 "no sex/gender ..." and the PLT-11 commission stay on the staff record)."""
    from datetime import date as _date

    from covernote.domain.young_driver.letters import price_steps
    from covernote.domain.young_driver.rating import RatingInput, quote
    from covernote.products.loader import shipped_params

    params = shipped_params("young_driver", _date(2026, 5, 1), launch_terms_before_first=True)
    decision = quote(
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
    staff = [s.as_dict() for s in decision.steps]
    customer = price_steps(staff)
    text = " ".join(s["description"] for s in customer)
    assert "band" not in text and "sex" not in text and "commission" not in text.lower()
    assert "YD-" not in text and "PLT-" not in text
    assert "Driver's age (19): price multiplied by" in text
    assert "Miles a year you told us (6,000)" in text
    assert "Postcode area (LS)" in text
    shown = [s["amount"] for s in customer if s["amount"]]
    kept = [s["amount"] for s in staff if s.get("amount") and s["rule"] not in ("PLT-11",)]
    assert shown == kept  # every figure the customer pays is still there, in order
    assert customer[-1] == {"description": "Total to pay", "amount": staff[-1]["amount"]}
