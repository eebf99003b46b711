"""The letter catalogue: every letter and document type the platform sends (PLT-7).

One registry is the source for the staff catalogue page, ``covernote letters list`` /
``render`` and the golden tests: what each type is, what triggers it, the rule ids it
serves, the channels and formats it goes out in, and a sample built from fixed demo
data (:mod:`covernote.documents.samples`). A new letter type is one entry here (and its
golden files, ``make goldens``); ``tests/integration/documents/test_letter_catalogue.py``
fails until both exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from covernote.documents.rendering import OutputFormat, render
from covernote.documents.samples import complaints as complaint_samples
from covernote.documents.samples import gap as gap_samples
from covernote.documents.samples import young_driver as yd_samples
from covernote.documents.samples.common import (
    COMPLAINT_TEMPLATE,
    GAP_TEMPLATE,
    YD_TEMPLATE,
    Sample,
)

#: Every customer letter goes by the customer's channel (PLT-1) unless an adjustment
#: decides (PLT-2): email (plain-text body, tagged PDF attached) or post (print house);
#: an SMS only ever points to it.
CUSTOMER_CHANNELS = ("email", "post", "SMS pointer")
#: What every customer letter can be produced as. Audio and Braille are made by the
#: print house from the plain text: a work-queue task, never a silent standard letter.
CUSTOMER_FORMATS = (
    "standard (tagged PDF/UA)",
    "large print 16 pt+",
    "plain text",
    "audio/Braille (print house)",
)
OUTPUT_FORMATS = (OutputFormat.STANDARD, OutputFormat.LARGE_PRINT, OutputFormat.TEXT)


@dataclass(frozen=True)
class LetterType:
    key: str  # unique catalogue key (CLI argument, golden file name)
    kind: str  # Document.kind it is stored under (several types may share one)
    name: str
    product: str
    trigger: str
    rules: tuple[str, ...]
    template: str
    sample: Callable[[], Sample]
    channels: tuple[str, ...] = CUSTOMER_CHANNELS
    formats: tuple[str, ...] = CUSTOMER_FORMATS
    outputs: tuple[OutputFormat, ...] = OUTPUT_FORMATS  # what the samples and goldens cover

    def render_sample(self, output: OutputFormat) -> bytes:
        if output not in self.outputs and output is not OutputFormat.UNTAGGED:
            offered = ", ".join(o.value for o in self.outputs)
            raise ValueError(f"format: {self.key} comes in {offered} only (PLT-7)")
        s = self.sample()
        _html, data = render(s.template, s.context, output)
        return data


def _t(
    key: str,
    name: str,
    product: str,
    trigger: str,
    rules: tuple[str, ...],
    sample: Callable[[], Sample],
    *,
    kind: str | None = None,
    template: str | None = None,
    channels: tuple[str, ...] = CUSTOMER_CHANNELS,
    formats: tuple[str, ...] = CUSTOMER_FORMATS,
    outputs: tuple[OutputFormat, ...] = OUTPUT_FORMATS,
) -> LetterType:
    default_template = {
        "GAP": GAP_TEMPLATE,
        "Complaints": COMPLAINT_TEMPLATE,
    }.get(product, YD_TEMPLATE)
    return LetterType(
        key=key,
        kind=kind or key,
        name=name,
        product=product,
        trigger=trigger,
        rules=rules,
        template=template or default_template,
        sample=sample,
        channels=channels,
        formats=formats,
        outputs=outputs,
    )


CATALOGUE: tuple[LetterType, ...] = (
    # ------------------------------------------------------------------ Combined GAP
    _t("gap_schedule", "Policy schedule", "GAP", "A broker sells a Combined GAP policy",
       ("PLT-7", "PLT-11", "GAP-COVER-3", "GAP-CANCEL-1"), gap_samples.gap_schedule),
    _t("gap_statement", "Statement of insurance", "GAP", "A broker sells a Combined GAP policy",
       ("PLT-7", "GAP-CLAIM-1"), gap_samples.gap_statement),
    _t("gap_replacement_schedule", "Schedule after a new-for-old transfer", "GAP",
       "Cover moves to a new-for-old replacement vehicle", ("PLT-7", "GAP-EXCL-9"),
       gap_samples.gap_replacement_schedule, kind="gap_schedule"),
    _t("gap_cancellation", "Cancellation and refund", "GAP",
       "The customer or the insurer cancels the policy",
       ("GAP-CANCEL-1", "GAP-CANCEL-2", "GAP-CANCEL-3", "GAP-CANCEL-4"), gap_samples.gap_cancellation),
    _t("gap_claim_registered", "Claim registered", "GAP", "A claim is notified (late or not)",
       ("GAP-CLAIM-1",), gap_samples.gap_claim_registered),
    _t("gap_claim_documents", "Claim documents still needed", "GAP",
       "A claims handler asks for outstanding documents", ("GAP-CLAIM-1",), gap_samples.gap_claim_documents),
    _t("gap_claim_approved", "Claim approved", "GAP", "A claims handler approves a claim",
       ("GAP-COVER", "GAP-CLAIM-4"), gap_samples.gap_claim_approved),
    _t("gap_claim_declined", "Claim declined", "GAP", "A claims handler declines a claim",
       ("GAP-CLAIM-3",), gap_samples.gap_claim_declined, kind="gap_claim_decision"),
    _t("gap_claim_payment", "Claim paid", "GAP", "An approved claim is paid",
       ("GAP-COVER", "GAP-CLAIM-4"), gap_samples.gap_claim_paid),
    # ------------------------------------------------------------------ Young Driver
    _t("yd_schedule", "Welcome pack and policy schedule", "Young Driver",
       "A Young Driver policy is bought (card or Direct Debit)",
       ("PLT-7", "YD-FEE-ARR", "YD-BOX-INSTALL", "YD-PAY-2"), yd_samples.yd_schedule,
       template="documents/yd_schedule.html"),
    _t("yd_cpa_notice", "Notice of a payment (continuous payment authority)", "Young Driver",
       "A change or review moves money: 14 days' written notice", ("YD-PAY-2", "YD-PAY-3"),
       yd_samples.yd_cpa_notice),
    _t("yd_install_reminder", "Reminder to fit the Smartbox", "Young Driver",
       "The fitting deadline passes without an approved photo", ("YD-BOX-INSTALL",),
       yd_samples.yd_install_reminder),
    _t("yd_replacement_reminder", "Reminder to fit a replacement Smartbox", "Young Driver",
       "A free replacement box is still not fitted", ("YD-BOX-FAULT",),
       yd_samples.yd_replacement_reminder, kind="yd_install_reminder"),
    _t("yd_install_notice", "Notice of cancellation: Smartbox not fitted", "Young Driver",
       "The box is still not fitted after the reminder", ("YD-BOX-INSTALL", "YD-CANCEL-5"),
       yd_samples.yd_install_notice, kind="yd_cancellation_notice"),
    _t("yd_cancellation_notice", "Notice of cancellation", "Young Driver",
       "Staff give notice for a listed reason (speeding, mileage, non-payment)",
       ("YD-CANCEL-5",), yd_samples.yd_cancellation_notice),
    _t("yd_smartbox_replacement", "Replacement Smartbox on its way", "Young Driver",
       "A Smartbox stops sending data", ("YD-BOX-FAULT",), yd_samples.yd_smartbox_replacement),
    _t("yd_cancellation", "Cancellation (or void) and refund", "Young Driver",
       "The policy is cancelled or declared void",
       ("YD-CANCEL-1", "YD-CANCEL-2", "YD-CANCEL-3", "YD-CANCEL-4", "YD-VOID-1", "YD-PAY-1"),
       yd_samples.yd_cancellation),
    _t("yd_theft_ack", "Theft claim registered", "Young Driver", "A theft claim is registered",
       ("YD-THEFT-1",), yd_samples.yd_theft_ack),
    _t("yd_renewal_invitation", "Renewal invitation", "Young Driver",
       "The renewal job invites a policy due to end", ("YD-FEE-REN", "YD-PAY-2"),
       yd_samples.yd_renewal_invitation),
    _t("yd_renewal_schedule", "Renewed policy schedule", "Young Driver",
       "The customer accepts the renewal", ("YD-FEE-REN", "YD-CANCEL-2"), yd_samples.yd_renewal_schedule),
    _t("yd_renewal_declined", "Renewal declined", "Young Driver",
       "The customer says no thanks to the renewal", ("YD-FEE-REN", "YD-PAY-2"),
       yd_samples.yd_renewal_declined),
    _t("yd_review_outcome", "Driving review outcome", "Young Driver (telematics)",
       "The 90-day driving review is notified", ("YD-REVIEW-2", "YD-REVIEW-3", "YD-REVIEW-4"),
       yd_samples.yd_review_outcome),
    _t("yd_driving_alert", "Speeding alert", "Young Driver (telematics)",
       "The speeding ladder raises an alert or proposes a notice",
       ("YD-SPEED-1", "YD-SPEED-2", "YD-SPEED-3"), yd_samples.yd_driving_alert),
    _t("yd_mileage_top_up", "Mileage top-up needed", "Young Driver (telematics)",
       "Tracked miles run ahead of the declared mileage", ("YD-MILES-1", "YD-CANCEL-5"),
       yd_samples.yd_mileage_top_up),
    # ------------------------------------------------------------------ complaints
    _t("complaint_acknowledgement", "Complaint acknowledgement", "Complaints",
       "A complaint is registered (DISP 1.6.1R)", ("COMP-6", "COMP-2", "YD-COMPLAINT"),
       complaint_samples.complaint_acknowledgement),
    _t("complaint_qa_acknowledgement", "Escalation acknowledgement", "Complaints",
       "A complaint is escalated to the QA team", ("COMP-3", "COMP-6"),
       complaint_samples.complaint_qa_acknowledgement),
    _t("complaint_summary_resolution", "Summary resolution communication", "Complaints",
       "A complaint is resolved by the end of the third working day (DISP 1.5.4R)",
       ("COMP-6", "COMP-3", "COMP-FOS-ELIG"), complaint_samples.complaint_summary_resolution),
    _t("complaint_holding_response", "Eight-week holding response", "Complaints",
       "No final response by eight weeks (DISP 1.6.2R(2))",
       ("COMP-6", "COMP-2", "COMP-4", "COMP-FOS-ELIG"), complaint_samples.complaint_holding_response),
    _t("complaint_final_response", "Final response", "Complaints",
       "A complaint handler sends the final response (DISP 1.6.2R(1))",
       ("COMP-6", "COMP-2", "COMP-4", "COMP-FOS-ELIG"), complaint_samples.complaint_final_response),
    _t("complaint_forwarding_notice", "Complaint passed to another firm", "Complaints",
       "A complaint is forwarded (DISP 1.7)", ("COMP-6", "COMP-5", "GAP-COMPLAINT"),
       complaint_samples.complaint_forwarding_notice),
    _t("complaint_withdrawal", "Complaint withdrawn", "Complaints",
       "The complainant withdraws the complaint", ("COMP-6", "COMP-7"), complaint_samples.complaint_withdrawal),
    # ------------------------------------------------------------------ staff documents
    _t("yd_evidence_pack", "Driving evidence pack", "Young Driver (telematics)",
       "Staff export the driving evidence for the customer or the Financial Ombudsman",
       ("YD-SPEED-3", "YD-SCORE-1", "YD-SCORE-2"), yd_samples.yd_evidence_pack,
       template="telematics/evidence_pack.html",
       channels=("staff download (sent on by hand)",),
       formats=("standard (tagged PDF/UA)", "plain text"),
       outputs=(OutputFormat.STANDARD, OutputFormat.TEXT)),
)  # fmt: skip

BY_KEY: dict[str, LetterType] = {t.key: t for t in CATALOGUE}


def letter_type(key: str) -> LetterType:
    """The catalogue entry ``key``; a clear error naming the field otherwise."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"type: unknown letter type {key!r}; `covernote letters list` shows them (PLT-7)"
        ) from None


__all__ = ["BY_KEY", "CATALOGUE", "OUTPUT_FORMATS", "LetterType", "letter_type"]
