"""COMP-7 / PS25/19: the complaints return for one firm, by its FCA reference number,
in both shapes, on a seeded set with two broker firms and a direct customer. The
expected figures are worked out by hand from the seed, not from the code."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client

from covernote.accounts.services import api_token_create
from covernote.complaints.inputs import FinalResponse
from covernote.complaints.selectors import complaints_return_for
from covernote.complaints.services import complaint_respond_final, complaint_withdraw
from covernote.domain.errors import DomainError
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)
FRN = {"north": "100001", "harbour": "200002", "coplus": "300003"}
SHAPES = ("annex1r", "consolidated_2027")
COLUMNS = (
    "outstanding_at_start",
    "opened",
    "closed",
    "closed_within_3_business_days",
    "closed_after_3_business_days_within_8_weeks",
    "closed_after_8_weeks",
    "upheld",
    "redress_paid_gbp",
)

# Worked out by hand from the seed below (1 Jan - 30 Jun 2026).
EXPECTED = {
    # N1 opened + closed Wed 7 Jan (3rd working day Thu 8 Jan), upheld, £50; N2 open.
    "north": (0, 2, 1, 1, 0, 0, 1, "50.00"),
    # H0 from Dec 2025, closed 10 Mar (after 8 weeks), partly upheld, £100; H1 rejected
    # 20 Feb (day 39); H2 withdrawn the next day (within 3 days, not upheld).
    "harbour": (1, 2, 3, 1, 1, 1, 1, "100.00"),
    # D1 (direct customer: the intermediary is the respondent) upheld in 2 days.
    "coplus": (0, 1, 1, 1, 0, 0, 1, "0.00"),
}


def as_row(values):
    return {c: str(v) for c, v in zip(COLUMNS, values, strict=True)}


def pick(row):
    return {c: str(row[c]) for c in COLUMNS}


@pytest.fixture
def seeded(register, users, firms):
    for key, frn in FRN.items():
        firms[key].fca_number = frn
        firms[key].save()
    m = users["manager"]
    n1 = register("north", received=at(2026, 1, 5))
    complaint_respond_final(
        actor=m,
        complaint=n1,
        now=at(2026, 1, 7),
        data=FinalResponse.parse(
            outcome="upheld",
            reasons="Our error, as we explained on the phone.",
            redress_amount="50",
            redress_type="goodwill",
        ),
    )
    register("north", received=at(2026, 2, 2))  # N2, open
    h0 = register("harbour", received=at(2025, 12, 15))
    complaint_respond_final(
        actor=m,
        complaint=h0,
        now=at(2026, 3, 10),
        data=FinalResponse.parse(
            outcome="partly_upheld",
            reasons="Partly our error, as we explained on the phone.",
            redress_amount="100",
            redress_type="financial_loss",
        ),
    )
    h1 = register("harbour", received=at(2026, 1, 12))
    complaint_respond_final(
        actor=m,
        complaint=h1,
        now=at(2026, 2, 20),
        data=FinalResponse.parse(
            outcome="rejected", reasons="No error, as we explained on the phone."
        ),
    )
    h2 = register("harbour", received=at(2026, 3, 3))
    complaint_withdraw(actor=m, complaint=h2, now=at(2026, 3, 4))
    d1 = register("own", received=at(2026, 2, 9))
    complaint_respond_final(
        actor=m,
        complaint=d1,
        now=at(2026, 2, 11),
        data=FinalResponse.parse(
            outcome="upheld", reasons="Our error, as we explained on the phone."
        ),
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_comp7_return_by_frn_counts_each_firm_in_both_shapes(seeded, users, shape):
    staff = users["agent"]
    for key, values in EXPECTED.items():
        ret = complaints_return_for(staff, start=START, end=END, shape=shape, frn=FRN[key])
        assert pick(ret.totals) == as_row(values), key
        assert ret.respondent_firm_frn == FRN[key]
        assert f"Firm: FRN {FRN[key]}" in ret.summary_text()
        assert any(s.rule == "COMP-7" and FRN[key] in s.description for s in ret.decision.steps)
    everyone = complaints_return_for(staff, start=START, end=END, shape=shape)
    summed = [sum(int(v[i]) for v in EXPECTED.values()) for i in range(7)]
    assert [everyone.totals[c] for c in COLUMNS[:7]] == summed
    assert everyone.totals["redress_paid_gbp"] == "150.00"
    with pytest.raises(DomainError) as err:
        complaints_return_for(staff, start=START, end=END, shape=shape, frn="999999")
    assert err.value.field == "frn"


@pytest.mark.parametrize("shape", SHAPES)
def test_plt4_broker_return_is_its_own_firms_whatever_the_frn(seeded, users, shape):
    broker = users["broker_harbour"]
    for asked in (None, FRN["north"], FRN["harbour"], "999999"):
        ret = complaints_return_for(broker, start=START, end=END, shape=shape, frn=asked)
        assert pick(ret.totals) == as_row(EXPECTED["harbour"]), asked
        assert ret.respondent_firm_frn == FRN["harbour"]


def csv_total(content: bytes) -> dict[str, str]:
    return list(csv.DictReader(io.StringIO(content.decode())))[-1]


@pytest.mark.parametrize("shape", SHAPES)
def test_comp7_return_page_and_csv_filter_by_firm(seeded, users, shape):
    client = Client()
    client.force_login(users["manager"])
    base = f"/backoffice/complaints/return/?start={START}&end={END}&shape={shape}"
    page = client.get(f"{base}&frn={FRN['north']}").content.decode()
    assert "Northgate (FRN 100001)" in page and "Firm: FRN 100001" in page
    assert "Opened: 2" in page
    r = client.get(f"{base}&frn={FRN['north']}&format=csv")
    assert r["Content-Type"].startswith("text/csv")
    assert "frn100001" in r["Content-Disposition"]
    assert pick(csv_total(r.content)) == as_row(EXPECTED["north"])
    # A broker asking for another firm still gets its own firm's figures.
    broker = Client()
    broker.force_login(users["broker_harbour"])
    page = broker.get(f"{base}&frn={FRN['north']}").content.decode()
    assert "Firm: FRN 200002" in page and "Northgate" not in page
    r = broker.get(f"{base}&frn={FRN['north']}&format=csv")
    assert pick(csv_total(r.content)) == as_row(EXPECTED["harbour"])


@pytest.mark.parametrize("shape", SHAPES)
def test_comp7_api_return_filters_by_frn_and_brokers_get_their_own(seeded, users, shape):
    def api(user_key):
        _, raw = api_token_create(user=users[user_key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    url = f"/api/v1/complaints/return?from={START}&to={END}&shape={shape}"
    staff = api("agent")
    r = staff.get(f"{url}&frn={FRN['coplus']}")
    assert r.status_code == 200
    assert pick(csv_total(r.content)) == as_row(EXPECTED["coplus"])
    bad = staff.get(f"{url}&frn=999999")
    assert bad.status_code == 422 and bad.json()["field"] == "frn"
    r = api("broker_north").get(f"{url}&frn={FRN['harbour']}")
    assert r.status_code == 200 and "frn100001" in r["Content-Disposition"]
    assert pick(csv_total(r.content)) == as_row(EXPECTED["north"])
