"""Issue 13 (PLT-7, YD-INFO, YD-SPEED-3): Young Driver letters fit to send — the sender's
identity and the pinned product's insurer, FSCS and law on every letter; the speeding
letter in London time, with road names and whole mph, never a raw way id or a rule id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from covernote.documents.models import Document
from covernote.products.selectors import params_of
from tests.integration.letter_checks import (
    assert_customer_fit,
    assert_sender_identity,
    give_firms_identity,
    pdf_text,
)
from tests.integration.young_driver.conftest import buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(yd_config, users, customers, firms, django_capture_on_commit_callbacks):
    give_firms_identity(firms)
    customer = customers["own"]
    customer.title = "Mr"
    customer.save()
    return buy(users["agent"], customer)


def test_yd_info_schedule_carries_sender_identity_insurer_fscs_and_law(policy):
    text = pdf_text(Document.objects.get(kind="yd_schedule", related_id=str(policy.pk)))
    disclosures = params_of(policy.config).disclosures
    assert_sender_identity(text)
    assert disclosures.insurer_statement[:50] in text
    assert "compulsory insurance (such as third-party motor cover) is protected for 100%" in text
    assert "law of England and Wales applies" in text
    assert "Dear Mr Young," in text and "Dear Mr Jamie Young" not in text
    assert "NORWICH NR1 1AA" in text  # POST TOWN in capitals, postcode last
    assert_customer_fit(text)


def alert_letter(policy, *, road_name, action="alert"):
    from covernote.telematics.models import DrivingAlert
    from covernote.telematics.services import _send_alert_letter

    at = datetime(2026, 12, 1, 11, 47, 48, tzinfo=UTC)
    alert = DrivingAlert.objects.create(
        policy=policy,
        kind="significant",
        action=action,
        rule="YD-SPEED-2",
        at=at,
        alerts_before=0,
        evidence={
            "rule": "YD-SPEED-2",
            "inputs": {
                "ts": at.isoformat(),
                "road_id": "256366927",
                "road_name": road_name,
                "limit_mph": 29.8,
                "speed_mph": 47.6,
            },
        },
    )
    _send_alert_letter(alert.pk)
    alert.refresh_from_db()
    return alert.document


@pytest.mark.parametrize("action", ["alert", "notice_proposed"])
def test_yd_speed_3_alert_letter_has_london_time_road_and_whole_mph(policy, action):
    doc = alert_letter(policy, road_name="Station Road", action=action)
    text = pdf_text(doc)
    assert "1 December 2026 at 11:47" in text
    assert "Station Road" in text
    assert "30 mph" in text and "47 mph" in text
    assert "29.8" not in text and "47.6" not in text
    assert "256366927" not in text
    assert "YD-SPEED" not in text
    assert_sender_identity(text)
    assert_customer_fit(text)


def test_yd_speed_3_alert_letter_without_a_road_name_says_an_unnamed_road(policy):
    text = pdf_text(alert_letter(policy, road_name=None))
    assert "an unnamed road" in text
    assert "256366927" not in text
    assert_customer_fit(text)
