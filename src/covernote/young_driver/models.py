"""Young Driver policy administration (SPEC §2): quotes, policies, payments, Smartbox, cancellation.

Rules live in :mod:`covernote.domain.young_driver`; these models only store
inputs, outcomes and the Decision (as JSON) that produced each figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from covernote.accounts.models import Firm
from covernote.domain.young_driver import lifecycle
from covernote.domain.young_driver.smartbox import photo_rejection_message
from covernote.domain.young_driver.stored import StoredDecision
from covernote.parties.models import Customer
from covernote.products.models import ProductConfiguration


class YDQuote(models.Model):
    """A priced quote (YD rating). Rating inputs never include a PLT-3 characteristic."""

    reference = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="yd_quotes")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    config = models.ForeignKey(ProductConfiguration, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    vehicle_reg = models.CharField(max_length=10)
    vehicle_description = models.CharField(max_length=120, blank=True)
    rating_inputs = models.JSONField()
    add_ons = models.JSONField(default=list)
    decision = models.JSONField()
    premium_net = models.DecimalField(max_digits=12, decimal_places=2)
    ipt = models.DecimalField(max_digits=12, decimal_places=2)
    premium_gross = models.DecimalField(max_digits=12, decimal_places=2)
    add_ons_gross = models.DecimalField(max_digits=12, decimal_places=2)
    arrangement_fee = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    expires_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Young Driver quote {self.reference}"

    @property
    def stored_decision(self) -> StoredDecision:
        """The rating decision, read back typed."""
        return StoredDecision.from_json(self.decision)

    @property
    def annual_premium(self) -> Decimal:
        """Insurance premium incl. IPT: motor + add-ons (fees are separate, PLT-8)."""
        return self.premium_gross + self.add_ons_gross


class PolicyStatus(models.TextChoices):
    """The stored values of the domain's policy lifecycle
    (:mod:`covernote.domain.young_driver.lifecycle`, which holds the transitions)."""

    LIVE = lifecycle.PolicyStatus.LIVE.value, lifecycle.LABELS[lifecycle.PolicyStatus.LIVE]
    NOTICE = lifecycle.PolicyStatus.NOTICE.value, lifecycle.LABELS[lifecycle.PolicyStatus.NOTICE]
    CANCELLED = (
        lifecycle.PolicyStatus.CANCELLED.value,
        lifecycle.LABELS[lifecycle.PolicyStatus.CANCELLED],
    )
    VOID = lifecycle.PolicyStatus.VOID.value, lifecycle.LABELS[lifecycle.PolicyStatus.VOID]


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (paid in full)"
    DIRECT_DEBIT = "direct_debit", "Monthly Direct Debit (premium finance)"


class YDPolicy(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="yd_policies")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.OneToOneField(YDQuote, on_delete=models.PROTECT, related_name="policy")
    config = models.ForeignKey(ProductConfiguration, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()
    vehicle_reg = models.CharField(max_length=10)
    vehicle_description = models.CharField(max_length=120, blank=True)
    rating_inputs = models.JSONField()
    annual_premium = models.DecimalField(
        max_digits=12, decimal_places=2
    )  # premium incl. IPT, motor + add-ons
    renewal_premium = models.DecimalField(max_digits=12, decimal_places=2)  # YD-REVIEW-3 cap base
    # The premium for the term: original + additional − refunds, *including* changes notified
    # but not yet collected (YD-PAY-2). What has been collected is
    # ``selectors.premium_position(policy).collected``; never show this field as "paid".
    premium_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    status = models.CharField(max_length=12, choices=PolicyStatus.choices)
    payment_method = models.CharField(max_length=12, choices=PaymentMethod.choices)
    documents_received_on = models.DateField(null=True, blank=True)
    notice_cancel_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=100, unique=True)
    renewed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )  # YD-FEE-REN: a renewal is a new policy (new number, new term) linked to the old one
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Young Driver policy {self.number}"


class PolicyVersion(models.Model):
    """Every change to a policy: who, when, what changed, and the resulting premium."""

    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)  # new_business, mta, vehicle_change, cancel, ...
    effective = models.DateField()
    annual_premium = models.DecimalField(max_digits=12, decimal_places=2)
    changes = models.JSONField(default=dict)
    decision = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["policy", "version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["policy", "version"], name="yd_one_row_per_version")
        ]

    def __str__(self) -> str:
        return f"PolicyVersion {self.pk}"

    @property
    def notice_rule(self) -> str | None:
        """The rule of our notice of cancellation (YD-CANCEL-5), if this version gave one."""
        rule = (self.changes or {}).get("rule")
        return str(rule) if rule else None


class DirectDebitMandate(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    account_name = models.CharField(max_length=200)
    reference = models.CharField(max_length=30, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"DirectDebitMandate {self.pk}"

    @property
    def display(self) -> str:
        sc = self.sort_code
        return f"{sc[0:2]}-{sc[2:4]}-{sc[4:6]} ****{self.account_number[-4:]}"


class CardOnFile(models.Model):
    """A payment-provider token: the card number is never held (PCI DSS, YD-PAY-2)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=40)
    token = models.CharField(max_length=200)
    last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"CardOnFile {self.pk}"


class PaymentPlan(models.Model):
    """YD-PAY-1: the premium-finance credit agreement."""

    policy = models.OneToOneField(YDPolicy, on_delete=models.PROTECT, related_name="plan")
    mandate = models.ForeignKey(DirectDebitMandate, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=100)
    agreement_reference = models.CharField(max_length=30, unique=True)
    apr = models.DecimalField(max_digits=7, decimal_places=5)
    amount_financed = models.DecimalField(max_digits=12, decimal_places=2)
    total_charge_for_credit = models.DecimalField(max_digits=12, decimal_places=2)
    total_payable = models.DecimalField(max_digits=12, decimal_places=2)
    credit_search_at = models.DateTimeField()
    credit_search_reference = models.CharField(max_length=40)
    decision = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"PaymentPlan {self.pk}"


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COLLECTED = "collected", "Collected"
    CANCELLED = "cancelled", "Cancelled"


class Instalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveIntegerField()
    due = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=12, choices=InstalmentStatus.choices, default=InstalmentStatus.SCHEDULED
    )

    class Meta:
        ordering: ClassVar = ["plan", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "number"], name="yd_one_instalment_number")
        ]

    def __str__(self) -> str:
        return f"Instalment {self.pk}"


class PaymentKind(models.TextChoices):
    PREMIUM = "premium", "Premium and fees at purchase"
    FINANCE_DRAWDOWN = "finance_drawdown", "Paid by the finance provider"
    ADJUSTMENT = "adjustment", "Premium adjustment and fee"
    REFUND = "refund", "Cancellation refund"
    BOX_REFUND = "box_refund", "Smartbox return refund"
    BALANCE = "balance", "Balance owed at cancellation"


class PaymentStatus(models.TextChoices):
    SETTLED = "settled", "Settled"
    SCHEDULED = "scheduled", "Scheduled after the 14-day notice"
    RESPREAD = "respread", "Spread over the remaining instalments"
    # YD-PAY-2: notified but not taken when the policy was cancelled; set against the refund
    CANCELLED = "cancelled", "Not taken: set against the cancellation refund"


#: Payments notified under the continuous payment authority and not yet made (YD-PAY-2).
OUTSTANDING = (PaymentStatus.SCHEDULED, PaymentStatus.RESPREAD)


class Payment(models.Model):
    """Money in (positive) or out (negative) for a policy, by token / mandate only."""

    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=20, choices=PaymentKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    premium_part = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    method = models.CharField(max_length=12, choices=PaymentMethod.choices)
    provider_reference = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    collect_on = models.DateField()
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Payment {self.pk}"


class CPANotice(models.Model):
    """YD-PAY-2: written notice 14 days before any extra collection or refund."""

    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="cpa_notices")
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="cpa_notice"
    )
    amount = models.DecimalField(
        max_digits=12, decimal_places=2
    )  # positive = we collect, negative = we refund
    sent_on = models.DateField()
    earliest_collection_on = models.DateField()
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"CPANotice {self.pk}"


class Fee(models.Model):
    """A YD-FEE-* charged by an event."""

    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="fees")
    rule = models.CharField(max_length=20)  # YD-FEE-ARR, YD-FEE-MTA, ...
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    charged_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["charged_on", "id"]

    def __str__(self) -> str:
        return f"Fee {self.pk}"


class Device(models.Model):
    """A Smartbox (YD-BOX-STATE); the insurer group keeps ownership in every state."""

    serial = models.CharField(max_length=30, unique=True)
    policy = models.ForeignKey(
        YDPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    state = models.CharField(max_length=20)
    owner = models.CharField(max_length=100, default="Markerstudy Group")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Smartbox {self.serial}"


class DeviceEvent(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.CharField(max_length=200, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"DeviceEvent {self.pk}"


class InstallTaskStatus(models.TextChoices):
    OPEN = "open", "Waiting for the photo"
    AWAITING_APPROVAL = "awaiting_approval", "Photo uploaded, awaiting approval"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed (policy ended)"


class InstallTask(models.Model):
    """YD-BOX-INSTALL: fit the Smartbox and upload a photo within 14 days."""

    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="install_tasks")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="install_tasks")
    reason = models.CharField(max_length=40)  # new_business | vehicle_change
    anchor = models.DateField()
    deadline = models.DateField()
    status = models.CharField(
        max_length=20, choices=InstallTaskStatus.choices, default=InstallTaskStatus.OPEN
    )
    reminder_sent_on = models.DateField(null=True, blank=True)
    notice_sent_on = models.DateField(null=True, blank=True)
    # YD-BOX-FAULT: a free replacement is never escalated to a notice; a last reminder instead
    final_reminder_sent_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["deadline", "id"]

    def __str__(self) -> str:
        return f"InstallTask {self.pk}"


class PhotoStatus(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class InstallPhoto(models.Model):
    task = models.ForeignKey(InstallTask, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(upload_to="young_driver/install/%Y/%m/")
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=200, blank=True)
    reject_reason = models.CharField(
        max_length=30, blank=True, help_text="Why rejected (PHOTO_REJECTION_REASONS key)."
    )

    class Meta:
        ordering: ClassVar = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"InstallPhoto {self.pk}"

    @property
    def customer_message(self) -> str:
        """What the customer reads about a rejected photo, in plain English (ADR 0026)."""
        if self.status != PhotoStatus.REJECTED:
            return ""
        return photo_rejection_message(self.reject_reason, self.review_note)


class YDCancellation(models.Model):
    """The cancellation (first transaction) and the Smartbox-return refund (second, YD-CANCEL-4)."""

    policy = models.OneToOneField(YDPolicy, on_delete=models.PROTECT, related_name="cancellation")
    by = models.CharField(max_length=10)  # customer | us
    void = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    notice_date = models.DateField()
    cancel_on = models.DateField()  # last day of cover
    premium_paid = models.DecimalField(max_digits=12, decimal_places=2)  # collected (YD-PAY-2)
    refund = models.DecimalField(max_digits=12, decimal_places=2)  # paid back, after netting
    # YD-PAY-2: notified collections (+) / refunds (−) not yet made, cancelled and set against
    # the refund; and what the customer still owes when they exceeded it.
    outstanding_netted = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    balance_to_collect = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    premium_refund = models.DecimalField(max_digits=12, decimal_places=2)
    cancellation_fee = models.DecimalField(max_digits=12, decimal_places=2)
    box_credit = models.DecimalField(max_digits=12, decimal_places=2)
    in_cooling_off = models.BooleanField()
    box_return_deadline = models.DateField()
    refund_due_by = models.DateField()
    decision = models.JSONField()
    box_returned_on = models.DateField(null=True, blank=True)
    box_refund = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    box_decision = models.JSONField(null=True, blank=True)
    # YD-PAY-1: Direct Debit premium finance settled at cancellation (refund set off first)
    finance_owed = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    finance_set_off = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    finance_balance = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    finance_refund_to_customer = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    finance_decision = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"YDCancellation {self.pk}"

    @property
    def stored_decision(self) -> StoredDecision:
        """The refund decision (YD-CANCEL-1..4), read back typed."""
        return StoredDecision.from_json(self.decision)

    @property
    def stored_finance_decision(self) -> StoredDecision:
        """The premium-finance settlement (YD-PAY-1), read back typed."""
        return StoredDecision.from_json(self.finance_decision)

    @property
    def stored_box_decision(self) -> StoredDecision:
        """The Smartbox-return refund (YD-CANCEL-4), read back typed."""
        return StoredDecision.from_json(self.box_decision)


class TheftClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class YDTheftClaim(models.Model):
    """YD-THEFT-1: a theft claim; needs the police incident number. While it is open,
    staff may see the Smartbox's last known position and track."""

    reference = models.CharField(max_length=20, unique=True)
    policy = models.ForeignKey(YDPolicy, on_delete=models.PROTECT, related_name="theft_claims")
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="theft_claims"
    )
    police_incident_number = models.CharField(max_length=40)
    stolen_on = models.DateField()
    reported_on = models.DateField()
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=TheftClaimStatus.choices, default=TheftClaimStatus.OPEN
    )
    outcome = models.CharField(max_length=200, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Theft claim {self.reference}"


class RenewalStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    RENEWED = "renewed", "Renewed"
    DECLINED = "declined", "Declined by the customer"


class YDRenewal(models.Model):
    """YD-FEE-REN: the renewal invitation for a term and, once accepted, the new policy."""

    policy = models.OneToOneField(YDPolicy, on_delete=models.PROTECT, related_name="renewal")
    quote = models.OneToOneField(YDQuote, on_delete=models.PROTECT, related_name="renewal")
    new_start = models.DateField()
    renewal_premium = models.DecimalField(max_digits=12, decimal_places=2)
    renewal_fee = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    decision = models.JSONField()
    invited_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=RenewalStatus.choices, default=RenewalStatus.INVITED
    )
    declined_on = models.DateField(null=True, blank=True)  # "No thanks": runs to its end
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_policy = models.OneToOneField(
        YDPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by"
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Renewal of {self.policy}"

    @property
    def stored_decision(self) -> StoredDecision:
        """The renewal pricing decision (YD-FEE-REN), read back typed."""
        return StoredDecision.from_json(self.decision)
