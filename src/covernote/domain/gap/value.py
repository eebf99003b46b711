"""Fair-value figures for GAP (GAP-VALUE-1; Consumer Duty PRIN 2A.4, PROD 4; REGULATION §2.2).

Pure aggregation over plain rows that a selector loads: gross written
premium, claims paid and claims ratio, claim acceptance rate, average claim,
commission %, cancellations and refunds, complaints and claim turnaround, for
any period and per distributor. The FCA's 2022 data showed GAP claims at about
6% of premium — these are the figures that show whether the product is fair value.

Period membership (inclusive ``period_from``..``period_to``): policies by
``written_on``, cancellations by ``cancelled_on``, claims by ``decided_on``
(open claims are counted as open by ``notified_on``), complaints by
``received_on``. Percentages are rounded half-up to two decimals.
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

    gwp = sum((p.gross_premium for p in written), ZERO)
    paid_total = sum((c.paid_amount for c in paid), ZERO)
    commission = sum((p.commission for p in written), ZERO)
    turnaround = [
        (c.decided_on - c.notified_on).days
        for c in decided
        if c.decided_on is not None and c.outcome is not ClaimOutcome.WITHDRAWN
    ]
    return FairValueFigures(
        distributor=distributor,
        period_from=period_from,
        period_to=period_to,
        policies_written=len(written),
        gross_written_premium=round_money(gwp),
        claims_paid=round_money(paid_total),
        claims_ratio_percent=_pct(paid_total, gwp),
        claims_paid_count=len(paid),
        claims_declined_count=len(declined),
        claims_open_count=len(still_open),
        acceptance_rate_percent=_pct(Decimal(len(paid)), Decimal(len(paid) + len(declined))),
        average_claim=round_money(paid_total / len(paid)) if paid else None,
        commission=round_money(commission),
        commission_percent=_pct(commission, gwp),
        cancellations=len(cancelled),
        refunds=round_money(sum((p.refund for p in cancelled), ZERO)),
        complaints=sum(1 for c in complaints if mine(c.distributor) and inside(c.received_on)),
        average_turnaround_days=(
            (Decimal(sum(turnaround)) / len(turnaround)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            if turnaround
            else None
        ),
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
