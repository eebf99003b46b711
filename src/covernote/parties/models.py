"""Parties (PLT-1) and their reasonable adjustments (PLT-2).

Equal treatment (PLT-3): there is deliberately no sex/gender, religion, sexual
orientation or disability field. A disability is recorded only as the
adjustment the customer needs, in their words, never as a category.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from covernote.accounts.models import Firm
from covernote.domain.calendar import Nation
from covernote.domain.correspondence import Adjustment, Channel, DocumentFormat
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.letterhead import SalutationStyle, postal_address, salutation
from covernote.parties.contact import phone_display

CHANNEL_CHOICES = [
    (Channel.EMAIL.value, "Email"),
    (Channel.LETTER.value, "Letter"),
    (Channel.PHONE.value, "Phone"),
    (Channel.SMS.value, "SMS"),
]
FORMAT_CHOICES = [
    (DocumentFormat.STANDARD.value, "Standard print"),
    (DocumentFormat.LARGE_PRINT.value, "Large print"),
    (DocumentFormat.AUDIO.value, "Audio"),
    (DocumentFormat.BRAILLE.value, "Braille"),
]
SALUTATION_CHOICES = [
    (SalutationStyle.TITLE_SURNAME.value, "Title and surname (Dear Mr Okafor)"),
    (SalutationStyle.FIRST_NAME.value, "First name (Dear Daniel)"),
    (SalutationStyle.FULL_NAME.value, "Full name (Dear Daniel Okafor)"),
]
NATION_CHOICES = [(n.value, n.value.replace("_", " ").title()) for n in Nation]


class PartyKind(models.TextChoices):
    """A policyholder, or someone who is not a customer but complains (COMP-1, ADR 0026):
    a representative, a claims management company or another person. Their letters go
    through the same documents and channels (PLT-2, PLT-7)."""

    POLICYHOLDER = "policyholder", "Customer"
    COMPLAINANT = "complainant", "Complainant (not a customer)"


class Customer(models.Model):
    """A policyholder (PLT-1), or a complainant who is not a customer (``kind``).
    ``firm`` is the broker firm whose customer this is (None for direct customers of the
    intermediary). A complainant contact has no date of birth."""

    reference = models.CharField(max_length=20, unique=True)
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=20, choices=PartyKind.choices, default=PartyKind.POLICYHOLDER.value
    )
    date_of_birth = models.DateField(null=True, blank=True, help_text="Required for customers.")
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)  # Royal Mail: dependent locality
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, default=Nation.ENGLAND.value)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    contact_channel = models.CharField(
        max_length=10, choices=CHANNEL_CHOICES, default=Channel.EMAIL.value
    )
    document_format = models.CharField(
        max_length=20, choices=FORMAT_CHOICES, default=DocumentFormat.STANDARD.value
    )
    salutation_style = models.CharField(
        "How to greet them in letters",
        max_length=20,
        choices=SALUTATION_CHOICES,
        default=SalutationStyle.TITLE_SURNAME.value,
    )
    is_business = models.BooleanField(default=False)
    business_name = models.CharField(max_length=200, blank=True)
    business_turnover_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    business_staff = models.PositiveIntegerField(null=True, blank=True)
    business_balance_sheet_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)

    @property
    def birth_date(self) -> date:
        """The date of birth, which every policyholder has; a complainant contact has
        none and cannot be rated (PLT-1)."""
        if self.date_of_birth is None:
            raise DomainError(
                ErrorCode.REQUIRED,
                f"{self.full_name} has no date of birth: record it before quoting",
                "PLT-1",
                "date_of_birth",
            )
        return self.date_of_birth

    @property
    def phone_display(self) -> str:
        """The stored E.164 number as people write it (``0113 496 0123``)."""
        return phone_display(self.phone)

    @property
    def address_lines(self) -> list[str]:
        """The address below the name in Royal Mail order (POST TOWN in capitals)."""
        return list(self.postal_address[1:])

    @property
    def postal_address(self) -> tuple[str, ...]:
        """Name, organisation, street lines, locality, POST TOWN, postcode (Royal Mail)."""
        return postal_address(
            name=self.full_name,
            organisation=self.business_name if self.is_business else "",
            lines=(self.address_line1, self.address_line2),
            locality=self.locality,
            town=self.town,
            postcode=self.postcode,
        )

    @property
    def salutation(self) -> str:
        """``Dear Mr Okafor`` — or the first name, if that is what they asked for."""
        return salutation(
            title=self.title,
            first_name=self.first_name,
            last_name=self.last_name,
            style=self.salutation_style,
        )

    @property
    def has_address(self) -> bool:
        return bool(self.address_line1 and self.postcode)

    def active_adjustments(self) -> models.QuerySet[ReasonableAdjustment]:
        return self.adjustments.filter(superseded_at__isnull=True)


class AdjustmentKind(models.TextChoices):
    CONTACT_BY_LETTER = "contact_by_letter", "Contact by written letter, not phone"
    LARGE_PRINT = "large_print", "Large print documents"
    AUDIO = "audio", "Audio documents"
    BRAILLE = "braille", "Braille documents"
    REPEAT_INFORMATION = "repeat_information", "Repeat information"
    FAMILY_MEMBER_PRESENT = "family_member_present", "Family member may be present"
    AUTHORISED_THIRD_PARTY = "authorised_third_party", "Authorised third party"
    NO_PHONE = "no_phone", "No phone calls"
    OTHER = "other", "Other"


# What each kind binds in correspondence (PLT-2).
_BINDINGS: dict[str, dict[str, Any]] = {
    AdjustmentKind.CONTACT_BY_LETTER: {
        "requires_channel": Channel.LETTER,
        "forbids": frozenset({Channel.PHONE, Channel.SMS}),
    },
    AdjustmentKind.NO_PHONE: {"forbids": frozenset({Channel.PHONE})},
    AdjustmentKind.LARGE_PRINT: {"requires_format": DocumentFormat.LARGE_PRINT},
    AdjustmentKind.AUDIO: {"requires_format": DocumentFormat.AUDIO},
    AdjustmentKind.BRAILLE: {"requires_format": DocumentFormat.BRAILLE},
}


class ReasonableAdjustment(models.Model):
    """A permanent note (PLT-2): shown everywhere, never deleted, only superseded."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(max_length=40, choices=AdjustmentKind.choices)
    note = models.TextField(help_text="In the customer's words: what they need and why.")
    third_party_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.note}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(
            "reasonable adjustments are permanent: supersede, never delete (PLT-2)"
        )

    @property
    def is_active(self) -> bool:
        return self.superseded_at is None

    def as_adjustment(self) -> Adjustment:
        binding = _BINDINGS.get(self.kind, {})
        return Adjustment(
            summary=str(self),
            requires_channel=binding.get("requires_channel"),
            forbids_channels=binding.get("forbids", frozenset()),
            requires_format=binding.get("requires_format"),
        )
