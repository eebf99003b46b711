"""Issue 10 at the API door: the right status for each failure, problem+json always."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from covernote.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers"


def _problem(resp, status):
    assert resp.status_code == status, resp.content[:300]
    assert resp["Content-Type"] == "application/problem+json"
    body = json.loads(resp.content)
    assert body["status"] == status
    return body


@pytest.fixture
def bearer(users):
    def make(key="broker_north"):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def test_plt_5_no_credential_is_401_not_a_csrf_403(users):
    body = _problem(Client().post(CUSTOMERS, "{}", content_type="application/json"), 401)
    assert body["code"] == "unauthenticated"
    resp = Client().get(CUSTOMERS)
    assert resp.status_code == 401 and "Bearer" in resp["WWW-Authenticate"]


def test_plt_5_an_unknown_bearer_token_is_401(users):
    c = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    _problem(c.get(CUSTOMERS), 401)


def test_plt_5_a_session_without_csrf_is_403_naming_the_header(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["agent"])
    body = _problem(c.post(CUSTOMERS, "{}", content_type="application/json"), 403)
    assert body["field"] == "X-CSRFToken"


def test_plt_5_terms_gate_applies_to_the_api_for_a_signed_in_broker(users, terms):
    c = Client()
    c.force_login(users["broker_north"])
    body = _problem(c.get(CUSTOMERS), 403)
    assert body["rule"] == "PLT-5" and "Terms of Service" in body["detail"]


def test_plt_5_machine_tokens_are_excepted_from_the_terms_gate(users, terms, bearer):
    assert bearer().get(CUSTOMERS).status_code == 200


def test_api_input_json_nested_beyond_the_limit_is_400_not_500(users, bearer):
    deep = "[" * 100_000 + "]" * 100_000
    body = _problem(bearer().post(CUSTOMERS, deep, content_type="application/json"), 400)
    assert body["rule"] == "API-INPUT"
    moderate = "[" * 40 + "]" * 40
    body = _problem(bearer().post(CUSTOMERS, moderate, content_type="application/json"), 400)
    assert "deeper than 32" in body["detail"]


def test_api_input_malformed_json_is_400(users, bearer):
    _problem(bearer().post(CUSTOMERS, "{nope", content_type="application/json"), 400)


def test_api_input_wrong_content_type_is_415(users, bearer):
    body = _problem(bearer().post(CUSTOMERS, "a=1", content_type="text/plain"), 415)
    assert body["field"] == "Content-Type"


def test_api_input_a_body_over_the_limit_is_413(users, bearer, settings):
    settings.COVERNOTE_API_MAX_BODY_BYTES = 1000
    big = json.dumps({"first_name": "x" * 5000})
    body = _problem(bearer().post(CUSTOMERS, big, content_type="application/json"), 413)
    assert body["code"] == "too_large"


def test_api_input_every_invalid_field_is_listed_in_plain_english(users, bearer):
    resp = bearer("agent").post(
        "/api/v1/calculators/complaint-clock", "{}", content_type="application/json"
    )
    assert resp.status_code in (400, 422)
    assert resp["Content-Type"] == "application/problem+json"


def test_api_throttle_per_token_answers_429_with_retry_after(users, bearer, settings):
    cache.clear()
    settings.COVERNOTE_API_THROTTLE_RATES = {"user": "3/min", "anon": "100/min"}
    c = bearer()
    assert [c.get(CUSTOMERS).status_code for _ in range(3)] == [200, 200, 200]
    body = _problem(c.get(CUSTOMERS), 429)
    assert int(c.get(CUSTOMERS)["Retry-After"]) >= 1 and body["rule"] == "API-THROTTLE"
    # Another token is counted on its own.
    assert bearer("agent").get(CUSTOMERS).status_code == 200
    cache.clear()


def test_api_throttle_per_ip_for_anonymous_calls(users, settings):
    cache.clear()
    settings.COVERNOTE_API_THROTTLE_RATES = {"user": "100/min", "anon": "2/min"}
    c = Client()
    assert [c.get(CUSTOMERS).status_code for _ in range(2)] == [401, 401]
    _problem(c.get(CUSTOMERS), 429)
    cache.clear()


def test_api_docs_are_served_from_our_own_static_files(users):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle.js" in html


def test_password_reset_mails_an_address_at_most_three_times_an_hour(users, settings, mailoutbox):
    cache.clear()
    settings.COVERNOTE_PASSWORD_RESET_RATES = {"email": "3/h", "ip": "100/h"}
    c = Client()
    for _ in range(11):
        resp = c.post("/accounts/password-reset/", {"email": users["agent"].email})
        assert resp.status_code == 302  # the same answer every time: no enumeration
    assert len(mailoutbox) == 3
    cache.clear()


def test_password_reset_per_client_limit_answers_429(users, settings):
    cache.clear()
    settings.COVERNOTE_PASSWORD_RESET_RATES = {"email": "100/h", "ip": "2/h"}
    c = Client()
    for i in range(2):
        c.post("/accounts/password-reset/", {"email": f"x{i}@example.com"})
    resp = c.post("/accounts/password-reset/", {"email": "y@example.com"})
    assert resp.status_code == 429 and "Retry-After" in resp
    cache.clear()
