"""COMP-7 oversight: dashboard figures and the complaints return on a seeded set,
with the expected counts worked out independently in the test."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from covernote.complaints.inputs import FinalResponse
from covernote.complaints.selectors import (
    complaints_dashboard,
    complaints_return_for,
    return_csv,
)
from covernote.complaints.services import complaint_respond_final, complaint_withdraw
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def seeded(register, users):
    m = users["manager"]
    out = {}
    # A: received Mon 5 Jan, upheld Wed 7 Jan (the 3rd working day is Thu 8 Jan)
    out["A"] = register("harbour", received=at(2026, 1, 5))
    complaint_respond_final(
        actor=m,
        complaint=out["A"],
        now=at(2026, 1, 7),
        data=FinalResponse.parse(
            outcome="upheld", reasons="Our error, as we explained on the phone."
        ),
    )
    # B: received 12 Jan, rejected 20 Feb (after 3 days, within 8 weeks = by 9 Mar)
    out["B"] = register("own", received=at(2026, 1, 12))
    complaint_respond_final(
        actor=m,
        complaint=out["B"],
        now=at(2026, 2, 20),
        data=FinalResponse.parse(
            outcome="rejected", reasons="No error, as we explained on the phone."
        ),
    )
    # C: the north customer (adjustments recorded: vulnerable), withdrawn the next day
    out["C"] = register("north", received=at(2026, 1, 19))
    complaint_withdraw(actor=m, complaint=out["C"], now=at(2026, 1, 20))
    # D: received before the period (15 Dec 2025), partly upheld 10 Mar (after 8 weeks)
    out["D"] = register("harbour", received=at(2025, 12, 15))
    complaint_respond_final(
        actor=m,
        complaint=out["D"],
        now=at(2026, 3, 10),
        data=FinalResponse.parse(
            outcome="partly_upheld",
            reasons="Partly our error, as we explained on the phone.",
            redress_amount="100",
            redress_type="goodwill",
        ),
    )
    # E: open, received Mon 1 Jun
    out["E"] = register("own", received=at(2026, 6, 1))
    # F: a large business (ineligible: not reported), open since 2 Feb
    out["F"] = register(
        "harbour",
        received=at(2026, 2, 2),
        complainant_type="small_business",
        employees=400,
        annual_turnover_gbp="90000000",
        balance_sheet_gbp="70000000",
    )
    return out


def test_comp7_return_counts_match_an_independent_count(seeded, users):
    assert seeded["F"].fos_eligible is False
    # Independent tally of the eligible complaints A-E for 1 Jan - 30 Jun 2026
    closed = {"A": "within3", "B": "within8w", "C": "within3", "D": "after8w"}
    expected = {
        "outstanding_at_start": 1,  # D
        "opened": 4,  # A, B, C, E
        "closed": len(closed),
        "closed_within_3_business_days": sum(1 for v in closed.values() if v == "within3"),
        "closed_after_3_business_days_within_8_weeks": 1,
        "closed_after_8_weeks": 1,
        "upheld": 2,  # A upheld, D partly upheld
    }
    ret = complaints_return_for(users["agent"], start=START, end=END, shape="consolidated_2027")
    for column, value in expected.items():
        assert ret.totals[column] == value, column
    assert ret.totals["upheld_pct"] == "50.00"
    assert ret.totals["redress_paid_gbp"] == "100.00"
    assert ret.totals["opened_vulnerable"] == 1 and ret.totals["closed_vulnerable"] == 1
    rows = list(csv.DictReader(io.StringIO(return_csv(ret))))
    assert rows[-1]["product_group"] == "TOTAL" and rows[-1]["opened"] == "4"
    text = ret.summary_text()
    assert "Opened: 4" in text and "Upheld: 2 (50.00% of closed)" in text


def test_comp7_return_is_tenant_scoped_for_a_broker(seeded, users):
    ret = complaints_return_for(users["broker_harbour"], start=START, end=END, shape="annex1r")
    assert ret.totals["opened"] == 1  # A only (D before the period, F ineligible)
    assert ret.totals["outstanding_at_start"] == 1


def test_comp7_dashboard_figures(seeded, users):
    d = complaints_dashboard(users["agent"], now=at(2026, 6, 3, 12))
    assert d["open"] == 2  # E and F
    assert d["by_stage"] == {"Stage 1": 2}
    assert d["due_this_week"] == 1  # E's 3rd working day, Thu 4 Jun
    assert d["breaches"] == 2  # open F: 3rd working day and 8 weeks both lapsed
    assert d["late_final"] == 2  # F still unanswered after 8 weeks; D answered late
    assert (d["upheld"], d["closed"]) == (2, 4)
    assert d["upheld_pct"] == Decimal("50.0")
    assert d["vulnerable"] == (0, 1, Decimal("0.0"))  # C withdrawn, not upheld
    assert d["not_vulnerable"][:2] == (2, 3)


def test_comp7_dashboard_and_return_pages_render(seeded, users):
    client = Client()
    client.force_login(users["manager"])
    page = client.get("/backoffice/complaints/dashboard/").content.decode()
    assert "<svg" in page and 'data-label="Breached"' in page
    r = client.get("/backoffice/complaints/return/?start=2026-01-01&end=2026-06-30&shape=annex1r")
    assert "Opened: 4" in r.content.decode()
    csv_r = client.get(
        "/backoffice/complaints/return/?start=2026-01-01&end=2026-06-30&shape=annex1r&format=csv"
    )
    assert csv_r["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_r["Content-Disposition"]


def test_plt4_pages_broker_sees_own_firms_complaints_only(seeded, users):
    client = Client()
    client.force_login(users["broker_north"])
    assert client.get(f"/backoffice/complaints/{seeded['C'].pk}/").status_code == 200
    assert client.get(f"/backoffice/complaints/{seeded['A'].pk}/").status_code == 404
    listing = client.get("/backoffice/complaints/?show=all").content.decode()
    assert seeded["C"].reference in listing and seeded["A"].reference not in listing
    # read-only: no action buttons, and posting is refused
    detail = client.get(f"/backoffice/complaints/{seeded['C'].pk}/").content.decode()
    assert "Issue the final response" not in detail
    assert client.post(f"/backoffice/complaints/{seeded['E'].pk}/withdraw/").status_code == 404
    customer = Client()
    customer.force_login(users["customer"])
    assert customer.get("/backoffice/complaints/").status_code == 404
