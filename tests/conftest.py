"""Shared fixtures: two broker firms (tenants), the intermediary, users for every role."""

from __future__ import annotations

from datetime import date

import pytest

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def firms(db):
    from covernote.accounts.models import Firm, FirmKind

    return {
        "coplus": Firm.objects.create(
            name="Coplus", kind=FirmKind.INTERMEDIARY, phone="0191 000 0000"
        ),
        "north": Firm.objects.create(name="Northgate", kind=FirmKind.BROKER, phone="0113 496 0000"),
        "harbour": Firm.objects.create(
            name="Harbour Lane", kind=FirmKind.BROKER, phone="023 9618 0000"
        ),
    }


def make_user(email, role, firm=None, **extra):
    from covernote.accounts.models import User

    return User.objects.create_user(
        email, PASSWORD, full_name=email.split("@")[0].title(), role=role.value, firm=firm, **extra
    )


@pytest.fixture
def users(firms):
    from covernote.accounts.models import Role

    return {
        "broker_north": make_user("broker@north.example", Role.BROKER, firms["north"]),
        "broker_harbour": make_user("broker@harbour.example", Role.BROKER, firms["harbour"]),
        "agent": make_user("agent@coplus.example", Role.AGENT, firms["coplus"]),
        "manager": make_user("manager@coplus.example", Role.MANAGER, firms["coplus"]),
        "claims": make_user("claims@coplus.example", Role.CLAIMS_HANDLER, firms["coplus"]),
        "qa": make_user("qa@coplus.example", Role.QA, firms["coplus"]),
        "admin": make_user(
            "admin@coplus.example",
            Role.UNDERWRITER,
            firms["coplus"],
            is_staff=True,
            is_superuser=True,
        ),
        "customer": make_user("jamie@example.com", Role.CUSTOMER),
    }


@pytest.fixture
def terms(db):
    from covernote.accounts.models import TermsOfService

    return TermsOfService.objects.create(version="1.0", body="Use the platform properly.")


@pytest.fixture
def customers(users, firms):
    from covernote.parties.models import AdjustmentKind
    from covernote.parties.services import adjustment_record, customer_create

    agent = users["agent"]
    north = customer_create(
        actor=agent,
        data={
            "first_name": "Margaret",
            "last_name": "Holloway",
            "date_of_birth": date(1951, 4, 12),
            "address_line1": "14 Beacon Row",
            "town": "Leeds",
            "postcode": "LS6 2AB",
            "email": "m.holloway@example.com",
            "phone": "0113 496 0123",
            "contact_channel": "phone",
            "firm_id": firms["north"].pk,
        },
    )
    adjustment_record(
        actor=agent,
        customer=north,
        kind=AdjustmentKind.CONTACT_BY_LETTER,
        note="Hearing impairment: contact by written letter, not phone.",
    )
    adjustment_record(
        actor=agent,
        customer=north,
        kind=AdjustmentKind.LARGE_PRINT,
        note="Large print letters only.",
    )
    harbour = customer_create(
        actor=agent,
        data={
            "first_name": "Fiona",
            "last_name": "MacLeod",
            "date_of_birth": date(1979, 1, 30),
            "address_line1": "3 Quay Street",
            "town": "Glasgow",
            "postcode": "G1 4AA",
            "nation": "scotland",
            "email": "fiona@example.com",
            "firm_id": firms["harbour"].pk,
        },
    )
    own = customer_create(
        actor=agent,
        data={
            "first_name": "Jamie",
            "last_name": "Young",
            "date_of_birth": date(2006, 6, 15),
            "address_line1": "22 Station Road",
            "town": "Norwich",
            "postcode": "NR1 1AA",
            "email": "jamie@example.com",
        },
    )
    own.user = users["customer"]
    own.save()
    return {"north": north, "harbour": harbour, "own": own}
