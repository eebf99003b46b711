"""Assess a GAP claim: the motor insurer's figures → validity (GAP-CLAIM-2/3) and
the settlement (GAP-COVER) Decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from covernote.accounts.models import User
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap.eligibility import (
    VehicleUse,
)
from covernote.domain.gap.finance import outstanding_finance_balance
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.gap.models import (
    FinanceAgreement,
    FinanceBalanceLine,
    GapClaim,
)
from covernote.gap.selectors import insured_vehicle_at
from covernote.gap.services._common import (
    CLAIMS_STAFF,
    jsonable,
    params_for,
    parse_enum,
    parse_money,
    require,
)
from covernote.gap.valuation import valuation_source

FACT_FLAGS = (
    "driver_covered_by_motor_policy",
    "driver_intoxicated",
    "driving_illegally",
    "motor_policy_whole_period",
    "unattended_without_security",
    "new_for_old_taken",
    "premium_received",
    "application_received",
    "fraudulent",
    "consequential_loss_claimed",
)
FACT_DEFAULTS = {
    "driver_covered_by_motor_policy": True,
    "motor_policy_whole_period": True,
    "premium_received": True,
    "application_received": True,
}


@transaction.atomic
def gap_claim_assess(
    *,
    actor: User,
    claim: GapClaim,
    figures: dict[str, Any],
    facts: dict[str, Any] | None = None,
    finance_lines: list[tuple[str, Any]] | None = None,
) -> GapClaim:
    """Enter the motor insurer's figures → validity (GAP-CLAIM-2/3) and the 8-step
    settlement (GAP-COVER) Decisions."""
    require(actor, CLAIMS_STAFF, "assess claims")
    c = (
        GapClaim.objects.select_for_update()
        .select_related("policy__quote__vehicle", "policy__config")
        .get(pk=claim.pk)
    )
    p = c.policy
    q = p.quote
    params = params_for(p.config)
    facts = dict(facts or {})
    finance = FinanceAgreement.objects.filter(quote=q).first()
    lines = [
        (str(k), parse_money(a, f"finance_lines[{i}].amount", "GAP-DEF-OFB"))
        for i, (k, a) in enumerate(finance_lines or [])
    ]
    ofb_decision = None
    if lines:
        if finance is None:
            raise DomainError(
                ErrorCode.INVALID,
                "a finance balance was given but the policy has no finance agreement",
                "GAP-DEF-OFB",
                "finance_lines",
            )
        ofb_decision = outstanding_finance_balance(lines)

    def opt(key: str, rule: str) -> Decimal | None:
        val = figures.get(key)
        return None if val in (None, "") else parse_money(val, key, rule)

    for key in ("settlement", "motor_excess"):
        if figures.get(key) in (None, ""):
            raise DomainError(ErrorCode.REQUIRED, f"{key} is required", "GAP-COVER", key)
    # The vehicle insured at the loss (a new-for-old transfer moves cover; GAP-EXCL-9).
    insured, price, replaced = insured_vehicle_at(p, c.loss_on)
    if replaced:
        facts["new_for_old_taken"] = True
    market_value = opt("market_value", "GAP-DEF-MV")
    if market_value is None:
        market_value = valuation_source().retail_value(insured.valuation_code)
    mvp = insured.market_value_at_purchase
    claim_input = ClaimInput(
        purchase_price=price,
        settlement=parse_money(figures["settlement"], "settlement", "GAP-DEF-SETTLE"),
        motor_excess=parse_money(figures["motor_excess"], "motor_excess", "GAP-COVER-3"),
        limit_of_liability=p.limit_of_liability,
        accepted_settlement=opt("accepted_settlement", "GAP-BEST-1"),
        market_value=market_value,
        outstanding_finance=ofb_decision.amounts["outstanding_finance"] if ofb_decision else None,
        amount_advanced=finance.amount_advanced
        if (finance and ofb_decision and mvp is not None)
        else None,
        market_value_at_purchase=mvp if (finance and ofb_decision and mvp is not None) else None,
        contributory_percent=opt("contributory_percent", "GAP-EXCL-18"),
        contributory_amount=opt("contributory_amount", "GAP-EXCL-18"),
        vat_recovered=bool(figures.get("vat_recovered")),
        waive_market_value=bool(figures.get("waive_market_value")),
        premium_charged=opt("premium_charged", "PLT-10"),
        premium_would_have_charged=opt("premium_would_have_charged", "PLT-10"),
    )
    settlement = gap_benefit(claim_input, params)
    settlement_json = settlement.as_dict()
    if ofb_decision is not None:
        settlement_json["steps"] = [s.as_dict() for s in ofb_decision.steps] + settlement_json[
            "steps"
        ]

    validity = dclaims.claim_validity(
        dclaims.ClaimFacts(
            policy_start=p.start_on,
            policy_end=p.cover_ends_on,
            loss_on=c.loss_on,
            first_registered_on=insured.first_registered_on,
            total_loss=dclaims.TotalLoss(
                motor_claim_settled=bool(facts.get("motor_claim_settled", True)),
                vehicle_surrendered_or_written_off=bool(
                    facts.get("vehicle_surrendered_or_written_off", True)
                ),
                payment_made=bool(facts.get("payment_made", True)),
                section=dclaims.MotorSection(c.motor_section),
            ),
            territory=dclaims.Territory(c.territory),
            days_in_europe_this_cover_year=int(facts.get("days_in_europe_this_cover_year") or 0),
            perils=frozenset(
                parse_enum(dclaims.Peril, x, "perils", "GAP-CLAIM-3")
                for x in facts.get("perils") or []
            ),
            misrepresentation=parse_enum(
                dclaims.Misrepresentation,
                facts.get("misrepresentation") or "none",
                "misrepresentation",
                "PLT-10",
            ),
            uses_at_loss=frozenset(
                parse_enum(VehicleUse, x, "uses_at_loss", "GAP-EXCL-1")
                for x in facts.get("uses_at_loss") or []
            ),
            **{k: bool(facts.get(k, FACT_DEFAULTS.get(k, False))) for k in FACT_FLAGS},
        ),
        params,
    )
    before = c.status
    if c.status != dclaims.ClaimStatus.ASSESSED:
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.ASSESSED
        ).value
    c.figures = jsonable(figures)
    c.facts = jsonable(facts)
    c.settlement = settlement_json
    c.validity = validity.as_dict()
    c.payable = settlement.amounts["payable"]
    c.version += 1
    c.save()
    c.finance_lines.all().delete()
    FinanceBalanceLine.objects.bulk_create(
        [FinanceBalanceLine(claim=c, kind=k, amount=a) for k, a in lines]
    )
    audit_record(
        actor=actor,
        action="gap.claim.assess",
        obj=c,
        before={"status": before},
        after={
            "status": c.status,
            "payable": c.payable,
            "validity": validity.outcome,
            "declines": [d["rule"] for d in validity.data["declines"]],
        },
    )
    return c
