"""YD-FEE-REN from the back-office policy page: invite, then renew (a new linked policy)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_yd_fee_ren_staff_invite_and_renew_from_the_policy_page(
    client, users, card_policy, django_capture_on_commit_callbacks
):
    client.force_login(users["agent"])
    url = reverse("yd-bo-policy", args=[card_policy.pk])
    assert "Send the renewal invitation now" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "renewal_invite"})
    card_policy.refresh_from_db()
    renewal = card_policy.renewal
    assert (
        renewal.renewal_fee == 50 and renewal.total == renewal.renewal_premium + renewal.renewal_fee
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "renew", "idempotency_key": "renew-page-1"})
    renewal.refresh_from_db()
    assert renewal.new_policy is not None
    assert response.url == reverse("yd-bo-policy", args=[renewal.new_policy.pk])
    assert renewal.new_policy.start == card_policy.end + __import__("datetime").timedelta(days=1)
