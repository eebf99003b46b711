"""What every sample letter shares: the date, the customer, the letterhead and ``Sample``
(PLT-7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from covernote.domain.letterhead import Disclosures, FirmIdentity, Letterhead
from covernote.parties.models import Customer
from covernote.products.loader import shipped_params

#: The "today" of every sample: the letter's date line.
SAMPLE_DATE = date(2026, 5, 1)

GAP_TEMPLATE = "gap/documents/letter.html"
YD_TEMPLATE = "documents/yd_letter.html"
COMPLAINT_TEMPLATE = "documents/complaint_letter.html"


P = TypeVar("P")


@dataclass(frozen=True)
class Sample:
    """One letter ready to render: its title, template and context (``customer`` and
    ``today`` included)."""

    title: str
    template: str
    context: dict[str, Any]


def sample_customer() -> Customer:
    """The demo's Mrs Margaret Holloway (``covernote demo``), never saved."""
    return Customer(
        reference="CUS-000101",
        title="Mrs",
        first_name="Margaret",
        last_name="Holloway",
        date_of_birth=date(1951, 4, 12),
        address_line1="14 Beacon Row",
        town="Leeds",
        postcode="LS6 2AB",
        email="m.holloway@example.com",
        phone="+441134960123",
        contact_channel="letter",
        document_format="large_print",
    )


#: The sender of every customer letter (``settings.COVERNOTE["FIRM_NAME"]``) and Mrs
#: Holloway's broker, as ``covernote demo`` loads them into ``accounts.Firm``
#: (``tests/unit/test_letter_samples.py`` keeps the two the same).
SAMPLE_SENDER = FirmIdentity(
    name="Coplus Insurance Services",
    frn="300001",
    registered_office=("Coplus House", "1 Quayside", "NEWCASTLE UPON TYNE", "NE1 3DX"),
    company_number="09876543",
    phone="0191 000 0000",
)
SAMPLE_BROKER = FirmIdentity(
    name="Northgate Motor Brokers",
    frn="400001",
    registered_office=("Northgate Chambers", "12 Park Row", "LEEDS", "LS1 5HD"),
    company_number="08765432",
    phone="0113 496 0000",
)


def in_force(product: str, kind: type[P]) -> P:
    """The shipped ``product`` parameters in force on :data:`SAMPLE_DATE` (the launch terms
    when that date is before the first version), as every sample letter reads them."""
    params = shipped_params(product, SAMPLE_DATE, launch_terms_before_first=True)
    if not isinstance(params, kind):
        raise TypeError(f"{product}: {type(params).__name__} is not {kind.__name__}")
    return params


def sample_letterhead(disclosures: Disclosures | None = None) -> Letterhead:
    """What ``documents.letterhead.letterhead(broker=..., disclosures=...)`` gives a
    letter to Mrs Holloway: the sender, her broker and the product's disclosures."""
    return Letterhead(sender=SAMPLE_SENDER, broker=SAMPLE_BROKER, disclosures=disclosures)


def _sample(
    title: str, template: str, *, disclosures: Disclosures | None = None, **context: Any
) -> Sample:
    """The context ``documents.services.document_issue`` renders a letter with."""
    customer = sample_customer()
    head = sample_letterhead(disclosures)
    return Sample(
        title=title,
        template=template,
        context={
            **context,
            "customer": customer,
            "title": title,
            "today": SAMPLE_DATE,
            "letterhead": head,
            "sender": head.sender,
            "footer": head.footer(),
            "address": customer.postal_address,
            "salutation": customer.salutation,
        },
    )
