"""Complaints (COMP-1, COMP-7; REGULATION §1.5 record schema).

Clock dates are never stored as editable fields: they are derived from the
receipt timestamp and the recorded events (``escalated_at``, ``*_sent_at``,
``final_response_on``), which only the services set, at the time the step is
recorded. A date cannot be edited to hide a breach.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from covernote.accounts.models import Firm
from covernote.complaints.records import FosReferralRecord
from covernote.documents.models import Document
from covernote.domain.complaints.procedures import OPEN_STATUSES as DOMAIN_OPEN_STATUSES
from covernote.domain.complaints.procedures import ComplaintStatus
from covernote.domain.complaints.returns import Outcome, RedressType
from covernote.parties.models import FORMAT_CHOICES, Customer
from covernote.products.models import ProductConfiguration


class Procedure(models.TextChoices):
    BROKER_PLATFORM = "broker_platform", "Broker platform (COMP-3)"
    YOUNG_DRIVER = "young_driver", "Co-op Young Driver (YD-COMPLAINT)"
    GAP_CLAIM = "gap_claim", "Combined GAP — about a claim (GAP-COMPLAINT)"
    GAP_SALE = "gap_sale", "Combined GAP — about the sale (GAP-COMPLAINT)"


class ReceivedChannel(models.TextChoices):
    PHONE = "phone", "Phone (oral complaint)"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    WEB = "web", "Web form"
    IN_PERSON = "in_person", "In person"


class ComplainantKind(models.TextChoices):
    CONSUMER = "consumer", "Consumer"
    MICRO_ENTERPRISE = "micro_enterprise", "Micro-enterprise"
    SMALL_BUSINESS = "small_business", "Small business"
    CHARITY = "charity", "Charity"
    TRUST = "trust", "Trust (trustee)"
    GUARANTOR = "guarantor", "Personal guarantor"


class Relationship(models.TextChoices):
    """Who complains (COMP-1, ADR 0026): the customer, or someone else, who may not be a
    customer at all. COMP rules apply the same way."""

    CUSTOMER = "customer", "The customer"
    REPRESENTATIVE = "representative", "A representative (family, solicitor, adviser)"
    CMC = "cmc", "A claims management company"
    OTHER = "other", "Someone who is not a customer"


class Product(models.TextChoices):
    YOUNG_DRIVER_MOTOR = "young_driver_motor", "Co-op Young Driver motor (telematics)"
    GAP = "gap", "Combined GAP"
    MOTOR_OTHER = "motor_other", "Other motor (broker platform)"
    LEGAL_EXPENSES = "legal_expenses", "Legal expenses"
    CMC_PERSONAL_INJURY = "cmc_personal_injury", "Claims management — personal injury"
    CMC_EMPLOYMENT = "cmc_employment", "Claims management — employment"


#: DISP 1 Annex 1R product groups for the return.
PRODUCT_GROUP = {
    Product.YOUNG_DRIVER_MOTOR: "insurance_pure_protection",
    Product.GAP: "insurance_pure_protection",
    Product.MOTOR_OTHER: "insurance_pure_protection",
    Product.LEGAL_EXPENSES: "insurance_pure_protection",
    Product.CMC_PERSONAL_INJURY: "claims_management",
    Product.CMC_EMPLOYMENT: "claims_management",
}


class MainCause(models.TextChoices):
    """FCA complaints return causes (DISP 1 Annex 1R)."""

    ADVISING_SELLING = "advising_selling", "Advising, selling and arranging"
    TERMS_DISPUTES = "terms_disputes", "Terms and disputed sums/charges"
    GENERAL_ADMIN = "general_admin", "General admin/customer service"
    ARREARS = "arrears", "Arrears related"
    OTHER = "other", "Other"


class RegulatedActivity(models.TextChoices):
    INSURANCE_DISTRIBUTION = "insurance_distribution", "Insurance distribution"
    CLAIMS_HANDLING = "claims_handling", "Claims handling"
    CLAIMS_MANAGEMENT = "claims_management", "Claims management"


class Subject(models.TextChoices):
    """What the complaint is about, for the onward route (COMP-4)."""

    FIRM_SERVICE = "firm_service", "Insurance distribution or claims handling by the firm"
    CLAIMS_MANAGEMENT = "claims_management", "Claims management (no insurance policy)"
    PANEL_SOLICITOR_CONDUCT = "panel_solicitor_conduct", "The conduct of a panel solicitor"


STATUS_CHOICES = [
    (ComplaintStatus.RECEIVED.value, "Received"),
    (ComplaintStatus.STAGE1.value, "Stage 1"),
    (ComplaintStatus.STAGE2.value, "Stage 2 (escalated)"),
    (ComplaintStatus.FORWARDED.value, "Forwarded to another firm"),
    (ComplaintStatus.RESOLVED_SUMMARY.value, "Resolved (summary resolution)"),
    (ComplaintStatus.FINAL_RESPONSE_ISSUED.value, "Final response issued"),
    (ComplaintStatus.REFERRED_FOS.value, "Referred to the FOS"),
    (ComplaintStatus.CLOSED.value, "Closed"),
    (ComplaintStatus.WITHDRAWN.value, "Withdrawn"),
]
#: The open statuses, as stored (the state machine's, ``domain.complaints.procedures``).
OPEN_STATUSES = tuple(s.value for s in ComplaintStatus if s in DOMAIN_OPEN_STATUSES)
OUTCOME_CHOICES = [
    (Outcome.UPHELD.value, "Upheld"),
    (Outcome.PARTLY_UPHELD.value, "Partly upheld"),
    (Outcome.GOODWILL_WITHOUT_DECISION.value, "Goodwill payment without a decision"),
    (Outcome.REJECTED.value, "Rejected"),
    (Outcome.WITHDRAWN.value, "Withdrawn"),
]
REDRESS_CHOICES = [(t.value, t.value.replace("_", " ").capitalize()) for t in RedressType]


class FosOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld by the FOS"
    NOT_UPHELD = "not_upheld", "Not upheld by the FOS"


class YoungDriverSubject(models.TextChoices):
    """YD-COMPLAINT routing: the keys of ``[procedures.young_driver.subjects]``."""

    SALE = "sale", "Sales"
    SERVICE = "service", "Service or administration"
    CLAIM = "claim", "Claims"


class Complaint(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    firm = models.ForeignKey(
        Firm,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        help_text="The broker whose sale it concerns (tenant scope); empty for direct customers.",
    )
    procedure = models.CharField(max_length=30, choices=Procedure.choices)
    config = models.ForeignKey(
        ProductConfiguration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The complaints procedures in force on the received date (pinned, COMP-5); "
        "empty for complaints registered before pinning.",
    )
    subject = models.CharField(max_length=30, choices=Subject.choices, default=Subject.FIRM_SERVICE)
    received_at = models.DateTimeField(help_text="When the complaint was received (UTC).")
    channel = models.CharField(max_length=20, choices=ReceivedChannel.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # Complainant and FOS eligibility evidence (COMP-FOS-ELIG)
    complainant_type = models.CharField(
        max_length=20, choices=ComplainantKind.choices, default=ComplainantKind.CONSUMER
    )
    complainant_relationship = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.CUSTOMER
    )
    representative_name = models.CharField(
        max_length=200, blank=True, help_text="Who acts for the complainant, if anyone."
    )
    representative_contact = models.TextField(
        blank=True, help_text="The representative's email, phone or address."
    )
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_turnover_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    balance_sheet_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    annual_income_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    net_assets_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    eur_per_gbp = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    fos_eligible = models.BooleanField(default=True)
    eligibility_decision = models.JSONField(default=dict)
    # What
    product = models.CharField(max_length=30, choices=Product.choices)
    policy_reference = models.CharField(max_length=60, blank=True)
    claim_reference = models.CharField(max_length=60, blank=True)
    main_cause = models.CharField(max_length=30, choices=MainCause.choices)
    regulated_activity = models.CharField(max_length=30, choices=RegulatedActivity.choices)
    vulnerability_identified = models.BooleanField(default=False)
    vulnerability_related_cause = models.BooleanField(default=False)
    description = models.TextField()
    response_format = models.CharField(max_length=20, choices=FORMAT_CHOICES, default="standard")
    # Progress
    status = models.CharField(
        max_length=30, choices=STATUS_CHOICES, default=ComplaintStatus.RECEIVED.value
    )
    stage_owner_role = models.CharField(max_length=20, default="manager")
    stage_owner = models.CharField(max_length=60, blank=True, help_text="Configured contact key.")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=40, blank=True)
    qa_acknowledged_at = models.DateTimeField(null=True, blank=True)
    summary_resolution_sent_at = models.DateTimeField(null=True, blank=True)
    forwarded_to = models.CharField(max_length=60, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    route_subject = models.CharField(
        max_length=20,
        choices=YoungDriverSubject.choices,
        blank=True,
        help_text="YD-COMPLAINT: sales/service/administration or claims routing.",
    )
    holding_response_on = models.DateField(null=True, blank=True)
    holding_expected_by = models.DateField(null=True, blank=True)
    final_response_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # Outcome
    outcome = models.CharField(max_length=30, choices=OUTCOME_CHOICES, blank=True)
    redress_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    redress_type = models.CharField(max_length=30, choices=REDRESS_CHOICES, blank=True)
    consent_to_waive = models.BooleanField(default=False)
    fos_referred_at = models.DateTimeField(
        null=True, blank=True, help_text="When the referral was recorded (stamped)."
    )
    fos_referred_on = models.DateField(
        null=True, blank=True, help_text="The date the complainant referred to the FOS."
    )
    fos_reference = models.CharField(max_length=40, blank=True)
    fos_referral_decision = models.JSONField(default=dict, blank=True)
    fos_outcome = models.CharField(max_length=20, choices=FosOutcome.choices, blank=True)
    fos_redress_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fos_decided_on = models.DateField(null=True, blank=True)
    retention_until = models.DateField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["status"]), models.Index(fields=["firm"])]

    def __str__(self) -> str:
        return f"Complaint {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def responded(self) -> bool:
        """The firm has responded: a final response or a summary resolution (COMP-6)."""
        return self.final_response_on is not None or self.summary_resolution_sent_at is not None

    @property
    def fos_referral(self) -> FosReferralRecord | None:
        """The stored FOS referral check, typed (COMP-4); None before a referral."""
        return FosReferralRecord.from_json(self.fos_referral_decision)


class ComplaintEvent(models.Model):
    """The history of a complaint: every step, who, when (recorded) and what."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(help_text="When the step happened (the recording time).")
    recorded_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    status_before = models.CharField(max_length=30, blank=True)
    status_after = models.CharField(max_length=30, blank=True)
    detail = models.JSONField(default=dict)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    return f"complaints/{instance.complaint.reference}/{filename}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ComplaintTask(models.Model):
    """A task raised by the scheduled clock check before or at a breach (COMP-7)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="tasks")
    clock = models.CharField(max_length=40)
    level = models.CharField(max_length=20, help_text="due (before breach) or breached")
    action = models.CharField(
        max_length=20, help_text="phone or write: never phone when adjustments rule it out"
    )
    assigned_role = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    note = models.TextField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["due_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["complaint", "clock", "level"], name="one_task_per_clock_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.clock} {self.level}"
