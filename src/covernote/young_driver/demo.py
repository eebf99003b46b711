"""Demo data: Jamie Young (customer@example.com) gets a live Young Driver policy (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.parties.models import Customer
from covernote.products.services import product_configs_load
from covernote.young_driver.inputs import BuyInput, QuoteInput
from covernote.young_driver.models import YDPolicy, YDQuote
from covernote.young_driver.services import yd_policy_buy, yd_quote_create

DEMO_KEY = "demo-young-driver-jamie"
#: A second car Jamie asked about and has not bought: the back office's open quotes.
OPEN_QUOTE_REG = "YD26 OPN"


def load_demo() -> str:
    if YDPolicy.objects.filter(idempotency_key=DEMO_KEY).exists():
        return "Young Driver demo policy already present" + _open_quote()
    customer = Customer.objects.filter(user__email="customer@example.com").first()
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    if customer is None or agent is None:
        return "Young Driver demo skipped: demo customer or agent missing"
    product_configs_load(actor=agent)
    # Cover began two days ago, so the demo has days of driving to show (and the
    # 14-day Smartbox install task is still open).
    today = timezone.localdate() - timedelta(days=2)
    quote = yd_quote_create(
        actor=agent,
        customer=customer,
        today=today,
        data=QuoteInput(
            start=today,
            vehicle_reg="YD26 DMO",
            vehicle_description="Vauxhall Corsa 1.2",
            rating={
                "licence_years": 1,
                "vehicle_group": 8,
                "annual_mileage": 6000,
                "no_claims_years": 0,
            },
            add_ons=("rac_breakdown", "legal_expenses"),
        ),
    )
    policy = yd_policy_buy(
        actor=agent,
        quote_obj=quote,
        today=today,
        data=BuyInput(
            payment_method="direct_debit",
            idempotency_key=DEMO_KEY,
            sort_code="20-00-00",
            account_number="55779911",
            account_name=customer.full_name,
        ),
    )
    return (
        f"Young Driver demo policy {policy.number} with a pending Smartbox install task"
        + _open_quote()
    )


def _open_quote() -> str:
    """An open quote, valid from today: the quote page is reachable from the back office
    (the demo's other quote was bought)."""
    customer = Customer.objects.filter(user__email="customer@example.com").first()
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    if customer is None or agent is None:
        return ""
    today = timezone.localdate()
    open_quote = YDQuote.objects.filter(
        customer=customer,
        vehicle_reg=OPEN_QUOTE_REG,
        policy__isnull=True,
        expires_on__gte=today,
    ).first()
    if open_quote is None:
        open_quote = yd_quote_create(
            actor=agent,
            customer=customer,
            today=today,
            data=QuoteInput(
                start=today + timedelta(days=7),
                vehicle_reg=OPEN_QUOTE_REG,
                vehicle_description="Ford Fiesta 1.0",
                rating={
                    "licence_years": 1,
                    "vehicle_group": 6,
                    "annual_mileage": 5000,
                    "no_claims_years": 0,
                },
                add_ons=(),
            ),
        )
    return f"; open quote {open_quote.reference}"
