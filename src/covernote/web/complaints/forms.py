"""Forms for the complaint pages (COMP-1, COMP-3..7)."""

from __future__ import annotations

from typing import Any

from django import forms

from covernote.complaints.models import (
    REDRESS_CHOICES,
    ComplainantKind,
    FosOutcome,
    MainCause,
    Procedure,
    Product,
    ReceivedChannel,
    RegulatedActivity,
    Relationship,
    Subject,
    YoungDriverSubject,
)
from covernote.domain.complaints.returns import Outcome

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# Amounts and counts are plain text here: the typed input checks them (ADR 0023), so a
# full-width digit, an exponent or a sub-penny amount is refused with the same words as
# the API, never silently read by Django's number fields.


class ComplaintForm(forms.Form):
    customer_reference = forms.CharField(
        label="Customer reference (blank if the complainant is not a customer)",
        max_length=20,
        required=False,
    )
    complainant_relationship = forms.ChoiceField(
        label="Who is complaining", choices=Relationship.choices, initial="customer"
    )
    complainant_name = forms.CharField(
        label="Complainant's full name (not a customer)", required=False, max_length=200
    )
    complainant_email = forms.EmailField(label="Complainant's email", required=False)
    complainant_phone = forms.CharField(label="Complainant's phone", required=False, max_length=30)
    complainant_address_line1 = forms.CharField(
        label="Complainant's address (first line)", required=False, max_length=200
    )
    complainant_town = forms.CharField(label="Complainant's town", required=False, max_length=100)
    complainant_postcode = forms.CharField(
        label="Complainant's postcode", required=False, max_length=10
    )
    representative_name = forms.CharField(
        label="Representative or claims management company (name)",
        required=False,
        max_length=200,
    )
    representative_contact = forms.CharField(
        label="Representative's email, phone or address", required=False, max_length=500
    )
    received_at = forms.DateTimeField(
        label="Received (date and time, UK time)",
        widget=DT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    channel = forms.ChoiceField(label="How it was received", choices=ReceivedChannel.choices)
    procedure = forms.ChoiceField(label="Procedure", choices=Procedure.choices)
    yd_subject = forms.ChoiceField(
        label="Young Driver: what it is about (YD-COMPLAINT routing)",
        choices=[
            ("", "— not a Young Driver complaint —"),
            (YoungDriverSubject.SALE.value, "Sales → Customer Service (Quality Manager)"),
            (
                YoungDriverSubject.SERVICE.value,
                "Service or administration → Customer Service (Quality Manager)",
            ),
            (YoungDriverSubject.CLAIM.value, "Claims → Customer Relations (claims)"),
        ],
        required=False,
    )
    product = forms.ChoiceField(choices=Product.choices)
    policy_reference = forms.CharField(label="Policy reference", required=False, max_length=60)
    claim_reference = forms.CharField(label="Claim reference", required=False, max_length=60)
    subject = forms.ChoiceField(
        label="What it concerns (for the onward route, COMP-4)", choices=Subject.choices
    )
    main_cause = forms.ChoiceField(label="Main cause (FCA taxonomy)", choices=MainCause.choices)
    regulated_activity = forms.ChoiceField(
        label="Regulated activity",
        choices=[("", "— from the procedure —"), *RegulatedActivity.choices],
        required=False,
    )
    complainant_type = forms.ChoiceField(label="Complainant", choices=ComplainantKind.choices)
    employees = forms.CharField(label="Employees", required=False)
    annual_turnover_gbp = forms.CharField(label="Annual turnover (£)", required=False)
    balance_sheet_gbp = forms.CharField(label="Balance sheet total (£)", required=False)
    annual_income_gbp = forms.CharField(label="Charity annual income (£)", required=False)
    net_assets_gbp = forms.CharField(label="Trust net assets (£)", required=False)
    vulnerability_identified = forms.BooleanField(
        label="The customer is in vulnerable circumstances", required=False
    )
    vulnerability_related_cause = forms.BooleanField(
        label="The complaint is about a failure to consider vulnerability", required=False
    )
    description = forms.CharField(
        label="What the complaint is about", widget=forms.Textarea(attrs={"rows": 4})
    )


class CustomerComplaintForm(forms.Form):
    ABOUT = [
        ("gap_claim", "A claim on my GAP insurance"),
        ("gap_sale", "How my GAP insurance was sold"),
        ("young_driver", "My Young Driver motor insurance"),
        ("broker_platform", "Something else about my insurance"),
    ]
    about = forms.ChoiceField(label="What is your complaint about?", choices=ABOUT)
    policy_reference = forms.CharField(label="Policy number (if you have it)", required=False)
    description = forms.CharField(
        label="Tell us what went wrong and what you would like us to do",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EscalateForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            ("not_resolved", "Not resolved by the end of the 3rd working day"),
            ("rejected_resolution", "The customer rejected the proposed resolution"),
        ]
    )


OUTCOMES = [
    ("", "— choose —"),
    (Outcome.UPHELD.value, "Upheld"),
    (Outcome.PARTLY_UPHELD.value, "Partly upheld"),
    (Outcome.GOODWILL_WITHOUT_DECISION.value, "Goodwill payment without a decision"),
    (Outcome.REJECTED.value, "Rejected"),
]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=OUTCOMES, required=False)
    reasons = forms.CharField(
        label="Reasons (blank line between paragraphs)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    redress_amount = forms.CharField(label="Redress (£)", required=False)
    redress_type = forms.ChoiceField(
        label="Redress type", choices=[("", "— none —"), *REDRESS_CHOICES], required=False
    )
    consent_to_waive = forms.BooleanField(
        label="We consent to the FOS considering a late referral (Annex 3R)", required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField()


class ReturnForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    shape = forms.ChoiceField(
        choices=[
            ("annex1r", "DISP 1 Annex 1R (to 31 Dec 2026)"),
            ("consolidated_2027", "Consolidated return (PS25/19, from 2027)"),
        ]
    )
    frn = forms.ChoiceField(label="Firm (FCA reference number)", required=False, choices=[])

    def __init__(self, *args: Any, firms: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["frn"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All firms in my scope"), *(firms or [])]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("no", "No"), ("yes", "Yes")]


class HoldingForm(forms.Form):
    holding_reason = forms.CharField(
        label="Why a final response cannot be given yet",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_by = forms.DateField(label="Final response expected by", widget=DATE)


class FosReferralForm(forms.Form):
    referred_on = forms.DateField(label="Date the complainant referred to the FOS", widget=DATE)
    fos_reference = forms.CharField(label="FOS reference", max_length=40)
    eur_per_gbp = forms.CharField(
        label="EUR per GBP on the referral date (Bank of England)", required=False
    )


class FosCloseForm(forms.Form):
    fos_outcome = forms.ChoiceField(
        label="FOS outcome", choices=[("", "— choose —"), *FosOutcome.choices]
    )
    decided_on = forms.DateField(label="Date of the FOS decision", widget=DATE)
    fos_redress_amount = forms.CharField(label="Redress the FOS awarded (£)", required=False)
    fos_redress_type = forms.ChoiceField(
        label="FOS redress type", choices=[("", "— none —"), *REDRESS_CHOICES], required=False
    )
    fos_note = forms.CharField(label="Note", required=False)


class ReclassifyForm(forms.Form):
    main_cause = forms.ChoiceField(label="Main cause (FCA taxonomy)", choices=MainCause.choices)
    product = forms.ChoiceField(label="Product", choices=Product.choices)
    regulated_activity = forms.ChoiceField(
        label="Regulated activity", choices=RegulatedActivity.choices
    )
    vulnerability_identified = forms.ChoiceField(
        label="The customer is in vulnerable circumstances", choices=YES_NO
    )
    vulnerability_related_cause = forms.ChoiceField(
        label="The complaint is about a failure to consider vulnerability", choices=YES_NO
    )
    note = forms.CharField(label="Why the classification is corrected", required=False)
