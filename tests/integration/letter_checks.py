"""Checks every customer letter must pass before it is fit to send (issue 13, PLT-7)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from pypdf import PdfReader

SENDER = {
    "fca_number": "300001",
    "company_number": "09876543",
    "registered_office": "Coplus House\n1 Quayside\nNewcastle upon Tyne\nNE1 3DX",
}
BROKER = {
    "fca_number": "400001",
    "company_number": "08765432",
    "registered_office": "Northgate Chambers\n12 Park Row\nLeeds\nLS1 5HD",
}

MONEY_WITHOUT_SEPARATOR = re.compile(r"£\d{4,}")  # £21000.00 rather than £21,000.00
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(T|\s)\d{2}:\d{2}")
# GAP-COVER-3, YD-PAY-2, YD-BOX-TAMPER, PLT-7, COMP-6 (not references like GAP-3263F13F)
RULE_ID = re.compile(r"\b(?:(?:GAP|YD|PLT|COMP)-[A-Z]{2,}(?:-[A-Z0-9*]+)*|(?:PLT|COMP)-\d+)\b")


def give_firms_identity(firms) -> None:
    """The intermediary and the Northgate broker as the FCA register and Companies House
    know them (the fixtures create them bare)."""
    for key, identity in (("coplus", SENDER), ("north", BROKER)):
        firm = firms[key]
        for field, value in identity.items():
            setattr(firm, field, value)
        firm.save()


def pdf_text(document) -> str:
    """The text of the stored PDF, whitespace collapsed (pypdf)."""
    document.pdf.open("rb")
    try:
        data = document.pdf.read()
    finally:
        document.pdf.close()
    dump = os.environ.get("COVERNOTE_LETTER_DUMP")  # look at them: pdftoppm -png -r 60
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / f"{document.kind}-{document.pk}.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def assert_sender_identity(text: str) -> None:
    assert "firm reference number 300001" in text
    assert "company number 09876543" in text
    assert "Registered office: Coplus House, 1 Quayside, Newcastle upon Tyne, NE1 3DX" in text


def assert_customer_fit(text: str) -> None:
    """No money over £999 without a thousands separator, no ISO timestamps, no rule ids."""
    assert not MONEY_WITHOUT_SEPARATOR.search(text), MONEY_WITHOUT_SEPARATOR.search(text)
    assert not ISO_TIMESTAMP.search(text), ISO_TIMESTAMP.search(text)
    assert not RULE_ID.search(text), RULE_ID.search(text)
