"""Combined GAP records (SPEC §1): vehicle, invoice, finance, motor policy, quote, policy,
cancellation, claim, Glass's Guide table and MID/CUE submissions.

Rules live in ``covernote.domain.gap``; these rows keep the inputs and the
Decision (as JSON) of every calculation so pages can show the steps.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from covernote.accounts.models import Firm
from covernote.domain.gap.cancellation import CancelledBy, InsurerReason, TerminationReason
from covernote.domain.gap.claims import (
    ClaimStatus,
    MotorSection,
    Territory,
    decline_reasons_plain,
)
from covernote.domain.gap.eligibility import BuiltForMarket, HolderRelationship, MotorCover
from covernote.domain.gap.purchase import PriceLineKind
from covernote.domain.gap.records import DecisionRecord, EligibilityRecord, ValidityRecord
from covernote.domain.labels import human_label
from covernote.gap.inputs.claims import ClaimFigures
from covernote.parties.models import Customer
from covernote.products.models import ProductConfiguration


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, human_label(m.value)) for m in enum]  # type: ignore[attr-defined]


MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class ValuationEntry(models.Model):
    """One row of the Glass's Guide table (GAP-ELIG-5, GAP-DEF-MV), loaded from CSV."""

    code = models.CharField(max_length=40, unique=True)
    make = models.CharField(max_length=60)
    model = models.CharField(max_length=100)
    retail_value = models.DecimalField(**MONEY)
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["make", "model"]

    def __str__(self) -> str:
        return f"{self.code} {self.make} {self.model}"


class Vehicle(models.Model):
    """The insured vehicle (GAP-ELIG-3/5/7)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="gap_vehicles")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration = models.CharField(max_length=12)
    make = models.CharField(max_length=60)
    model = models.CharField(max_length=100)
    valuation_code = models.CharField(max_length=40, help_text="Glass's Guide code")
    first_registered_on = models.DateField()
    uses = models.JSONField(default=list)
    gross_weight_kg = models.PositiveIntegerField(default=1500)
    is_commercial = models.BooleanField(default=False)
    is_kit_car = models.BooleanField(default=False)
    is_invalid_carriage = models.BooleanField(default=False)
    built_for = models.CharField(max_length=20, choices=_choices(BuiltForMarket), default="uk")
    registered_in_uk = models.BooleanField(default=True)
    principally_used_in_uk = models.BooleanField(default=True)
    listed_in_valuation_source = models.BooleanField(default=False)
    market_value_at_purchase = models.DecimalField(**MONEY, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.registration} {self.make} {self.model}"


class QuoteStatus(models.TextChoices):
    QUOTED = "quoted", "Quoted"
    REFUSED = "refused", "Refused"
    BOUND = "bound", "Sold"


class GapQuote(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="gap_quotes")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="quotes")
    config = models.ForeignKey(ProductConfiguration, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    quote_date = models.DateField()
    start_on = models.DateField()
    end_on = models.DateField()
    term_months = models.PositiveIntegerField()
    limit_of_liability = models.DecimalField(**MONEY)
    purchase_price = models.DecimalField(**MONEY)
    holder_relationship = models.CharField(max_length=30, choices=_choices(HolderRelationship))
    ownership_date = models.DateField()
    sold_with_vehicle = models.BooleanField(default=False)
    customer_initiated = models.BooleanField(default=False)
    prescribed_info_given_on = models.DateField(null=True, blank=True)
    inputs = models.JSONField(default=dict)
    purchase = models.JSONField(default=dict, help_text="GAP-DEF-PRICE Decision")
    eligibility = models.JSONField(default=dict, help_text="GAP-ELIG Decision")
    failing_rules = models.JSONField(default=list)
    pricing = models.JSONField(default=dict, help_text="GAP-PRICE-1 Decision")
    net_premium = models.DecimalField(**MONEY, null=True, blank=True)
    ipt = models.DecimalField(**MONEY, null=True, blank=True)
    gross_premium = models.DecimalField(**MONEY, null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=QuoteStatus.choices)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def purchase_record(self) -> DecisionRecord:
        """The purchase-price Decision (GAP-DEF-PRICE)."""
        return DecisionRecord.from_json(self.purchase)

    @property
    def eligibility_decision(self) -> DecisionRecord:
        """The eligibility Decision with its steps (GAP-ELIG)."""
        return DecisionRecord.from_json(self.eligibility)

    @property
    def pricing_record(self) -> DecisionRecord:
        """The pricing Decision (GAP-PRICE-1, PLT-8); empty when refused."""
        return DecisionRecord.from_json(self.pricing)

    @property
    def eligibility_record(self) -> EligibilityRecord:
        """The stored eligibility Decision, typed (GAP-ELIG-1..7)."""
        return EligibilityRecord.from_json(self.eligibility)


class PurchaseLine(models.Model):
    """One line of the vehicle invoice (GAP-DEF-PRICE); the price is derived from them."""

    quote = models.ForeignKey(GapQuote, on_delete=models.CASCADE, related_name="purchase_lines")
    kind = models.CharField(max_length=30, choices=_choices(PriceLineKind))
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class FinanceAgreement(models.Model):
    quote = models.OneToOneField(GapQuote, on_delete=models.CASCADE, related_name="finance")
    lender = models.CharField(max_length=120)
    agreement_number = models.CharField(max_length=60, blank=True)
    amount_advanced = models.DecimalField(**MONEY)

    def __str__(self) -> str:
        return f"{self.lender} {self.amount_advanced}"


class MotorPolicy(models.Model):
    """GAP-ELIG-1: the comprehensive motor policy recorded at sale."""

    quote = models.OneToOneField(GapQuote, on_delete=models.CASCADE, related_name="motor_policy")
    insurer = models.CharField(max_length=120)
    policy_number = models.CharField(max_length=60)
    cover = models.CharField(max_length=30, choices=_choices(MotorCover))
    covers_whole_gap_period = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


class PolicyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLATION_PENDING_CLAIM = "cancellation_pending_claim", "Cancellation pending claim"
    TERMINATED = "terminated", "Terminated"


class GapPolicy(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="gap_policies")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.OneToOneField(GapQuote, on_delete=models.PROTECT, related_name="policy")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="policies")
    config = models.ForeignKey(ProductConfiguration, on_delete=models.PROTECT, related_name="+")
    bind_idempotency_key = models.CharField(max_length=200, unique=True)
    purchased_on = models.DateField()
    documents_received_on = models.DateField(null=True, blank=True)
    start_on = models.DateField()
    end_on = models.DateField()
    limit_of_liability = models.DecimalField(**MONEY)
    net_premium = models.DecimalField(**MONEY)
    ipt = models.DecimalField(**MONEY)
    gross_premium = models.DecimalField(**MONEY)
    commission_rate = models.DecimalField(max_digits=6, decimal_places=4)
    commission = models.DecimalField(**MONEY)
    sale = models.JSONField(default=dict, help_text="GAP-SALE-1 Decision")
    status = models.CharField(
        max_length=30, choices=PolicyStatus.choices, default=PolicyStatus.ACTIVE
    )
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(
        max_length=30, choices=_choices(TerminationReason), blank=True
    )
    termination = models.JSONField(default=dict, help_text="GAP-TERM-1 Decision")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def termination_record(self) -> DecisionRecord:
        """How the policy ended (GAP-TERM-1); empty while it runs."""
        return DecisionRecord.from_json(self.termination)

    @property
    def cover_ends_on(self):  # type: ignore[no-untyped-def]
        return self.terminated_on or self.end_on


class CancellationKind(models.TextChoices):
    CUSTOMER = "customer", "Customer request"
    INSURER = "insurer", "Insurer (30 days' notice)"
    VEHICLE_SOLD = "vehicle_sold", "Vehicle sold or disposed of"


class CancellationStatus(models.TextChoices):
    HELD = "held", "Held: claim pending (GAP-CANCEL-3)"
    PROCESSED = "processed", "Processed"
    CLOSED = "closed", "Closed: claim paid, no refund"


class GapCancellation(models.Model):
    policy = models.ForeignKey(GapPolicy, on_delete=models.PROTECT, related_name="cancellations")
    kind = models.CharField(max_length=20, choices=CancellationKind.choices)
    by = models.CharField(max_length=20, choices=_choices(CancelledBy))
    reason = models.CharField(max_length=30, choices=_choices(InsurerReason), blank=True)
    notice_on = models.DateField()
    cancel_on = models.DateField()
    status = models.CharField(max_length=20, choices=CancellationStatus.choices)
    decision = models.JSONField(default=dict)
    refund = models.DecimalField(**MONEY, null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.cancel_on}"

    @property
    def decision_record(self) -> DecisionRecord:
        """The refund Decision, or the GAP-CANCEL-3 hold."""
        return DecisionRecord.from_json(self.decision)


class GapClaim(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    policy = models.ForeignKey(GapPolicy, on_delete=models.PROTECT, related_name="claims")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="gap_claims")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=30, choices=_choices(ClaimStatus), default=ClaimStatus.NOTIFIED.value
    )
    event_at = models.DateTimeField(help_text="Point of total loss")
    loss_on = models.DateField()
    notified_at = models.DateTimeField()
    total_loss_on = models.DateField(null=True, blank=True)
    written_notice_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    territory = models.CharField(max_length=30, choices=_choices(Territory), default="england")
    motor_section = models.CharField(
        max_length=30, choices=_choices(MotorSection), default="accidental_damage"
    )
    notice = models.JSONField(default=dict, help_text="GAP-CLAIM-1 Decision")
    facts = models.JSONField(default=dict, help_text="Validity facts entered by the handler")
    validity = models.JSONField(default=dict, help_text="GAP-CLAIM-2/3 Decision")
    figures = models.JSONField(default=dict, help_text="Motor insurer's figures")
    settlement = models.JSONField(default=dict, help_text="GAP-COVER Decision")
    payable = models.DecimalField(**MONEY, null=True, blank=True)
    documents_requested = models.JSONField(
        default=list, help_text="What the customer still has to send (documents outstanding)"
    )
    decline_rules = models.JSONField(default=list)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    payment_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_requested_at = models.DateTimeField(null=True, blank=True)
    payment_request_note = models.TextField(blank=True)
    payment_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The second approver of a payment above the requester's authority.",
    )
    payment_approved_at = models.DateTimeField(null=True, blank=True)
    paid_amount = models.DecimalField(**MONEY, null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    payment_transaction = models.ForeignKey(
        "billing.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def notice_record(self) -> DecisionRecord:
        """The notice check (GAP-CLAIM-1)."""
        return DecisionRecord.from_json(self.notice)

    @property
    def validity_decision(self) -> DecisionRecord:
        """The validity Decision with its steps (GAP-CLAIM-2/3)."""
        return DecisionRecord.from_json(self.validity)

    @property
    def settlement_record(self) -> DecisionRecord:
        """The settlement Decision (GAP-COVER)."""
        return DecisionRecord.from_json(self.settlement)

    @property
    def validity_record(self) -> ValidityRecord:
        """The stored validity Decision, typed (GAP-CLAIM-2/3)."""
        return ValidityRecord.from_json(self.validity)

    @property
    def figures_record(self) -> ClaimFigures | None:
        """The motor insurer's figures entered at assessment, typed (None before it)."""
        return ClaimFigures.from_json(self.figures)

    @property
    def customer_decline_reasons(self) -> tuple[str, ...]:
        """What the customer reads about a declined claim: the policy terms in plain
        English, then the handler's explanation (GAP-CLAIM-3, ADR 0026); no rule ids."""
        if self.status not in (ClaimStatus.DECLINED, ClaimStatus.CLOSED) or not self.decline_rules:
            return ()
        reasons = decline_reasons_plain(self.decline_rules)
        note = self.decision_note.strip()
        return (*reasons, note) if note else reasons


class FinanceBalanceLine(models.Model):
    """The lender's settlement statement at the point of total loss (GAP-DEF-OFB)."""

    claim = models.ForeignKey(GapClaim, on_delete=models.CASCADE, related_name="finance_lines")
    kind = models.CharField(max_length=40)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class FraudDatabaseSubmission(models.Model):
    """PLT-9: every MID / CUE submission and its result, whichever adapter sent it."""

    database = models.CharField(max_length=10)  # "MID" | "CUE"
    event = models.CharField(max_length=40)
    policy = models.ForeignKey(
        GapPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    claim = models.ForeignKey(
        GapClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    adapter = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=1)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.database} {self.event} {self.status}"


class GapVehicleTransfer(models.Model):
    """Policy history: cover moved to a new-for-old replacement vehicle (GAP-CLAIM-3,
    exclusion 9). One row per policy version that changed the vehicle."""

    policy = models.ForeignKey(GapPolicy, on_delete=models.PROTECT, related_name="transfers")
    policy_version = models.PositiveIntegerField(help_text="Policy version after the transfer")
    from_vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    to_vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField(help_text="First day the replacement is insured")
    previous_purchase_price = models.DecimalField(**MONEY)
    purchase_price = models.DecimalField(**MONEY, help_text="The replacement's (GAP-DEF-PRICE)")
    purchase = models.JSONField(default=dict, help_text="GAP-DEF-PRICE Decision")
    eligibility = models.JSONField(default=dict, help_text="GAP-ELIG-2/3/5/7 Decision")
    purchase_lines = models.JSONField(default=list)
    note = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["transferred_on", "id"]

    def __str__(self) -> str:
        return f"{self.policy} v{self.policy_version} {self.transferred_on}"
