"""Complaints with storage: register, clocks, escalation, forwarding, letters (COMP-1..6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from covernote.audit.models import AuditRecord
from covernote.complaints.inputs import (
    Attachment,
    ComplaintRegistration,
    Escalation,
    FinalResponse,
    SummaryResolution,
    Withdrawal,
)
from covernote.complaints.models import Complaint, ComplaintEvent, ComplaintTask
from covernote.complaints.selectors import complaint_clocks, complaint_get_for, complaint_letters
from covernote.complaints.services import (
    complaint_acknowledge_qa,
    complaint_attach,
    complaint_clocks_check,
    complaint_escalate,
    complaint_forward,
    complaint_resolve_summary,
    complaint_respond_final,
    complaint_withdraw,
)
from covernote.documents.models import Document
from covernote.domain.errors import DomainError
from covernote.parties.services import customer_create
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 10)  # no bank holiday in the following weeks in any UK nation
THURSDAY = at(2026, 3, 5, 10)  # the 3rd working day after Monday
FRIDAY = at(2026, 3, 6, 10)


def clock(views, kind):
    return next(v for v in views if v.kind == kind)


# --- COMP-1 register --------------------------------------------------------------


def test_comp1_register_records_the_complaint_and_acknowledges_in_writing(register, customers):
    c = register("harbour", received=MONDAY, vulnerability_related_cause=True)
    c.refresh_from_db()
    assert c.reference.startswith("CMP")
    assert c.firm_id == customers["harbour"].firm_id  # tenant scope: the selling broker
    assert c.status == "stage1" and c.channel == "phone"
    assert c.retention_until == date(2029, 3, 2)  # received + 3 years (DISP 1.9.1R)
    assert c.fos_eligible is True and c.eligibility_decision["category"] == "consumer"
    assert c.acknowledged_at is not None
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == ["registered", "acknowledged"]
    doc = complaint_letters(c).get()
    assert doc.kind == "complaint_acknowledgement"
    assert "27 April 2026" in doc.html  # day 0 + 56 days
    assert AuditRecord.objects.filter(action="complaint.register", object_id=str(c.pk)).exists()


def test_comp1_received_date_in_the_future_is_refused(register):
    with pytest.raises(DomainError) as err:
        register("harbour", received=MONDAY + timedelta(days=2), now=MONDAY)
    assert (err.value.field, err.value.rule) == ("received_at", "COMP-1")
    assert Complaint.objects.count() == 0


def test_comp1_complainant_without_any_contact_is_refused(users, customers, register):
    from covernote.complaints.services import complaint_register

    nobody = customer_create(
        actor=users["agent"],
        data={"first_name": "No", "last_name": "Contact", "date_of_birth": date(1990, 1, 1)},
    )
    with pytest.raises(DomainError) as err:
        complaint_register(
            actor=users["agent"],
            customer=nobody,
            now=MONDAY,
            data=ComplaintRegistration.parse(
                {
                    "received_at": MONDAY,
                    "channel": "phone",
                    "procedure": "broker_platform",
                    "product": "motor_other",
                    "main_cause": "general_admin",
                    "description": "x",
                }
            ),
        )
    assert (err.value.field, err.value.rule) == ("contact", "COMP-1")


def test_comp1_missing_description_names_the_field(register):
    with pytest.raises(DomainError) as err:
        register("harbour", received=MONDAY, description="  ")
    assert err.value.field == "description"


def test_comp6_letter_to_a_letter_only_customer_without_address_is_a_clear_error(
    register, customers
):
    north = customers["north"]
    north.address_line1 = ""
    north.postcode = ""
    north.save()
    with pytest.raises(DomainError) as err:
        register("north", received=MONDAY)
    assert (err.value.field, err.value.rule) == ("address", "COMP-6")
    assert "no postal address" in err.value.message
    assert Complaint.objects.count() == 0


# --- COMP-2 clocks and breach tasks -----------------------------------------------


def test_comp2_every_clock_is_shown_due_then_breached(register):
    c = register("harbour", received=MONDAY)
    wednesday = complaint_clocks(c, at(2026, 3, 4, 12))
    src = clock(wednesday, "summary_resolution")
    assert src.due_on == date(2026, 3, 5) and src.status == "due"
    assert src.due_at.hour == 17 and src.due_at.minute == 30  # close of business
    final = clock(wednesday, "final_response")
    assert final.due_on == date(2026, 3, 2) + timedelta(days=56)
    assert clock(wednesday, "fos_window").due_on == final.due_on
    friday = complaint_clocks(c, FRIDAY)
    assert clock(friday, "summary_resolution").status == "breached"
    assert clock(friday, "final_response").status == "due"


def test_comp2_young_driver_acknowledgement_clock_met_by_the_letter(register):
    c = register("harbour", received=MONDAY, procedure="young_driver", product="young_driver_motor")
    ack = clock(complaint_clocks(c, FRIDAY), "acknowledgement")
    assert ack.status == "met"


def test_comp7_clock_check_raises_breach_task_once_and_never_a_phone_task_when_ruled_out(
    register,
):
    north = register("north", received=MONDAY)
    harbour = register("harbour", received=MONDAY)
    created = complaint_clocks_check(as_of=date(2026, 3, 5))  # 18:00 on the 3rd working day
    assert created >= 2
    again = complaint_clocks_check(as_of=date(2026, 3, 5))
    assert again == 0
    north_task = ComplaintTask.objects.get(
        complaint=north, clock="summary_resolution", level="breached"
    )
    assert north_task.action == "write"  # letter-only customer (PLT-2)
    assert "rule out phone" in north_task.note
    harbour_task = ComplaintTask.objects.get(
        complaint=harbour, clock="summary_resolution", level="breached"
    )
    assert harbour_task.action == "phone"


def test_comp7_clock_check_warns_before_breach(register):
    c = register("harbour", received=MONDAY)
    complaint_clocks_check(as_of=date(2026, 3, 4))  # Wednesday: due tomorrow
    task = ComplaintTask.objects.get(complaint=c, clock="summary_resolution")
    assert task.level == "due"


# --- COMP-3 escalation ----------------------------------------------------------


def test_comp3_escalation_to_qa_and_qa_acknowledgement_in_large_print(register, users):
    c = register("north", received=MONDAY)
    c = complaint_escalate(actor=users["manager"], complaint=c, now=THURSDAY)
    assert c.status == "stage2" and c.stage_owner_role == "qa" and c.stage_owner == "coplus_qa"
    qa = clock(complaint_clocks(c, THURSDAY), "qa_acknowledgement")
    assert qa.due_on == date(2026, 3, 6) and qa.status == "due"
    c = complaint_acknowledge_qa(actor=users["qa"], complaint=c, now=at(2026, 3, 6, 9))
    assert clock(complaint_clocks(c, FRIDAY), "qa_acknowledgement").status == "met"
    doc = Document.objects.get(kind="complaint_qa_acknowledgement")
    assert doc.document_format == "large_print"
    assert "Quality Assurance Team" in doc.html
    message = doc.messages.get()
    assert message.channel == "letter"  # the adjustment wins over the phone preference
    assert AuditRecord.objects.filter(action="complaint.escalate").exists()


def test_comp3_escalation_before_the_third_working_day_needs_a_rejected_resolution(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_escalate(actor=users["manager"], complaint=c, now=at(2026, 3, 3, 10))
    assert err.value.rule == "COMP-3"
    c = complaint_escalate(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 3, 10),
        data=Escalation.parse(reason="rejected_resolution"),
    )
    assert c.status == "stage2"


def test_comp3_escalation_before_receipt_is_refused(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_escalate(
            actor=users["manager"],
            complaint=c,
            now=THURSDAY,
            data=Escalation.parse(
                reason="rejected_resolution", escalated_at=MONDAY - timedelta(hours=1)
            ),
        )
    assert (err.value.field, err.value.rule) == ("escalated_at", "COMP-3")
    c.refresh_from_db()
    assert c.status == "stage1" and c.escalated_at is None


def test_comp3_summary_resolution_within_three_working_days(register, users):
    c = register("harbour", received=MONDAY)
    c = complaint_resolve_summary(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 5, 17, 0),
        data=SummaryResolution.parse(
            resolution="We re-sent your renewal documents and reinstated cover",
            redress_amount="25",
            redress_type="distress_inconvenience",
        ),
    )
    assert c.status == "resolved_summary" and c.outcome == "upheld"
    assert clock(complaint_clocks(c, FRIDAY), "summary_resolution").status == "met"
    doc = Document.objects.get(kind="complaint_summary_resolution")
    assert "now consider your complaint resolved" in doc.html
    assert "www.financial-ombudsman.org.uk" in doc.html


def test_comp3_summary_resolution_after_the_window_is_refused(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_resolve_summary(
            actor=users["manager"],
            complaint=c,
            now=at(2026, 3, 5, 18),
            data=SummaryResolution.parse(resolution="Fixed, as we explained on the phone."),
        )
    assert err.value.rule == "COMP-3"


# --- COMP-4 destinations and the final response ---------------------------------


def test_comp4_final_response_names_the_fos_and_never_the_claims_management_regulator(
    register, users
):
    c = register("harbour", received=MONDAY)
    c = complaint_respond_final(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 20, 11),
        data=FinalResponse.parse(
            outcome="partly_upheld",
            reasons="The letter was sent late.\n\nCover was not affected.",
            redress_amount="50.00",
            redress_type="goodwill",
        ),
    )
    assert c.status == "final_response_issued" and c.final_response_on == date(2026, 3, 20)
    views = complaint_clocks(c, at(2026, 3, 21))
    assert clock(views, "final_response").status == "met"
    assert clock(views, "fos_window").due_on == date(2026, 9, 20)  # six months after
    html = Document.objects.get(kind="complaint_final_response").html
    assert "Financial Ombudsman Service" in html and "six months" in html
    assert "£50.00" in html
    assert "Claims Management Regulator" not in html
    event = c.events.get(kind="final_response")
    assert event.detail["destinations"] == ["fos"]


def test_comp4_panel_solicitor_conduct_goes_to_the_legal_ombudsman(register, users):
    c = register("harbour", received=MONDAY, subject="panel_solicitor_conduct")
    complaint_respond_final(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 20),
        data=FinalResponse.parse(
            outcome="rejected", reasons="No fault found, as we explained on the phone."
        ),
    )
    html = Document.objects.get(kind="complaint_final_response").html
    assert "Legal Ombudsman" in html


def test_comp4_final_response_without_outcome_is_refused(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_respond_final(
            actor=users["manager"],
            complaint=c,
            now=FRIDAY,
            data=FinalResponse.parse(outcome="", reasons="x"),
        )
    assert (err.value.field, err.value.rule) == ("outcome", "COMP-7")
    c.refresh_from_db()
    assert c.status == "stage1"


def test_comp7_redress_needs_a_type(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_respond_final(
            actor=users["manager"],
            complaint=c,
            now=FRIDAY,
            data=FinalResponse.parse(outcome="upheld", reasons="x", redress_amount="10"),
        )
    assert err.value.field == "redress_type"


# --- COMP-5 GAP claim forwarding ---------------------------------------------------


def test_comp5_gap_claim_complaint_passes_to_the_insurer_and_the_complainant_is_told(
    register, users
):
    c = register(
        "north", received=MONDAY, procedure="gap_claim", product="gap", claim_reference="GC-1001"
    )
    with pytest.raises(DomainError) as err:
        complaint_forward(actor=users["claims"], complaint=c, now=at(2026, 3, 5, 12))
    assert err.value.rule == "GAP-COMPLAINT"
    c = complaint_forward(actor=users["claims"], complaint=c, now=FRIDAY)
    assert c.status == "forwarded" and c.forwarded_to == "ukgi_customer_relations"
    doc = Document.objects.get(kind="complaint_forwarding_notice")
    assert "UK General Insurance Limited" in doc.html
    assert doc.document_format == "large_print"
    assert c.events.get(kind="forwarded").detail["complainant_told"] is True


def test_comp5_broker_platform_complaints_are_not_forwarded(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_forward(actor=users["manager"], complaint=c, now=FRIDAY)
    assert err.value.code == "illegal_transition"


def test_comp5_gap_claim_has_no_qa_stage(register, users):
    c = register("harbour", received=MONDAY, procedure="gap_claim", product="gap")
    with pytest.raises(DomainError):
        complaint_escalate(actor=users["manager"], complaint=c, now=FRIDAY)


# --- COMP-6 letters ----------------------------------------------------------------


def test_comp6_final_response_uses_the_current_fos_eligibility_test(register, users):
    c = register("harbour", received=MONDAY)
    complaint_respond_final(
        actor=users["manager"],
        complaint=c,
        now=FRIDAY,
        data=FinalResponse.parse(
            outcome="rejected", reasons="No error found, as we explained on the phone."
        ),
    )
    html = Document.objects.get(kind="complaint_final_response").html
    assert "micro-enterprises, small businesses" in html
    assert "fewer than 10 members of staff" not in html
    assert "standard explanatory leaflet" in html


def test_comp7_withdrawal_closes_not_upheld_and_confirms_in_writing(register, users):
    c = register("harbour", received=MONDAY)
    c = complaint_withdraw(
        actor=users["agent"], complaint=c, now=FRIDAY, data=Withdrawal.parse(note="Customer called")
    )
    assert c.status == "withdrawn" and c.outcome == "withdrawn" and c.closed_on == date(2026, 3, 6)
    assert Document.objects.filter(kind="complaint_withdrawal").exists()
    with pytest.raises(DomainError):
        complaint_withdraw(actor=users["agent"], complaint=c, now=FRIDAY)


# --- tenant isolation, attachments -------------------------------------------------


def test_plt4_broker_sees_only_complaints_about_its_own_sales(register, users):
    north = register("north", received=MONDAY)
    harbour = register("harbour", received=MONDAY)
    assert complaint_get_for(users["broker_north"], north.pk) == north
    with pytest.raises(DomainError) as err:
        complaint_get_for(users["broker_north"], harbour.pk)
    assert err.value.code == "not_found"
    assert AuditRecord.objects.filter(action="access.denied", object_id=str(harbour.pk)).exists()


def test_comp1_attachment_type_and_size_are_checked(register, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = register("harbour", received=MONDAY)
    ok = complaint_attach(
        actor=users["agent"],
        complaint=c,
        data=Attachment.from_upload(
            SimpleUploadedFile("note.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        ),
    )
    assert ok.size == 10 and c.attachments.count() == 1
    with pytest.raises(DomainError) as err:
        complaint_attach(
            actor=users["agent"],
            complaint=c,
            data=Attachment.from_upload(
                SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
            ),
        )
    assert err.value.field == "file"
    big = SimpleUploadedFile(
        "big.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    with pytest.raises(DomainError):
        complaint_attach(actor=users["agent"], complaint=c, data=Attachment.from_upload(big))
    assert ComplaintEvent.objects.filter(complaint=c, kind="attachment").count() == 1


@pytest.mark.parametrize(
    ("name", "content_type", "raw", "why"),
    [
        ("evidence.pdf", "application/pdf", b"PK\x03\x04" + b"\x00" * 40, "a zip called PDF"),
        ("photo.png", "image/png", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "a gzip called PNG"),
        ("notes.txt", "text/plain", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40, "a program"),
        ("letter.pdf", "application/pdf", b"just some words", "text called PDF"),
        ("photo.jpg", "image/jpeg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "a PNG called JPEG"),
    ],
)
def test_comp1_attachment_bytes_must_be_what_the_type_says(
    register, users, settings, tmp_path, name, content_type, raw, why
):
    """COMP-1 evidence is sniffed from its bytes (ADR 0025): a file whose bytes are not
    what its name and type claim is refused (415 at the API) and nothing is stored."""
    settings.MEDIA_ROOT = tmp_path
    c = register("harbour", received=MONDAY)
    upload = SimpleUploadedFile(name, raw, content_type=content_type)
    with pytest.raises(DomainError) as err:
        complaint_attach(actor=users["agent"], complaint=c, data=Attachment.from_upload(upload))
    assert err.value.code == "unsupported_media_type", why
    assert err.value.field == "file" and err.value.rule == "COMP-1"
    assert c.attachments.count() == 0
    assert not ComplaintEvent.objects.filter(complaint=c, kind="attachment").exists()
