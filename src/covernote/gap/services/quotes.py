"""GAP quotes (SPEC §1): GAP-DEF-PRICE → GAP-ELIG-1..7 → GAP-PRICE-1/PLT-8."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require, require_same_firm
from covernote.audit.services import audit_record
from covernote.domain.calendar import add_months, long_date
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.eligibility import (
    EligibilityInput,
    check_eligibility,
)
from covernote.domain.gap.pricing import price_quote
from covernote.domain.gap.purchase import purchase_price
from covernote.domain.gap.records import EligibilityRecord
from covernote.domain.gap.sale import earliest_start
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import (
    FinanceAgreement,
    GapQuote,
    MotorPolicy,
    PurchaseLine,
    QuoteStatus,
    Vehicle,
)
from covernote.gap.services._common import (
    PRODUCT,
    new_reference,
    vehicle_record,
)
from covernote.parties.models import Customer
from covernote.products.selectors import params_of, product_config_in_force


@transaction.atomic
def gap_quote_create(
    *, actor: User, customer: Customer, data: QuoteInput, today: date | None = None
) -> GapQuote:
    """GAP-DEF-PRICE → GAP-ELIG-1..7 → GAP-PRICE-1/PLT-8. A refusal is stored with every
    failing rule id and reason; only an eligible quote is priced."""
    require(actor, Action.GAP_QUOTE)
    require_same_firm(actor, customer.firm_id, label="customer", field="customer_id")
    today = today or timezone.localdate()
    config = product_config_in_force(PRODUCT, today)
    params = params_of(config)

    pv = vehicle_record(data.vehicle, today)
    lines = data.purchase_lines
    price_decision = purchase_price(lines)
    price = price_decision.amounts["purchase_price"]
    finance, motor, holder = data.finance, data.motor_policy, data.holder_relationship
    ownership = data.ownership_date
    if ownership > today:
        raise DomainError(
            ErrorCode.INVALID, "ownership date is in the future", "GAP-ELIG-6", "ownership_date"
        )
    timing = earliest_start(
        quote_date=today,
        prescribed_info_given_on=data.prescribed_info_given_on,
        sold_with_vehicle=data.sold_with_vehicle,
        customer_initiated=data.customer_initiated,
        params=params,
    )
    earliest: date = timing.data["earliest_start"]
    start_on = data.start_on or earliest  # GAP-SALE-1: blank start = the earliest allowed
    if start_on < today:
        raise DomainError(
            ErrorCode.INVALID, "cover cannot start before the quote date", "GAP-PRICE-1", "start_on"
        )
    latest_start = today + timedelta(days=params.quote_validity_days)
    if start_on > latest_start:
        raise DomainError(
            ErrorCode.INVALID,
            f"Start date: cover must start within {params.quote_validity_days} days of the "
            f"quote date (by {latest_start.isoformat()}); you sent {start_on.isoformat()}",
            "GAP-PRICE-1",
            "start_on",
        )
    if start_on < earliest:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            f"cover can start no earlier than {long_date(earliest)}: GAP sold with the vehicle "
            "or its finance cannot be concluded until the deferral after the prescribed "
            "information ends (ICOBS 6A.1)",
            "GAP-SALE-1",
            "start_on",
        )
    term = data.term_months
    end_on = add_months(start_on, term) - timedelta(days=1)
    limit = data.limit_of_liability

    elig = check_eligibility(
        EligibilityInput(
            vehicle=pv.domain,
            holder_relationship=holder,
            motor_policy=motor,
            ownership_date=ownership,
            policy_purchase_date=today,
            purchase_price=price,
        ),
        params,
    )
    eligible = elig.outcome == "eligible"
    pricing: Decision | None = None
    if eligible:
        pricing = price_quote(
            term_months=term,
            limit_of_liability=limit,
            purchase_price=price,
            quote_date=today,
            params=params,
        )

    vehicle = Vehicle.objects.create(customer=customer, firm_id=customer.firm_id, **pv.fields)
    quote = GapQuote.objects.create(
        reference=new_reference("GQ"),
        customer=customer,
        firm_id=customer.firm_id,
        vehicle=vehicle,
        config=config,
        created_by=actor,
        quote_date=today,
        start_on=start_on,
        end_on=end_on,
        term_months=term,
        limit_of_liability=limit,
        purchase_price=price,
        holder_relationship=holder.value,
        ownership_date=ownership,
        sold_with_vehicle=data.sold_with_vehicle,
        customer_initiated=data.customer_initiated,
        prescribed_info_given_on=data.prescribed_info_given_on,
        inputs=data.as_json(),
        purchase=price_decision.as_dict(),
        eligibility=elig.as_dict(),
        failing_rules=sorted({f.rule for f in EligibilityRecord.from_json(elig.data).failures}),
        pricing=pricing.as_dict() if pricing else {},
        net_premium=pricing.amounts["net_premium"] if pricing else None,
        ipt=pricing.amounts["ipt"] if pricing else None,
        gross_premium=pricing.amounts["gross_premium"] if pricing else None,
        expires_on=pricing.data["expires_on"] if pricing else None,
        status=QuoteStatus.QUOTED if eligible else QuoteStatus.REFUSED,
    )
    PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                quote=quote, kind=ln.kind.value, amount=ln.amount, description=ln.description
            )
            for ln in lines
        ]
    )
    if finance:
        FinanceAgreement.objects.create(
            quote=quote,
            lender=finance.lender,
            agreement_number=finance.agreement_number,
            amount_advanced=finance.amount_advanced,
        )
    if motor:
        MotorPolicy.objects.create(
            quote=quote,
            insurer=motor.insurer,
            policy_number=motor.policy_number,
            cover=motor.cover.value,
            covers_whole_gap_period=motor.covers_whole_gap_period,
        )
    audit_record(
        actor=actor,
        action="gap.quote.create",
        obj=quote,
        after={
            "reference": quote.reference,
            "status": quote.status,
            "failing_rules": quote.failing_rules,
            "gross_premium": quote.gross_premium,
            "config_version": config.version,
        },
    )
    return quote


def quote_sale_timing(quote: GapQuote) -> Decision:
    """GAP-SALE-1 for a stored quote: the earliest start (and sale) date and why — shown on
    the quote page so nobody discovers it on "Sell". Old quotes without a recorded
    information date report the rule as it would be applied on "Sell"."""
    try:
        return earliest_start(
            quote_date=quote.quote_date,
            prescribed_info_given_on=quote.prescribed_info_given_on,
            sold_with_vehicle=quote.sold_with_vehicle,
            customer_initiated=quote.customer_initiated,
            params=params_of(quote.config),
        )
    except DomainError as exc:
        d = Decision(outcome="blocked")
        d.step("GAP-SALE-1", exc.message)
        d.data["earliest_start"] = None
        return d
