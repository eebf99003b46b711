"""Combined GAP over REST and the calculator doors (SPEC §1, PLT-4 tenant isolation)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.gap.models import GapClaim, GapPolicy
from tests.integration.gap.conftest import gap_config, quote_data, valuations  # noqa: F401

pytestmark = pytest.mark.django_db

WORKED = {
    "purchase_price": "20000",
    "settlement": "12500",
    "motor_excess": "350",
    "limit_of_liability": "10000",
}


@pytest.fixture
def api(users):
    def make(key):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def post(client, url, body):
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def test_gap_cover_worked_example_through_the_api_calculator(api):
    r = post(api("claims"), "/api/v1/calculators/gap-claim", WORKED)
    assert r.status_code == 200
    assert r.json()["payable"] == "7850.00"


def test_gap_cover_worked_example_through_the_cli_calculator(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(WORKED)))
    out = io.StringIO()
    call_command("calc", "gap-claim", stdout=out)
    assert json.loads(out.getvalue())["payable"] == "7850.00"


@pytest.fixture
def loaded(gap_config, valuations, customers):  # noqa: F811
    return customers


def today_data(**kw):
    today = timezone.localdate()
    return quote_data(
        ownership_date=(today - timedelta(days=3)).isoformat(), start_on=today.isoformat(), **kw
    )


def quote_and_bind(client, customer, key="key-000001", **kw):
    q = post(client, "/api/v1/gap/quotes", {"customer_id": customer.pk, **today_data(**kw)})
    assert q.status_code == 201, q.content
    b = post(client, f"/api/v1/gap/quotes/{q.json()['id']}/bind", {"idempotency_key": key})
    return q.json(), b


def test_gap_quote_bind_and_same_idempotency_key_gives_one_policy(api, loaded):
    broker = api("broker_north")
    quote, first = quote_and_bind(broker, loaded["north"])
    assert first.status_code == 201
    assert quote["purchase_price"] == "20000.00"  # GAP-DEF-PRICE: warranty and RFL left out
    assert quote["customer_adjustments"]  # PLT-2 on every response about the customer
    again = post(
        broker, f"/api/v1/gap/quotes/{quote['id']}/bind", {"idempotency_key": "key-000001"}
    )
    assert again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert GapPolicy.objects.count() == 1
    other = post(
        broker, f"/api/v1/gap/quotes/{quote['id']}/bind", {"idempotency_key": "key-000002"}
    )
    assert other.status_code == 409


def test_gap_elig_refused_quote_lists_every_failing_rule_and_cannot_be_bound(api, loaded):
    broker = api("broker_north")
    vehicle = dict(today_data()["vehicle"], valuation_code="UNKNOWN-1", is_kit_car=True)
    quote, bind = quote_and_bind(broker, loaded["north"], vehicle=vehicle, motor_policy=None)
    assert quote["status"] == "refused"
    assert quote["failing_rules"] == ["GAP-ELIG-1", "GAP-ELIG-5", "GAP-ELIG-7"]
    assert bind.status_code == 422
    assert "GAP-ELIG-5" in bind.json()["rule"]


def test_gap_negative_money_is_refused_with_the_field(api, loaded):
    lines = [{"kind": "vehicle", "amount": "-100.00"}]
    r = post(
        api("broker_north"),
        "/api/v1/gap/quotes",
        {"customer_id": loaded["north"].pk, **today_data(purchase_lines=lines)},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "purchase_lines[0].amount"


def test_gap_float_money_is_refused(api, loaded):
    r = post(
        api("broker_north"),
        "/api/v1/gap/quotes",
        {"customer_id": loaded["north"].pk, **today_data(limit_of_liability=10000.5)},
    )
    assert r.status_code == 422


def test_plt4_second_firm_gets_404_on_every_gap_id(api, loaded, users):
    north = api("broker_north")
    quote, bind = quote_and_bind(north, loaded["north"])
    policy_id = bind.json()["id"]
    claims = api("claims")
    claim = post(
        claims,
        f"/api/v1/gap/policies/{policy_id}/claims",
        {"event_at": timezone.now().isoformat()},
    )
    assert claim.status_code == 201, claim.content
    claim_id = claim.json()["id"]
    harbour = api("broker_harbour")
    assert harbour.get(f"/api/v1/gap/quotes/{quote['id']}").status_code == 404
    assert (
        post(
            harbour, f"/api/v1/gap/quotes/{quote['id']}/bind", {"idempotency_key": "x" * 10}
        ).status_code
        == 404
    )
    assert harbour.get(f"/api/v1/gap/policies/{policy_id}").status_code == 404
    assert harbour.get("/api/v1/gap/policies").json()["items"] == []
    cancel = {"kind": "customer", "notice_on": timezone.localdate().isoformat()}
    assert post(harbour, f"/api/v1/gap/policies/{policy_id}/cancel", cancel).status_code == 404
    assert (
        post(
            harbour,
            f"/api/v1/gap/policies/{policy_id}/claims",
            {"event_at": timezone.now().isoformat()},
        ).status_code
        == 404
    )
    assert harbour.get(f"/api/v1/gap/claims/{claim_id}").status_code == 404
    assess = {"figures": {"settlement": "1", "motor_excess": "0"}}
    assert post(harbour, f"/api/v1/gap/claims/{claim_id}/assess", assess).status_code == 404
    assert (
        post(harbour, f"/api/v1/gap/claims/{claim_id}/decide", {"approve": True}).status_code == 404
    )
    assert (
        post(
            harbour, f"/api/v1/gap/claims/{claim_id}/pay", {"idempotency_key": "y" * 10}
        ).status_code
        == 404
    )
    new_quote = {"customer_id": loaded["north"].pk, **today_data()}
    assert post(harbour, "/api/v1/gap/quotes", new_quote).status_code == 404


def test_gap_claim_flow_over_the_api_pays_once_and_terminates(api, loaded):
    _, bind = quote_and_bind(
        api("broker_north"),
        loaded["north"],
        purchase_lines=[{"kind": "vehicle", "amount": "20000"}],
        finance=None,
    )
    policy_id = bind.json()["id"]
    claims = api("claims")
    claim = post(
        claims, f"/api/v1/gap/policies/{policy_id}/claims", {"event_at": timezone.now().isoformat()}
    ).json()
    assessed = post(
        claims,
        f"/api/v1/gap/claims/{claim['id']}/assess",
        {"figures": {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}},
    )
    assert assessed.json()["payable"] == "7850.00"
    assert (
        post(claims, f"/api/v1/gap/claims/{claim['id']}/decide", {"approve": True}).status_code
        == 200
    )
    pay = {"idempotency_key": "pay-000001"}
    first = post(claims, f"/api/v1/gap/claims/{claim['id']}/pay", pay)
    second = post(claims, f"/api/v1/gap/claims/{claim['id']}/pay", pay)
    assert first.status_code == second.status_code == 200
    assert GapClaim.objects.get().paid_amount is not None
    from covernote.billing.selectors import account_balance

    assert account_balance("gap.claims_paid") == 7850  # paid once
    policy = api("broker_north").get(f"/api/v1/gap/policies/{policy_id}").json()
    assert policy["status"] == "terminated" and policy["termination_reason"] == "claim_paid"


def transfer_body(key="nfo-key-0001", **vehicle):
    today = timezone.localdate()
    return {
        "vehicle": {
            "registration": "YK26 NEW",
            "make": "Volkswagen",
            "model": "Golf Life",
            "valuation_code": "GOLF-LIFE-23",
            "first_registered_on": today.isoformat(),
            **vehicle,
        },
        "purchase_lines": [{"kind": "vehicle", "amount": "21500.00"}],
        "idempotency_key": key,
    }


def test_gap_excl_9_transfer_vehicle_over_the_api(api, loaded):
    broker = api("broker_north")
    _, bind = quote_and_bind(broker, loaded["north"])
    policy = bind.json()
    url = f"/api/v1/gap/policies/{policy['id']}/transfer-vehicle"
    r = post(broker, url, transfer_body())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["to_registration"] == "YK26NEW"
    assert body["policy"]["number"] == policy["number"]
    assert body["policy"]["gross_premium"] == policy["gross_premium"]
    assert body["policy"]["version"] == policy["version"] + 1
    assert body["purchase_price"] == "21500.00"
    again = post(broker, url, transfer_body())  # same idempotency key: one transfer
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert broker.get(f"/api/v1/gap/policies/{policy['id']}").json()["version"] == (
        policy["version"] + 1
    )


def test_gap_excl_9_ineligible_replacement_is_422_with_the_rule_ids(api, loaded):
    broker = api("broker_north")
    _, bind = quote_and_bind(broker, loaded["north"])
    policy = bind.json()
    r = post(
        broker,
        f"/api/v1/gap/policies/{policy['id']}/transfer-vehicle",
        transfer_body(valuation_code="NOT-LISTED", built_for="usa"),
    )
    assert r.status_code == 422
    assert r.json()["rule"] == "GAP-ELIG-5, GAP-ELIG-7"
    assert broker.get(f"/api/v1/gap/policies/{policy['id']}").json()["registration"] == "YK23ABC"


def test_plt4_second_firm_gets_404_on_transfer_vehicle(api, loaded):
    _, bind = quote_and_bind(api("broker_north"), loaded["north"])
    r = post(
        api("broker_harbour"),
        f"/api/v1/gap/policies/{bind.json()['id']}/transfer-vehicle",
        transfer_body(),
    )
    assert r.status_code == 404
    assert GapPolicy.objects.get().version == 1


def test_gap_claim_4_above_authority_over_the_api_needs_a_second_approver(api, loaded, settings):
    """ADR 0026: 403 above the payer's authority; request; the requester cannot approve;
    a manager approves and the claim is paid once."""
    settings.COVERNOTE_CLAIM_PAYMENT_AUTHORITY = {"claims_handler": "5000", "manager": "25000"}
    _, bind = quote_and_bind(
        api("broker_north"),
        loaded["north"],
        purchase_lines=[{"kind": "vehicle", "amount": "20000"}],
        finance=None,
    )
    claims, manager = api("claims"), api("manager")
    url = f"/api/v1/gap/policies/{bind.json()['id']}/claims"
    claim = post(claims, url, {"event_at": timezone.now().isoformat()}).json()
    base = f"/api/v1/gap/claims/{claim['id']}"
    figures = {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}
    post(claims, f"{base}/assess", {"figures": figures})
    post(claims, f"{base}/decide", {"approve": True})
    refused = post(claims, f"{base}/pay", {"idempotency_key": "pay-000002"})
    assert refused.status_code == 403 and "GAP-CLAIM-4" in refused.content.decode()
    pending = post(claims, f"{base}/payment-request", {"note": "over my limit"})
    assert pending.status_code == 200 and pending.json()["status"] == "payment_pending"
    own = post(claims, f"{base}/payment-approve", {"idempotency_key": "pay-000003"})
    assert own.status_code == 403
    paid = post(manager, f"{base}/payment-approve", {"idempotency_key": "pay-000004"})
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert paid.json()["paid_amount"] == "7850.00"
