"""Issue 13 (PLT-7, COMP-6): complaint letters carry the sender's FCA firm reference
number, registered office and company number, and greet the complainant as they chose."""

from __future__ import annotations

import pytest

from covernote.documents.models import Document
from tests.integration.complaints.conftest import at
from tests.integration.letter_checks import (
    assert_customer_fit,
    assert_sender_identity,
    give_firms_identity,
    pdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "style", "greeting"),
    [("Ms", "title_surname", "Dear Ms MacLeod,"), ("Ms", "first_name", "Dear Fiona,")],
)
def test_comp_6_acknowledgement_has_firm_identity_and_the_chosen_greeting(
    register, customers, firms, title, style, greeting
):
    give_firms_identity(firms)
    fiona = customers["harbour"]
    fiona.title, fiona.salutation_style = title, style
    fiona.save()
    complaint = register("harbour", received=at(2026, 3, 2))
    doc = Document.objects.get(kind="complaint_acknowledgement", related_id=str(complaint.pk))
    text = pdf_text(doc)
    assert_sender_identity(text)
    assert greeting in text
    assert "Dear Ms Fiona MacLeod" not in text
    assert "GLASGOW G1 4AA" in text
    assert_customer_fit(text)
