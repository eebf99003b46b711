"""ARCHITECTURE §3.5: a service's DomainError naming a form field is shown next to that
field with its rule; errors about anything else stay at the top of the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from covernote.gap.inputs.claims import ClaimRegistration
from tests.integration.gap.conftest import TODAY, quote_data
from tests.integration.gap.test_gap_pages import login

pytestmark = pytest.mark.django_db


def field_error(html, name):
    m = re.search(rf'<p class="error field-error" id="error_{name}" role="alert">([^<]*)</p>', html)
    return m.group(1) if m else None


def quote_post(customer, lines):
    d = quote_data()
    v = d["vehicle"]
    post = {
        "customer": customer.pk,
        "registration": v["registration"],
        "make": v["make"],
        "model": v["model"],
        "valuation_code": v["valuation_code"],
        "first_registered_on": v["first_registered_on"],
        "uses": v["uses"],
        "holder_relationship": "owner",
        "ownership_date": d["ownership_date"],
        "term_months": "36",
        "limit_of_liability": "10000",
        "start_on": TODAY.isoformat(),
    }
    for i, (kind, amount) in lines.items():
        post[f"line_{i}_kind"] = kind
        post[f"line_{i}_amount"] = amount
    return post


def test_gap_def_price_negative_line_is_shown_next_to_its_row(client, gap_ready, users):
    login(client, "broker@north.example")
    # row 1 is left blank, so the service's purchase_lines[1] is the form's row 2
    post = quote_post(gap_ready["north"], {0: ("vehicle", "20000"), 2: ("accessory", "-5")})
    r = client.post("/broker/gap/quotes/new/", post)
    assert r.status_code == 200
    html = r.content.decode()
    error = field_error(html, "line_2_amount")
    assert error is not None and "(GAP-DEF-PRICE)" in error
    assert field_error(html, "line_0_amount") is None
    assert 'value="-5"' in html  # what the user typed is kept
    assert "(field purchase_lines" not in html  # not repeated at the top


def test_gap_cancel_before_start_is_shown_next_to_the_notice_date(client, sold_policy):
    login(client, "broker@north.example")
    r = client.post(
        f"/broker/gap/policies/{sold_policy.pk}/cancel/",
        {"kind": "customer", "notice_on": (TODAY - timedelta(days=5)).isoformat()},
    )
    assert r.status_code == 200
    error = field_error(r.content.decode(), "notice_on")
    assert error is not None and re.search(r"\(GAP-[A-Z]+(-\d+)?\)|\(G\d\)", error)


def test_gap_claim_error_without_a_form_field_stays_at_the_top(client, sold_policy, users):
    from covernote.gap.services import gap_claim_register
    from tests.integration.gap.test_gap_flows import at

    gap_claim_register(
        actor=users["claims"],
        policy=sold_policy,
        data=ClaimRegistration.parse({"event_at": at(TODAY + timedelta(days=1))}),
    )
    login(client, "claims@coplus.example")
    r = client.post(
        f"/backoffice/gap/policies/{sold_policy.pk}/claims/new/",
        {"event_at": (TODAY + timedelta(days=2)).isoformat() + "T10:00"},
    )
    html = r.content.decode()
    assert "a claim is already open on this policy" in html
    assert "field-error" not in html
