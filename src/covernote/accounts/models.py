"""Accounts and access (PLT-4, PLT-5): firms as tenants, roles, terms of service, API tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(StrEnum):
    """PLT-4 roles. A broker user sees only its own firm; a customer sees only self."""

    BROKER = "broker"
    AGENT = "agent"
    MANAGER = "manager"
    CLAIMS_HANDLER = "claims_handler"
    QA = "qa"
    UNDERWRITER = "underwriter"
    CUSTOMER = "customer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(r.value, ROLE_LABELS[r]) for r in cls]


ROLE_LABELS = {
    Role.BROKER: "Broker user",
    Role.AGENT: "Contact-centre agent",
    Role.MANAGER: "Contact-centre manager",
    Role.CLAIMS_HANDLER: "Claims handler",
    Role.QA: "Quality assurance",
    Role.UNDERWRITER: "Underwriter / administrator",
    Role.CUSTOMER: "Customer",
}

#: Roles that work for the intermediary and see every firm's book (PLT-4).
STAFF_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.CLAIMS_HANDLER, Role.QA, Role.UNDERWRITER})


class FirmKind(StrEnum):
    INTERMEDIARY = "intermediary"
    BROKER = "broker"
    INSURER = "insurer"


class Firm(models.Model):
    """A firm. Broker firms are the tenants: their users see only their own book."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=[(k.value, k.value.title()) for k in FirmKind])
    fca_number = models.CharField("FCA firm reference number", max_length=20, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # Issue 13 / PLT-7: the identity every letter from or for this firm must carry.
    company_number = models.CharField(max_length=8, blank=True)
    registered_office = models.TextField(
        blank=True, help_text="One line of the address per line; postcode last."
    )
    nation = models.CharField(max_length=20, default="england")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def registered_office_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.registered_office.splitlines() if line.strip())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.UNDERWRITER.value)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with an email address (PLT-5)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices())
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering: ClassVar = ["email"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(role="broker") | models.Q(firm__isnull=False),
                name="broker_user_has_firm",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_broker(self) -> bool:
        return self.role == Role.BROKER

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_intermediary_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class TermsOfService(models.Model):
    """A published version of the broker platform Terms of Service (PLT-5)."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, default="Broker platform Terms of Service")
    body = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-published_at"]
        verbose_name = "terms of service"
        verbose_name_plural = "terms of service"

    def __str__(self) -> str:
        return f"Terms of Service v{self.version}"


class TermsAcceptance(models.Model):
    """A user's recorded acceptance of one version: who, which version, when (PLT-5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey(TermsOfService, on_delete=models.PROTECT)
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "terms"], name="one_acceptance_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted v{self.terms.version} at {self.accepted_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for a machine client. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
