"""Fair-value figures for GAP (GAP-VALUE-1; Consumer Duty PRIN 2A.4, PROD 4; REGULATION §2.2).

Pure aggregation over plain rows that a selector loads: gross written
premium, claims paid and claims ratio, claim acceptance rate, average claim,
commission %, cancellations and refunds, complaints and claim turnaround, for
any period and per distributor. The FCA's 2022 data showed GAP claims at about
6% of premium — these are the figures that show whether the product is fair value.

Period membership (inclusive ``period_from``..``period_to``): policies by
``written_on``, cancellations by ``cancelled_on``, claims by ``decided_on``
(for a paid claim the payment date; open claims are counted as open by
``notified_on``), complaints by ``received_on``, quotes by their quote date.
Percentages are rounded half-up to two decimals.

Two entry points share one piece of arithmetic (``figures_from_totals``):
``fair_value`` reduces plain rows to :class:`DistributorTotals`; a selector
that already aggregated in the database (GROUP BY distributor) builds the
totals directly, so a large book is never loaded row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from covernote.domain.money import ZERO, round_money

HUNDRED = Decimal(100)


class ClaimOutcome(StrEnum):
    OPEN = "open"
    PAID = "paid"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PolicyRow:
    distributor: str
    written_on: date
    gross_premium: Decimal  # £, IPT included
    commission: Decimal  # £ paid to the distributor
    cancelled_on: date | None = None
    refund: Decimal = ZERO


@dataclass(frozen=True)
class ClaimRow:
    distributor: str
    notified_on: date
    outcome: ClaimOutcome
    decided_on: date | None = None
    paid_amount: Decimal = ZERO


@dataclass(frozen=True)
class ComplaintRow:
    distributor: str
    received_on: date


@dataclass(frozen=True)
class FairValueFigures:
    """GAP-VALUE-1 figures for one distributor (``None`` = all) and period."""

    distributor: str | None
    period_from: date
    period_to: date
    policies_written: int
    gross_written_premium: Decimal
    claims_paid: Decimal
    claims_ratio_percent: Decimal | None  # claims paid ÷ GWP
    claims_paid_count: int
    claims_declined_count: int
    claims_open_count: int
    acceptance_rate_percent: Decimal | None  # paid ÷ (paid + declined)
    average_claim: Decimal | None
    commission: Decimal
    commission_percent: Decimal | None  # commission ÷ GWP
    cancellations: int
    refunds: Decimal
    complaints: int
    average_turnaround_days: Decimal | None  # notified → decided, decided claims
    quotes_eligible: int = 0
    quotes_bound: int = 0
    quote_acceptance_percent: Decimal | None = None  # eligible quotes → bound
    average_days_to_payment: Decimal | None = None  # notified → paid, paid claims

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly: money and percentages as strings (never floats, G1)."""
        out: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = str(value) if isinstance(value, Decimal | date) else value
        return out


@dataclass(frozen=True)
class DistributorTotals:
    """Pre-aggregated GAP-VALUE-1 sums and counts for one distributor and period."""

    distributor: str
    policies_written: int = 0
    gross_written_premium: Decimal = ZERO
    commission: Decimal = ZERO
    cancellations: int = 0
    refunds: Decimal = ZERO
    claims_paid_count: int = 0
    claims_paid: Decimal = ZERO
    claims_declined_count: int = 0
    claims_open_count: int = 0
    turnaround_days_total: int = 0  # over paid and declined claims
    payment_days_total: int = 0  # over paid claims
    quotes_eligible: int = 0
    quotes_bound: int = 0
    complaints: int = 0


def combine_totals(totals: Iterable[DistributorTotals], distributor: str) -> DistributorTotals:
    """Add several distributors' totals together (the product line across all of them)."""
    result = DistributorTotals(distributor)
    for t in totals:
        result = DistributorTotals(
            distributor,
            **{
                name: getattr(result, name) + getattr(t, name)
                for name in DistributorTotals.__dataclass_fields__
                if name != "distributor"
            },
        )
    return result


def _days(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures_from_totals(
    t: DistributorTotals, *, period_from: date, period_to: date, distributor: str | None
) -> FairValueFigures:
    """GAP-VALUE-1 ratios and averages from pre-aggregated totals."""
    gwp, paid_total, commission = t.gross_written_premium, t.claims_paid, t.commission
    decided = t.claims_paid_count + t.claims_declined_count
    return FairValueFigures(
        distributor=distributor,
        period_from=period_from,
        period_to=period_to,
        policies_written=t.policies_written,
        gross_written_premium=round_money(gwp),
        claims_paid=round_money(paid_total),
        claims_ratio_percent=_pct(paid_total, gwp),
        claims_paid_count=t.claims_paid_count,
        claims_declined_count=t.claims_declined_count,
        claims_open_count=t.claims_open_count,
        acceptance_rate_percent=_pct(Decimal(t.claims_paid_count), Decimal(decided)),
        average_claim=(
            round_money(paid_total / t.claims_paid_count) if t.claims_paid_count else None
        ),
        commission=round_money(commission),
        commission_percent=_pct(commission, gwp),
        cancellations=t.cancellations,
        refunds=round_money(t.refunds),
        complaints=t.complaints,
        average_turnaround_days=_days(t.turnaround_days_total, decided),
        quotes_eligible=t.quotes_eligible,
        quotes_bound=t.quotes_bound,
        quote_acceptance_percent=_pct(Decimal(t.quotes_bound), Decimal(t.quotes_eligible)),
        average_days_to_payment=_days(t.payment_days_total, t.claims_paid_count),
    )


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fair_value(
    *,
    policies: Iterable[PolicyRow],
    claims: Iterable[ClaimRow],
    complaints: Iterable[ComplaintRow],
    period_from: date,
    period_to: date,
    distributor: str | None = None,
) -> FairValueFigures:
    """GAP-VALUE-1: the fair-value figures for a period, one distributor or all."""

    def inside(day: date | None) -> bool:
        return day is not None and period_from <= day <= period_to

    def mine(name: str) -> bool:
        return distributor is None or name == distributor

    pols = [p for p in policies if mine(p.distributor)]
    clms = [c for c in claims if mine(c.distributor)]
    written = [p for p in pols if inside(p.written_on)]
    cancelled = [p for p in pols if inside(p.cancelled_on)]
    decided = [c for c in clms if c.outcome is not ClaimOutcome.OPEN and inside(c.decided_on)]
    paid = [c for c in decided if c.outcome is ClaimOutcome.PAID]
    declined = [c for c in decided if c.outcome is ClaimOutcome.DECLINED]
    still_open = [c for c in clms if c.outcome is ClaimOutcome.OPEN and inside(c.notified_on)]

    def days(c: ClaimRow) -> int:
        return (c.decided_on - c.notified_on).days if c.decided_on is not None else 0

    totals = DistributorTotals(
        distributor or "",
        policies_written=len(written),
        gross_written_premium=sum((p.gross_premium for p in written), ZERO),
        commission=sum((p.commission for p in written), ZERO),
        cancellations=len(cancelled),
        refunds=sum((p.refund for p in cancelled), ZERO),
        claims_paid_count=len(paid),
        claims_paid=sum((c.paid_amount for c in paid), ZERO),
        claims_declined_count=len(declined),
        claims_open_count=len(still_open),
        turnaround_days_total=sum(days(c) for c in paid + declined),
        payment_days_total=sum(days(c) for c in paid),
        complaints=sum(1 for c in complaints if mine(c.distributor) and inside(c.received_on)),
    )
    return figures_from_totals(
        totals, period_from=period_from, period_to=period_to, distributor=distributor
    )


def fair_value_by_distributor(
    *,
    policies: Iterable[PolicyRow],
    claims: Iterable[ClaimRow],
    complaints: Iterable[ComplaintRow],
    period_from: date,
    period_to: date,
) -> dict[str, FairValueFigures]:
    """GAP-VALUE-1 per distributor (every distributor seen in any of the rows)."""
    pols, clms, comps = list(policies), list(claims), list(complaints)
    names = sorted(
        {x.distributor for x in pols}
        | {x.distributor for x in clms}
        | {x.distributor for x in comps}
    )
    return {
        name: fair_value(
            policies=pols,
            claims=clms,
            complaints=comps,
            period_from=period_from,
            period_to=period_to,
            distributor=name,
        )
        for name in names
    }
