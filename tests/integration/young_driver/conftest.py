"""Young Driver fixtures: configuration loaded, a quote and a bought policy."""

from __future__ import annotations

import io
from datetime import date

import pytest

START = date(2026, 3, 2)
TODAY = date(2026, 3, 1)

RATING = {
    "licence_years": 1,
    "vehicle_group": 8,
    "annual_mileage": 6000,
    "no_claims_years": 0,
}


@pytest.fixture
def yd_config(db):
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


def make_quote(actor, customer, *, add_ons=("rac_breakdown", "legal_expenses"), start=START):
    from covernote.young_driver.inputs import QuoteInput
    from covernote.young_driver.services import yd_quote_create

    return yd_quote_create(
        actor=actor,
        customer=customer,
        today=TODAY,
        data=QuoteInput(
            start=start,
            vehicle_reg="AB12 CDE",
            vehicle_description="Ford Fiesta 1.0",
            rating=dict(RATING),
            add_ons=list(add_ons),
        ),
    )


def buy(actor, customer, *, method="direct_debit", key="buy-1", today=TODAY, **kw):
    from covernote.young_driver.inputs import BuyInput
    from covernote.young_driver.services import yd_policy_buy

    q = make_quote(actor, customer)
    extra = (
        {"sort_code": "20-00-00", "account_number": "55779911", "account_name": "J Young"}
        if method == "direct_debit"
        else {"card_token": "tok_visa_abc", "card_last4": "4242"}
    )
    extra.update(kw)
    data = BuyInput(payment_method=method, idempotency_key=key, **extra)
    return yd_policy_buy(actor=actor, quote_obj=q, data=data, today=today)


def png_bytes(colour=(200, 10, 10), size=(40, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def dd_policy(yd_config, users, customers, django_capture_on_commit_callbacks):
    return buy(users["agent"], customers["own"])


@pytest.fixture
def card_policy(yd_config, users, customers):
    return buy(users["agent"], customers["own"], method="card", key="buy-card")
