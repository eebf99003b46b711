"""Young Driver API: quote, buy, photo, approve, cancel, box return; tenant scoping (PLT-4)."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.young_driver.inputs import TheftClaimInput
from tests.integration.young_driver.conftest import RATING, png_bytes

pytestmark = pytest.mark.django_db

START = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def api(users):
    def make(user_key):
        _, raw = api_token_create(user=users[user_key], name="test", actor=users["admin"])
        return Client(headers={"authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def loaded(db):
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


def _quote(client, customer, **extra):
    body = {
        "customer_id": customer.pk,
        "start": START.isoformat(),
        "vehicle_reg": "AB12CDE",
        "rating": dict(RATING),
        "add_ons": ["rac_breakdown", "legal_expenses"],
        **extra,
    }
    return client.post("/api/v1/young-driver/quotes", body, content_type="application/json")


def _buy(client, quote_id, **extra):
    body = {
        "payment_method": "direct_debit",
        "idempotency_key": "api-buy-1",
        "sort_code": "200000",
        "account_number": "55779911",
        "account_name": "J Young",
        **extra,
    }
    return client.post(
        f"/api/v1/young-driver/quotes/{quote_id}/buy", body, content_type="application/json"
    )


def test_yd_api_journey_quote_buy_photo_approve_cancel_return(api, loaded, customers):
    agent, customer = api("agent"), api("customer")
    r = _quote(agent, customers["own"])
    assert r.status_code == 201, r.content
    q = r.json()
    assert any(s["rule"] == "YD-SALE-1" for s in q["decision"]["steps"])
    r = _buy(agent, q["id"])
    assert r.status_code == 201, r.content
    policy = r.json()
    assert len(policy["instalments"]) == 10 and policy["device"]["state"] == "dispatched"
    again = _buy(agent, q["id"])  # same idempotency key → same policy
    assert again.json()["id"] == policy["id"]

    task_id = policy["install_task"]["id"]
    r = customer.post(
        f"/api/v1/young-driver/install-tasks/{task_id}/photos",
        {"filename": "box.png", "content_base64": base64.b64encode(png_bytes()).decode()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    photo_id = r.json()["id"]
    assert customer.post(
        f"/api/v1/young-driver/photos/{photo_id}/review", {}, content_type="application/json"
    ).status_code in (403, 404, 422)
    r = agent.post(
        f"/api/v1/young-driver/photos/{photo_id}/review", {}, content_type="application/json"
    )
    assert r.json()["device_state"] == "verified"

    r = customer.post(
        f"/api/v1/young-driver/policies/{policy['id']}/cancel",
        {"cancel_on": START.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "cancelled"
    r = agent.post(
        f"/api/v1/young-driver/policies/{policy['id']}/smartbox-return",
        {"returned_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert r.json()["cancellation"]["box_refund"] == "50.00"


def test_yd_api_bad_sort_code_is_problem_json(api, loaded, customers):
    agent = api("agent")
    q = _quote(agent, customers["own"]).json()
    r = _buy(agent, q["id"], sort_code="12")
    assert r.status_code in (400, 422)
    assert r["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "sort_code"


def test_yd_api_non_image_upload_refused(api, loaded, customers):
    agent, customer = api("agent"), api("customer")
    q = _quote(agent, customers["own"]).json()
    task_id = _buy(agent, q["id"]).json()["install_task"]["id"]
    r = customer.post(
        f"/api/v1/young-driver/install-tasks/{task_id}/photos",
        {"filename": "x.png", "content_base64": base64.b64encode(b"not an image").decode()},
        content_type="application/json",
    )
    assert (
        r.status_code == 415 and r.json()["rule"] == "YD-BOX-INSTALL"
    )  # ADR 0025: judged by the bytes


def _photo(api, customers, raw):
    agent, customer = api("agent"), api("customer")
    q = _quote(agent, customers["own"]).json()
    task_id = _buy(agent, q["id"]).json()["install_task"]["id"]
    return customer.post(
        f"/api/v1/young-driver/install-tasks/{task_id}/photos",
        {"filename": "box.jpg", "content_base64": base64.b64encode(raw).decode()},
        content_type="application/json",
    )


def test_yd_box_install_api_zip_named_jpg_is_415(api, loaded, customers):
    from tests.unit.documents.test_uploads import zipped

    r = _photo(api, customers, zipped())
    assert r.status_code == 415, r.content
    assert r.json()["field"] == "photo" and "archive" in r.json()["detail"]


def test_yd_box_install_api_png_declaring_20000_by_20000_pixels_is_422_not_500(
    api, loaded, customers
):
    from tests.unit.documents.test_uploads import png_declaring

    r = _photo(api, customers, png_declaring(20_000, 20_000))
    assert r.status_code == 422, r.content
    assert r.json()["rule"] == "YD-BOX-INSTALL" and "megapixels" in r.json()["detail"]


def test_plt4_other_firm_policy_is_404(api, loaded, customers, users, firms):
    from covernote.parties.services import customer_create

    young_north = customer_create(
        actor=users["agent"],
        data={
            "first_name": "Sam",
            "last_name": "Reed",
            "date_of_birth": date(2005, 2, 1),
            "address_line1": "1 Kirk Lane",
            "postcode": "LS6 3AA",
            "firm_id": firms["north"].pk,
        },
    )
    north, harbour = api("broker_north"), api("broker_harbour")
    q = _quote(north, young_north)
    assert q.status_code == 201, q.content
    assert _quote(north, customers["harbour"]).status_code == 404
    p = _buy(north, q.json()["id"], idempotency_key="n-1").json()
    assert harbour.get(f"/api/v1/young-driver/policies/{p['id']}").status_code == 404
    assert harbour.get(f"/api/v1/young-driver/quotes/{q.json()['id']}").status_code == 404
    assert api("customer").get(f"/api/v1/young-driver/policies/{p['id']}").status_code == 404
    ids = {x["id"] for x in north.get("/api/v1/young-driver/policies").json()["items"]}
    assert ids == {p["id"]}
    assert harbour.get("/api/v1/young-driver/policies").json()["items"] == []


def test_plt3_api_refuses_gender(api, loaded, customers):
    r = _quote(api("agent"), customers["own"], rating={**RATING, "gender": "m"})
    assert r.json()["rule"] == "PLT-3"


def test_yd_theft_1_api_register_requires_incident_number_and_is_tenant_scoped(
    loaded, api, customers, users, firms
):
    from covernote.parties.services import customer_create

    young_north = customer_create(
        actor=users["agent"],
        data={
            "first_name": "Sam",
            "last_name": "Reed",
            "date_of_birth": date(2005, 2, 1),
            "address_line1": "1 Kirk Lane",
            "postcode": "LS6 3AA",
            "firm_id": firms["north"].pk,
        },
    )
    agent = api("agent")
    q = _quote(agent, young_north).json()
    policy = _buy(agent, q["id"], idempotency_key="api-theft-buy").json()
    url = f"/api/v1/young-driver/policies/{policy['id']}/theft-claims"
    body = {"police_incident_number": "", "stolen_on": START.isoformat(), "idempotency_key": "t1"}
    r = agent.post(url, body, content_type="application/json")
    assert r.status_code in (400, 422), r.content
    assert r.json()["field"] == "police_incident_number"
    assert r.json()["rule"] == "YD-THEFT-1"
    # another firm's broker cannot register on this policy
    r = api("broker_harbour").post(
        url, {**body, "police_incident_number": "CAD 1234/26"}, content_type="application/json"
    )
    assert r.status_code == 404
    r = api("broker_north").post(
        url, {**body, "police_incident_number": "CAD 1234/26"}, content_type="application/json"
    )
    assert (
        r.status_code in (400, 422) and r.json()["field"] == "stolen_on"
    )  # in scope; cover starts tomorrow
    # a claim registered in cover: staff get the last known position, other firms get 404
    from covernote.telematics.models import LastPosition
    from covernote.young_driver.models import YDPolicy
    from covernote.young_driver.services import yd_theft_claim_register

    p = YDPolicy.objects.get(pk=policy["id"])
    claim = yd_theft_claim_register(
        actor=users["agent"],
        policy=p,
        today=START + timedelta(days=3),
        data=TheftClaimInput(
            police_incident_number="CAD 1234/26",
            stolen_on=START + timedelta(days=2),
            idempotency_key="t-ok",
        ),
    )
    LastPosition.objects.create(
        device=claim.device, ts=timezone.now(), lat=51.5, lon=-0.12, speed_kmh=30.0
    )
    got = agent.get(f"/api/v1/young-driver/theft-claims/{claim.pk}")
    assert got.status_code == 200, got.content
    assert got.json()["last_position"]["lat"] == 51.5
    assert (
        api("broker_harbour").get(f"/api/v1/young-driver/theft-claims/{claim.pk}").status_code
        == 404
    )
    closed = agent.post(
        f"/api/v1/young-driver/theft-claims/{claim.pk}/close",
        {"outcome": "Recovered"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (
        agent.get(f"/api/v1/young-driver/theft-claims/{claim.pk}").json()["last_position"] is None
    )


def test_yd_fee_ren_api_renew_makes_a_linked_policy(loaded, api, customers):
    from covernote.young_driver.models import YDPolicy
    from covernote.young_driver.services import yd_renewals_invite

    agent = api("agent")
    q = _quote(agent, customers["own"]).json()
    old = _buy(agent, q["id"], idempotency_key="api-ren-buy").json()
    url = f"/api/v1/young-driver/policies/{old['id']}/renew"
    r = agent.post(url, {"idempotency_key": "api-ren"}, content_type="application/json")
    assert r.status_code in (400, 409, 422) and r.json()["rule"] == "YD-FEE-REN"  # not invited
    end = YDPolicy.objects.get(pk=old["id"]).end
    yd_renewals_invite(as_of=end - timedelta(days=21))
    r = agent.post(url, {"idempotency_key": "api-ren"}, content_type="application/json")
    assert r.status_code == 201, r.content
    new = YDPolicy.objects.get(pk=r.json()["id"])
    assert new.renewed_from_id == old["id"]
    assert new.start == end + timedelta(days=1)
    assert (
        api("broker_harbour")
        .post(url, {"idempotency_key": "x"}, content_type="application/json")
        .status_code
        == 404
    )
