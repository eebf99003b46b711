"""Holding response, FOS referral and closure, classification corrections and Young
Driver routing (COMP-2, COMP-4, COMP-6, COMP-7, COMP-FOS-ELIG, YD-COMPLAINT)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from covernote.audit.models import AuditRecord
from covernote.complaints.inputs import (
    FinalResponse,
    FosDecision,
    FosReferral,
    HoldingResponse,
    Reclassification,
    SummaryResolution,
)
from covernote.complaints.models import Complaint
from covernote.complaints.selectors import (
    complaint_clocks,
    complaint_letters,
    complaint_procedures,
    complaints_return_for,
    return_csv,
)
from covernote.complaints.services import (
    complaint_close_after_fos,
    complaint_reclassify,
    complaint_refer_fos,
    complaint_resolve_summary,
    complaint_respond_final,
    complaint_respond_holding,
)
from covernote.domain.errors import DomainError
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 10)  # day 0; day 56 is Monday 27 April 2026
DAY_56 = date(2026, 4, 27)


def clock(views, kind):
    return next(v for v in views if v.kind == kind)


def totals(actor, start, end):
    ret = complaints_return_for(actor, start=start, end=end, shape="annex1r")
    return list(csv.DictReader(io.StringIO(return_csv(ret))))[-1]


# --- holding response (COMP-6, DISP 1.6.2R(2)) ----------------------------------------------


def test_comp6_holding_response_in_the_8th_week_meets_the_clock_in_the_customers_format(
    register, users
):
    c = register("north", received=MONDAY)  # letter only, large print
    sent = at(2026, 4, 24, 11)  # day 53
    c = complaint_respond_holding(
        actor=users["manager"],
        complaint=c,
        now=sent,
        data=HoldingResponse.parse(
            reason="we are waiting for the insurer's engineer report", expected_by=date(2026, 5, 15)
        ),
    )
    assert c.status == "stage1"  # still open: only the clock is met
    assert c.holding_response_on == date(2026, 4, 24)
    doc = complaint_letters(c).get(kind="complaint_holding_response")
    assert doc.document_format == "large_print"
    leaflet = complaint_procedures(c).letters.fos_leaflet_title
    assert "refer it to the Financial Ombudsman Service now" in doc.html
    assert "waiting for the insurer" in doc.html and "15 May 2026" in doc.html
    assert leaflet in doc.html
    final = clock(complaint_clocks(c, sent), "final_response")
    assert final.status == "met" and "holding response" in final.note
    assert final.due_on == DAY_56
    assert c.events.filter(kind="holding_response", document=doc).exists()
    assert AuditRecord.objects.filter(
        action="complaint.holding_response", object_id=str(c.pk)
    ).exists()


def test_comp6_holding_response_needs_reason_and_expected_date_and_not_too_early(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    with pytest.raises(DomainError) as err:
        complaint_respond_holding(
            actor=m,
            complaint=c,
            now=at(2026, 4, 24),
            data=HoldingResponse.parse(reason=" ", expected_by=date(2026, 5, 15)),
        )
    assert err.value.field == "reason"
    with pytest.raises(DomainError) as err:
        complaint_respond_holding(
            actor=m,
            complaint=c,
            now=at(2026, 4, 24),
            data=HoldingResponse.parse(reason="awaiting", expected_by=None),
        )
    assert err.value.field == "expected_by"
    # a week before day 56 is the earliest: on day 48 it would wrongly say "refer now"
    with pytest.raises(DomainError) as err:
        complaint_respond_holding(
            actor=m,
            complaint=c,
            now=at(2026, 4, 19),
            data=HoldingResponse.parse(reason="awaiting", expected_by=date(2026, 5, 15)),
        )
    assert err.value.rule == "COMP-2"
    c.refresh_from_db()
    assert c.holding_response_on is None
    assert not complaint_letters(c).filter(kind="complaint_holding_response").exists()


def test_comp2_late_holding_response_leaves_the_8_week_clock_breached(register, users):
    c = register("harbour", received=MONDAY)
    late = at(2026, 4, 29)  # day 58
    c = complaint_respond_holding(
        actor=users["manager"],
        complaint=c,
        now=late,
        data=HoldingResponse.parse(reason="awaiting the valuation", expected_by=date(2026, 5, 20)),
    )
    assert clock(complaint_clocks(c, late), "final_response").status == "breached"
    assert c.events.get(kind="holding_response").detail["late"] is True


# --- FOS referral (COMP-4, COMP-FOS-ELIG) ----------------------------------------------------


def test_comp4_referral_after_the_final_response_is_inside_the_window(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    c = complaint_respond_final(
        actor=m,
        complaint=c,
        now=at(2026, 3, 20),
        data=FinalResponse.parse(
            outcome="rejected", reasons="No error, as we explained on the phone."
        ),
    )
    c = complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 4, 14),
        data=FosReferral.parse(referred_on=date(2026, 4, 10), fos_reference="PNX-12345-A1B2"),
    )
    assert c.status == "referred_fos"
    assert c.fos_referred_on == date(2026, 4, 10) and c.fos_reference == "PNX-12345-A1B2"
    d = c.fos_referral_decision
    assert d["outcome"] == "within_window" and d["flags"] == []
    assert d["eligible"] is True and d["category"] == "consumer"
    assert {"COMP-FOS-ELIG", "COMP-4"} <= {s["rule"] for s in d["steps"]}
    event = c.events.get(kind="referred_fos")
    assert (event.status_before, event.status_after) == ("final_response_issued", "referred_fos")
    assert AuditRecord.objects.filter(action="complaint.refer_fos", object_id=str(c.pk)).exists()


def test_comp4_referral_before_the_window_opens_is_recorded_and_flagged(register, users):
    c = register("harbour", received=MONDAY)
    c = complaint_refer_fos(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 23),
        data=FosReferral.parse(referred_on=date(2026, 3, 20), fos_reference="EARLY-1"),
    )
    assert c.status == "referred_fos"
    d = c.fos_referral_decision
    assert d["outcome"] == "before_window"
    assert len(d["flags"]) == 1 and "DISP 2.8.1R" in d["flags"][0]
    assert d["warnings"] == d["flags"]


def test_comp4_referral_after_six_months_is_flagged_with_the_consent_given(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    c = complaint_respond_final(
        actor=m,
        complaint=c,
        now=at(2026, 3, 10),
        data=FinalResponse.parse(
            outcome="rejected",
            reasons="No error, as we explained on the phone.",
            consent_to_waive=True,
        ),
    )
    # six months after 10 March 2026 is 10 September 2026
    c = complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 9, 14),
        data=FosReferral.parse(referred_on=date(2026, 9, 11), fos_reference="LATE-1"),
    )
    d = c.fos_referral_decision
    assert d["outcome"] == "after_window" and d["window_until"] == "2026-09-10"
    assert "DISP 2.8.2R" in d["flags"][0] and "consented" in d["flags"][0]


def test_comp4_referral_date_in_the_future_or_without_reference_is_refused(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    with pytest.raises(DomainError) as err:
        complaint_refer_fos(
            actor=m,
            complaint=c,
            now=at(2026, 3, 9),
            data=FosReferral.parse(referred_on=date(2026, 3, 10), fos_reference=""),
        )
    assert err.value.field == "fos_reference"
    with pytest.raises(DomainError) as err:
        complaint_refer_fos(
            actor=m,
            complaint=c,
            now=at(2026, 3, 9),
            data=FosReferral.parse(referred_on=date(2026, 3, 12), fos_reference="X"),
        )
    assert err.value.field == "referred_on"
    c.refresh_from_db()
    assert c.status == "stage1" and c.fos_referred_on is None


def test_comp_fos_elig_referral_reruns_eligibility_with_the_fx_rate_given(register, users):
    # 5 staff, turnover £1.8m: at 1.10 that is €1.98m (micro); at the 1.15 default €2.07m.
    c = register(
        "harbour",
        received=MONDAY,
        complainant_type="micro_enterprise",
        employees=5,
        annual_turnover_gbp=Decimal("1800000"),
    )
    assert c.eligibility_decision["category"] == "small_business"  # default rate 1.15
    c = complaint_refer_fos(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 3, 20),
        data=FosReferral.parse(
            referred_on=date(2026, 3, 20), fos_reference="FX-1", eur_per_gbp=Decimal("1.10")
        ),
    )
    d = c.fos_referral_decision
    assert d["category"] == "micro_enterprise"
    assert d["eur_per_gbp"] == "1.10" and d["eur_per_gbp_source"] == "as recorded at referral"
    assert "1.10" in d["steps"][0]["description"]


def test_comp_fos_elig_a_larger_business_referral_is_recorded_and_flagged(register, users):
    c = register(
        "harbour",
        received=MONDAY,
        complainant_type="small_business",
        employees=300,
        annual_turnover_gbp=Decimal("50000000"),
        balance_sheet_gbp=Decimal("40000000"),
    )
    c = complaint_refer_fos(
        actor=users["manager"],
        complaint=c,
        now=at(2026, 4, 28),
        data=FosReferral.parse(referred_on=date(2026, 4, 28), fos_reference="BIG-1"),
    )
    d = c.fos_referral_decision
    assert d["eligible"] is False and d["category"] == "larger_business"
    assert any("not an eligible complainant" in f for f in d["flags"])
    assert c.status == "referred_fos"


# --- closing after the FOS outcome ---------------------------------------------------------


def test_comp4_fos_outcome_closes_without_rewriting_the_firms_closure(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    complaint_respond_final(
        actor=m,
        complaint=c,
        now=at(2026, 3, 20),
        data=FinalResponse.parse(
            outcome="rejected", reasons="No error, as we explained on the phone."
        ),
    )
    complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 4, 1),
        data=FosReferral.parse(referred_on=date(2026, 4, 1), fos_reference="F-1"),
    )
    before = totals(m, date(2026, 1, 1), date(2026, 6, 30))
    c = complaint_close_after_fos(
        actor=m,
        complaint=c,
        now=at(2026, 6, 2),
        data=FosDecision.parse(
            fos_outcome="upheld",
            decided_on=date(2026, 6, 1),
            redress_amount="250",
            redress_type="distress_inconvenience",
        ),
    )
    assert c.status == "closed" and c.fos_outcome == "upheld"
    assert c.fos_redress_amount == Decimal("250.00")
    assert c.outcome == "rejected" and c.closed_on == date(2026, 3, 20)  # the firm's record
    assert totals(m, date(2026, 1, 1), date(2026, 6, 30)) == before
    assert c.events.get(kind="closed_after_fos").detail["closes_for_return"] is False


def test_comp4_fos_outcome_closes_a_complaint_referred_before_the_final_response(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 4, 28),
        data=FosReferral.parse(referred_on=date(2026, 4, 28), fos_reference="F-2"),
    )
    with pytest.raises(DomainError) as err:
        complaint_close_after_fos(
            actor=m,
            complaint=c,
            now=at(2026, 6, 2),
            data=FosDecision.parse(
                fos_outcome="not_upheld",
                decided_on=date(2026, 6, 1),
                redress_amount="10",
                redress_type="goodwill",
            ),
        )
    assert err.value.field == "redress_amount"
    c = complaint_close_after_fos(
        actor=m,
        complaint=c,
        now=at(2026, 6, 2),
        data=FosDecision.parse(
            fos_outcome="upheld",
            decided_on=date(2026, 6, 1),
            redress_amount="300",
            redress_type="financial_loss",
        ),
    )
    assert (c.status, c.outcome, c.closed_on) == ("closed", "upheld", date(2026, 6, 1))
    row = totals(m, date(2026, 1, 1), date(2026, 6, 30))
    assert (row["closed"], row["upheld"], row["redress_paid_gbp"]) == ("1", "1", "300.00")


def test_comp6_final_response_after_an_early_fos_referral_counts_our_response(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 3, 20),
        data=FosReferral.parse(referred_on=date(2026, 3, 20), fos_reference="F-9"),
    )
    c = complaint_respond_final(
        actor=m,
        complaint=c,
        now=at(2026, 4, 2),
        data=FinalResponse.parse(
            outcome="partly_upheld",
            reasons="The renewal notice was sent late.",
            redress_amount="80",
            redress_type="distress_inconvenience",
        ),
    )
    # The complaint stays with the FOS; our response is recorded and closes it for the return.
    assert (c.status, c.final_response_on, c.closed_on) == (
        "referred_fos",
        date(2026, 4, 2),
        date(2026, 4, 2),
    )
    assert c.outcome == "partly_upheld"
    doc = complaint_letters(c).get(kind="complaint_final_response")
    assert "referred your complaint to the Financial Ombudsman Service on 20 March 2026" in doc.html
    assert "F-9" in doc.html
    event = c.events.get(kind="final_response")
    assert (event.status_before, event.status_after) == ("referred_fos", "referred_fos")
    assert event.detail["after_fos_referral"] is True
    assert AuditRecord.objects.filter(
        action="complaint.final_response", object_id=str(c.pk)
    ).exists()
    # Independent count: received 2 Mar, answered 2 Apr (day 31: after 3 days, within 8 weeks)
    row = totals(m, date(2026, 1, 1), date(2026, 6, 30))
    assert (row["closed"], row["upheld"], row["redress_paid_gbp"]) == ("1", "1", "80.00")
    assert row["closed_after_3_business_days_within_8_weeks"] == "1"
    # A second final response is refused.
    with pytest.raises(DomainError) as err:
        complaint_respond_final(
            actor=m,
            complaint=c,
            now=at(2026, 4, 3),
            data=FinalResponse.parse(
                outcome="upheld", reasons="Again, as we explained on the phone."
            ),
        )
    assert err.value.rule == "COMP-6"
    # The FOS outcome is still recorded; the return keeps our closure, outcome and redress.
    c = complaint_close_after_fos(
        actor=m,
        complaint=c,
        now=at(2026, 6, 2),
        data=FosDecision.parse(
            fos_outcome="upheld",
            decided_on=date(2026, 6, 1),
            redress_amount="200",
            redress_type="financial_loss",
        ),
    )
    assert (c.status, c.fos_outcome, c.fos_redress_amount) == (
        "closed",
        "upheld",
        Decimal("200.00"),
    )
    assert (c.outcome, c.closed_on, c.redress_amount) == (
        "partly_upheld",
        date(2026, 4, 2),
        Decimal("80.00"),
    )
    assert totals(m, date(2026, 1, 1), date(2026, 6, 30)) == row


def test_comp6_no_final_response_after_a_summary_resolution_referred_to_the_fos(register, users):
    c = register("harbour", received=MONDAY)
    m = users["manager"]
    complaint_resolve_summary(
        actor=m,
        complaint=c,
        now=at(2026, 3, 3),
        data=SummaryResolution.parse(resolution="Refunded the fee, as we explained on the phone."),
    )
    c = complaint_refer_fos(
        actor=m,
        complaint=c,
        now=at(2026, 3, 20),
        data=FosReferral.parse(referred_on=date(2026, 3, 20), fos_reference="F-8"),
    )
    with pytest.raises(DomainError) as err:
        complaint_respond_final(
            actor=m,
            complaint=c,
            now=at(2026, 3, 25),
            data=FinalResponse.parse(
                outcome="upheld", reasons="Refund, as we explained on the phone."
            ),
        )
    assert err.value.rule == "COMP-6"
    assert Complaint.objects.get(pk=c.pk).final_response_on is None


def test_comp4_only_a_referred_complaint_is_closed_after_the_fos(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_close_after_fos(
            actor=users["manager"],
            complaint=c,
            now=at(2026, 3, 4),
            data=FosDecision.parse(fos_outcome="upheld", decided_on=date(2026, 3, 3)),
        )
    assert err.value.field == "status"


# --- classification corrections (COMP-7) -------------------------------------------------


def test_comp7_reclassification_writes_an_event_and_audit_with_before_and_after(register, users):
    c = register("harbour", received=MONDAY)
    version = c.version
    c = complaint_reclassify(
        actor=users["manager"],
        complaint=c,
        data=Reclassification.parse(
            {
                "main_cause": "terms_disputes",
                "product": "gap",
                "regulated_activity": "claims_handling",
                "vulnerability_related_cause": "yes",
                "vulnerability_identified": "no",  # unchanged
            },
            note="The call notes show a GAP claim dispute",
        ),
    )
    assert (c.main_cause, c.product, c.regulated_activity) == (
        "terms_disputes",
        "gap",
        "claims_handling",
    )
    assert c.vulnerability_related_cause is True and c.version == version + 1
    event = c.events.get(kind="reclassified")
    assert event.detail["changes"]["main_cause"] == {
        "before": "general_admin",
        "after": "terms_disputes",
    }
    assert "vulnerability_identified" not in event.detail["changes"]
    audit = AuditRecord.objects.get(action="complaint.reclassify", object_id=str(c.pk))
    assert audit.before["product"] == "motor_other" and audit.after["product"] == "gap"


@pytest.mark.parametrize("field", ["received_at", "final_response_on", "acknowledged_at"])
def test_comp7_received_and_clock_dates_can_never_be_edited(register, users, field):
    c = register("harbour", received=MONDAY)
    snapshot = Complaint.objects.filter(pk=c.pk).values().get()
    with pytest.raises(DomainError) as err:
        complaint_reclassify(
            actor=users["manager"],
            complaint=c,
            data=Reclassification.parse(
                {"main_cause": "other", field: "2026-03-05T10:00:00+00:00"}
            ),
        )
    assert (err.value.field, err.value.rule) == (field, "COMP-7")
    assert Complaint.objects.filter(pk=c.pk).values().get() == snapshot
    assert not c.events.filter(kind="reclassified").exists()


def test_comp7_vulnerability_stays_identified_while_adjustments_are_active(register, users):
    c = register("north", received=MONDAY)  # north has active adjustments
    assert c.vulnerability_identified is True
    with pytest.raises(DomainError) as err:
        complaint_reclassify(
            actor=users["manager"],
            complaint=c,
            data=Reclassification.parse({"vulnerability_identified": "no"}),
        )
    assert err.value.field == "vulnerability_identified"


def test_comp7_brokers_cannot_reclassify(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_reclassify(
            actor=users["broker_harbour"],
            complaint=c,
            data=Reclassification.parse({"product": "gap"}),
        )
    assert err.value.code == "permission_denied"


# --- Young Driver routing (YD-COMPLAINT) ----------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "owner", "name"),
    [
        ("claim", "markerstudy_customer_relations", "Customer Relations (claims complaints)"),
        ("sale", "coop_customer_service", "Quality Manager"),
        ("service", "coop_customer_service", "Quality Manager"),
    ],
)
def test_yd_complaint_routes_by_subject_and_acknowledges_within_5_working_days(
    register, subject, owner, name
):
    c = register(
        "harbour",
        received=MONDAY,
        procedure="young_driver",
        product="young_driver_motor",
        yd_subject=subject,
    )
    assert (c.route_subject, c.stage_owner) == (subject, owner)
    ack = complaint_letters(c).get(kind="complaint_acknowledgement")
    assert name in ack.html
    views = complaint_clocks(c, MONDAY + timedelta(hours=1))
    ack_clock = clock(views, "acknowledgement")
    assert "5 working days" in ack_clock.label and ack_clock.rule == "YD-COMPLAINT"
    assert ack_clock.due_on == date(2026, 3, 9) and ack_clock.status == "met"


def test_yd_complaint_subject_is_refused_for_other_procedures(register):
    with pytest.raises(DomainError) as err:
        register("harbour", received=MONDAY, yd_subject="claim")
    assert err.value.field == "yd_subject"
    with pytest.raises(DomainError) as err:
        register("harbour", received=MONDAY, procedure="young_driver", yd_subject="pricing")
    assert err.value.field == "yd_subject"
    assert Complaint.objects.count() == 0
