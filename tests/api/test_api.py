"""REST API skeleton: auth (token and session+CSRF), problem+json, tenant isolation (PLT-4)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from covernote.accounts.services import api_token_create
from covernote.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_client(users):
    def make(user_key):
        _, raw = api_token_create(user=users[user_key], name="test", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def test_api_requires_authentication(client, users):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_api_token_is_stored_hashed_and_works(token_client, users):
    c = token_client("agent")
    assert c.get("/api/v1/me").json()["email"] == "agent@coplus.example"
    assert not users["agent"].api_tokens.filter(key_hash__startswith="cn_").exists()


def test_plt4_broker_lists_only_its_own_firms_customers(token_client, customers):
    names = {
        c["last_name"]
        for c in token_client("broker_north").get("/api/v1/customers").json()["items"]
    }
    assert names == {"Holloway"}


@pytest.mark.parametrize("path", ["/api/v1/customers/{id}", "/api/v1/customers/{id}/adjustments"])
def test_plt4_another_firms_customer_is_404_and_audited(token_client, customers, path):
    c = token_client("broker_north")
    target = customers["harbour"].pk
    url = path.format(id=target)
    if url.endswith("adjustments"):
        response = c.post(
            url, data=json.dumps({"kind": "other", "note": "x"}), content_type="application/json"
        )
    else:
        response = c.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert AuditRecord.objects.filter(action="access.denied", object_id=str(target)).exists()
    assert customers["harbour"].adjustments.count() == 0


def test_plt4_customer_sees_only_self(token_client, customers):
    c = token_client("customer")
    assert [x["last_name"] for x in c.get("/api/v1/customers").json()["items"]] == ["Young"]
    assert c.get(f"/api/v1/customers/{customers['north'].pk}").status_code == 404


def test_plt2_every_customer_response_carries_adjustments(token_client, customers):
    body = token_client("agent").get(f"/api/v1/customers/{customers['north'].pk}").json()
    kinds = [a["kind"] for a in body["reasonable_adjustments"]]
    assert kinds == ["contact_by_letter", "large_print"]


def test_malformed_payload_is_problem_json_naming_the_field(token_client, users):
    c = token_client("agent")
    response = c.post(
        "/api/v1/customers",
        data=json.dumps({"first_name": "A", "last_name": "B", "date_of_birth": "not-a-date"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "date_of_birth" and body["rule"] == "PLT-1"  # the customer rule


def test_plt3_protected_characteristic_is_refused_by_the_api(token_client, users):
    c = token_client("agent")
    response = c.post(
        "/api/v1/customers",
        data=json.dumps(
            {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "gender": "x"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "gender"


def test_create_customer_and_record_adjustment(token_client, users):
    c = token_client("agent")
    created = c.post(
        "/api/v1/customers",
        data=json.dumps({"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-01-01"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    added = c.post(
        f"/api/v1/customers/{cid}/adjustments",
        data=json.dumps({"kind": "repeat_information", "note": "Please repeat key points."}),
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["reasonable_adjustments"][0]["kind"] == "repeat_information"


def test_session_auth_requires_csrf(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["agent"])
    response = c.post(
        "/api/v1/customers",
        data=json.dumps({"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_openapi_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 302


def test_unknown_calculator_is_404(token_client, users):
    response = token_client("agent").post(
        "/api/v1/calculators/nope", data="{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_plt5_token_command_creates_a_working_token_and_revokes_it(users, capsys):
    from django.core.management import call_command

    call_command("token", "create", "agent@coplus.example", "ci")
    raw = capsys.readouterr().out.strip()
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert c.get("/api/v1/me").status_code == 200
    call_command("token", "revoke", raw[:10])
    assert c.get("/api/v1/me").status_code == 401


def test_plt7_customer_answer_carries_the_greeting_and_locality(token_client, users):
    """Issue 13: what a client sends (greeting, locality) it reads back, with the greeting."""
    c = token_client("agent")
    created = c.post(
        "/api/v1/customers",
        data=json.dumps(
            {
                "title": "Mr",
                "first_name": "Daniel",
                "last_name": "Okafor",
                "date_of_birth": "1988-09-03",
                "salutation_style": "first_name",
                "address_line1": "7 Mill Lane",
                "locality": "Horbury",
                "town": "Wakefield",
                "postcode": "WF1 3QT",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = c.get(f"/api/v1/customers/{created.json()['id']}").json()
    assert body["salutation_style"] == "first_name"
    assert body["salutation"] == "Dear Daniel"
    assert body["title"] == "Mr"
    assert body["locality"] == "Horbury"
    assert body["address_lines"] == ["7 Mill Lane", "Horbury", "WAKEFIELD", "WF1 3QT"]
