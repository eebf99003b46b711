"""Buying a Young Driver policy (YD-PAY-1, YD-FEE-ARR): payment, Smartbox, documents."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import SELLERS, require_role
from covernote.audit.services import audit_record
from covernote.documents.services import document_issue
from covernote.domain.calendar import add_months
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import payments as pay
from covernote.products.selectors import params_of
from covernote.young_driver import adapters
from covernote.young_driver import ledger as yd_ledger
from covernote.young_driver.inputs import BuyInput
from covernote.young_driver.models import (
    CardOnFile,
    DirectDebitMandate,
    Fee,
    Instalment,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentPlan,
    PaymentStatus,
    PolicyStatus,
    YDPolicy,
    YDQuote,
)
from covernote.young_driver.selectors import policy_letterhead
from covernote.young_driver.services._common import (
    _device_allocate,
    _install_task,
    _ref,
    _today,
    _version,
)


@transaction.atomic
def _policy_from_quote(
    q: YDQuote,
    *,
    start: date,
    vehicle_reg: str,
    vehicle_description: str,
    payment_method: str,
    idempotency_key: str,
    now: date,
    fee_rule: str,
    fee_reason: str,
    renewed_from: YDPolicy | None = None,
) -> YDPolicy:
    """A year's policy priced by ``q`` (new business or renewal), with its YD-FEE-ARR or
    YD-FEE-REN fee; the annual premium is also the YD-REVIEW-3 cap base for the term."""
    annual = q.premium_gross + q.add_ons_gross
    policy = YDPolicy.objects.create(
        number=_ref("YD"),
        customer=q.customer,
        firm=q.firm,
        quote=q,
        config=q.config,
        start=start,
        end=add_months(start, 12) - timedelta(days=1),
        vehicle_reg=vehicle_reg,
        vehicle_description=vehicle_description,
        rating_inputs={**q.rating_inputs, "add_ons": q.add_ons},
        annual_premium=annual,
        renewal_premium=annual,
        premium_paid=annual,
        status=PolicyStatus.LIVE,
        payment_method=payment_method,
        documents_received_on=now,
        idempotency_key=idempotency_key,
        renewed_from=renewed_from,
    )
    Fee.objects.create(
        policy=policy,
        rule=fee_rule,
        amount=q.arrangement_fee,
        charged_on=now,
        reason=fee_reason,
    )
    return policy


@transaction.atomic
def yd_policy_buy(
    *,
    actor: User,
    quote_obj: YDQuote,
    data: BuyInput,
    today: date | None = None,
) -> YDPolicy:
    """Bind: payment (card token or premium-finance DD), Smartbox, install task, documents."""
    payment_method, idempotency_key = PaymentMethod(data.payment_method), data.idempotency_key
    existing = YDPolicy.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    require_role(actor, SELLERS, what="buy a policy", rule="YD-PAY-1")
    now = _today(today)
    q = YDQuote.objects.select_for_update(of=("self",)).get(pk=quote_obj.pk)
    if YDPolicy.objects.filter(quote=q).exists():
        raise DomainError(ErrorCode.CONFLICT, "this quote is already bought", "YD-RATE", "quote")
    if q.expires_on < now:
        raise DomainError(ErrorCode.EXPIRED, "the quote has expired", "YD-RATE", "quote")
    params = params_of(q.config)
    annual = q.premium_gross + q.add_ons_gross
    card = data.card if payment_method == PaymentMethod.CARD else None
    bank = data.bank if card is None else None
    policy = _policy_from_quote(
        q,
        start=q.start,
        vehicle_reg=q.vehicle_reg,
        vehicle_description=q.vehicle_description,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
        now=now,
        fee_rule="YD-FEE-ARR",
        fee_reason="Arrangement fee (new policy, includes the Smartbox)",
    )
    if card is not None:
        ref = adapters.payment_provider.charge(
            token=card.token, amount=q.total, idempotency_key=idempotency_key
        )
        CardOnFile.objects.create(
            customer=q.customer,
            provider=adapters.payment_provider.name,
            token=card.token,
            last4=card.last4,
        )
        Payment.objects.create(
            policy=policy,
            kind=PaymentKind.PREMIUM,
            amount=q.total,
            premium_part=annual,
            method=payment_method,
            provider_reference=ref,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
    else:
        assert bank is not None
        mandate = DirectDebitMandate.objects.create(
            customer=q.customer,
            sort_code=bank.sort_code,
            account_number=bank.account_number,
            account_name=data.account_name.strip(),
            reference=_ref("DD"),
        )
        search_ref = adapters.credit_agency.search(
            customer_reference=q.customer.reference, idempotency_key=idempotency_key
        )
        plan_d = pay.instalment_plan(
            amount_financed=q.total, first_due=add_months(q.start, 1), params=params
        )
        plan = PaymentPlan.objects.create(
            policy=policy,
            mandate=mandate,
            provider=params.premium_finance.provider,
            agreement_reference=_ref("PF"),
            apr=plan_d.apr,
            amount_financed=plan_d.amount_financed,
            total_charge_for_credit=plan_d.total_charge_for_credit,
            total_payable=plan_d.total_payable,
            credit_search_at=timezone.now(),
            credit_search_reference=search_ref,
            decision=plan_d.decision.as_dict(),
        )
        Instalment.objects.bulk_create(
            Instalment(plan=plan, number=i.number, due=i.due, amount=i.amount)
            for i in plan_d.instalments
        )
        Payment.objects.create(
            policy=policy,
            kind=PaymentKind.FINANCE_DRAWDOWN,
            amount=q.total,
            premium_part=annual,
            method=payment_method,
            provider_reference=plan.agreement_reference,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
    yd_ledger.post_purchase(
        actor=actor,
        policy=policy,
        quote=q,
        params=params,
        fee=q.arrangement_fee,
        payment_key=idempotency_key,
        finance_amount=q.total if payment_method == PaymentMethod.DIRECT_DEBIT else None,
    )
    _version(
        policy,
        actor=actor,
        kind="new_business",
        effective=q.start,
        changes={"quote": q.reference, "annual_premium": annual, "payment_method": payment_method},
        decision=q.decision,
    )
    device = _device_allocate(policy, actor=actor, note="Allocated at purchase")
    task = _install_task(policy, device, anchor=q.start, reason="new_business", params=params)
    finance = getattr(policy, "plan", None)
    welcome = letters.welcome_schedule(
        params=params,
        device_serial=device.serial,
        install_by=task.deadline,
        finance_provider=finance.provider if finance is not None else "",
        credit_search_reference=finance.credit_search_reference if finance is not None else "",
    )
    document_issue(
        actor=actor,
        customer=policy.customer,
        kind="yd_schedule",
        title=welcome.title,
        template="documents/yd_schedule.html",
        context={
            "policy": policy,
            "quote": q,
            "steps": letters.price_steps(q.stored_decision.steps),
            "plan": getattr(policy, "plan", None),
            "instalments": list(policy.plan.instalments.all())
            if payment_method == PaymentMethod.DIRECT_DEBIT
            else [],
            "task": task,
            "device": device,
            "welcome": welcome,
        },
        related=policy,
        idempotency_key=f"yd-schedule-{policy.number}",
        letterhead=policy_letterhead(policy),
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.buy",
        obj=policy,
        after={
            "number": policy.number,
            "quote": q.reference,
            "payment_method": payment_method,
            "annual_premium": annual,
            "total": q.total,
            "device": device.serial,
            "install_deadline": task.deadline,
        },
    )
    return policy
