"""Demo data for Combined GAP (idempotent): a quotable customer with a financed car,
one live policy and one claim. Called by ``covernote demo``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from covernote.accounts.models import User
from covernote.gap.inputs.claims import ClaimRegistration
from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import GapPolicy, GapQuote, ValuationEntry
from covernote.gap.services import (
    gap_claim_register,
    gap_policy_bind,
    gap_quote_create,
    gap_valuations_load,
)
from covernote.gap.valuation import read_valuation_csv
from covernote.parties.models import Customer
from covernote.products.services import product_configs_load

CSV = Path(settings.BASE_DIR) / "config" / "valuations" / "glass_sample.csv"


def _data(reg: str, code: str, make: str, model: str, price: str, advanced: str) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "vehicle": {
            "registration": reg,
            "make": make,
            "model": model,
            "valuation_code": code,
            "first_registered_on": (today - timedelta(days=400)).isoformat(),
            "uses": ["social_domestic_pleasure", "commuting"],
        },
        "purchase_lines": [
            {"kind": "vehicle", "amount": price, "description": f"{make} {model}"},
            {"kind": "warranty", "amount": "399.00", "description": "Extended warranty"},
        ],
        "finance": {"lender": "Northern Motor Finance", "amount_advanced": advanced},
        "motor_policy": {
            "insurer": "Acme Motor Insurance",
            "policy_number": f"AM-{reg}",
            "cover": "comprehensive",
            "covers_whole_gap_period": True,
        },
        "holder_relationship": "owner",
        "ownership_date": (today - timedelta(days=20)).isoformat(),
        "term_months": 36,
        "limit_of_liability": "10000",
        "start_on": today.isoformat(),
    }


def load_demo() -> str:
    product_configs_load(actor="demo")
    if not ValuationEntry.objects.exists():
        gap_valuations_load(actor="demo", rows=read_valuation_csv(CSV), source=str(CSV))
    broker = User.objects.filter(email="broker@northgate.example").first()
    claims = User.objects.filter(email="claims@coplus.example").first()
    okafor = Customer.objects.filter(email="d.okafor@example.com").first()
    if broker is None or claims is None or okafor is None:
        return "GAP demo skipped (demo users missing)"
    if GapQuote.objects.filter(customer=okafor).exists():
        return "GAP demo already loaded"
    gap_quote_create(
        actor=broker,
        customer=okafor,
        data=QuoteInput.parse(
            _data("YK24 DMO", "QASH-N-24", "Nissan", "Qashqai N-Connecta", "26500.00", "22000.00")
        ),
    )
    quote = gap_quote_create(
        actor=broker,
        customer=okafor,
        data=QuoteInput.parse(
            _data("YK23 GAP", "GOLF-LIFE-23", "Volkswagen", "Golf Life", "21000.00", "17500.00")
        ),
    )
    policy: GapPolicy = gap_policy_bind(actor=broker, quote=quote, data=BindInput("demo-gap-1"))
    gap_claim_register(
        actor=claims,
        policy=policy,
        data=ClaimRegistration(
            event_at=timezone.now() - timedelta(hours=3),
            description="Vehicle written off in a collision on the A1; motor insurer settling.",
        ),
    )
    return "GAP demo loaded: 1 open quote, 1 live policy, 1 claim"
