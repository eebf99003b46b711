"""GAP fixtures: product configuration and Glass's Guide table loaded, a quotable input."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput

TODAY = date(2026, 3, 2)
CSV = Path(settings.BASE_DIR) / "config" / "valuations" / "glass_sample.csv"


@pytest.fixture
def gap_config(db):
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


@pytest.fixture
def valuations(db):
    from covernote.gap.services import gap_valuations_load
    from covernote.gap.valuation import read_valuation_csv

    gap_valuations_load(actor="test", rows=read_valuation_csv(CSV), source=str(CSV))


def quote_data(**overrides):
    data = {
        "vehicle": {
            "registration": "YK23 ABC",
            "make": "Volkswagen",
            "model": "Golf Life",
            "valuation_code": "GOLF-LIFE-23",
            "first_registered_on": "2023-03-01",
            "uses": ["social_domestic_pleasure", "commuting"],
            "gross_weight_kg": 1800,
        },
        "purchase_lines": [
            {"kind": "vehicle", "amount": "20500.00", "description": "Golf Life 1.5 TSI"},
            {"kind": "accessory", "amount": "600.00", "description": "Tow bar (VW)"},
            {"kind": "discount", "amount": "1100.00"},
            {"kind": "warranty", "amount": "450.00"},
            {"kind": "road_fund_licence", "amount": "190.00"},
        ],
        "finance": {"lender": "Northern Motor Finance", "amount_advanced": "18000.00"},
        "motor_policy": {
            "insurer": "Acme Motor",
            "policy_number": "AM-123456",
            "cover": "comprehensive",
            "covers_whole_gap_period": True,
        },
        "holder_relationship": "owner",
        "ownership_date": (TODAY - timedelta(days=10)).isoformat(),
        "term_months": 36,
        "limit_of_liability": "10000",
        "start_on": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def gap_ready(gap_config, valuations, customers):
    return customers


@pytest.fixture
def sold_policy(gap_ready, users, django_capture_on_commit_callbacks):
    from covernote.gap.services import gap_policy_bind, gap_quote_create

    broker = users["broker_north"]
    with django_capture_on_commit_callbacks(execute=True):
        quote = gap_quote_create(
            actor=broker,
            customer=gap_ready["north"],
            today=TODAY,
            data=QuoteInput.parse(quote_data()),
        )
        policy = gap_policy_bind(
            actor=broker, quote=quote, today=TODAY, data=BindInput(idempotency_key="bind-1")
        )
    return policy
