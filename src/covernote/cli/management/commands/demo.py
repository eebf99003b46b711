"""``covernote demo``: load demo data idempotently and print the demo logins (PLT-4 roles)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from covernote.accounts.models import Firm, FirmKind, Role, TermsOfService, User
from covernote.parties.models import AdjustmentKind, Customer
from covernote.parties.services import adjustment_record, customer_create

DEMO_PASSWORD = "covernote-demo-2026"

# name, kind, phone, FCA firm reference number, company number, registered office
# (issue 13: every letter carries them). Illustrative: the numbers are not real firms'.
FIRMS = [
    (
        "Coplus Insurance Services",
        FirmKind.INTERMEDIARY,
        "0191 000 0000",
        "300001",
        "09876543",
        "Coplus House\n1 Quayside\nNEWCASTLE UPON TYNE\nNE1 3DX",
    ),
    (
        "Northgate Motor Brokers",
        FirmKind.BROKER,
        "0113 496 0000",
        "400001",
        "08765432",
        "Northgate Chambers\n12 Park Row\nLEEDS\nLS1 5HD",
    ),
    (
        "Harbour Lane Insurance Brokers",
        FirmKind.BROKER,
        "023 9618 0000",
        "400002",
        "07654321",
        "3 Harbour Lane\nPORTSMOUTH\nPO1 3LJ",
    ),
]

USERS = [
    ("broker@northgate.example", "Nadia Broker", Role.BROKER, "Northgate Motor Brokers", False),
    (
        "broker@harbourlane.example",
        "Hugo Broker",
        Role.BROKER,
        "Harbour Lane Insurance Brokers",
        False,
    ),
    ("agent@coplus.example", "Alex Agent", Role.AGENT, "Coplus Insurance Services", False),
    ("manager@coplus.example", "Morgan Manager", Role.MANAGER, "Coplus Insurance Services", False),
    (
        "claims@coplus.example",
        "Casey Claims",
        Role.CLAIMS_HANDLER,
        "Coplus Insurance Services",
        False,
    ),
    ("qa@coplus.example", "Quinn Quality", Role.QA, "Coplus Insurance Services", False),
    (
        "admin@coplus.example",
        "Ula Underwriter",
        Role.UNDERWRITER,
        "Coplus Insurance Services",
        True,
    ),
    ("customer@example.com", "Jamie Young", Role.CUSTOMER, None, False),
]

TERMS_V1 = """These Terms of Service govern your firm's use of the broker platform.

1. You may use the platform only to arrange insurance for your own customers, and only through users your firm has authorised.
2. You must keep your password secret and tell us at once if you think someone else knows it.
3. You must give customers the documents the platform produces, in the format they need.
4. We record every action on the platform in an audit log.
5. You must tell us about any complaint you receive about a product arranged through the platform."""

CUSTOMERS: list[dict[str, Any]] = [
    {
        "firm": "Northgate Motor Brokers",
        "first_name": "Margaret",
        "last_name": "Holloway",
        "title": "Mrs",
        "date_of_birth": date(1951, 4, 12),
        "address_line1": "14 Beacon Row",
        "town": "Leeds",
        "postcode": "LS6 2AB",
        "email": "m.holloway@example.com",
        "phone": "0113 496 0123",
        "contact_channel": "letter",
        "document_format": "large_print",
        "adjustments": [
            (
                AdjustmentKind.CONTACT_BY_LETTER,
                "Hearing impairment: contact by written letter, not phone.",
            ),
            (AdjustmentKind.LARGE_PRINT, "Needs large print letters only."),
        ],
    },
    {
        "firm": "Northgate Motor Brokers",
        "first_name": "Daniel",
        "last_name": "Okafor",
        "title": "Mr",
        "date_of_birth": date(1988, 9, 3),
        "address_line1": "7 Mill Lane",
        "locality": "Horbury",
        "town": "Wakefield",
        "postcode": "WF1 3QT",
        "email": "d.okafor@example.com",
        "phone": "07700 900123",
        "contact_channel": "email",
        "adjustments": [],
    },
    {
        "firm": "Harbour Lane Insurance Brokers",
        "first_name": "Fiona",
        "last_name": "MacLeod",
        "title": "Ms",
        "salutation_style": "first_name",  # she asked to be written to as "Dear Fiona"
        "date_of_birth": date(1979, 1, 30),
        "address_line1": "3 Quay Street",
        "town": "Glasgow",
        "postcode": "G1 4AA",
        "nation": "scotland",
        "email": "fiona.macleod@example.com",
        "contact_channel": "email",
        "adjustments": [],
    },
    {
        "firm": None,
        "first_name": "Jamie",
        "last_name": "Young",
        "title": "",
        "date_of_birth": date(2006, 6, 15),
        "address_line1": "22 Station Road",
        "town": "Norwich",
        "postcode": "NR1 1AA",
        "email": "customer@example.com",
        "phone": "07700 900456",
        "contact_channel": "email",
        "adjustments": [],
        "user": "customer@example.com",
    },
]


class Command(BaseCommand):
    help = "Load demo firms, users for every role and customers (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        firms = {}
        for name, kind, phone, frn, company_number, office in FIRMS:
            firm, _ = Firm.objects.get_or_create(
                name=name, defaults={"kind": kind.value, "phone": phone, "fca_number": frn}
            )
            # a demo loaded before issue 13 gains the identity its letters now print
            identity = {"fca_number": frn, "company_number": company_number}
            identity["registered_office"] = office
            changed = [k for k, v in identity.items() if not getattr(firm, k)]
            for key in changed:
                setattr(firm, key, identity[key])
            if changed:
                firm.save(update_fields=changed)
            firms[name] = firm
        TermsOfService.objects.get_or_create(version="1.0", defaults={"body": TERMS_V1})
        users = {}
        for email, name, role, firm_name, is_staff in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=name,
                    role=role.value,
                    firm=firms.get(firm_name) if firm_name else None,
                    is_staff=is_staff,
                    is_superuser=is_staff,
                )
            users[email] = user
        agent = users["agent@coplus.example"]
        for spec in CUSTOMERS:
            spec = dict(spec)
            if Customer.objects.filter(email=spec["email"]).exists():
                continue
            firm_name = spec.pop("firm")
            adjustments = spec.pop("adjustments")
            user_email = spec.pop("user", None)
            customer = customer_create(
                actor=agent, data={**spec, "firm_id": firms[firm_name].pk if firm_name else None}
            )
            if user_email:
                customer.user = users[user_email]
                customer.save(update_fields=["user"])
            for kind, note in adjustments:
                adjustment_record(actor=agent, customer=customer, kind=kind, note=note)
        from covernote.young_driver.demo import load_demo

        self.stdout.write(load_demo())
        from covernote.gap.demo import load_demo as gap_demo  # GAP (SPEC §1)

        self.stdout.write(gap_demo())
        from covernote.telematics.demo import load_demo as telematics_demo  # YD-SCORE, YD-SPEED

        self.stdout.write(telematics_demo())
        from covernote.complaints.demo import load_demo as complaints_demo  # COMP-1

        self.stdout.write(complaints_demo())
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role, firm_name, _ in USERS:
            self.stdout.write(f"  {Role(role).label:28} {email:30} {firm_name or ''}")
