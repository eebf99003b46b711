"""Complaint letter content (COMP-6; DISP 1.5.4R, 1.6.1R, 1.6.2R, 1 Annex 3R, DISP 1.7)."""

from datetime import date
from decimal import Decimal

from covernote.calculators.complaint_clock import load_complaints_config
from covernote.domain.complaints.letters import (
    LetterFacts,
    LetterType,
    acknowledgement_letter,
    final_response_letter,
    forwarding_notice_letter,
    holding_response_letter,
    summary_resolution_letter,
)
from covernote.domain.complaints.returns import Outcome

CONFIG = load_complaints_config()
FACTS = LetterFacts(
    complainant_name="Ms A Driver",
    reference="CMP-0001",
    received_on=date(2027, 1, 4),
    complaint_summary="your GAP claim was delayed.",
    firm_name="Coplus",
    handler=CONFIG.contacts["coplus_qa"],
    fos=CONFIG.fos,
)


def text(letter):
    return "\n".join(letter.paragraphs)


def test_comp_6_acknowledgement_promises_response_within_8_weeks():
    # 4 Jan 2027 + 56 days = 1 Mar 2027.
    letter = acknowledgement_letter(FACTS, final_response_by=date(2027, 3, 1))
    body = text(letter)
    assert letter.type is LetterType.ACKNOWLEDGEMENT
    assert "1 March 2027" in body
    assert "eight weeks" in body
    assert "keep you informed" in body
    assert "qualityteam@coplus.co.uk" in body


def test_comp_6_summary_resolution_has_the_disp_1_5_4r_items_in_order():
    letter = summary_resolution_letter(
        FACTS, resolution="We have refunded the fee.", wording=CONFIG.letters
    )
    body = text(letter)
    i1 = body.index("now consider your complaint resolved")  # (1)
    i2 = body.index("may be able to refer it to the Financial Ombudsman Service")  # (2)
    i3 = body.index(CONFIG.letters.annex_3r_no_consent[0])  # (3) Annex 3R
    i4 = body.index("www.financial-ombudsman.org.uk")  # (4) website
    i5 = body.index("further information")  # (5)
    assert i1 < i2 < i3 < i4 <= i5


def test_comp_6_final_response_has_leaflet_six_months_and_annex_3r_consent_wording():
    letter = final_response_letter(
        FACTS,
        outcome=Outcome.PARTLY_UPHELD,
        reasons=("The claim was passed to the wrong team.",),
        wording=CONFIG.letters,
        redress=Decimal("75"),
        consent_to_waive=True,
    )
    body = text(letter)
    assert "final response" in body
    assert "£75.00" in body
    assert "six months" in body
    assert CONFIG.letters.annex_3r_consent[1] in body
    assert CONFIG.letters.fos_leaflet_title in letter.enclosures
    assert "Exchange Tower" in body


def test_comp_fos_elig_letters_use_current_test_not_seed_wording():
    letter = final_response_letter(
        FACTS, outcome=Outcome.REJECTED, reasons=("No error.",), wording=CONFIG.letters
    )
    body = text(letter)
    assert "fewer than 10 members of staff" not in body
    assert "small businesses" in body and "charities" in body and "guarantors" in body
    assert "COMP-FOS-ELIG" in letter.rules


def test_comp_6_holding_response_tells_complainant_they_may_refer_now():
    letter = holding_response_letter(
        FACTS, reason="we are waiting for the insurer's valuation.", expected_by=date(2027, 3, 15)
    )
    body = text(letter)
    assert "refer it to the Financial Ombudsman Service now" in body
    assert "15 March 2027" in body


def test_gap_complaint_forwarding_notice_names_the_insurer():
    letter = forwarding_notice_letter(
        FACTS, forwarded_to=CONFIG.contacts["ukgi_customer_relations"]
    )
    body = text(letter)
    assert "UK General Insurance" in body and "third working day" in body
    assert "GAP-COMPLAINT" in letter.rules


def test_comp_6_letters_honour_the_response_format():
    facts = LetterFacts(**{**FACTS.__dict__, "response_format": "large_print"})
    letter = acknowledgement_letter(facts, final_response_by=date(2027, 3, 1))
    assert letter.response_format == "large_print"
    assert "large print" in text(letter)


def test_comp_6_final_response_after_an_early_fos_referral_notes_the_referral():
    plain = final_response_letter(
        FACTS, outcome=Outcome.REJECTED, reasons=("No error.",), wording=CONFIG.letters
    )
    assert "referred your complaint to the Financial Ombudsman Service on" not in text(plain)
    letter = final_response_letter(
        FACTS,
        outcome=Outcome.REJECTED,
        reasons=("No error.",),
        wording=CONFIG.letters,
        fos_referred_on=date(2027, 2, 1),
        fos_reference="FOS-123",
    )
    body = text(letter)
    assert "referred your complaint to the Financial Ombudsman Service on 1 February 2027" in body
    assert "FOS-123" in body
    # Still a complete final response (DISP 1.6.2R(1)): leaflet, six months, FOS contact.
    assert "six months" in body and "Exchange Tower" in body
    assert CONFIG.letters.fos_leaflet_title in letter.enclosures


def test_comp_7_withdrawal_letter_dates_the_receipt_like_every_other_letter():
    from dataclasses import replace

    from covernote.domain.complaints.letters import withdrawal_letter

    letter = withdrawal_letter(replace(FACTS, received_on=date(2027, 1, 4)))
    assert letter.type.value == "withdrawal" and letter.rules == ("COMP-6", "COMP-7")
    assert "which we received on 4 January 2027" in text(letter)  # not "04 January"
    assert CONFIG.fos.website in text(letter)


def test_comp_3_qa_acknowledgement_names_the_stage_2_team():
    from dataclasses import replace

    from covernote.domain.complaints.letters import qa_acknowledgement_letter

    qa = CONFIG.procedure("broker_platform").stage2
    letter = qa_acknowledgement_letter(
        replace(FACTS, handler=qa), final_response_by=date(2027, 3, 1)
    )
    assert f"passed to our {qa.name}, who will now review it" in text(letter)
    assert letter.rules == ("COMP-3", "COMP-6")
