"""GAP reads, permission-aware (PLT-4): a broker sees its firm's, a customer itself,
intermediary staff all. An object outside scope is *not found* and the attempt audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from covernote.accounts.models import Firm, User
from covernote.accounts.scoping import firm_scope_q, get_in_scope, scoped
from covernote.documents.models import Document
from covernote.documents.selectors import documents_about
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.claims import PENDING_STATUSES, ClaimStatus
from covernote.domain.gap.value import (
    DistributorTotals,
    FairValueFigures,
    combine_totals,
    figures_from_totals,
)
from covernote.domain.money import ZERO
from covernote.gap.models import (
    CancellationStatus,
    GapCancellation,
    GapClaim,
    GapPolicy,
    GapQuote,
    QuoteStatus,
    ValuationEntry,
    Vehicle,
)


def quote_scope(actor: User) -> QuerySet[GapQuote]:
    return scoped(actor, GapQuote.objects.select_related("customer", "vehicle", "config", "firm"))


def quote_get_for(actor: User, quote_id: int) -> GapQuote:
    return get_in_scope(actor, quote_scope(actor), quote_id, label="quote")


def policy_scope(actor: User) -> QuerySet[GapPolicy]:
    return scoped(
        actor,
        GapPolicy.objects.select_related("customer", "vehicle", "quote", "config", "firm"),
    )


def policy_list_for(actor: User, *, status: str = "") -> QuerySet[GapPolicy]:
    qs = policy_scope(actor)
    return qs.filter(status=status) if status else qs


def policy_get_for(actor: User, policy_id: int) -> GapPolicy:
    return get_in_scope(actor, policy_scope(actor), policy_id, label="policy")


def claim_scope(actor: User) -> QuerySet[GapClaim]:
    return scoped(actor, GapClaim.objects.select_related("policy", "customer", "policy__vehicle"))


def claim_get_for(actor: User, claim_id: int) -> GapClaim:
    return get_in_scope(actor, claim_scope(actor), claim_id, label="claim")


def claims_work_queue(actor: User) -> QuerySet[GapClaim]:
    """Open claims, oldest notification first (the claims handler's queue)."""
    return (
        claim_scope(actor)
        .filter(status__in=[s.value for s in PENDING_STATUSES])
        .order_by("notified_at", "id")
    )


def cancellations_for(policy: GapPolicy) -> QuerySet[GapCancellation]:
    return policy.cancellations.all()


def cancellation_get_for(actor: User, cancellation_id: int) -> GapCancellation:
    """A cancellation in the actor's scope (its policy's firm and customer); outside it,
    the same NOT_FOUND as for an id that does not exist (audited), so ids cannot be probed."""
    qs = scoped(
        actor,
        GapCancellation.objects.select_related("policy", "policy__customer"),
        firm="policy__firm_id",
        customer_user="policy__customer__user",
    )
    return get_in_scope(actor, qs, cancellation_id, label="cancellation")


def policy_documents(policy: GapPolicy) -> QuerySet[Document]:
    return (
        Document.objects.filter(customer_id=policy.customer_id).filter(
            related_type="gap.gappolicy", related_id=str(policy.pk)
        )
        | Document.objects.filter(
            related_type="gap.gapcancellation",
            related_id__in=[str(x) for x in policy.cancellations.values_list("pk", flat=True)],
        )
        | Document.objects.filter(
            related_type="gap.gapclaim",
            related_id__in=[str(x) for x in policy.claims.values_list("pk", flat=True)],
        )
    )


def claim_documents(claim: GapClaim) -> QuerySet[Document]:
    """The letters about this claim only (PLT-7)."""
    return documents_about(claim.customer_id, [("gap.gapclaim", [claim.pk])])


def policy_document_get_for(actor: User, policy_id: int, document_id: int) -> Document:
    """A PDF of this policy, only inside the actor's scope (tenant-scoped download)."""
    policy = policy_get_for(actor, policy_id)
    doc = policy_documents(policy).filter(pk=document_id).first()
    if doc is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such document", "PLT-4", "document_id")
    return doc


def insured_vehicle_at(policy: GapPolicy, on: date) -> tuple[Vehicle, Decimal, bool]:
    """The vehicle insured on ``on``, its purchase price (GAP-DEF-PRICE) and whether it was
    later replaced new-for-old (the loss is then the new-for-old event: GAP-EXCL-9)."""
    vehicle, price = policy.quote.vehicle, policy.quote.purchase_price
    transfers = list(policy.transfers.select_related("to_vehicle").order_by("transferred_on", "id"))
    for t in transfers:
        if t.transferred_on <= on:
            vehicle, price = t.to_vehicle, t.purchase_price
    replaced = bool(transfers) and on < transfers[-1].transferred_on
    return vehicle, price, replaced


def valuation_codes() -> QuerySet[ValuationEntry]:
    return ValuationEntry.objects.all()


# --------------------------------------------------------------------------- fair value

DIRECT = "Direct (no broker)"


@dataclass(frozen=True)
class FairValueRow:
    firm_id: int | None
    distributor: str
    figures: FairValueFigures


@dataclass(frozen=True)
class FairValueReport:
    """GAP-VALUE-1 for a period: one row per distributor in the actor's scope and the total."""

    period_from: date
    period_to: date
    rows: list[FairValueRow]
    total: FairValueFigures


def _days_between(later: Any, earlier: Any) -> Any:
    return ExpressionWrapper(later - earlier, output_field=DurationField())


def _whole_days(value: Any) -> int:
    """A summed date difference: a timedelta (both backends), an int of days or None."""
    if value is None:
        return 0
    if hasattr(value, "days"):
        return int(value.days)
    return int(value)


def _grouped(qs: QuerySet[Any], firm_path: str, **aggregates: Any) -> dict[int | None, Any]:
    rows = qs.values(fid=F(firm_path)).annotate(**aggregates).order_by()
    return {r["fid"]: r for r in rows}


def fair_value_report(
    actor: User,
    *,
    period_from: date,
    period_to: date,
    complaints: Mapping[int | None, int],
) -> FairValueReport:
    """GAP-VALUE-1 per distributor (broker firm) with GROUP BY queries — one query per
    measure, never one per policy. A broker sees only its own firm; intermediary staff
    see every distributor; nobody else sees the report (PLT-4).

    ``complaints`` maps a firm id (None: direct) to the GAP complaints received in the
    period; the caller fetches it from ``covernote.complaints.fair_value_figures`` for
    the same actor and period, so this app never reads the complaints tables."""
    if period_to < period_from:
        raise DomainError(ErrorCode.INVALID, "the period ends before it starts", "G3", "to")
    scope = firm_scope_q(actor)
    span = (period_from, period_to)
    policies = _grouped(
        GapPolicy.objects.filter(scope, purchased_on__range=span),
        "firm_id",
        n=Count("id"),
        gwp=Sum("gross_premium"),
        commission=Sum("commission"),
    )
    cancellations = _grouped(
        GapCancellation.objects.filter(
            status=CancellationStatus.PROCESSED,
            cancel_on__range=span,
            policy__in=GapPolicy.objects.filter(scope),
        ),
        "policy__firm_id",
        n=Count("id"),
        refunds=Sum("refund"),
    )
    claims = GapClaim.objects.filter(scope)
    paid = _grouped(
        claims.filter(paid_on__isnull=False, paid_on__range=span).annotate(
            notified_day=TruncDate("notified_at")
        ),
        "firm_id",
        n=Count("id"),
        amount=Sum("paid_amount"),
        days=Sum(_days_between(F("paid_on"), F("notified_day"))),
    )
    declined = _grouped(
        claims.filter(paid_on__isnull=True, decided_at__isnull=False)
        .filter(status__in=[ClaimStatus.DECLINED.value, ClaimStatus.CLOSED.value])
        .annotate(decided_day=TruncDate("decided_at"), notified_day=TruncDate("notified_at"))
        .filter(decided_day__range=span),
        "firm_id",
        n=Count("id"),
        days=Sum(_days_between(F("decided_day"), F("notified_day"))),
    )
    still_open = _grouped(
        claims.filter(status__in=[s.value for s in PENDING_STATUSES])
        .annotate(notified_day=TruncDate("notified_at"))
        .filter(notified_day__range=span),
        "firm_id",
        n=Count("id"),
    )
    quotes = _grouped(
        GapQuote.objects.filter(scope, quote_date__range=span),
        "firm_id",
        eligible=Count("id", filter=~Q(status=QuoteStatus.REFUSED)),
        bound=Count("id", filter=Q(status=QuoteStatus.BOUND)),
    )
    firm_ids = (
        set(policies)
        | set(cancellations)
        | set(paid)
        | set(declined)
        | set(still_open)
        | set(quotes)
        | set(complaints)
    )
    if scope.children:  # a broker's own firm has a row even in an empty period
        firm_ids.add(actor.firm_id)
    names = dict(Firm.objects.filter(pk__in=[f for f in firm_ids if f]).values_list("pk", "name"))
    empty: dict[str, Any] = {}

    def money(value: Any) -> Decimal:
        return Decimal(value) if value is not None else ZERO

    totals: list[tuple[int | None, DistributorTotals]] = []
    for fid in firm_ids:
        name = names.get(fid, DIRECT) if fid else DIRECT
        pol, can = policies.get(fid, empty), cancellations.get(fid, empty)
        pd, dc = paid.get(fid, empty), declined.get(fid, empty)
        qt = quotes.get(fid, empty)
        payment_days = _whole_days(pd.get("days"))
        totals.append(
            (
                fid,
                DistributorTotals(
                    name,
                    policies_written=pol.get("n", 0),
                    gross_written_premium=money(pol.get("gwp")),
                    commission=money(pol.get("commission")),
                    cancellations=can.get("n", 0),
                    refunds=money(can.get("refunds")),
                    claims_paid_count=pd.get("n", 0),
                    claims_paid=money(pd.get("amount")),
                    claims_declined_count=dc.get("n", 0),
                    claims_open_count=still_open.get(fid, empty).get("n", 0),
                    turnaround_days_total=payment_days + _whole_days(dc.get("days")),
                    payment_days_total=payment_days,
                    quotes_eligible=qt.get("eligible", 0),
                    quotes_bound=qt.get("bound", 0),
                    complaints=complaints.get(fid, 0),
                ),
            )
        )
    totals.sort(key=lambda x: (x[1].distributor == DIRECT, x[1].distributor))
    period = {"period_from": period_from, "period_to": period_to}
    return FairValueReport(
        period_from=period_from,
        period_to=period_to,
        rows=[
            FairValueRow(
                fid, t.distributor, figures_from_totals(t, distributor=t.distributor, **period)
            )
            for fid, t in totals
        ],
        total=figures_from_totals(
            combine_totals((t for _, t in totals), "All distributors"), distributor=None, **period
        ),
    )
