"""Dates that tell the truth: the Smartbox clock after a vehicle change (YD-BOX-INSTALL,
YD-BOX-VEHICLE) and cancellation dates (YD-CANCEL-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from covernote.domain.errors import DomainError
from covernote.young_driver.inputs import CancelInput, VehicleChangeInput
from covernote.young_driver.models import InstallTaskStatus
from covernote.young_driver.services import yd_policy_cancel, yd_policy_vehicle_change
from tests.integration.young_driver.conftest import START


def test_yd_box_install_deadline_runs_from_the_new_vehicles_effective_date(card_policy, users):
    recorded = START + timedelta(days=30)
    effective = recorded + timedelta(days=10)
    yd_policy_vehicle_change(
        actor=users["agent"],
        policy=card_policy,
        today=recorded,
        data=VehicleChangeInput(
            vehicle_reg="XY26 ABC",
            vehicle_group=10,
            new_box=True,
            effective=effective,
            idempotency_key="vc-future",
        ),
    )
    task = card_policy.install_tasks.get(status=InstallTaskStatus.OPEN)
    assert task.anchor == effective
    assert task.deadline == effective + timedelta(days=14)


def test_yd_cancel_1_a_last_day_of_cover_in_the_past_is_refused(card_policy, users):
    today = START + timedelta(days=30)
    with pytest.raises(DomainError) as err:
        yd_policy_cancel(
            actor=users["customer"],
            policy=card_policy,
            today=today,
            data=CancelInput(cancel_on=START.replace(year=2012)),
        )
    assert err.value.field == "cancel_on"
    assert err.value.rule == "YD-CANCEL-1"
    assert "past" in err.value.message or "earliest" in err.value.message
    card_policy.refresh_from_db()
    assert card_policy.status == "live"


def test_yd_cancel_1_customer_app_refuses_a_past_date_next_to_the_field(client, users, card_policy):
    from django.urls import reverse

    client.force_login(users["customer"])
    url = reverse("yd-app-cancel", args=[card_policy.pk])
    response = client.post(url, {"cancel_on": "2012-05-01", "confirm": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error_cancel_on"' in page
    assert "cannot be in the past" in page
    assert 'aria-invalid="true"' in page
    assert "YD-CANCEL-1" not in page  # customers are not shown rule ids
    assert 'value="2012-05-01"' in page  # what they typed stays in the field
    card_policy.refresh_from_db()
    assert card_policy.status == "live"


def test_yd_cancel_1_customer_app_offers_no_cancellation_once_cancelled(client, users, card_policy):

    from django.urls import reverse

    today = timezone.localdate()
    yd_policy_cancel(
        actor=users["customer"],
        policy=card_policy,
        today=today,
        data=CancelInput(cancel_on=today),
    )
    client.force_login(users["customer"])
    page = client.get(reverse("yd-app-policy", args=[card_policy.pk])).content.decode()
    assert "Cancel my policy" not in page
    # The working is in words: no rule ids on the customer's page.
    assert 'data-testid="cancellation-summary"' in page and "Your refund" in page
    assert 'class="rule"' not in page
    page = client.get(reverse("yd-app-cancel", args=[card_policy.pk])).content.decode()
    assert 'type="submit" class="primary">Cancel my policy' not in page
    assert "nothing to cancel" in page


def test_yd_cancel_1_back_office_offers_no_changes_on_a_cancelled_or_ended_policy(
    client, users, card_policy
):

    from django.urls import reverse

    client.force_login(users["agent"])
    url = reverse("yd-bo-policy", args=[card_policy.pk])
    assert "Cancel policy</button>" in client.get(url).content.decode()
    # A term that has run out (no stored expiry state): nothing to change or cancel.
    card_policy.end = timezone.localdate() - timedelta(days=1)
    card_policy.save(update_fields=["end"])
    page = client.get(url).content.decode()
    assert "Cancel policy</button>" not in page
    assert "Record MTA" not in page


def test_yd_box_install_vehicle_change_page_says_the_new_deadline(client, users, card_policy):

    from django.urls import reverse

    effective = timezone.localdate() + timedelta(days=5)
    client.force_login(users["agent"])
    response = client.post(
        reverse("yd-bo-policy", args=[card_policy.pk]),
        {
            "action": "vehicle",
            "idempotency_key": "vc-page",
            "vehicle_reg": "ZZ26 NEW",
            "vehicle_group": "10",
            "new_box": "yes",
            "effective": effective.isoformat(),
        },
        follow=True,
    )
    deadline = effective + timedelta(days=14)
    assert f"{deadline.day} {deadline:%B %Y}" in response.content.decode()


def test_yd_cancel_1_back_office_shows_a_past_date_refusal_next_to_the_field(
    client, users, card_policy
):
    from django.urls import reverse

    client.force_login(users["agent"])
    response = client.post(
        reverse("yd-bo-policy", args=[card_policy.pk]),
        {"action": "cancel", "cancel_on": "2012-05-01", "by": "customer"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error_cancel_on"' in page and "cannot be in the past" in page
    assert "(YD-CANCEL-1)" in page  # staff see the rule
    assert 'value="2012-05-01"' in page
    card_policy.refresh_from_db()
    assert card_policy.status == "live"


def test_yd_cancel_1_back_office_reads_today_in_uk_time_not_the_servers(client, users, card_policy):
    """At 23:30 UTC on a summer night it is already tomorrow in the UK (BST): a term that
    ends "today" on a UTC server's calendar has ended on the UK calendar the wording uses."""
    from datetime import UTC, date, datetime
    from unittest import mock

    from django.urls import reverse

    ended = date(2027, 7, 1)  # after the real today, so the server's own calendar says live
    card_policy.end = ended
    card_policy.save(update_fields=["end"])
    url = reverse("yd-bo-policy", args=[card_policy.pk])

    def page_at(instant):
        with mock.patch("django.utils.timezone.now", return_value=instant):
            client.force_login(users["agent"])  # a session that is current at that instant
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    last_evening = page_at(datetime(2027, 7, 1, 22, 30, tzinfo=UTC))  # 23:30 BST, 1 July
    assert "Cancel policy</button>" in last_evening
    after_midnight = page_at(datetime(2027, 7, 1, 23, 30, tzinfo=UTC))  # 00:30 BST, 2 July
    assert "Cancel policy</button>" not in after_midnight
    assert "Record MTA" not in after_midnight
