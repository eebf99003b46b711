"""Issue 13: GAP letters fit to send — the sender's and broker's identity, the insurer,
FSCS and applicable law from the product version the policy is pinned to, the figures
of the wording from that version, en-GB money, the greeting the customer chose."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from covernote.documents.models import Document
from covernote.domain.money import gbp
from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.products.selectors import params_in_force
from tests.integration.gap.conftest import TODAY, quote_data
from tests.integration.letter_checks import (
    assert_customer_fit,
    assert_sender_identity,
    give_firms_identity,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def sell(actor, customer, *, today, key, django_capture_on_commit_callbacks, **overrides):
    from covernote.gap.services import gap_policy_bind, gap_quote_create

    with django_capture_on_commit_callbacks(execute=True):
        quote = gap_quote_create(
            actor=actor,
            customer=customer,
            today=today,
            data=QuoteInput.parse(quote_data(**overrides)),
        )
        return gap_policy_bind(
            actor=actor, quote=quote, today=today, data=BindInput(idempotency_key=key)
        )


def schedule_text(policy) -> str:
    doc = Document.objects.get(kind="gap_schedule", related_id=str(policy.pk))
    return pdf_text(doc)


def test_plt_7_gap_schedule_names_sender_broker_insurer_fscs_and_law(
    gap_ready, users, firms, django_capture_on_commit_callbacks
):
    give_firms_identity(firms)
    customer = gap_ready["north"]
    customer.title = "Mrs"
    customer.save()
    policy = sell(
        users["broker_north"],
        customer,
        today=TODAY,
        key="bind-id",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    text = schedule_text(policy)
    disclosures = params_in_force("gap", TODAY).disclosures
    assert_sender_identity(text)
    # the selling broker, with its own FRN and company number
    assert "Northgate, who arranged this insurance for you, is authorised" in text
    assert "firm reference number 400001" in text and "company number 08765432" in text
    assert f"Insurer {disclosures.insurer}" in text
    assert disclosures.insurer_statement[:60] in text
    assert "Financial Services Compensation Scheme" in text
    assert "law of England and Wales applies" in text
    assert "Dear Mrs Holloway," in text and "Dear Mrs Margaret Holloway" not in text
    assert policy.quote.purchase_price >= 1000
    assert f"Purchase price {gbp(policy.quote.purchase_price)}" in text  # £20,000.00 style
    assert_customer_fit(text)
    statement = pdf_text(Document.objects.get(kind="gap_statement", related_id=str(policy.pk)))
    assert "policy arranged by Northgate." in statement  # the selling broker, not the sender
    assert f"Insurer {disclosures.insurer}" in statement
    assert_sender_identity(statement)
    assert_customer_fit(statement)


SECOND_VERSION = {
    'version = "2026.1"': 'version = "2026.2"',
    'effective_from = "2026-01-01"': 'effective_from = "2026-02-20"',
    'excess_benefit_cap = "500.00"': 'excess_benefit_cap = "750.00"',
    "cooling_off_days = 30": "cooling_off_days = 21",
    'retention_fee = "40.00"': 'retention_fee = "55.00"',
    "insurer_notice_days = 30": "insurer_notice_days = 45",
    'insurer = "UK General Insurance Limited on behalf of Great Lakes Insurance SE"': (
        'insurer = "Second Underwriting Limited"'
    ),
}


@pytest.fixture
def two_gap_versions(db, tmp_path):
    """The shipped GAP version and a second one from 20 February 2026 with other figures."""
    from covernote.products.services import product_configs_load

    root = tmp_path / "config"
    shutil.copytree(Path(settings.CONFIG_DIR), root)
    first = (root / "products" / "gap" / "2026-01-01.toml").read_text()
    second = first
    for old, new in SECOND_VERSION.items():
        assert old in second, old
        second = second.replace(old, new, 1)
    (root / "products" / "gap" / "2026-02-20.toml").write_text(second)
    return root, product_configs_load


def test_gap_cover_3_gap_cancel_1_schedule_figures_follow_the_policys_pinned_version(
    two_gap_versions,
    valuations,
    customers,
    users,
    firms,
    settings,
    django_capture_on_commit_callbacks,
):
    root, load = two_gap_versions
    settings.CONFIG_DIR = root
    load(actor="test")
    give_firms_identity(firms)
    agent = users["agent"]
    customer = customers["north"]
    first = sell(
        agent,
        customer,
        today=date(2026, 2, 16),
        key="bind-v1",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        start_on="2026-02-16",
        ownership_date="2026-02-01",
    )
    vehicle = dict(quote_data()["vehicle"], registration="YK23 ABD")
    second = sell(
        agent,
        customer,
        today=TODAY,
        key="bind-v2",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        vehicle=vehicle,
    )
    assert (first.config.version, second.config.version) == ("2026.1", "2026.2")
    old, new = schedule_text(first), schedule_text(second)
    # the first policy's schedule keeps its own version's figures and insurer
    assert "up to £500 of your motor excess" in old and "£750" not in old
    assert "within 30 days of purchase" in old
    assert "retention fee of £40.00" in old
    assert "giving you 30 days' notice in writing" in old
    assert "UK General Insurance Limited" in old and "Second Underwriting" not in old
    assert "Limit of liability £10,000.00" in old
    assert "(36 months)" in old
    # the second policy's schedule shows the second version's
    assert "up to £750 of your motor excess" in new and "£500 of" not in new
    assert "within 21 days of purchase" in new
    assert "retention fee of £55.00" in new
    assert "giving you 45 days' notice in writing" in new
    assert "Insurer Second Underwriting Limited" in new
    for text in (old, new):
        assert_sender_identity(text)
        assert_customer_fit(text)


def test_plt_7_demo_firms_carry_frn_company_number_and_registered_office(db):
    from django.core.management import call_command

    from covernote.accounts.models import Firm

    call_command("demo")
    firms = list(Firm.objects.all())
    assert firms
    for firm in firms:
        assert firm.fca_number and firm.company_number and firm.registered_office_lines, firm
    letters = list(Document.objects.exclude(html=""))
    assert letters, "the demo issues letters"
    for doc in letters:
        sender = Firm.objects.get(name=settings.COVERNOTE["FIRM_NAME"])
        assert f"firm reference number {sender.fca_number}" in doc.html, doc.kind
        assert f"company number {sender.company_number}" in doc.html, doc.kind
