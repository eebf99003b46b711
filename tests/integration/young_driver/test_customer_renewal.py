"""YD-FEE-REN in the customer app: the invited customer sees the offer and renews or declines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from covernote.domain.errors import DomainError
from covernote.domain.money import gbp
from covernote.young_driver.models import PolicyStatus, RenewalStatus, YDPolicy
from covernote.young_driver.services import (
    yd_policy_renew,
    yd_renewal_decline,
    yd_renewal_invite,
)

pytestmark = pytest.mark.django_db


def _invite(policy):
    return yd_renewal_invite(actor=None, policy=policy, today=policy.end - timedelta(days=21))


def test_yd_fee_ren_customer_sees_offer_and_a_double_submit_renews_once(
    client, users, card_policy, django_capture_on_commit_callbacks
):
    renewal = _invite(card_policy)
    client.force_login(users["customer"])
    url = reverse("yd-app-policy", args=[card_policy.pk])
    page = client.get(url).content.decode()
    assert gbp(renewal.renewal_premium) in page and gbp(renewal.total) in page
    assert gbp(renewal.renewal_fee) in page and renewal.renewal_fee == 50
    assert "no earlier than 14 days" in page
    # Customers read the steps in plain English, never a rule id (issue 12).
    assert "YD-PAY-2" not in page and '<span class="rule">' not in page
    form = {"action": "renew", "idempotency_key": "app-renew-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form)
        second = client.post(url, form)  # the same form submitted twice
        third = client.post(url, {**form, "idempotency_key": "app-renew-2"})  # re-rendered page
    renewal.refresh_from_db()
    new = renewal.new_policy
    assert new is not None and new.renewed_from == card_policy
    assert YDPolicy.objects.filter(renewed_from=card_policy).count() == 1
    assert first.url == second.url == third.url == reverse("yd-app-policy", args=[new.pk])
    assert new.fees.filter(rule="YD-FEE-REN").get().amount == renewal.renewal_fee
    assert new.payments.get().amount == renewal.total
    shown = client.get(url).content.decode()
    assert "Renew my policy" not in shown and new.number in shown


def test_yd_fee_ren_customer_declines_and_the_policy_runs_to_its_end(
    client, users, dd_policy, django_capture_on_commit_callbacks
):
    _invite(dd_policy)
    client.force_login(users["customer"])
    url = reverse("yd-app-policy", args=[dd_policy.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "decline_renewal"})
        client.post(url, {"action": "decline_renewal"})  # idempotent
    dd_policy.refresh_from_db()
    renewal = dd_policy.renewal
    assert renewal.status == RenewalStatus.DECLINED and renewal.declined_by == users["customer"]
    assert dd_policy.status == PolicyStatus.LIVE and renewal.new_policy is None
    assert dd_policy.versions.filter(kind="renewal_declined").count() == 1
    assert dd_policy.customer.documents.filter(kind="yd_renewal_declined").count() == 1
    page = client.get(url).content.decode()
    assert "Renew my policy" not in page and "You chose not to renew" in page
    with pytest.raises(DomainError) as exc:
        yd_policy_renew(actor=users["customer"], policy=dd_policy, idempotency_key="late")
    assert exc.value.rule == "YD-FEE-REN"


def test_yd_fee_ren_plt_4_another_customer_cannot_decline(users, card_policy, customers):
    from covernote.accounts.models import Role, User

    _invite(card_policy)
    other = User.objects.create_user(email="other@example.com", password="x", role=Role.CUSTOMER)
    with pytest.raises(DomainError):
        yd_renewal_decline(actor=other, policy=card_policy)
    card_policy.renewal.refresh_from_db()
    assert card_policy.renewal.status == RenewalStatus.INVITED
