"""Everything about one customer, for the customer page and the customer app (issue 12).

Reads only, each starting from the product's own scoped selector (PLT-4), so a broker
sees only its firm's rows and a customer only its own. Queries that no product
selector offers yet (a customer's ledger postings) are written here, in the web
layer, until the owning app grows a selector for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.urls import reverse

from covernote.accounts.models import Role, User
from covernote.billing.models import Transaction
from covernote.complaints.models import Complaint
from covernote.complaints.selectors import complaints_for_customer
from covernote.documents.models import Document
from covernote.documents.selectors import documents_for_customer
from covernote.gap import selectors as gap
from covernote.parties.models import Customer
from covernote.young_driver import selectors as yd


@dataclass(frozen=True)
class PolicyRow:
    product: str
    number: str
    status: str
    start: date
    end: date
    vehicle: str
    url: str


@dataclass(frozen=True)
class ClaimRow:
    kind: str
    reference: str
    policy_number: str
    status: str
    on: date
    url: str


@dataclass(frozen=True)
class PaymentRow:
    at: datetime
    policy_number: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class CustomerOverview:
    policies: list[PolicyRow]
    claims: list[ClaimRow]
    complaints: QuerySet[Complaint]
    documents: QuerySet[Document]
    payments: list[PaymentRow]


def gap_policy_url(actor: User, policy_id: int) -> str:
    if actor.role == Role.CUSTOMER:
        return ""  # no customer page for GAP yet: the app shows the policy without a link
    name = "gap-broker-policy" if actor.role == Role.BROKER else "gap-backoffice-policy"
    return reverse(name, args=[policy_id])


def yd_policy_url(actor: User, policy_id: int) -> str:
    name = "yd-app-policy" if actor.role == Role.CUSTOMER else "yd-bo-policy"
    return reverse(name, args=[policy_id])


def gap_claim_url(actor: User, claim_id: int, policy_id: int) -> str:
    """Claims handling is staff work: a broker follows a claim from the policy page."""
    if actor.is_intermediary_staff:
        return reverse("gap-claim", args=[claim_id])
    return gap_policy_url(actor, policy_id)


def theft_claim_url(actor: User, claim_id: int) -> str:
    return "" if actor.role == Role.CUSTOMER else reverse("yd-bo-theft", args=[claim_id])


def customer_policies(actor: User, customer: Customer) -> list[PolicyRow]:
    """Every policy of both products, newest cover first."""
    rows = [
        PolicyRow(
            product="GAP",
            number=p.number,
            status=p.get_status_display(),
            start=p.start_on,
            end=p.cover_ends_on,
            vehicle=p.vehicle.registration,
            url=gap_policy_url(actor, p.pk),
        )
        for p in gap.policy_scope(actor).filter(customer=customer)
    ] + [
        PolicyRow(
            product="Young Driver",
            number=p.number,
            status=p.get_status_display(),
            start=p.start,
            end=p.end,
            vehicle=p.vehicle_reg,
            url=yd_policy_url(actor, p.pk),
        )
        for p in yd.policy_scope(actor).filter(customer=customer)
    ]
    return sorted(rows, key=lambda r: (r.start, r.number), reverse=True)


def customer_claims(actor: User, customer: Customer) -> list[ClaimRow]:
    """GAP claims and Young Driver theft claims, newest first."""
    rows = [
        ClaimRow(
            kind="GAP claim",
            reference=c.reference,
            policy_number=c.policy.number,
            status=c.get_status_display(),
            on=c.loss_on,
            url=gap_claim_url(actor, c.pk, c.policy_id),
        )
        for c in gap.claim_scope(actor).filter(customer=customer)
    ] + [
        ClaimRow(
            kind="Young Driver theft claim",
            reference=c.reference,
            policy_number=c.policy.number,
            status=c.get_status_display(),
            on=c.stolen_on,
            url=theft_claim_url(actor, c.pk),
        )
        for c in yd.theft_claim_scope(actor).filter(policy__customer=customer)
    ]
    return sorted(rows, key=lambda r: (r.on, r.reference), reverse=True)


def customer_payments(policies: list[PolicyRow]) -> list[PaymentRow]:
    """Ledger postings against the customer's policies (the ledger's reference is the
    policy number): premiums, refunds, fees and claim payments, newest first. The
    amount is the posting's total (its debits, which equal its credits)."""
    numbers = [p.number for p in policies]
    if not numbers:
        return []
    transactions = (
        Transaction.objects.filter(reference__in=numbers)
        .annotate(total=Sum("entries__debit"))
        .order_by("-at", "-id")
    )
    return [
        PaymentRow(
            at=t.at,
            policy_number=t.reference,
            description=t.description,
            amount=t.total or Decimal("0"),
        )
        for t in transactions
    ]


def customer_overview(actor: User, customer: Customer) -> CustomerOverview:
    """``customer`` was fetched with ``customer_get_for(actor, …)``: in scope."""
    policies = customer_policies(actor, customer)
    return CustomerOverview(
        policies=policies,
        claims=customer_claims(actor, customer),
        complaints=complaints_for_customer(actor, customer),
        documents=documents_for_customer(customer),
        payments=customer_payments(policies),
    )
