"""PLT-7 catalogue page: staff only (PLT-4), every catalogued letter, samples in every format."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from covernote.accounts.models import TermsAcceptance
from covernote.documents.catalogue import CATALOGUE
from covernote.documents.goldens import pdf_facts
from covernote.documents.rendering import LARGE_PRINT_MIN_PT

pytestmark = pytest.mark.django_db


def test_plt7_staff_catalogue_lists_every_letter_with_rules_and_sample_links(client, users):
    client.force_login(users["agent"])
    page = client.get(reverse("letters-catalogue")).content.decode()
    assert 'href="/backoffice/letters/"' in page  # in the staff menu
    for t in CATALOGUE:
        assert f'data-letter="{t.key}"' in page
        assert escape(t.trigger) in page
        for rule in t.rules:
            assert f"<code>{rule}</code>" in page
        for fmt in t.outputs:
            assert reverse("letters-sample", args=[t.key, fmt.value]) in page


def test_plt2_catalogue_sample_opens_as_large_print_tagged_pdf(client, users):
    client.force_login(users["manager"])
    response = client.get(reverse("letters-sample", args=["gap_claim_approved", "large-print"]))
    assert response["Content-Type"] == "application/pdf"
    facts = pdf_facts(response.content)
    assert facts.tagged and facts.language == "en-GB"
    assert facts.smallest_pt >= LARGE_PRINT_MIN_PT


def test_plt7_catalogue_sample_as_plain_text(client, users):
    client.force_login(users["qa"])
    response = client.get(reverse("letters-sample", args=["complaint_acknowledgement", "text"]))
    assert response["Content-Type"].startswith("text/plain")
    assert "We have received your complaint".upper() in response.content.decode()


@pytest.mark.parametrize("who", ["broker_north", "customer"])
def test_plt4_catalogue_is_no_such_page_for_brokers_and_customers(client, users, terms, who):
    TermsAcceptance.objects.create(user=users[who], terms=terms)
    client.force_login(users[who])
    assert client.get(reverse("letters-catalogue")).status_code == 404
    sample = reverse("letters-sample", args=["gap_schedule", "standard"])
    assert client.get(sample).status_code == 404
    assert 'href="/backoffice/letters/"' not in client.get("/").content.decode()


def test_plt7_catalogue_unknown_letter_or_format_is_404(client, users):
    client.force_login(users["agent"])
    assert client.get(reverse("letters-sample", args=["nope", "standard"])).status_code == 404
    assert client.get(reverse("letters-sample", args=["gap_schedule", "braile"])).status_code == 404
