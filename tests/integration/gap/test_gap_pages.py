"""GAP pages and PDF downloads are tenant-scoped (PLT-4) and show adjustments (PLT-2)."""

from __future__ import annotations

import pytest

from covernote.gap.selectors import policy_documents

pytestmark = pytest.mark.django_db


def login(client, email):
    from covernote.accounts.models import TermsAcceptance, TermsOfService, User

    terms = TermsOfService.objects.first() or TermsOfService.objects.create(version="1.0", body="x")
    TermsAcceptance.objects.get_or_create(user=User.objects.get(email=email), terms=terms)
    client.force_login(User.objects.get(email=email))
    return client


def test_plt4_other_firm_gets_404_on_every_gap_page(client, sold_policy):
    p = sold_policy
    doc = policy_documents(p).first()
    login(client, "broker@harbour.example")
    urls = [
        f"/broker/gap/quotes/{p.quote_id}/",
        f"/broker/gap/policies/{p.pk}/",
        f"/broker/gap/policies/{p.pk}/documents/{doc.pk}.pdf",
        f"/broker/gap/policies/{p.pk}/cancel/",
        f"/broker/gap/quotes/new/?customer={p.customer_id}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert p.number not in client.get("/broker/gap/").content.decode()


def test_plt4_another_firms_cancellation_is_not_found_like_a_missing_one(sold_policy, users):
    from covernote.audit.models import AuditRecord
    from covernote.domain.errors import DomainError
    from covernote.gap.inputs.policy import CancelInput
    from covernote.gap.selectors import cancellation_get_for
    from covernote.gap.services import gap_policy_cancel

    c = gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": sold_policy.start_on}),
    )
    errors = []
    for pk in (c.pk, c.pk + 1000):
        try:
            cancellation_get_for(users["broker_harbour"], pk)
        except DomainError as exc:
            errors.append(exc.as_dict())
    assert (
        errors[0]
        == errors[1]
        == {
            "code": "not_found",
            "rule": "PLT-4",
            "message": "no such cancellation",
            "field": "cancellation_id",
        }
    )
    assert AuditRecord.objects.filter(action="access.denied", object_id=str(c.pk)).exists()
    assert cancellation_get_for(users["broker_north"], c.pk) == c


def test_gap_own_firm_downloads_the_schedule_pdf_and_sees_adjustments(client, sold_policy):
    doc = policy_documents(sold_policy).filter(kind="gap_schedule").get()
    login(client, "broker@north.example")
    page = client.get(f"/broker/gap/policies/{sold_policy.pk}/").content.decode()
    assert 'data-testid="adjustments"' in page
    pdf = client.get(f"/broker/gap/policies/{sold_policy.pk}/documents/{doc.pk}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_gap_claim_pages_are_back_office_only(client, sold_policy):
    login(client, "broker@north.example")
    assert client.get("/backoffice/gap/claims/").status_code == 404
    assert client.get(f"/backoffice/gap/policies/{sold_policy.pk}/claims/new/").status_code == 404


def test_gap_demo_is_idempotent(db, capsys):
    from django.core.management import call_command

    from covernote.gap.models import GapClaim, GapPolicy

    call_command("demo")
    call_command("demo")
    assert GapPolicy.objects.count() == 1 and GapClaim.objects.count() == 1
