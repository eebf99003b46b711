"""Complaint pages through the Django client: customer page listing and link, the
classification form refusing clock dates, attachment download (COMP-1, COMP-7, PLT-4)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from covernote.audit.models import AuditRecord
from covernote.complaints.inputs import Attachment, FosReferral
from covernote.complaints.models import Complaint
from covernote.complaints.services import complaint_attach

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_comp1_customer_page_links_to_the_log_form_and_lists_complaints(register, users, customers):
    harbour = customers["harbour"]
    c = register("harbour", received=timezone.now())
    page = client_for(users["agent"]).get(f"/backoffice/customers/{harbour.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/backoffice/complaints/new/?customer={harbour.pk}" in html
    assert c.reference in html and "Stage 1" in html
    # the broker whose customer it is sees the complaint, but no "Log a complaint" link
    broker_page = client_for(users["broker_harbour"]).get(f"/backoffice/customers/{harbour.pk}/")
    assert broker_page.status_code == 200
    assert c.reference in broker_page.content.decode()
    assert "Log a complaint" not in broker_page.content.decode()


def test_comp7_classification_post_changing_received_at_is_refused_and_nothing_changes(
    register, users
):
    c = register("harbour", received=timezone.now())
    before = Complaint.objects.filter(pk=c.pk).values().get()
    client = client_for(users["manager"])
    r = client.post(
        f"/backoffice/complaints/{c.pk}/classification/",
        {
            "main_cause": "other",
            "product": "gap",
            "regulated_activity": "claims_handling",
            "vulnerability_identified": "no",
            "vulnerability_related_cause": "no",
            "received_at": "2020-01-01T09:00",
        },
        follow=True,
    )
    assert "received_at is stamped when the step is recorded" in r.content.decode()
    assert Complaint.objects.filter(pk=c.pk).values().get() == before
    assert not AuditRecord.objects.filter(action="complaint.reclassify").exists()
    r = client.post(
        f"/backoffice/complaints/{c.pk}/classification/",
        {
            "main_cause": "other",
            "product": "gap",
            "regulated_activity": "claims_handling",
            "vulnerability_identified": "no",
            "vulnerability_related_cause": "no",
            "note": "corrected",
        },
        follow=True,
    )
    assert "Classification corrected." in r.content.decode()
    c.refresh_from_db()
    assert (c.main_cause, c.product) == ("other", "gap")
    assert c.received_at == before["received_at"]


def test_plt4_attachment_download_is_tenant_scoped_and_audited(register, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = register("harbour", received=timezone.now())
    a = complaint_attach(
        actor=users["agent"],
        complaint=c,
        data=Attachment.from_upload(
            SimpleUploadedFile("notes.txt", b"call notes", content_type="text/plain")
        ),
    )
    url = f"/backoffice/complaints/{c.pk}/attachments/{a.pk}/"
    detail = client_for(users["agent"]).get(f"/backoffice/complaints/{c.pk}/")
    assert url in detail.content.decode()
    r = client_for(users["agent"]).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"call notes"
    assert 'attachment; filename="notes.txt"' in r["Content-Disposition"]
    assert AuditRecord.objects.filter(
        action="complaint.attachment_download", actor=users["agent"]
    ).exists()
    assert client_for(users["broker_north"]).get(url).status_code == 404
    assert AuditRecord.objects.filter(action="access.denied", actor=users["broker_north"]).exists()
    assert client_for(users["broker_harbour"]).get(url).status_code == 200
    other = f"/backoffice/complaints/{c.pk}/attachments/{a.pk + 999}/"
    assert client_for(users["agent"]).get(other).status_code == 404


def test_comp6_page_offers_the_final_response_after_an_early_fos_referral(register, users):
    from covernote.complaints.services import complaint_refer_fos

    c = register("harbour", received=timezone.now())
    client = client_for(users["manager"])
    complaint_refer_fos(
        actor=users["manager"],
        complaint=c,
        data=FosReferral.parse(referred_on=timezone.localdate(), fos_reference="PNX-1"),
    )
    page = client.get(f"/backoffice/complaints/{c.pk}/").content.decode()
    assert "referred to the FOS before it" in page and "Issue the final response" in page
    r = client.post(
        f"/backoffice/complaints/{c.pk}/final-response/",
        {
            "outcome": "rejected",
            "reasons": "No error was made, as we explained on the phone.",
            "confirm": "yes",
        },
        follow=True,
    )
    assert "Final response sent." in r.content.decode()
    c.refresh_from_db()
    assert c.status == "referred_fos" and c.final_response_on == timezone.localdate()
    page = client.get(f"/backoffice/complaints/{c.pk}/").content.decode()
    assert "referred to the FOS before it" not in page  # responded: only the FOS outcome is left
    assert "Close after the FOS outcome" in page


FINAL = {"outcome": "upheld", "reasons": "We sent your renewal late.", "redress_amount": "75"}


def test_comp3_final_response_post_without_confirm_shows_the_figures_and_changes_nothing(
    register, users
):
    """ADR 0026: a single POST of an irreversible action does nothing but show the check."""
    c = register("harbour", received=timezone.now())
    client = client_for(users["manager"])
    url = f"/backoffice/complaints/{c.pk}/final-response/"
    r = client.post(url, {**FINAL, "redress_type": "goodwill"})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="confirm-step"' in html
    assert "£75.00" in html and "Upheld" in html and "We sent your renewal late." in html
    assert 'name="confirm" value="yes"' in html
    c.refresh_from_db()
    assert c.final_response_on is None and c.is_open and c.version == 1
    assert not AuditRecord.objects.filter(action="complaint.final_response").exists()
    r = client.post(url, {**FINAL, "redress_type": "goodwill", "confirm": "yes"}, follow=True)
    assert "Final response sent." in r.content.decode()
    c.refresh_from_db()
    assert c.final_response_on == timezone.localdate() and c.redress_amount == 75


def test_comp3_final_response_button_only_for_the_stage_owner(register, users):
    c = register("harbour", received=timezone.now())
    url = f"/backoffice/complaints/{c.pk}/"
    assert "Issue the final response" in client_for(users["manager"]).get(url).content.decode()
    for role in ("agent", "claims", "qa"):
        html = client_for(users[role]).get(url).content.decode()
        assert "Issue the final response" not in html, role
        assert "a contact-centre manager (stage 1)" in html
    r = client_for(users["agent"]).post(
        f"/backoffice/complaints/{c.pk}/final-response/", {**FINAL, "confirm": "yes"}, follow=True
    )
    assert "(COMP-3)" in r.content.decode()
    c.refresh_from_db()
    assert c.final_response_on is None
