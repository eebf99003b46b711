"""Claim benefit: the GAP settlement calculation (SPEC §1 "Claim benefit", REGULATION.md §3.4).

Exactly the eight steps of SPEC (where SPEC and REGULATION differ, SPEC stands):

1. GAP-BEST-1  accepted settlement A below market value MV → base := max(S, MV)
               unless a handler waives it (recorded); otherwise base := S.
2. GAP-EXCL-8  OFB := OFB − max(0, L − MVp) (finance advanced above market value).
3. GAP-COVER-1/2 target := P, or OFB when financed and OFB > P;
               shortfall := max(0, target − base).
4. GAP-EXCL-14 VAT recovered → shortfall −= round(shortfall × v / (1 + v)).
5. GAP-COVER-3 / GAP-EXCL-12 gross := shortfall + min(E, £500).
6. GAP-EXCL-18 gross := round(gross × (1 − c)) or max(0, gross − d).
7. GAP-LIMIT   payable := min(gross, LIM) — the excess benefit is inside the limit.
8. PLT-10      careless misrepresentation: payable := round(payable × charged / would-have-charged).

Worked example (public): P £20,000, S £12,500, no finance, excess £350,
LIM £10,000 → £7,500 + £350 = £7,850.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.money import ZERO, floor_zero, gbp, round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ClaimInput:
    """The figures of a GAP claim (SPEC "Claim benefit" inputs), all £ unless stated.

    ``contributory_percent`` is in percent (``Decimal("25")`` = 25 %).
    """

    purchase_price: Decimal  # P, GAP-DEF-PRICE
    settlement: Decimal  # S, before the motor insurer's deductions, GAP-DEF-SETTLE
    motor_excess: Decimal  # E
    limit_of_liability: Decimal  # LIM
    accepted_settlement: Decimal | None = None  # A, default S
    market_value: Decimal | None = None  # MV at loss, GAP-DEF-MV
    outstanding_finance: Decimal | None = None  # OFB, GAP-DEF-OFB; None = not financed
    amount_advanced: Decimal | None = None  # L
    market_value_at_purchase: Decimal | None = None  # MVp
    contributory_percent: Decimal | None = None  # c, in percent
    contributory_amount: Decimal | None = None  # d
    vat_recovered: bool = False
    waive_market_value: bool = False
    premium_charged: Decimal | None = None  # PLT-10
    premium_would_have_charged: Decimal | None = None  # PLT-10


def _validate(claim: ClaimInput) -> None:
    money_fields = (
        "purchase_price",
        "settlement",
        "motor_excess",
        "limit_of_liability",
        "accepted_settlement",
        "market_value",
        "outstanding_finance",
        "amount_advanced",
        "market_value_at_purchase",
        "contributory_amount",
        "premium_charged",
        "premium_would_have_charged",
    )
    for name in money_fields:
        value: Decimal | None = getattr(claim, name)
        if value is not None and value < 0:
            raise DomainError(ErrorCode.INVALID, f"{name} must not be negative", "G1", name)
    if claim.contributory_percent is not None and claim.contributory_amount is not None:
        raise DomainError(
            ErrorCode.INVALID,
            "give the motor insurer's deduction as a percentage or an amount, not both",
            "GAP-EXCL-18",
            "contributory_amount",
        )
    if claim.contributory_percent is not None and not (
        ZERO <= claim.contributory_percent <= HUNDRED
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "contributory_percent must be between 0 and 100",
            "GAP-EXCL-18",
            "contributory_percent",
        )
    if (claim.amount_advanced is None) != (claim.market_value_at_purchase is None):
        missing = "amount_advanced" if claim.amount_advanced is None else "market_value_at_purchase"
        raise DomainError(
            ErrorCode.REQUIRED,
            "amount_advanced and market_value_at_purchase are needed together",
            "GAP-EXCL-8",
            missing,
        )
    if (claim.premium_charged is None) != (claim.premium_would_have_charged is None):
        missing = (
            "premium_charged" if claim.premium_charged is None else "premium_would_have_charged"
        )
        raise DomainError(
            ErrorCode.REQUIRED,
            "premium_charged and premium_would_have_charged are needed together",
            "PLT-10",
            missing,
        )
    if claim.premium_would_have_charged is not None and claim.premium_would_have_charged == 0:
        raise DomainError(
            ErrorCode.INVALID,
            "premium_would_have_charged must be more than zero",
            "PLT-10",
            "premium_would_have_charged",
        )


def gap_benefit(claim: ClaimInput, params: GapParams) -> Decision:
    """The GAP claim benefit (SPEC 8-step algorithm); outcome ``"payable"``.

    ``amounts["payable"]`` is the benefit, never negative and never above the
    limit of liability; every step cites its rule id with its input and output.
    """
    _validate(claim)
    d = Decision(outcome="payable")
    s = claim.settlement
    accepted = claim.accepted_settlement if claim.accepted_settlement is not None else s
    mv = claim.market_value

    # 1. GAP-BEST-1 best endeavours: an accepted offer below market value.
    if mv is not None and accepted < mv:
        if claim.waive_market_value:
            base = s
            d.step(
                "GAP-BEST-1",
                f"Accepted settlement {gbp(accepted)} is below market value {gbp(mv)}; "
                "the claims handler waived valuing the loss at market value",
                base,
                settlement=s,
                accepted_settlement=accepted,
                market_value=mv,
                waived=True,
            )
            d.warn("GAP-BEST-1: market value valuation waived by the claims handler.")
        else:
            base = max(s, mv)
            d.step(
                "GAP-BEST-1",
                f"Accepted settlement {gbp(accepted)} is below market value {gbp(mv)}: "
                "loss valued at the higher of the settlement and market value",
                base,
                settlement=s,
                accepted_settlement=accepted,
                market_value=mv,
                waived=False,
            )
    else:
        base = s
        d.step(
            "GAP-BEST-1",
            "Motor insurer's settlement before its deductions (GAP-DEF-SETTLE)",
            base,
            settlement=s,
            accepted_settlement=accepted,
            market_value=mv,
        )

    # 2. GAP-EXCL-8 finance advanced above market value at purchase.
    ofb = claim.outstanding_finance
    if ofb is not None and claim.amount_advanced is not None:
        assert claim.market_value_at_purchase is not None  # paired in _validate
        over = floor_zero(claim.amount_advanced - claim.market_value_at_purchase)
        ofb = floor_zero(ofb - over)
        d.step(
            "GAP-EXCL-8",
            f"Finance advanced above market value at purchase ({gbp(over)}) is not covered",
            ofb,
            outstanding_finance=claim.outstanding_finance,
            amount_advanced=claim.amount_advanced,
            market_value_at_purchase=claim.market_value_at_purchase,
        )
    elif ofb is not None:
        d.step("GAP-EXCL-8", "No amount advanced above market value recorded", ofb)

    # 3. GAP-COVER-1/2 the shortfall.
    p = claim.purchase_price
    if ofb is not None and ofb > p:
        target, rule = ofb, "GAP-COVER-2"
        what = f"outstanding finance {gbp(ofb)} is above the purchase price {gbp(p)}"
    else:
        target, rule = p, "GAP-COVER-1"
        what = f"purchase price {gbp(p)}"
    shortfall = floor_zero(target - base)
    d.step(
        rule,
        f"Shortfall: {what} less the valuation {gbp(base)}",
        shortfall,
        target=target,
        base=base,
    )

    # 4. GAP-EXCL-14 VAT element removed if the VAT was recovered.
    if claim.vat_recovered:
        v = params.cover.vat_rate
        vat = round_money(shortfall * v / (1 + v))
        shortfall -= vat
        d.step(
            "GAP-EXCL-14",
            f"VAT recovered: VAT element at {v * 100:g}% ({gbp(vat)}) removed",
            shortfall,
            vat=vat,
            vat_rate=v,
        )

    # 5. GAP-COVER-3 / GAP-EXCL-12 motor excess benefit, capped.
    cap = params.cover.excess_benefit_cap
    excess = min(claim.motor_excess, cap)
    if claim.motor_excess > cap:
        d.step(
            "GAP-EXCL-12",
            f"Motor excess {gbp(claim.motor_excess)} is over {gbp(cap)}; "
            f"only {gbp(cap)} is covered",
            excess,
            motor_excess=claim.motor_excess,
            cap=cap,
        )
    gross = shortfall + excess
    d.step(
        "GAP-COVER-3",
        f"Shortfall plus motor excess benefit {gbp(excess)}",
        gross,
        shortfall=shortfall,
        excess_benefit=excess,
    )

    # 6. GAP-EXCL-18 same percentage or amount as the motor insurer deducted.
    if claim.contributory_percent is not None:
        c = claim.contributory_percent
        gross = round_money(gross * (1 - c / HUNDRED))
        d.step(
            "GAP-EXCL-18",
            f"Reduced by the motor insurer's {c:g}% deduction for contributory negligence "
            "or condition",
            gross,
            percent=c,
        )
    elif claim.contributory_amount is not None:
        gross = floor_zero(gross - claim.contributory_amount)
        d.step(
            "GAP-EXCL-18",
            f"Reduced by the motor insurer's {gbp(claim.contributory_amount)} deduction for "
            "contributory negligence or condition",
            gross,
            deduction=claim.contributory_amount,
        )

    # 7. GAP-LIMIT the limit of liability includes the excess benefit.
    lim = claim.limit_of_liability
    payable = min(gross, lim)
    d.step(
        "GAP-LIMIT",
        f"Limited to the limit of liability {gbp(lim)}"
        if gross > lim
        else f"Within the limit of liability {gbp(lim)}",
        payable,
        limit_of_liability=lim,
    )

    # 8. PLT-10 careless misrepresentation: proportionate remedy.
    charged, would = claim.premium_charged, claim.premium_would_have_charged
    if charged is not None and would is not None:
        if would > charged:
            payable = round_money(payable * charged / would)
            d.step(
                "PLT-10",
                f"Careless misrepresentation: paid in the proportion {gbp(charged)} / {gbp(would)}",
                payable,
                premium_charged=charged,
                premium_would_have_charged=would,
            )
        else:
            d.step(
                "PLT-10",
                "The insurer would not have charged a higher premium: no proportionate reduction",
                payable,
                premium_charged=charged,
                premium_would_have_charged=would,
            )

    payable = round_money(payable)
    d.amounts["payable"] = payable
    return d
