"""Issue 12: the customer app never shows a rule id or an internal note; staff still see
the rule ids on the same calculation steps."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from covernote.young_driver.inputs import CancelInput
from covernote.young_driver.services import yd_policy_cancel
from tests.integration.young_driver.conftest import START, buy

pytestmark = pytest.mark.django_db

#: The pattern given in the issue for a rule id.
RULE = re.compile(r"\b(GAP|YD|COMP|TEL)-[A-Z]+-?\d*\b")
INTERNAL = re.compile(r"open question|for compliance", re.IGNORECASE)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def cancelled_and_live(yd_config, users, customers):
    day = START + timedelta(days=5)
    cancelled = buy(users["agent"], customers["own"], method="card", key="buy-c")
    yd_policy_cancel(
        actor=users["customer"], policy=cancelled, today=day, data=CancelInput(cancel_on=day)
    )
    live = buy(users["agent"], customers["own"], method="direct_debit", key="buy-l")
    return cancelled, live


def test_plt_words_customer_pages_show_no_rule_ids_or_internal_notes(
    client, users, cancelled_and_live
):
    cancelled, live = cancelled_and_live
    client.force_login(users["customer"])
    pages = [
        reverse("customer-app"),
        reverse("yd-app-policy", args=[cancelled.pk]),
        reverse("yd-app-policy", args=[live.pk]),
        reverse("yd-app-cancel", args=[live.pk]),
        reverse("driving-app", args=[live.pk]),
        reverse("customer-complaint-new"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not RULE.findall(text), f"{url} shows rule ids {RULE.findall(text)[:5]}"
        assert not INTERNAL.search(text), url
        assert "£{" not in text and "0.24900" not in text, url


def test_yd_cancel_2_staff_still_see_rule_ids_on_the_steps(client, users, cancelled_and_live):
    cancelled, _ = cancelled_and_live
    client.force_login(users["agent"])
    page = client.get(reverse("yd-bo-policy", args=[cancelled.pk])).content.decode()
    assert "YD-CANCEL-2" in visible_text(page)


def test_yd_pay_1_customer_reads_apr_as_a_percentage(client, users, cancelled_and_live):
    _, live = cancelled_and_live
    client.force_login(users["customer"])
    page = visible_text(client.get(reverse("yd-app-policy", args=[live.pk])).content.decode())
    apr = re.search(r"APR (\S+)", page)
    assert apr is not None and apr.group(1).endswith("%"), page
