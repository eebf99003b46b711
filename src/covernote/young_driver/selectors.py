"""Permission-aware reads for Young Driver (PLT-4): broker own firm, customer self, staff all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from covernote.accounts.models import User
from covernote.accounts.scoping import get_in_scope, scoped
from covernote.documents.letterhead import letterhead
from covernote.documents.models import Document
from covernote.documents.selectors import documents_about
from covernote.domain.letterhead import Letterhead
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.products.selectors import params_of
from covernote.young_driver.models import (
    OUTSTANDING,
    Device,
    InstallPhoto,
    InstallTask,
    InstallTaskStatus,
    Payment,
    PhotoStatus,
    YDCancellation,
    YDPolicy,
    YDQuote,
    YDRenewal,
    YDTheftClaim,
)

#: The customer's login and the selling firm, seen from each model (PLT-4).
_POLICY = {"firm": "customer__firm_id", "customer_user": "customer__user"}
_VIA_POLICY = {"firm": "policy__customer__firm_id", "customer_user": "policy__customer__user"}


def policy_scope(actor: User) -> QuerySet[YDPolicy]:
    return scoped(actor, YDPolicy.objects.select_related("customer", "firm", "config"), **_POLICY)


def quote_scope(actor: User) -> QuerySet[YDQuote]:
    return scoped(actor, YDQuote.objects.select_related("customer", "config"), **_POLICY)


def open_quotes(actor: User, today: date) -> QuerySet[YDQuote]:
    """Quotes still valid on ``today`` that were neither bought nor offered at renewal,
    newest first: every one, the list ends as quotes expire."""
    return (
        quote_scope(actor)
        .filter(policy__isnull=True, renewal__isnull=True, expires_on__gte=today)
        .order_by("-created_at")
    )


def policy_get_for(actor: User, policy_id: int) -> YDPolicy:
    return get_in_scope(actor, policy_scope(actor), policy_id, label="policy")


def quote_get_for(actor: User, quote_id: int) -> YDQuote:
    return get_in_scope(actor, quote_scope(actor), quote_id, label="quote")


def policies_for_customer_user(actor: User) -> QuerySet[YDPolicy]:
    return policy_scope(actor).order_by("-created_at")


def task_get_for(actor: User, task_id: int) -> InstallTask:
    qs = scoped(actor, InstallTask.objects.select_related("policy", "device"), **_VIA_POLICY)
    return get_in_scope(actor, qs, task_id, label="task")


def open_task(policy: YDPolicy) -> InstallTask | None:
    return (
        policy.install_tasks.exclude(status=InstallTaskStatus.CLOSED)
        .select_related("device")
        .order_by("-id")
        .first()
    )


def install_queue(actor: User) -> QuerySet[InstallPhoto]:
    """Photos awaiting approval (staff only)."""
    if not actor.is_intermediary_staff:
        return InstallPhoto.objects.none()
    return (
        InstallPhoto.objects.filter(status=PhotoStatus.PENDING)
        .select_related("task__policy__customer", "task__device")
        .order_by("uploaded_at")
    )


def photo_get_for(actor: User, photo_id: int) -> InstallPhoto:
    qs = scoped(
        actor,
        InstallPhoto.objects.select_related("task__policy"),
        firm="task__policy__customer__firm_id",
        customer_user="task__policy__customer__user",
    )
    return get_in_scope(actor, qs, photo_id, label="photo")


def device_get_for(actor: User, device_id: int) -> Device:
    qs = scoped(actor, Device.objects.select_related("policy__customer"), **_VIA_POLICY)
    return get_in_scope(actor, qs, device_id, label="device")


def theft_claim_scope(actor: User) -> QuerySet[YDTheftClaim]:
    qs = YDTheftClaim.objects.select_related("policy__customer", "device")
    return scoped(actor, qs, **_VIA_POLICY)


def theft_claim_get_for(actor: User, claim_id: int) -> YDTheftClaim:
    return get_in_scope(actor, theft_claim_scope(actor), claim_id, label="claim")


def policy_letterhead(policy: YDPolicy) -> Letterhead:
    """The sender, the selling broker and the disclosures of the product version the
    policy is pinned to (YD-INFO, issue 13): every Young Driver letter's footer."""
    params: YoungDriverParams = params_of(policy.config)
    return letterhead(broker=policy.firm or policy.customer.firm, disclosures=params.disclosures)


@dataclass(frozen=True)
class PremiumPosition:
    """What the customer has paid and what is only notified (YD-PAY-2): "paid" means collected.

    ``charged`` is the premium for the term (``YDPolicy.premium_paid``); ``collected`` the part
    actually taken (card, finance drawdown or a settled adjustment); ``scheduled`` the premium
    in collections (+) or refunds (−) notified but not yet made, listed in ``outstanding``
    with their fees. ``due_by`` counts a payment whose notice has run by that day as
    collected (the settlement job takes it that day)."""

    charged: Decimal
    collected: Decimal
    scheduled: Decimal
    outstanding: tuple[Payment, ...]

    @property
    def outstanding_total(self) -> Decimal:
        return sum((p.amount for p in self.outstanding), Decimal(0))


def premium_position(policy: YDPolicy, *, due_by: date | None = None) -> PremiumPosition:
    rows = policy.payments.filter(status__in=OUTSTANDING)
    if due_by is not None:
        rows = rows.filter(collect_on__gt=due_by)
    outstanding = tuple(rows.order_by("collect_on", "id"))
    scheduled = sum((p.premium_part for p in outstanding), Decimal(0))
    return PremiumPosition(
        charged=policy.premium_paid,
        collected=policy.premium_paid - scheduled,
        scheduled=scheduled,
        outstanding=outstanding,
    )


def policy_document_links(
    policy: YDPolicy,
) -> tuple[list[tuple[str, Iterable[object]]], list[int]]:
    """What a Young Driver policy's documents are attached to (PLT-7): the policy, its
    cancellation and theft claims, and the letters its records point at (CPA notices,
    the renewal invitation, theft acknowledgements)."""
    claims = list(policy.theft_claims.values_list("pk", "acknowledgement_id"))
    cancellation = YDCancellation.objects.filter(policy=policy).values_list("pk", flat=True)
    ids = [d for _, d in claims if d]
    ids += [d for d in policy.cpa_notices.values_list("document_id", flat=True) if d]
    ids += [
        d
        for d in YDRenewal.objects.filter(policy=policy).values_list("document_id", flat=True)
        if d
    ]
    links: list[tuple[str, Iterable[object]]] = [
        ("young_driver.ydpolicy", [policy.pk]),
        ("young_driver.ydcancellation", list(cancellation)),
        ("young_driver.ydtheftclaim", [pk for pk, _ in claims]),
    ]
    return links, ids


def policy_documents(policy: YDPolicy) -> QuerySet[Document]:
    """This policy's documents only: never another policy's or product's letters."""
    links, ids = policy_document_links(policy)
    return documents_about(policy.customer_id, links, document_ids=ids)


def theft_claim_documents(claim: YDTheftClaim) -> QuerySet[Document]:
    """The letters about this theft claim only (PLT-7)."""
    ids = [claim.acknowledgement_id] if claim.acknowledgement_id else []
    return documents_about(
        claim.policy.customer_id, [("young_driver.ydtheftclaim", [claim.pk])], document_ids=ids
    )
