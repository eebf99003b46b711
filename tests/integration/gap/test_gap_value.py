"""GAP-VALUE-1 fair-value report over a seeded book, checked against figures computed
independently in the test from the stored rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import pytest

from covernote.complaints.fair_value_figures import gap_complaints_by_firm
from covernote.domain.errors import DomainError
from covernote.gap import selectors
from covernote.gap.inputs.claims import AssessInput, ClaimRegistration, DecideInput, PayInput
from covernote.gap.inputs.policy import BindInput, CancelInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import GapCancellation, GapClaim, GapPolicy, GapQuote
from covernote.gap.services import (
    gap_claim_assess,
    gap_claim_decide,
    gap_claim_pay,
    gap_claim_register,
    gap_policy_bind,
    gap_policy_cancel,
    gap_quote_create,
)
from tests.integration.gap.conftest import TODAY, quote_data


def fair_value_report(actor, *, period_from, period_to):
    """The report as the API and pages build it: complaint figures from the complaints app."""
    complaints = gap_complaints_by_firm(actor, period_from=period_from, period_to=period_to)
    return selectors.fair_value_report(
        actor, period_from=period_from, period_to=period_to, complaints=complaints
    )


pytestmark = pytest.mark.django_db

YEAR = {"period_from": date(2026, 1, 1), "period_to": date(2026, 12, 31)}


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def pct(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def sell(users, customers, broker, customer, key, **overrides):
    q = gap_quote_create(
        actor=users[broker],
        customer=customers[customer],
        today=TODAY,
        data=QuoteInput.parse(quote_data(**overrides)),
    )
    return gap_policy_bind(
        actor=users[broker], quote=q, today=TODAY, data=BindInput(idempotency_key=key)
    )


def claim(users, policy, loss_day, *, decide_day, pay_day=None, approve=True):
    with mock.patch("django.utils.timezone.now", return_value=at(decide_day, 15)):
        c = gap_claim_register(
            actor=users["claims"],
            policy=policy,
            data=ClaimRegistration.parse({"event_at": at(loss_day)}),
        )
        gap_claim_assess(
            actor=users["claims"],
            claim=c,
            data=AssessInput.parse(
                figures={"settlement": "12500", "motor_excess": "350", "market_value": "12500"}
            ),
        )
        if approve:
            gap_claim_decide(
                actor=users["claims"], claim=c, data=DecideInput.parse({"approve": True})
            )
        else:
            gap_claim_decide(
                actor=users["claims"],
                claim=c,
                data=DecideInput.parse({"approve": False, "exclusion_ids": ["GAP-EXCL-3"]}),
            )
    if pay_day:
        gap_claim_pay(
            actor=users["claims"],
            claim=c,
            data=PayInput(idempotency_key=f"pay-{c.pk}", paid_on=pay_day),
        )
    c.refresh_from_db()
    return c


@pytest.fixture
def book(gap_ready, users, firms):
    """Northgate: two sales (one cancelled in cooling-off, one claim paid) and a GAP
    complaint; Harbour Lane: one sale with a declined claim, one refused quote."""
    customers = gap_ready
    n1 = sell(users, customers, "broker_north", "north", "n1")
    n2 = sell(users, customers, "broker_north", "north", "n2", limit_of_liability="15000")
    h1 = sell(users, customers, "broker_harbour", "harbour", "h1", term_months=24)
    vehicle = dict(quote_data()["vehicle"], valuation_code="NO-SUCH-CAR")
    gap_quote_create(
        actor=users["broker_harbour"],
        customer=customers["harbour"],
        today=TODAY,
        data=QuoteInput.parse(quote_data(vehicle=vehicle)),
    )
    gap_policy_cancel(
        actor=users["broker_north"],
        policy=n1,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(10)}),
    )
    paid = claim(
        users,
        n2,
        TODAY + timedelta(20),
        decide_day=TODAY + timedelta(30),
        pay_day=TODAY + timedelta(45),
    )
    declined = claim(
        users, h1, TODAY + timedelta(25), decide_day=TODAY + timedelta(33), approve=False
    )
    from covernote.complaints.models import Complaint

    when = at(TODAY + timedelta(50))
    for i, product in enumerate(("gap", "motor_other")):  # only the GAP complaint counts
        Complaint.objects.create(  # seeded directly: the complaints workflow is not under test
            reference=f"CMPT{i}",
            customer=customers["north"],
            firm=firms["north"],
            procedure="broker_platform",
            received_at=when,
            channel="phone",
            logged_by=users["agent"],
            product=product,
            main_cause="general_admin",
            regulated_activity="claims_handling",
            description="The GAP claim took too long",
            retention_until=date(2032, 1, 1),
        )
    return {"n1": n1, "n2": n2, "h1": h1, "paid": paid, "declined": declined}


def by_name(report):
    return {r.distributor: r.figures for r in report.rows}


def test_gap_value_1_figures_per_distributor_match_the_seeded_book(book, users, firms):
    report = fair_value_report(users["manager"], **YEAR)
    rows = by_name(report)
    north, harbour = firms["north"].name, firms["harbour"].name
    assert set(rows) == {north, harbour}

    # independently: sums over the stored rows of each firm
    n_pols = list(GapPolicy.objects.filter(firm=firms["north"]))
    n_gwp = sum(p.gross_premium for p in n_pols)
    n_comm = sum(p.commission for p in n_pols)
    paid = GapClaim.objects.get(pk=book["paid"].pk)
    refund = GapCancellation.objects.get(policy=book["n1"]).refund
    f = rows[north]
    assert f.policies_written == 2 and f.gross_written_premium == n_gwp
    assert f.claims_paid == paid.paid_amount and paid.paid_amount > 0
    assert f.claims_ratio_percent == pct(paid.paid_amount, n_gwp)
    assert f.commission_percent == pct(n_comm, n_gwp)
    assert (f.cancellations, f.refunds) == (1, refund)
    assert f.average_claim == paid.paid_amount
    assert f.acceptance_rate_percent == Decimal("100.00")
    assert (f.quotes_eligible, f.quotes_bound, f.quote_acceptance_percent) == (
        2,
        2,
        Decimal("100.00"),
    )
    days = (paid.paid_on - paid.notified_at.date()).days
    assert days == 15 and f.average_days_to_payment == Decimal(days)
    assert f.complaints == 1

    h = rows[harbour]
    declined = GapClaim.objects.get(pk=book["declined"].pk)
    assert (h.claims_paid_count, h.claims_declined_count) == (0, 1)
    assert h.acceptance_rate_percent == Decimal("0.00") and h.average_claim is None
    assert h.claims_ratio_percent == Decimal("0.00")
    assert (h.quotes_eligible, h.quotes_bound) == (
        GapQuote.objects.filter(firm=firms["harbour"]).exclude(status="refused").count(),
        1,
    )
    assert h.quote_acceptance_percent == Decimal("100.00")
    assert h.average_turnaround_days == Decimal(
        (declined.decided_at.date() - declined.notified_at.date()).days
    )
    assert h.complaints == 0

    total = report.total
    assert total.gross_written_premium == sum(p.gross_premium for p in GapPolicy.objects.all())
    assert total.claims_paid_count == 1 and total.claims_declined_count == 1
    assert total.acceptance_rate_percent == Decimal("50.00")


def test_gap_value_1_period_bounds_exclude_later_events(book, users, firms):
    report = fair_value_report(
        users["manager"], period_from=TODAY, period_to=TODAY + timedelta(days=40)
    )
    f = by_name(report)[firms["north"].name]
    # the claim was paid on day 45 and the complaint arrived on day 50
    assert (f.claims_paid_count, f.claims_paid, f.complaints) == (0, Decimal("0.00"), 0)
    assert f.policies_written == 2 and f.cancellations == 1


def test_gap_value_1_broker_sees_only_its_own_firm_and_customers_nothing(book, users, firms):
    report = fair_value_report(users["broker_harbour"], **YEAR)
    assert [r.distributor for r in report.rows] == [firms["harbour"].name]
    assert report.total.policies_written == 1
    with pytest.raises(DomainError) as err:
        fair_value_report(users["customer"], **YEAR)
    assert err.value.rule == "PLT-4"


def login(client, user):
    from covernote.accounts.models import TermsAcceptance, TermsOfService

    terms = TermsOfService.objects.first() or TermsOfService.objects.create(version="1.0", body="x")
    TermsAcceptance.objects.get_or_create(user=user, terms=terms)
    client.force_login(user)
    return client


def test_gap_value_1_page_shows_the_table_chart_and_csv(client, book, users, firms):
    login(client, users["qa"])
    page = client.get("/backoffice/gap/value/?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    html = page.content.decode()
    assert firms["north"].name in html and firms["harbour"].name in html
    assert "<svg" in html and "GAP-VALUE-1" in html
    north = fair_value_report(users["qa"], **YEAR).rows
    gwp = {r.distributor: r.figures.gross_written_premium for r in north}
    assert str(gwp[firms["north"].name]) in html

    csv_response = client.get("/backoffice/gap/value/value.csv?from=2026-01-01&to=2026-12-31")
    assert csv_response["Content-Type"].startswith("text/csv")
    import csv
    import io

    lines = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    rows = {line["Distributor"]: line for line in lines}
    assert set(rows) == {firms["north"].name, firms["harbour"].name, "All distributors"}
    assert Decimal(rows[firms["north"].name]["Gross written premium £"]) == gwp[firms["north"].name]
    assert rows[firms["harbour"].name]["Claims declined"] == "1"


def test_gap_value_1_page_is_for_underwriters_managers_and_qa_only(client, book, users):
    for key in ("broker_north", "claims", "agent"):
        login(client, users[key])
        assert client.get("/backoffice/gap/value/").status_code == 404, key
    login(client, users["manager"])
    bad = client.get("/backoffice/gap/value/?from=2026-12-31&to=2026-01-01").content.decode()
    assert "ends before it starts" in bad


def test_gap_value_1_api_staff_all_broker_own_firm_customer_refused(book, users, firms):
    from django.test import Client

    from covernote.accounts.services import api_token_create

    def api(key):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    url = "/api/v1/gap/value?from=2026-01-01&to=2026-12-31"
    staff = api("manager").get(url)
    assert staff.status_code == 200
    body = staff.json()
    names = {d["distributor"] for d in body["distributors"]}
    assert names == {firms["north"].name, firms["harbour"].name}
    north = next(d for d in body["distributors"] if d["distributor"] == firms["north"].name)
    assert north["gross_written_premium"] == str(
        sum(p.gross_premium for p in GapPolicy.objects.filter(firm=firms["north"]))
    )
    broker = api("broker_harbour").get(url).json()
    assert [d["firm_id"] for d in broker["distributors"]] == [firms["harbour"].pk]
    assert api("customer").get(url).status_code == 403
    assert api("manager").get("/api/v1/gap/value?from=2026-01-01").status_code in (400, 422)
