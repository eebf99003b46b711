"""The typed inputs of the complaints writes: bad input names the field and the rule."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from covernote.complaints._parsing import PLACEHOLDER_WORDS
from covernote.complaints.inputs import (
    ActivityCode,
    Attachment,
    ChannelCode,
    ComplainantCode,
    ComplaintRegistration,
    Escalation,
    FinalResponse,
    FosDecision,
    FosReferral,
    HoldingResponse,
    MainCauseCode,
    ProcedureCode,
    ProductCode,
    Reclassification,
    RelationshipCode,
    SubjectCode,
    SummaryResolution,
)
from covernote.domain.errors import DomainError

RECEIVED = datetime(2026, 3, 2, 10, tzinfo=UTC)
VALID = {
    "received_at": RECEIVED,
    "channel": "phone",
    "procedure": "broker_platform",
    "product": "motor_other",
    "description": "Cover lapsed",
}


def refused(build, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        build(**kwargs)
    return err.value


def test_comp_1_registration_defaults_and_regulated_activity_from_the_procedure():
    data = ComplaintRegistration.parse(VALID)
    assert (data.subject, data.main_cause, data.complainant_type) == (
        "firm_service",
        "general_admin",
        "consumer",
    )
    assert data.activity == "insurance_distribution"
    gap = ComplaintRegistration.parse(VALID, procedure="gap_claim", product="gap")
    assert gap.activity == "claims_handling"


@pytest.mark.parametrize(
    ("change", "field", "rule", "code"),
    [
        ({"description": "  "}, "description", "COMP-1", "required"),
        ({"received_at": None}, "received_at", "COMP-1", "required"),
        ({"received_at": datetime(2026, 3, 2, 10)}, "received_at", "G2", "invalid"),
        ({"procedure": "motor"}, "procedure", "COMP-1", "invalid"),
        ({"channel": ""}, "channel", "COMP-1", "required"),
        ({"employees": "eight"}, "employees", "COMP-1", "invalid"),
        ({"annual_turnover_gbp": "-1"}, "annual_turnover_gbp", "COMP-1", "invalid"),
        ({"regulated_activity": "banking"}, "regulated_activity", "COMP-1", "invalid"),
        ({"colour": "red"}, "colour", "COMP-1", "invalid"),
    ],
)
def test_comp_1_registration_refusals_name_the_field_and_rule(change, field, rule, code):
    err = refused(ComplaintRegistration.parse, **{**VALID, **change})
    assert (err.field, err.rule, str(err.code)) == (field, rule, code)


def test_comp_1_unknown_choice_lists_the_allowed_values():
    err = refused(ComplaintRegistration.parse, **{**VALID, "channel": "fax"})
    assert err.message == "channel must be one of phone, email, letter, web, in_person"


def test_comp_3_escalation_reason_is_one_of_two():
    assert Escalation.parse().reason == "not_resolved"
    err = refused(Escalation.parse, reason="bored")
    assert (err.field, err.rule) == ("reason", "COMP-3")


def test_comp_7_redress_needs_its_type_and_zero_is_none():
    err = refused(FinalResponse.parse, outcome="upheld", reasons="x", redress_amount="10")
    assert (err.field, err.rule) == ("redress_type", "COMP-7")
    data = FinalResponse.parse(
        outcome="upheld", reasons="We made an error with your renewal.", redress_amount="0"
    )
    assert (data.redress_amount, data.redress_type) == (None, None)
    data = FinalResponse.parse(
        outcome="partly_upheld",
        reasons="We sent the renewal late.\n\nCover was never affected by it.",
        redress_amount="12.5",
        redress_type="goodwill",
    )
    assert data.redress_amount == Decimal("12.50") and data.paragraphs == (
        "We sent the renewal late.",
        "Cover was never affected by it.",
    )


def test_comp_7_final_response_needs_an_outcome_that_is_not_withdrawn():
    assert refused(FinalResponse.parse, outcome="", reasons="x").field == "outcome"
    err = refused(FinalResponse.parse, outcome="withdrawn", reasons="x")
    assert (err.field, err.rule) == ("outcome", "COMP-7")
    err = refused(FinalResponse.parse, outcome="upheld", reasons=" ")
    assert (err.field, err.rule) == ("reasons", "COMP-6")


def test_comp_3_summary_resolution_defaults_to_upheld_and_needs_the_resolution():
    assert (
        SummaryResolution.parse(resolution="Fixed, as we explained on the phone.").outcome
        == "upheld"
    )
    err = refused(SummaryResolution.parse, resolution="")
    assert (err.field, err.rule) == ("resolution", "COMP-3")


def test_comp_6_a_closing_reason_is_substantive_not_test():
    """ADR 0026: a final response or summary resolution is read by the complainant; one
    word like "test" (seen in the back office) or a fragment is refused, naming the field."""
    for reason in ("test", "Test.", "n/a", "TBC", "closed - ok", "No error."):
        err = refused(FinalResponse.parse, outcome="rejected", reasons=reason)
        assert (err.field, err.rule, err.code) == ("reasons", "COMP-6", "invalid"), reason
        err = refused(SummaryResolution.parse, resolution=reason)
        assert (err.field, err.rule) == ("resolution", "COMP-3"), reason
    ok = FinalResponse.parse(outcome="rejected", reasons="We found no error in the renewal.")
    assert ok.reasons == "We found no error in the renewal."


def test_comp_6_holding_response_needs_reason_and_expected_date():
    assert refused(HoldingResponse.parse, reason=" ", expected_by=date(2026, 5, 1)).field == (
        "reason"
    )
    err = refused(HoldingResponse.parse, reason="awaiting", expected_by=None)
    assert (err.field, err.rule) == ("expected_by", "COMP-6")


def test_comp_4_fos_referral_and_decision_refusals():
    err = refused(FosReferral.parse, referred_on=date(2026, 3, 2), fos_reference="")
    assert (err.field, err.rule) == ("fos_reference", "COMP-4")
    err = refused(
        FosReferral.parse, referred_on=date(2026, 3, 2), fos_reference="F", eur_per_gbp="0"
    )
    assert (err.field, err.rule) == ("eur_per_gbp", "COMP-4")
    err = refused(
        FosDecision.parse,
        fos_outcome="not_upheld",
        decided_on=date(2026, 6, 1),
        redress_amount="10",
        redress_type="goodwill",
    )
    assert (err.field, err.rule) == ("redress_amount", "COMP-4")


def test_comp_7_reclassification_refuses_clock_fields_and_parses_yes_no():
    err = refused(Reclassification.parse, received_at="2026-03-05T10:00:00+00:00")
    assert (err.field, err.rule, str(err.code)) == ("received_at", "COMP-7", "permission_denied")
    err = refused(Reclassification.parse, reference="X")
    assert (err.field, err.rule, str(err.code)) == ("reference", "COMP-7", "invalid")
    data = Reclassification.parse(vulnerability_identified="yes", product="gap", note=" why ")
    assert data.changes == {"product": "gap", "vulnerability_identified": True}
    assert data.note == "why"
    assert refused(Reclassification.parse, vulnerability_identified="maybe").rule == "COMP-7"


class Upload:
    def __init__(self, name, content_type, size):
        self.name, self.content_type, self.size = name, content_type, size


def test_comp_1_attachment_type_and_size():
    ok = Attachment.from_upload(Upload("a/b/letter.PDF", "application/pdf; q=1", 10))
    assert (ok.name, ok.content_type) == ("letter.PDF", "application/pdf")
    for upload in (
        Upload("x.exe", "application/octet-stream", 10),
        Upload("x.pdf", "application/pdf", 0),
        Upload("x.pdf", "application/pdf", 11 * 1024 * 1024),
    ):
        err = refused(Attachment.from_upload, upload=upload)
        assert (err.field, err.rule) == ("file", "COMP-1")


def test_inputs_are_frozen():
    data = Escalation.parse()
    with pytest.raises(ValidationError):
        data.reason = "rejected_resolution"  # type: ignore[misc]


def test_comp_1_input_choices_match_the_model_choices():
    from covernote.complaints import models

    pairs = [
        (ProcedureCode, models.Procedure),
        (ChannelCode, models.ReceivedChannel),
        (ComplainantCode, models.ComplainantKind),
        (ProductCode, models.Product),
        (MainCauseCode, models.MainCause),
        (ActivityCode, models.RegulatedActivity),
        (SubjectCode, models.Subject),
        (RelationshipCode, models.Relationship),
    ]
    for literal, choices in pairs:
        assert list(get_args(literal)) == list(choices.values)


def test_inputs_import_no_django():
    code = (
        "import sys, covernote.complaints.inputs; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@given(
    st.lists(st.sampled_from(sorted(PLACEHOLDER_WORDS)), min_size=1, max_size=12),
    st.sampled_from([" ", "  ", "\n", ", "]),
)
def test_comp_6_a_reason_made_only_of_placeholder_words_is_never_accepted(words, sep):
    """ADR 0026: however many placeholder words ("test test test ok done"), never a reason."""
    with pytest.raises(DomainError) as err:
        FinalResponse.parse(outcome="rejected", reasons=sep.join(words))
    assert (err.value.field, err.value.rule) == ("reasons", "COMP-6")


@given(st.lists(st.from_regex(r"[A-Za-z]{3,9}", fullmatch=True), min_size=4, max_size=20))
def test_comp_6_any_real_sentence_of_four_words_and_twenty_characters_is_accepted(words):
    text = " ".join(words)
    if len(text) < 20 or all(w.lower() in PLACEHOLDER_WORDS for w in words):
        return
    assert FinalResponse.parse(outcome="rejected", reasons=text).reasons == text
