"""GAP policies: sell a quote (GAP-PRICE-1, GAP-SALE-1, PLT-7/8/9/11) and natural
expiry (GAP-TERM-1)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require, require_same_firm
from covernote.audit.services import audit_record
from covernote.billing.services import LedgerLine, ledger_post
from covernote.documents.letterhead import sending_firm
from covernote.domain.calendar import add_months
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import letters
from covernote.domain.gap.cancellation import (
    termination,
)
from covernote.domain.gap.pricing import is_quote_valid
from covernote.domain.gap.sale import check_conclusion
from covernote.domain.money import round_money
from covernote.gap.inputs.policy import BindInput
from covernote.gap.models import (
    GapPolicy,
    GapQuote,
    PolicyStatus,
    QuoteStatus,
)
from covernote.gap.services._common import (
    ensure_accounts,
    letter_issue,
    new_reference,
    policy_facts,
    replayed,
    require_idempotency_key,
    schedule_terms,
    terminate_policy,
)
from covernote.gap.services.fraud import fraud_db_submit
from covernote.products.selectors import params_of
from covernote.transactions import retry_transaction


@retry_transaction
@transaction.atomic
def gap_policy_bind(
    *,
    actor: User,
    quote: GapQuote,
    data: BindInput,
    today: date | None = None,
) -> GapPolicy:
    """Sell the quoted policy: GAP-PRICE-1 validity, GAP-SALE-1 deferral, PLT-8/PLT-11
    figures, ledger posting, schedule and statement of insurance (PLT-7), MID (PLT-9)."""
    require(actor, Action.GAP_SELL)
    idempotency_key = data.idempotency_key
    require_idempotency_key(idempotency_key)
    existing = GapPolicy.objects.filter(bind_idempotency_key=idempotency_key).first()
    if existing is not None:
        return replayed(existing, existing.quote_id == quote.pk, "quote")
    today = today or timezone.localdate()
    q = (
        GapQuote.objects.select_for_update(of=("self",))
        .select_related("customer", "vehicle", "config")
        .get(pk=quote.pk)
    )
    require_same_firm(actor, q.customer.firm_id, label="customer", field="customer_id")
    existing = GapPolicy.objects.filter(bind_idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if q.status == QuoteStatus.BOUND:
        raise DomainError(
            ErrorCode.CONFLICT, "this quote has already been sold", "GAP-PRICE-1", "quote_id"
        )
    if q.status == QuoteStatus.REFUSED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            "the quote was refused: " + "; ".join(str(f) for f in q.eligibility_record.failures),
            ", ".join(q.failing_rules),
            None,
        )
    params = params_of(q.config)
    if not is_quote_valid(q.quote_date, today, params):
        raise DomainError(
            ErrorCode.EXPIRED,
            f"the quote expired on {q.expires_on}; quote again",
            "GAP-PRICE-1",
            "quote_id",
        )
    sale = check_conclusion(
        prescribed_info_given_on=q.prescribed_info_given_on,
        sold_with_vehicle=q.sold_with_vehicle,
        customer_initiated=q.customer_initiated,
        conclude_on=today,
        params=params,
    )
    start_on = max(q.start_on, today)
    end_on = add_months(start_on, q.term_months) - timedelta(days=1)
    assert q.gross_premium is not None and q.net_premium is not None and q.ipt is not None
    rate = params.sale.commission_rate
    commission = round_money(q.gross_premium * rate)
    policy = GapPolicy.objects.create(
        number=new_reference("GAP"),
        customer=q.customer,
        firm_id=q.firm_id,
        quote=q,
        vehicle=q.vehicle,
        config=q.config,
        bind_idempotency_key=idempotency_key,
        purchased_on=today,
        documents_received_on=data.documents_received_on,
        start_on=start_on,
        end_on=end_on,
        limit_of_liability=q.limit_of_liability,
        net_premium=q.net_premium,
        ipt=q.ipt,
        gross_premium=q.gross_premium,
        commission_rate=rate,
        commission=commission,
        sale=sale.as_dict(),
        created_by=actor,
    )
    q.status = QuoteStatus.BOUND
    q.save(update_fields=["status"])

    ensure_accounts()
    lines = [
        LedgerLine("gap.premium_receivable", debit=q.gross_premium),
        LedgerLine("gap.premium_income", credit=q.net_premium),
    ]
    if q.ipt > 0:
        lines.append(LedgerLine("gap.ipt_payable", credit=q.ipt))
    if commission > 0:
        lines += [
            LedgerLine("gap.commission_expense", debit=commission),
            LedgerLine("gap.commission_payable", credit=commission),
        ]
    ledger_post(
        actor=actor,
        reference=policy.number,
        idempotency_key=f"gap-bind:{policy.number}",
        lines=lines,
        description=f"GAP premium {policy.number}",
    )
    facts = policy_facts(policy)
    letter_issue(
        actor=actor,
        customer=q.customer,
        kind="gap_schedule",
        letter=letters.schedule(facts, terms=(terms := schedule_terms(policy))),
        related=policy,
        key=f"gap-schedule:{policy.number}",
    )
    sender = sending_firm()
    letter_issue(
        actor=actor,
        customer=q.customer,
        kind="gap_statement",
        letter=letters.statement_of_insurance(
            facts,
            firm_name=terms.broker or sender.name,
            support_phone=sender.phone,
            contact_within_days=params.claims.contact_within_days,
            insurer=terms.insurer,
        ),
        related=policy,
        key=f"gap-statement:{policy.number}",
    )
    fraud_db_submit(
        database="MID",
        event="policy_on_cover",
        policy=policy,
        payload={
            "policy": policy.number,
            "registration": q.vehicle.registration,
            "start": start_on.isoformat(),
            "end": end_on.isoformat(),
        },
    )
    audit_record(
        actor=actor,
        action="gap.policy.bind",
        obj=policy,
        after={
            "number": policy.number,
            "quote": q.reference,
            "gross_premium": policy.gross_premium,
            "commission": commission,
            "config_version": q.config.version,
            "start": start_on,
            "end": end_on,
        },
    )
    return policy


# --------------------------------------------------------------------------- expiry


def gap_policies_expire(*, as_of: date, actor: Any = "job:gap.expire_policies") -> int:
    """GAP-TERM-1 natural expiry: an active policy whose last day is before ``as_of``."""
    count = 0
    ids = list(
        GapPolicy.objects.filter(status=PolicyStatus.ACTIVE, end_on__lt=as_of).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            p = GapPolicy.objects.select_for_update(of=("self",)).get(pk=pk)
            if p.status != PolicyStatus.ACTIVE or p.end_on >= as_of:
                continue
            terminate_policy(p, termination(end=p.end_on))
            audit_record(
                actor=actor,
                action="gap.policy.expire",
                obj=p,
                after={"terminated_on": p.terminated_on, "reason": p.termination_reason},
            )
            count += 1
    return count
