"""Driving pages (YD-SCORE-2, YD-SPEED-3, YD-THEFT-1): who sees what, charts, evidence pack."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from covernote.telematics.demo import demo_day
from covernote.telematics.services import telematics_score
from tests.integration.telematics.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def driven(device, road_map, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        telematics_score(points=demo_day(device.serial, date(2026, 3, 3), cars=6), now=NOW)
    return device.policy


def test_yd_score_2_customer_sees_trips_scores_trend_and_alerts(client, users, driven):
    client.force_login(users["customer"])
    page = client.get(reverse("driving-app", args=[driven.pk])).content.decode()
    assert page.count("<svg") >= 3  # indicator bars, trend line, at least one route
    assert 'data-testid="alerts"' in page and "mph" in page
    assert "last known position" not in page.lower()  # staff only (YD-THEFT-1)


def test_yd_theft_1_staff_see_last_known_position_and_ladder(client, users, driven):
    client.force_login(users["agent"])
    page = client.get(reverse("driving-staff", args=[driven.pk])).content.decode()
    assert 'data-testid="last-position"' in page and "Alert ladder" in page


def test_yd_speed_3_evidence_pack_is_a_pdf_with_the_alerts(client, users, driven):
    client.force_login(users["agent"])
    response = client.get(reverse("driving-evidence", args=[driven.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert driven.number in text and "Alert ladder" in text and "mph" in text


def test_plt4_other_customers_and_brokers_get_404(client, users, driven, customers):
    client.force_login(users["broker_harbour"])
    assert client.get(reverse("driving-staff", args=[driven.pk])).status_code == 404
    client.force_login(users["agent"])
    assert client.get(reverse("driving-app", args=[driven.pk])).status_code == 404  # customer page


def test_yd_cancel_5_staff_issue_the_proposed_notice_and_the_policy_is_cancelled_when_it_ends(
    client, users, driven, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from covernote.young_driver.services import yd_notices_expire

    client.force_login(users["agent"])
    page = client.get(reverse("driving-staff", args=[driven.pk])).content.decode()
    assert 'data-testid="notice-form"' in page  # the ladder proposed a notice (YD-SPEED-1)
    url = reverse("driving-staff", args=[driven.pk])
    # ADR 0026: the first POST only shows the last day of cover and the refund
    check = client.post(url, {"rule": "YD-SPEED-1"}).content.decode()
    assert 'data-testid="confirm-step"' in check and "Last day of cover" in check
    assert "£" in check
    driven.refresh_from_db()
    assert driven.status == "live"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"rule": "YD-SPEED-1", "confirm": "yes"})
    driven.refresh_from_db()
    assert driven.status == "notice" and driven.notice_cancel_on is not None
    assert driven.customer.documents.filter(kind="yd_cancellation_notice").exists()
    assert "0 policies" in yd_notices_expire(as_of=driven.notice_cancel_on - timedelta(days=1))
    assert "1 policies" in yd_notices_expire(as_of=driven.notice_cancel_on)
    driven.refresh_from_db()
    assert driven.status == "cancelled"
