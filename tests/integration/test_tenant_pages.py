"""PLT-4 on pages: every page that takes an id refuses another firm's object (404, audited)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from covernote.accounts.models import TermsAcceptance
from covernote.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_client(client, users, terms):
    TermsAcceptance.objects.create(user=users["broker_north"], terms=terms)
    client.force_login(users["broker_north"])
    return client


@pytest.mark.parametrize("name", ["broker-customer-detail", "customer-detail"])
def test_plt4_broker_page_for_another_firms_customer_is_404(broker_client, customers, name):
    response = broker_client.get(reverse(name, args=[customers["harbour"].pk]))
    assert response.status_code == 404
    assert AuditRecord.objects.filter(action="access.denied").exists()


def test_plt4_broker_sees_own_customer_with_adjustments(broker_client, customers):
    page = broker_client.get(
        reverse("broker-customer-detail", args=[customers["north"].pk])
    ).content.decode()
    assert "Reasonable adjustments — always follow these" in page
    assert "contact by written letter, not phone" in page


def test_plt4_broker_dashboard_lists_own_firm_only(broker_client, customers):
    page = broker_client.get(reverse("broker-dashboard")).content.decode()
    assert "Holloway" in page and "MacLeod" not in page


def test_plt4_customer_cannot_open_staff_pages(client, users, customers):
    client.force_login(users["customer"])
    assert client.get(reverse("customer-detail", args=[customers["own"].pk])).status_code == 404
    assert client.get(reverse("backoffice-home")).status_code == 404


def test_plt2_agent_records_an_adjustment_from_the_customer_page(client, users, customers):
    client.force_login(users["agent"])
    url = reverse("customer-detail", args=[customers["own"].pk])
    response = client.post(url, {"kind": "repeat_information", "note": "Repeat key information."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Repeat key information." in page


def test_plt2_broker_cannot_record_adjustments(broker_client, customers):
    url = reverse("broker-customer-detail", args=[customers["north"].pk])
    response = broker_client.post(url, {"kind": "other", "note": "x"})
    assert response.status_code == 403
    assert customers["north"].adjustments.count() == 2


def test_plt4_customer_home_shows_only_own_policies_and_the_install_task(client, users, customers):
    from covernote.products.services import product_configs_load
    from tests.integration.young_driver.conftest import buy

    product_configs_load(actor="test")
    own = buy(users["agent"], customers["own"])
    client.force_login(users["customer"])
    page = client.get(reverse("customer-app")).content.decode()
    assert own.number in page and "fit your Smartbox" in page
    assert page.count('data-testid="policy-card"') == 1
