"""YD-PAY-2: a card purchase goes through the provider's hosted payment page; nobody
types a card token or number, and only a verified "paid" result binds the policy."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from covernote.billing.payment_page import HttpPaymentPage, recording_page
from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.young_driver.inputs import QuoteInput
from covernote.young_driver.models import CardOnFile, YDPolicy
from covernote.young_driver.services import yd_quote_create
from tests.integration.young_driver.conftest import RATING

pytestmark = pytest.mark.django_db


def make_quote(actor, customer):
    """A quote made today, so it has not expired when it is bought through the page."""
    today = timezone.localdate()
    return yd_quote_create(
        actor=actor,
        customer=customer,
        today=today,
        data=QuoteInput(
            start=today + timedelta(days=1),
            vehicle_reg="AB12 CDE",
            vehicle_description="Ford Fiesta 1.0",
            rating=dict(RATING),
            add_ons=[],
        ),
    )


@pytest.fixture
def quote(yd_config, users, customers):
    return make_quote(users["agent"], customers["own"])


def _open_page(client, quote):
    """Press "Buy policy" with card chosen; follow to the hosted page."""
    response = client.post(
        reverse("yd-bo-quote-detail", args=[quote.pk]),
        {"payment_method": "card", "idempotency_key": "card-buy-1"},
    )
    assert response.status_code == 302 and "/dev/payment-page/" in response.url
    page = client.get(response.url).content.decode()
    forms = re.findall(
        r'<form method="post" action="([^"]+)"><input type="hidden" name="payment_result" '
        r'value="([^"]+)"><button[^>]*>([^<]+)</button>',
        page,
    )
    return page, {label.split()[0]: (action, result) for action, result, label in forms}


def test_yd_pay_2_the_quote_page_asks_for_no_card_token(client, users, quote):
    client.force_login(users["agent"])
    page = client.get(reverse("yd-bo-quote-detail", args=[quote.pk])).content.decode()
    assert "card token" not in page.lower() and 'name="card_token"' not in page
    assert "secure payment page" in page


def test_yd_pay_2_card_purchase_through_the_hosted_page_binds_once(client, users, quote):
    client.force_login(users["agent"])
    page, forms = _open_page(client, quote)
    assert gbp(quote.total) in page
    action, result = forms["Pay"]
    assert action.endswith(reverse("yd-bo-quote-card-return", args=[quote.pk]))
    response = client.post(action, {"payment_result": result})
    policy = YDPolicy.objects.get(quote=quote)
    assert response.status_code == 302
    assert response.url == reverse("yd-bo-policy", args=[policy.pk])
    assert policy.payment_method == "card"
    card = CardOnFile.objects.get(customer=quote.customer)
    assert card.token.startswith("tok_hosted_") and card.last4 == "4242"
    # The provider (or a browser's back button) posts the same result again: one policy.
    again = client.post(action, {"payment_result": result})
    assert again.url == response.url and YDPolicy.objects.filter(quote=quote).count() == 1
    assert recording_page().sessions[-1]["amount"] == str(quote.total)


def test_yd_pay_2_declined_or_forged_results_buy_nothing(client, users, quote):
    client.force_login(users["agent"])
    _, forms = _open_page(client, quote)
    action, declined = forms["Decline"]
    response = client.post(action, {"payment_result": declined})
    assert response.url == reverse("yd-bo-quote-detail", args=[quote.pk])
    forged = forms["Pay"][1][:-4] + "abcd"
    client.post(action, {"payment_result": forged})
    client.post(action, {"payment_result": ""})
    assert not YDPolicy.objects.filter(quote=quote).exists()


def test_yd_pay_2_a_result_for_another_quote_buys_nothing(client, users, customers, quote):
    client.force_login(users["agent"])
    _, forms = _open_page(client, quote)
    other = make_quote(users["agent"], customers["own"])
    other_return = reverse("yd-bo-quote-card-return", args=[other.pk])
    client.post(other_return, {"payment_result": forms["Pay"][1]})
    assert not YDPolicy.objects.filter(quote__in=[quote, other]).exists()


def test_yd_pay_2_another_firms_broker_cannot_use_the_return_url(client, users, quote):
    client.force_login(users["agent"])
    _, forms = _open_page(client, quote)
    client.force_login(users["broker_harbour"])
    response = client.post(forms["Pay"][0], {"payment_result": forms["Pay"][1]})
    assert response.status_code == 404
    assert not YDPolicy.objects.filter(quote=quote).exists()


class _Provider(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Provider.seen.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        payload = json.dumps({"redirect_url": "https://pay.example/s/abc"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_yd_pay_2_http_adapter_opens_a_session_and_checks_the_signature():
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = HttpPaymentPage(
            endpoint=f"http://127.0.0.1:{server.server_port}/v1",
            api_key="key-1",
            signing_secret="s3cret",
        )
        url = page.create_session(Decimal("1234.56"), "YDQ1:k", "https://cn.example/back/")
    finally:
        server.shutdown()
    assert url == "https://pay.example/s/abc"
    assert _Provider.seen[-1] == {
        "path": "/v1/sessions",
        "auth": "Bearer key-1",
        "amount": "1234.56",
        "currency": "GBP",
        "reference": "YDQ1:k",
        "return_url": "https://cn.example/back/",
    }
    raw = json.dumps(
        {
            "status": "paid",
            "reference": "YDQ1:k",
            "amount": "1234.56",
            "token": "tok_1",
            "last4": "1111",
        }
    )
    good = hmac.new(b"s3cret", raw.encode(), hashlib.sha256).hexdigest()
    result = page.read_result({"payment_result": raw, "signature": good})
    assert result.paid and result.amount == Decimal("1234.56") and result.token == "tok_1"
    with pytest.raises(DomainError) as bad:
        page.read_result({"payment_result": raw, "signature": "0" * 64})
    assert bad.value.rule == "YD-PAY-2" and bad.value.field == "payment_result"
    with pytest.raises(DomainError):
        HttpPaymentPage(endpoint="", api_key="", signing_secret="").create_session(
            Decimal("1"), "r", "https://x/"
        )
