"""Complaint fixtures: a helper to register a complaint at a fixed time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from covernote.complaints.inputs import ComplaintRegistration

LONDON = ZoneInfo("Europe/London")


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def complaints_procedures(db):
    """The complaints procedures are a loaded product configuration (ADR 0005, 0009)."""
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


@pytest.fixture
def register(users, customers):
    from covernote.complaints.services import complaint_register

    def make(customer_key="harbour", *, received, now=None, actor="agent", **data):
        payload = {
            "received_at": received,
            "channel": "phone",
            "procedure": "broker_platform",
            "product": "motor_other",
            "main_cause": "general_admin",
            "description": "The renewal letter never arrived and cover lapsed",
            **data,
        }
        return complaint_register(
            actor=users[actor],
            customer=customers[customer_key],
            now=now or received,
            data=ComplaintRegistration.parse(payload),
        )

    return make
