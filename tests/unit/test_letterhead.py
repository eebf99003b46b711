"""Issue 13 (PLT-7, YD-INFO): who a letter is from and to — the greeting the customer
chose, Royal Mail address order, the regulatory footer from firm and product data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.errors import DomainError
from covernote.domain.letterhead import (
    Disclosures,
    FirmIdentity,
    Letterhead,
    SalutationStyle,
    parse_disclosures,
    postal_address,
    salutation,
)
from covernote.domain.young_driver import letters as yd

SENDER = FirmIdentity(
    name="Coplus Insurance Services",
    frn="300001",
    registered_office=("Coplus House", "1 Quayside", "NEWCASTLE UPON TYNE", "NE1 3DX"),
    company_number="09876543",
)
BROKER = FirmIdentity(name="Northgate Motor Brokers", frn="400001", company_number="08765432")
DISCLOSURES = Disclosures(
    insurer="Great Lakes Insurance SE",
    insurer_statement="Underwritten by Great Lakes Insurance SE.",
    fscs="We are covered by the FSCS.",
    applicable_law="The law of England and Wales applies.",
)


@pytest.mark.parametrize(
    ("title", "style", "expected"),
    [
        ("Mr", "", "Dear Mr Okafor"),  # the default: title and surname
        ("Mr", SalutationStyle.TITLE_SURNAME, "Dear Mr Okafor"),
        ("Mr", SalutationStyle.FIRST_NAME, "Dear Daniel"),
        ("Mr", SalutationStyle.FULL_NAME, "Dear Daniel Okafor"),
        ("", SalutationStyle.TITLE_SURNAME, "Dear Daniel Okafor"),  # no title: full name
        ("Dr", "title_surname", "Dear Dr Okafor"),
    ],
)
def test_plt_7_salutation_is_the_one_the_customer_chose(title, style, expected):
    greeting = salutation(title=title, first_name="Daniel", last_name="Okafor", style=style)
    assert greeting == expected
    assert greeting != "Dear Mr Daniel Okafor"


def test_plt_7_address_is_in_royal_mail_order_with_post_town_in_capitals():
    lines = postal_address(
        name="Mr Daniel Okafor",
        organisation="Okafor Joinery Ltd",
        lines=("Unit 4", "7 Mill Lane"),
        locality="Horbury",
        town="Wakefield",
        postcode="wf4 5aa",
    )
    assert lines == (
        "Mr Daniel Okafor",
        "Okafor Joinery Ltd",
        "Unit 4",
        "7 Mill Lane",
        "Horbury",
        "WAKEFIELD",
        "WF4 5AA",
    )


def test_plt_7_address_leaves_out_empty_parts_and_keeps_the_postcode_last():
    lines = postal_address(
        name="Jamie Young", lines=("22 Station Road", ""), town="Norwich", postcode="NR1 1AA"
    )
    assert lines == ("Jamie Young", "22 Station Road", "NORWICH", "NR1 1AA")


def test_yd_info_footer_names_sender_broker_insurer_fscs_and_law():
    footer = Letterhead(sender=SENDER, broker=BROKER, disclosures=DISCLOSURES).footer()
    assert footer[0] == (
        "Coplus Insurance Services is authorised and regulated by the Financial Conduct "
        "Authority (firm reference number 300001). Registered in England and Wales, company "
        "number 09876543. Registered office: Coplus House, 1 Quayside, NEWCASTLE UPON TYNE, "
        "NE1 3DX."
    )
    assert footer[1].startswith("Northgate Motor Brokers, who arranged this insurance for you,")
    assert "firm reference number 400001" in footer[1]
    assert footer[2:] == (
        DISCLOSURES.insurer_statement,
        DISCLOSURES.fscs,
        DISCLOSURES.applicable_law,
    )


def test_plt_7_a_broker_without_an_frn_still_reads_as_a_sentence():
    broker = FirmIdentity(name="Harbour Lane")
    footer = Letterhead(sender=SENDER, broker=broker).footer()
    assert footer[1] == "Harbour Lane arranged this insurance for you."


def test_yd_info_footer_without_a_broker_or_product_is_the_sender_alone():
    assert Letterhead(sender=SENDER).footer() == (SENDER.statement(),)


def test_yd_info_disclosures_table_refuses_missing_and_unknown_keys():
    table = {
        "insurer": "X",
        "insurer_statement": "Y",
        "fscs": "Z",
        "applicable_law": "L",
    }
    assert parse_disclosures(table, "gap.toml").insurer == "X"
    with pytest.raises(DomainError) as err:
        parse_disclosures({**table, "fscs": ""}, "gap.toml")
    assert err.value.field == "disclosures.fscs"
    with pytest.raises(DomainError) as err:
        parse_disclosures({**table, "extra": "?"}, "gap.toml")
    assert err.value.field == "disclosures.extra"
    with pytest.raises(DomainError):
        parse_disclosures(None, "gap.toml")


# --------------------------------------------------------------------------- Young Driver driving letters


def letter_text(letter: yd.Letter) -> str:
    return " ".join([letter.title, *letter.paragraphs, *(f"{a} {b}" for a, b in letter.rows)])


def test_yd_speed_3_alert_letter_shows_london_time_road_name_and_whole_mph():
    letter = yd.speeding_alert(
        at=datetime(2026, 7, 1, 10, 47, 48, tzinfo=UTC),  # 11:47 in London (BST)
        road_name="A64",
        limit_mph=29.8,
        speed_mph=41.7,
        notice_proposed=False,
    )
    rows = dict(letter.rows)
    assert rows["When"] == "1 July 2026 at 11:47"
    assert rows["Where"] == "A64"
    assert rows["Speed limit"] == "30 mph"
    assert rows["Your speed"] == "41 mph"  # rounded down: never overstated


@pytest.mark.parametrize("road", [None, "", "256366927", "way/256366927"])
def test_yd_speed_3_a_raw_way_id_or_no_name_is_an_unnamed_road(road):
    letter = yd.speeding_alert(
        at=datetime(2026, 12, 1, 11, 47, 48, tzinfo=UTC),
        road_name=road,
        limit_mph="30.0",
        speed_mph="44.2",
        notice_proposed=True,
    )
    text = letter_text(letter)
    assert dict(letter.rows)["Where"] == "an unnamed road"
    assert "256366927" not in text
    assert "2026-12-01" not in text and "T11:47" not in text
    assert "1 December 2026 at 11:47" in text  # GMT in December
    assert "YD-" not in text
    assert letter.title == "Notice of cancellation proposed: speeding"


@given(st.decimals(min_value=Decimal("1000"), max_value=Decimal("9999999"), places=2))
def test_yd_review_4_review_letter_money_always_has_thousands_separators(amount):
    letter = yd.review_outcome(
        review_date=datetime(2026, 6, 1).date(),
        period_score=72,
        previous_score=80,
        current_premium=amount,
        new_premium=amount + 1,
        adjustment=Decimal("1"),
        effective_on=datetime(2026, 6, 15).date(),
        capped=False,
    )
    text = letter_text(letter)
    assert not re.search(r"£\d{4,}", text)
    assert f"£{amount:,.2f}" in text


_part = st.text(alphabet=st.characters(categories=("L", "N", "Zs")), max_size=20)


@given(name=_part, org=_part, line1=_part, line2=_part, locality=_part, town=_part, postcode=_part)
def test_plt_7_royal_mail_order_holds_for_any_address(
    name, org, line1, line2, locality, town, postcode
):
    lines = postal_address(
        name=name,
        organisation=org,
        lines=(line1, line2),
        locality=locality,
        town=town,
        postcode=postcode,
    )
    assert all(line and line == line.strip() for line in lines)
    if postcode.strip():
        assert lines[-1] == postcode.strip().upper()  # the postcode alone on the last line
    if town.strip():
        assert town.strip().upper() in lines  # the POST TOWN in capitals
    if name.strip():
        assert lines[0] == name.strip()
