"""GAP letter content (domain/gap/letters.py): the words the documents have always had,
money through format_money and dates in en-GB."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from covernote.domain.calendar import en_gb_date
from covernote.domain.gap import letters
from covernote.domain.gap.records import DecisionRecord, Finding, StepLine, ValidityRecord

VEHICLE = letters.VehicleFacts("YK23GAP", "Volkswagen", "Golf Life", date(2025, 1, 10))
POLICY = letters.PolicyFacts(
    number="GAP-1A2B3C4D",
    holder_name="Jean Holloway",
    vehicle=VEHICLE,
    start_on=date(2026, 2, 1),
    end_on=date(2029, 1, 31),
    term_months=36,
    limit_of_liability=Decimal("10000.00"),
    net_premium=Decimal("300.00"),
    ipt=Decimal("36.00"),
    gross_premium=Decimal("336.00"),
    config_version="2026.1",
    purchase_price=Decimal("21399.00"),
    commission_rate=Decimal("0.25"),
    commission=Decimal("84.00"),
)
TERMS = letters.ScheduleTerms(
    cooling_off_days=30,
    excess_cap=Decimal("500.00"),
    retention_fee=Decimal("40.00"),
    insurer_notice_days=30,
    insurer="UK General Insurance Limited",
    broker="Northgate Motor Brokers",
)
CLAIM = letters.ClaimFacts("GC-9F8E7D6C", "GAP-1A2B3C4D", "YK23GAP", "Jean Holloway")
STEPS = (StepLine("GAP-CANCEL-2", "Retention fee", Decimal("25.00")), StepLine("G4", "Note"))


def text(letter: letters.Letter) -> str:
    parts: list[str] = []
    for b in letter.blocks:
        if isinstance(b, letters.Paragraph):
            parts.append(b.text + b.strong + b.after)
        elif isinstance(b, letters.Heading):
            parts.append(b.text)
        elif isinstance(b, letters.Table):
            parts += [" | ".join(row) for row in b.rows]
        else:
            parts += list(b.items)
    return "\n".join(parts)


def test_en_gb_date_has_no_leading_zero_and_english_months():
    assert en_gb_date(date(2026, 3, 5)) == "5 March 2026"


def test_plt_7_schedule_words_and_figures():
    letter = letters.schedule(POLICY, terms=TERMS)
    body = text(letter)
    assert letter.title == "Combined GAP policy schedule GAP-1A2B3C4D"
    assert "Dear Jean Holloway," in body
    assert "Period of insurance | 1 February 2026 to 31 January 2029 inclusive (36 months)" in body
    assert "plus up to £500 of your motor excess." in body
    assert "Total premium | £336.00" in body
    assert "You may cancel within 30 days of purchase" in body
    assert "retention fee of £40.00" in body
    assert "giving you 30 days' notice in writing" in body
    assert "Insurer | UK General Insurance Limited" in body
    assert "Arranged by | Northgate Motor Brokers" in body
    assert (
        "Northgate Motor Brokers, who arranged this policy, receives commission of 25% of the premium (£84.00)"
        in body
    )
    assert letter.sign_off


def test_plt_7_statement_has_no_greeting_or_sign_off():
    letter = letters.statement_of_insurance(
        POLICY, firm_name="Coplus", support_phone="0191 000 0000", contact_within_days=30
    )
    body = text(letter)
    assert body.startswith("This statement confirms")
    assert "arranged by Coplus." in body
    assert "contact us within 30 days of the event. Telephone 0191 000 0000." in body
    assert not letter.sign_off


def test_gap_excl_9_replacement_schedule_names_both_vehicles():
    old = letters.VehicleFacts("AB12CDE", "Ford", "Focus", date(2022, 5, 1))
    letter = letters.replacement_schedule(
        POLICY, old=old, transferred_on=date(2026, 6, 1), purchase_price=Decimal("22700")
    )
    body = text(letter)
    assert letter.title.endswith("(replacement vehicle YK23GAP)")
    assert "Replaces | AB12CDE — Ford Focus (insured up to 1 June 2026)" in body
    assert "Purchase price of the replacement | £22,700.00" in body
    assert "£336.00 (no extra premium and no refund for the change)" in body


def test_gap_cancel_2_cancellation_letter_shows_the_refund_steps():
    letter = letters.cancellation_letter(
        POLICY, cancel_on=date(2026, 3, 1), refund=Decimal("311"), steps=STEPS
    )
    refund = letter.blocks[2]
    assert isinstance(refund, letters.Paragraph)
    assert (refund.text, refund.strong) == ("Refund of premium: ", "£311.00")
    table = letter.blocks[3]
    assert isinstance(table, letters.Table)
    assert table.header == ("Step", "Amount")  # rule ids stay on the staff record
    assert table.rows == (("Retention fee", "£25.00"), ("Note", ""))
    assert "Your cover ends on 1 March 2026." in text(letter)


def test_gap_claim_1_late_notice_is_explained_not_refused():
    assert "received your notice later" in text(letters.claim_registered(CLAIM, late=True))
    on_time = letters.claim_registered(CLAIM, late=False)
    assert "received your notice later" not in text(on_time)
    assert "Your claim reference is GC-9F8E7D6C." in text(on_time)


def test_gap_claim_3_decline_letter_names_each_term_with_its_reason():
    validity = ValidityRecord.from_json(
        {"outcome": "declined", "declines": [{"rule": "GAP-EXCL-4", "reason": "driver drunk"}]}
    )
    letter = letters.claim_declined(
        CLAIM, rules=["GAP-EXCL-4", "GAP-EXCL-9"], declines=validity.declines, note=""
    )
    items = next(b for b in letter.blocks if isinstance(b, letters.ItemList))
    assert items.items == ("Exclusion 4 — driver drunk", "Exclusion 9")
    assert validity.decline_rules == ["GAP-EXCL-4"]
    assert str(Finding("GAP-EXCL-4", "driver drunk")) == "GAP-EXCL-4: driver drunk"


def test_gap_claim_4_paid_letter_says_the_policy_ended():
    steps = DecisionRecord.from_json({"steps": [{"rule": "GAP-COVER-1", "description": "Gap"}]})
    letter = letters.claim_paid(
        CLAIM,
        amount=Decimal("7850"),
        paid_on=date(2026, 7, 1),
        steps=steps.steps,
        policy_ended_on=date(2026, 7, 1),
    )
    body = text(letter)
    assert "We have paid your Combined GAP claim GC-9F8E7D6C: £7,850.00 on 1 July 2026." in body
    assert "policy GAP-1A2B3C4D ended on 1 July 2026." in body


def test_gap_claim_1_documents_letter_lists_what_is_needed_in_order():
    letter = letters.claim_documents_needed(CLAIM, documents=["V5C", "Settlement letter"], note="")
    lists = [b for b in letter.blocks if isinstance(b, letters.ItemList)]
    assert lists[0].ordered and lists[0].items == ("V5C", "Settlement letter")
