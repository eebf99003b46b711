"""Complaints API (COMP-1..7): register, clocks, steps, return CSV, tenant isolation."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.complaints.inputs import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def complaints_procedures(db):
    """The complaints procedures are a loaded product configuration (ADR 0005, 0009)."""
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


@pytest.fixture
def api(users):
    def make(user_key):
        _, raw = api_token_create(user=users[user_key], name="test", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def payload(customer, received: datetime, **extra):
    return {
        "customer_id": customer.pk,
        "received_at": received.isoformat(),
        "channel": "phone",
        "procedure": "broker_platform",
        "product": "motor_other",
        "description": "My renewal was mishandled",
        **extra,
    }


def test_comp1_api_registers_a_complaint_with_clocks(api, customers):
    received = timezone.now() - timedelta(hours=1)
    r = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "stage1"
    kinds = {k["kind"] for k in body["clocks"]}
    assert {"summary_resolution", "final_response", "fos_window"} <= kinds
    assert body["letters"] == ["complaint_acknowledgement"]


def test_comp1_api_future_received_date_is_problem_json_naming_the_field(api, customers):
    received = timezone.now() + timedelta(days=3)
    r = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received))
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["field"] == "received_at" and r.json()["rule"] == "COMP-1"


def test_comp3_api_escalation_before_receipt_is_refused(api, customers):
    received = timezone.now() - timedelta(days=1)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    r = post(
        api("manager"),
        f"/api/v1/complaints/{c['id']}/escalate",
        {
            "reason": "rejected_resolution",
            "escalated_at": (received - timedelta(hours=2)).isoformat(),
        },
    )
    assert r.status_code == 409
    assert r.json()["field"] == "escalated_at"


def test_comp4_api_final_response_requires_outcome_then_issues(api, customers):
    received = timezone.now() - timedelta(days=1)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    url = f"/api/v1/complaints/{c['id']}/final-response"
    r = post(api("manager"), url, {"reasons": "We found no error, as we explained on the phone."})
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    r = post(
        api("manager"),
        url,
        {"outcome": "rejected", "reasons": "We found no error, as we explained on the phone."},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "final_response_issued"
    assert "complaint_final_response" in r.json()["letters"]


def test_plt4_second_firms_token_gets_404(api, customers):
    received = timezone.now() - timedelta(hours=1)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    other = api("broker_north")
    assert other.get(f"/api/v1/complaints/{c['id']}").status_code == 404
    assert post(other, f"/api/v1/complaints/{c['id']}/withdraw").status_code == 404
    assert other.get("/api/v1/complaints").json()["items"] == []
    own = api("broker_harbour")
    assert own.get(f"/api/v1/complaints/{c['id']}").status_code == 200
    # a broker reads but cannot act
    r = post(own, f"/api/v1/complaints/{c['id']}/withdraw")
    assert r.status_code == 403


def test_comp7_api_return_csv_counts(api, customers):
    received = timezone.now() - timedelta(hours=2)
    client = api("agent")
    post(client, "/api/v1/complaints", payload(customers["harbour"], received))
    c2 = post(client, "/api/v1/complaints", payload(customers["own"], received)).json()
    post(api("manager"), f"/api/v1/complaints/{c2['id']}/withdraw")
    today = timezone.localdate()
    r = client.get(
        f"/api/v1/complaints/return?from={today - timedelta(days=30)}&to={today}&shape=consolidated_2027"
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    total = rows[-1]
    assert total["product_group"] == "TOTAL"
    assert (total["opened"], total["closed"], total["upheld"]) == ("2", "1", "0")
    bad = client.get(f"/api/v1/complaints/return?from={today}&to={today}&shape=nope")
    assert bad.status_code == 422 and bad.json()["field"] == "shape"


def test_comp6_api_holding_response_meets_the_8_week_clock(api, customers):
    received = timezone.now() - timedelta(days=54)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    expected = (timezone.localdate() + timedelta(days=14)).isoformat()
    url = f"/api/v1/complaints/{c['id']}/holding-response"
    r = post(api("manager"), url, {"expected_by": expected})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = post(
        api("manager"), url, {"reason": "the engineer has not reported", "expected_by": expected}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "stage1" and body["holding_expected_by"] == expected
    final = next(k for k in body["clocks"] if k["kind"] == "final_response")
    assert final["status"] == "met" and "holding response" in final["note"]
    assert "complaint_holding_response" in body["letters"]


def test_comp4_api_fos_referral_flagged_then_closed_after_the_fos_outcome(api, customers):
    received = timezone.now() - timedelta(days=10)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    today = timezone.localdate().isoformat()
    r = post(
        api("manager"),
        f"/api/v1/complaints/{c['id']}/fos-referral",
        {"referred_on": today, "fos_reference": "PNX-1", "eur_per_gbp": "1.17"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "referred_fos" and body["fos_reference"] == "PNX-1"
    assert body["fos_referral"]["outcome"] == "before_window"  # day 10, no final response
    assert body["fos_referral"]["eur_per_gbp"] == "1.17"
    assert body["fos_referral"]["flags"]
    r = post(
        api("manager"),
        f"/api/v1/complaints/{c['id']}/fos-outcome",
        {"fos_outcome": "not_upheld", "decided_on": today},
    )
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["fos_outcome"], r.json()["outcome"]) == (
        "closed",
        "not_upheld",
        "rejected",
    )
    # a broker reads the result but cannot record it
    own = api("broker_harbour")
    assert own.get(f"/api/v1/complaints/{c['id']}").json()["fos_outcome"] == "not_upheld"


def test_comp7_api_classification_refuses_received_at_and_audits_changes(api, customers):
    received = timezone.now() - timedelta(hours=3)
    c = post(api("agent"), "/api/v1/complaints", payload(customers["harbour"], received)).json()
    url = f"/api/v1/complaints/{c['id']}/classification"
    client = api("manager")
    r = client.patch(
        url,
        data=json.dumps({"main_cause": "other", "received_at": "2020-01-01T10:00:00Z"}),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["field"] == "received_at"
    assert client.get(f"/api/v1/complaints/{c['id']}").json()["main_cause"] == "general_admin"
    r = client.patch(
        url,
        data=json.dumps({"main_cause": "other", "note": "fix"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["main_cause"] == "other"
    assert r.json()["received_at"] == c["received_at"]
    assert "reclassified" in [e["kind"] for e in r.json()["events"]]


def test_yd_complaint_api_routes_claims_to_customer_relations(api, customers):
    received = timezone.now() - timedelta(hours=1)
    body = payload(
        customers["harbour"],
        received,
        procedure="young_driver",
        product="young_driver_motor",
        yd_subject="claim",
    )
    r = post(api("agent"), "/api/v1/complaints", body)
    assert r.status_code == 201, r.content
    assert r.json()["stage_owner"] == "markerstudy_customer_relations"
    ack = next(k for k in r.json()["clocks"] if k["kind"] == "acknowledgement")
    assert ack["rule"] == "YD-COMPLAINT" and ack["status"] == "met"


def test_plt4_api_attachment_download_is_tenant_scoped_and_every_download_audited(
    api, customers, users, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from covernote.audit.models import AuditRecord
    from covernote.complaints.models import Complaint
    from covernote.complaints.services import complaint_attach

    settings.MEDIA_ROOT = str(tmp_path)
    received = timezone.now() - timedelta(hours=1)
    agent = api("agent")
    body = post(agent, "/api/v1/complaints", payload(customers["harbour"], received)).json()
    other = post(agent, "/api/v1/complaints", payload(customers["harbour"], received)).json()
    a = complaint_attach(
        actor=users["agent"],
        complaint=Complaint.objects.get(pk=body["id"]),
        data=Attachment.from_upload(
            SimpleUploadedFile("letter.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
        ),
    )
    url = f"/api/v1/complaints/{body['id']}/attachments/{a.pk}"
    listed = agent.get(f"/api/v1/complaints/{body['id']}").json()["attachments"]
    assert [(x["id"], x["name"], x["url"]) for x in listed] == [(a.pk, "letter.pdf", url)]

    def downloads():
        return AuditRecord.objects.filter(
            action="complaint.attachment_download", object_id=str(a.pk)
        ).count()

    for expected in (1, 2):  # every download is audited, not only the first
        r = agent.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert b"".join(r.streaming_content) == b"%PDF-1.4 evidence"
        assert 'attachment; filename="letter.pdf"' in r["Content-Disposition"]
        assert downloads() == expected
    # the broker whose customer it is may read the evidence
    assert api("broker_harbour").get(url).status_code == 200
    assert downloads() == 3
    # another firm: 404, and the attempt is audited; nothing is downloaded
    r = api("broker_north").get(url)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/problem+json")
    assert AuditRecord.objects.filter(
        action="access.denied", actor=users["broker_north"], object_id=str(body["id"])
    ).exists()
    assert downloads() == 3
    # the attachment through another complaint's id, or an unknown id: 404
    assert agent.get(f"/api/v1/complaints/{other['id']}/attachments/{a.pk}").status_code == 404
    assert agent.get(f"{url}999").status_code == 404
    assert downloads() == 3


def test_plt4_api_customer_cannot_download_complaint_evidence(
    api, customers, users, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from covernote.audit.models import AuditRecord
    from covernote.complaints.models import Complaint
    from covernote.complaints.services import complaint_attach

    settings.MEDIA_ROOT = str(tmp_path)
    received = timezone.now() - timedelta(hours=1)
    body = post(api("agent"), "/api/v1/complaints", payload(customers["own"], received)).json()
    a = complaint_attach(
        actor=users["agent"],
        complaint=Complaint.objects.get(pk=body["id"]),
        data=Attachment.from_upload(
            SimpleUploadedFile("notes.txt", b"call notes", content_type="text/plain")
        ),
    )
    r = api("customer").get(f"/api/v1/complaints/{body['id']}/attachments/{a.pk}")
    assert r.status_code == 403
    assert not AuditRecord.objects.filter(action="complaint.attachment_download").exists()
