"""Assess a GAP claim: the motor insurer's figures → validity (GAP-CLAIM-2/3) and
the settlement (GAP-COVER) Decisions."""

from __future__ import annotations

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import claims as dclaims
from covernote.domain.gap.finance import outstanding_finance_balance
from covernote.domain.gap.records import ValidityRecord
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.gap.inputs.claims import AssessInput
from covernote.gap.models import (
    FinanceAgreement,
    FinanceBalanceLine,
    GapClaim,
)
from covernote.gap.selectors import insured_vehicle_at
from covernote.gap.valuation import valuation_source
from covernote.products.selectors import params_of


@transaction.atomic
def gap_claim_assess(
    *,
    actor: User,
    claim: GapClaim,
    data: AssessInput,
) -> GapClaim:
    """Enter the motor insurer's figures → validity (GAP-CLAIM-2/3) and the 8-step
    settlement (GAP-COVER) Decisions."""
    require(actor, Action.GAP_CLAIM_DECIDE)
    c = (
        GapClaim.objects.select_for_update(of=("self",))
        .select_related("policy__quote__vehicle", "policy__config")
        .get(pk=claim.pk)
    )
    p = c.policy
    q = p.quote
    params = params_of(p.config)
    figures, facts, lines = data.figures, data.facts, list(data.finance_lines)
    finance = FinanceAgreement.objects.filter(quote=q).first()
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

    # The vehicle insured at the loss (a new-for-old transfer moves cover; GAP-EXCL-9).
    insured, price, replaced = insured_vehicle_at(p, c.loss_on)
    if replaced:
        facts = facts.with_new_for_old()
    market_value = figures.market_value
    if market_value is None:
        market_value = valuation_source().retail_value(insured.valuation_code)
    mvp = insured.market_value_at_purchase
    claim_input = ClaimInput(
        purchase_price=price,
        settlement=figures.settlement,
        motor_excess=figures.motor_excess,
        limit_of_liability=p.limit_of_liability,
        accepted_settlement=figures.accepted_settlement,
        market_value=market_value,
        outstanding_finance=ofb_decision.amounts["outstanding_finance"] if ofb_decision else None,
        amount_advanced=finance.amount_advanced
        if (finance and ofb_decision and mvp is not None)
        else None,
        market_value_at_purchase=mvp if (finance and ofb_decision and mvp is not None) else None,
        contributory_percent=figures.contributory_percent,
        contributory_amount=figures.contributory_amount,
        vat_recovered=figures.vat_recovered,
        waive_market_value=figures.waive_market_value,
        premium_charged=figures.premium_charged,
        premium_would_have_charged=figures.premium_would_have_charged,
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
                motor_claim_settled=facts.motor_claim_settled,
                vehicle_surrendered_or_written_off=facts.vehicle_surrendered_or_written_off,
                payment_made=facts.payment_made,
                section=dclaims.MotorSection(c.motor_section),
            ),
            territory=dclaims.Territory(c.territory),
            days_in_europe_this_cover_year=facts.days_in_europe_this_cover_year,
            perils=facts.perils,
            misrepresentation=facts.misrepresentation,
            uses_at_loss=facts.uses_at_loss,
            **facts.flags,
        ),
        params,
    )
    before = c.status
    if c.status != dclaims.ClaimStatus.ASSESSED:
        c.status = dclaims.transition(
            dclaims.ClaimStatus(c.status), dclaims.ClaimStatus.ASSESSED
        ).value
    c.figures = figures.as_json()
    c.facts = facts.as_json()
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
            "declines": [d.rule for d in ValidityRecord.from_json(validity.data).declines],
        },
    )
    return c
