"""API-IDEMPOTENCY under real concurrency (PostgreSQL, real threads, ADR 0025).

Eight clients send the same request with the same idempotency key at the same
moment: one policy change happens and every client gets the same 200/201 body,
never a 500. SQLite serialises every write, so these run on PostgreSQL only.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.gap.models import GapClaim, GapPolicy, GapVehicleTransfer
from tests.api.test_gap_api import post, quote_and_bind, today_data, transfer_body
from tests.integration.gap.conftest import gap_config, valuations  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture
def pg(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL row locks and unique-key races (SQLite serialises every write): "
            "set DATABASE_URL=postgres://…"
        )


@pytest.fixture
def api(pg, users):
    def make(key):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return f"Bearer {raw}"

    return make


@pytest.fixture
def loaded(pg, gap_config, valuations, customers):  # noqa: F811
    return customers


def race(token, url, body, n=THREADS):
    """POST ``body`` to ``url`` from ``n`` threads released together: (status, json) each."""
    barrier = threading.Barrier(n)

    def one(_i):
        client = Client(HTTP_AUTHORIZATION=token)
        try:
            barrier.wait()
            r = client.post(url, data=json.dumps(body), content_type="application/json")
            return r.status_code, r.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _one_answer(results, status):
    assert {s for s, _ in results} == {status}, results
    bodies = {json.dumps(b, sort_keys=True) for _, b in results}
    assert len(bodies) == 1, bodies  # the replay is the first answer, word for word


def test_api_idempotency_eight_concurrent_binds_sell_one_policy(api, loaded):
    token = api("broker_north")
    quote = post(
        Client(HTTP_AUTHORIZATION=token),
        "/api/v1/gap/quotes",
        {"customer_id": loaded["north"].pk, **today_data()},
    ).json()
    results = race(
        token, f"/api/v1/gap/quotes/{quote['id']}/bind", {"idempotency_key": "bind-race-01"}
    )
    _one_answer(results, 201)
    assert GapPolicy.objects.count() == 1


def test_api_idempotency_eight_concurrent_transfers_make_one_change(api, loaded):
    token = api("broker_north")
    _, bind = quote_and_bind(Client(HTTP_AUTHORIZATION=token), loaded["north"])
    policy = bind.json()
    url = f"/api/v1/gap/policies/{policy['id']}/transfer-vehicle"
    results = race(token, url, transfer_body("nfo-race-01"))
    _one_answer(results, 201)
    assert GapVehicleTransfer.objects.count() == 1
    assert GapPolicy.objects.get().version == policy["version"] + 1


def test_api_idempotency_eight_concurrent_claim_payments_pay_once(api, loaded):
    broker = Client(HTTP_AUTHORIZATION=api("broker_north"))
    _, bind = quote_and_bind(
        broker,
        loaded["north"],
        purchase_lines=[{"kind": "vehicle", "amount": "20000"}],
        finance=None,
    )
    token = api("claims")
    claims = Client(HTTP_AUTHORIZATION=token)
    policy_id = bind.json()["id"]
    claim = post(
        claims, f"/api/v1/gap/policies/{policy_id}/claims", {"event_at": timezone.now().isoformat()}
    ).json()
    post(
        claims,
        f"/api/v1/gap/claims/{claim['id']}/assess",
        {"figures": {"settlement": "12500", "motor_excess": "350", "market_value": "12500"}},
    )
    assert (
        post(claims, f"/api/v1/gap/claims/{claim['id']}/decide", {"approve": True}).status_code
        == 200
    )
    results = race(
        token, f"/api/v1/gap/claims/{claim['id']}/pay", {"idempotency_key": "pay-race-01"}
    )
    _one_answer(results, 200)
    from covernote.billing.selectors import account_balance

    assert GapClaim.objects.get().paid_amount is not None
    assert account_balance("gap.claims_paid") == 7850  # paid once
