"""YD-MILES-1: tracked miles from trips against the pro-rata declared mileage; top-up or notice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from covernote.telematics.demo import demo_day
from covernote.telematics.mileage import mileage_check_run
from covernote.telematics.models import MileageTopUp, Trip
from covernote.telematics.services import telematics_score
from tests.integration.telematics.conftest import NOW

pytestmark = pytest.mark.django_db

CHECK_ON = date(2026, 3, 3)  # day 2 of cover


@pytest.fixture
def low_mileage(device, road_map):
    policy = device.policy
    policy.rating_inputs = {
        **policy.rating_inputs,
        "annual_mileage": 1000,
    }  # allowance 5.5 miles by day 2
    policy.save(update_fields=["rating_inputs"])
    telematics_score(points=demo_day(device.serial, CHECK_ON, cars=6), now=NOW)
    return policy


def test_yd_miles_1_over_the_pro_rata_allowance_gets_a_priced_top_up(
    low_mileage, django_capture_on_commit_callbacks
):
    tracked = int(
        Decimal(str(sum(Trip.objects.values_list("distance_m", flat=True)))) / Decimal("1609.344")
    )
    allowance = Decimal(1000) * 2 / 365
    assert tracked > allowance  # the six demo trips are well over 5.5 miles
    with django_capture_on_commit_callbacks(execute=True):
        assert mileage_check_run(as_of=CHECK_ON) == "1 mileage top-ups offered"
        assert (
            mileage_check_run(as_of=CHECK_ON) == "0 mileage top-ups offered"
        )  # one open offer at a time
    offer = MileageTopUp.objects.get()
    assert offer.tracked_miles == tracked
    assert offer.miles % 1000 == 0 and offer.miles >= tracked - allowance
    assert offer.gross == offer.net + offer.ipt
    assert offer.document is not None


def test_yd_miles_1_within_allowance_no_offer(device, road_map):
    telematics_score(points=demo_day(device.serial, CHECK_ON, cars=1), now=NOW)
    assert mileage_check_run(as_of=CHECK_ON) == "0 mileage top-ups offered"


def test_yd_miles_1_customer_buys_in_the_app_and_is_charged_after_notice(
    client, users, low_mileage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mileage_check_run(as_of=CHECK_ON)
        client.force_login(users["customer"])
        url = reverse("driving-app", args=[low_mileage.pk])
        assert 'data-testid="top-up"' in client.get(url).content.decode()
        client.post(url, {"offer": MileageTopUp.objects.get().pk, "answer": "buy"})
    offer = MileageTopUp.objects.get()
    assert offer.status == "bought"
    payment = low_mileage.payments.order_by("-id").first()
    assert payment.amount == offer.gross


def test_yd_miles_1_declining_leads_to_notice_of_cancellation(
    client, users, low_mileage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mileage_check_run(as_of=CHECK_ON)
        client.force_login(users["customer"])
        client.post(
            reverse("driving-app", args=[low_mileage.pk]),
            {"offer": MileageTopUp.objects.get().pk, "answer": "decline"},
        )
    low_mileage.refresh_from_db()
    assert low_mileage.status == "notice"
    assert MileageTopUp.objects.get().status == "declined"
