"""The catalogue samples carry the letterhead real letters get (issue 13, PLT-7, YD-INFO)."""

from __future__ import annotations

import pytest

from covernote.cli.management.commands.demo import CUSTOMERS, FIRMS
from covernote.documents.samples import common, gap, young_driver
from covernote.domain.letterhead import FirmIdentity

pytestmark = pytest.mark.django_db(databases=[])


def _demo_identity(name: str) -> FirmIdentity:
    for firm, _kind, phone, frn, company, office in FIRMS:
        if firm == name:
            return FirmIdentity(
                name=firm,
                frn=frn,
                registered_office=tuple(office.splitlines()),
                company_number=company,
                phone=phone,
            )
    raise AssertionError(f"{name} is not a demo firm")


def test_plt7_sample_sender_and_broker_are_the_demo_firms() -> None:
    holloway = next(c for c in CUSTOMERS if c["last_name"] == "Holloway")
    assert _demo_identity("Coplus Insurance Services") == common.SAMPLE_SENDER
    assert _demo_identity(holloway["firm"]) == common.SAMPLE_BROKER


def test_yd_info_gap_sample_footer_names_firms_insurer_fscs_and_law() -> None:
    context = gap.gap_schedule().context
    footer = " ".join(context["footer"])
    for text in ("firm reference number 300001", "company number 09876543", "400001"):
        assert text in footer
    assert "Great Lakes Insurance SE" in footer
    assert "Financial Services Compensation Scheme" in footer
    assert "law of" in footer
    assert context["salutation"] == "Dear Mrs Holloway"
    assert context["address"][-2:] == ("LEEDS", "LS6 2AB")


def test_yd_speed_1_alert_sample_is_the_domain_letter_in_london_time() -> None:
    rows = dict(young_driver.yd_driving_alert().context["rows"])
    assert rows["When"] == "27 April 2026 at 23:14"
    assert rows["Your speed"] == "47 mph"  # 47.6 recorded: never overstated
