"""Renewal (YD-FEE-REN): invitation, acceptance as a new linked policy, decline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.calendar import add_months
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import adjustments as adj
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import payments as pay
from covernote.domain.young_driver import smartbox as box
from covernote.domain.young_driver.rating import age_on, quote, rating_input_from_mapping
from covernote.products.models import ProductConfiguration
from covernote.products.selectors import params_of, product_config_in_force
from covernote.young_driver import adapters
from covernote.young_driver import ledger as yd_ledger
from covernote.young_driver.models import (
    Device,
    DeviceEvent,
    Instalment,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentPlan,
    PaymentStatus,
    PolicyStatus,
    RenewalStatus,
    YDPolicy,
    YDQuote,
    YDRenewal,
)
from covernote.young_driver.services._common import (
    _check_live,
    _device_allocate,
    _install_task,
    _json,
    _label,
    _letter,
    _lock,
    _policy_in_scope,
    _ref,
    _today,
    _user,
    _version,
    current_device,
)
from covernote.young_driver.services.policies import (
    _policy_from_quote,
)


def _renewal_rating(
    policy: YDPolicy, new_start: date
) -> tuple[ProductConfiguration, Decision, dict[str, Any]]:
    """Re-rate for the new term with the configuration in force then: age on the new start,
    one more year of licence and (no theft claim in the term) one more no-claims year."""
    config = product_config_in_force("young_driver", new_start)
    inputs = dict(policy.rating_inputs)
    inputs["age"] = age_on(policy.customer.birth_date, new_start)
    inputs["licence_years"] = int(inputs.get("licence_years", 0)) + 1
    if not policy.theft_claims.exists():
        inputs["no_claims_years"] = int(inputs.get("no_claims_years", 0)) + 1
    return config, quote(rating_input_from_mapping(inputs), params_of(config)), inputs


@transaction.atomic
def yd_renewal_invite(*, actor: Any, policy: YDPolicy, today: date) -> YDRenewal:
    """YD-FEE-REN, YD-PAY-2: price the renewal (domain rating) plus the renewal fee and write
    to the customer; the invitation is also the written notice before the CPA collection."""
    p = _lock(policy)
    existing = YDRenewal.objects.filter(policy=p).first()
    if existing is not None:
        return existing
    _check_live(p, "YD-FEE-REN")
    new_start = p.end + timedelta(days=1)
    config, rating, rating_inputs = _renewal_rating(p, new_start)
    params = params_of(config)
    a = rating.amounts
    annual = a["premium_gross"] + a["add_ons_gross"]
    charge = adj.renewal_charge(annual, params)
    steps = [s for s in rating.steps if s.rule not in ("YD-FEE-ARR", "YD-RATE")] + [
        s for s in charge.steps
    ]
    decision = {
        **rating.as_dict(),
        "outcome": "renewal",
        "arrangement_fee": str(charge.amounts["fee"]),
        "renewal_fee": str(charge.amounts["fee"]),
        "total": str(charge.amounts["total"]),
        "renewal_of": p.number,
        "steps": [s.as_dict() for s in steps],
    }
    add_ons = list(rating_inputs.pop("add_ons", []))
    q = YDQuote.objects.create(
        reference=_ref("YDR"),
        customer=p.customer,
        firm=p.firm,
        config=config,
        start=new_start,
        vehicle_reg=p.vehicle_reg,
        vehicle_description=p.vehicle_description,
        rating_inputs=rating_inputs,
        add_ons=add_ons,
        decision=_json(decision),
        premium_net=a["premium_net"],
        ipt=a["ipt"],
        premium_gross=a["premium_gross"],
        add_ons_gross=a["add_ons_gross"],
        arrangement_fee=charge.amounts["fee"],
        total=charge.amounts["total"],
        expires_on=new_start,
        created_by=p.quote.created_by,
    )
    renewal = YDRenewal.objects.create(
        policy=p,
        quote=q,
        new_start=new_start,
        renewal_premium=annual,
        renewal_fee=charge.amounts["fee"],
        total=charge.amounts["total"],
        decision=q.decision,
        invited_on=today,
    )
    renewal.document = _letter(
        actor=actor,
        policy=p,
        kind="yd_renewal_invitation",
        letter=letters.renewal_invitation(
            end=p.end,
            new_start=new_start,
            annual=annual,
            fee=charge.amounts["fee"],
            total=charge.amounts["total"],
            by_card=p.payment_method == PaymentMethod.CARD,
        ),
        steps=[s.as_dict() for s in steps],
        key=f"yd-renewal-invite-{p.number}",
    )
    renewal.save(update_fields=["document"])
    audit_record(
        actor=actor,
        action="young_driver.renewal.invite",
        obj=renewal,
        firm_id=p.firm_id,
        after={"policy": p.number, "new_start": new_start, "total": charge.amounts["total"]},
    )
    return renewal


def yd_renewals_invite(*, as_of: date) -> str:
    """Job: invite live policies ending within the product's invitation window (idempotent)."""
    invited = refused = 0
    horizon = as_of + timedelta(days=366)
    for policy in YDPolicy.objects.filter(
        status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
        end__gte=as_of,
        end__lte=horizon,
        renewal__isnull=True,
    ).select_related("config", "customer"):
        if (policy.end - as_of).days > params_of(policy.config).periods.renewal_invite_days:
            continue
        if policy.status != PolicyStatus.LIVE:
            continue
        try:
            yd_renewal_invite(actor=None, policy=policy, today=as_of)
            invited += 1
        except DomainError:
            refused += 1  # e.g. no longer eligible (age band): no invitation
    return f"{invited} renewal invitations sent, {refused} not eligible"


@transaction.atomic
def yd_policy_renew(
    *, actor: Any, policy: YDPolicy, idempotency_key: str, today: date | None = None
) -> YDPolicy:
    """YD-FEE-REN: the new term is a **new policy linked to the old one** (``renewed_from``),
    priced by the invitation; its premium is the new YD-REVIEW-3 cap base; a new 14-day
    cooling off runs; the renewal fee is retained per YD-CANCEL-2. Payment by the stored
    card or Direct Debit (YD-PAY-2): card collection waits for the 14-day notice."""
    existing = YDPolicy.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _policy_in_scope(actor, policy)
    now = _today(today)
    old = _lock(policy)
    renewal = YDRenewal.objects.select_for_update(of=("self",)).filter(policy=old).first()
    if renewal is None:
        raise DomainError(ErrorCode.CONFLICT, "no renewal invitation", "YD-FEE-REN", "policy")
    if renewal.new_policy_id is not None:
        return YDPolicy.objects.get(pk=renewal.new_policy_id)
    if renewal.status == RenewalStatus.DECLINED:
        raise DomainError(
            ErrorCode.CONFLICT, "the renewal offer was declined", "YD-FEE-REN", "policy"
        )
    _check_live(old, "YD-FEE-REN")
    if now > renewal.new_start:
        raise DomainError(ErrorCode.EXPIRED, "the renewal date has passed", "YD-FEE-REN")
    q = renewal.quote
    params = params_of(q.config)
    annual = q.premium_gross + q.add_ons_gross
    new = _policy_from_quote(
        q,
        start=renewal.new_start,
        vehicle_reg=old.vehicle_reg,
        vehicle_description=old.vehicle_description,
        payment_method=old.payment_method,
        idempotency_key=idempotency_key,
        now=now,
        fee_rule="YD-FEE-REN",
        fee_reason="Renewal fee",
        renewed_from=old,
    )
    if old.payment_method == PaymentMethod.CARD:
        collect_on = max(now, renewal.invited_on + timedelta(days=params.periods.cpa_notice_days))
        Payment.objects.create(
            policy=new,
            kind=PaymentKind.PREMIUM,
            amount=q.total,
            premium_part=annual,
            method=PaymentMethod.CARD,
            status=PaymentStatus.SCHEDULED,
            collect_on=collect_on,
            idempotency_key=idempotency_key,
        )
        settled = False
    else:
        old_plan = old.plan
        plan_d = pay.instalment_plan(
            amount_financed=q.total, first_due=add_months(new.start, 1), params=params
        )
        plan = PaymentPlan.objects.create(
            policy=new,
            mandate=old_plan.mandate,
            provider=params.premium_finance.provider,
            agreement_reference=_ref("PF"),
            apr=plan_d.apr,
            amount_financed=plan_d.amount_financed,
            total_charge_for_credit=plan_d.total_charge_for_credit,
            total_payable=plan_d.total_payable,
            credit_search_at=timezone.now(),
            credit_search_reference=adapters.credit_agency.search(
                customer_reference=new.customer.reference, idempotency_key=idempotency_key
            ),
            decision=plan_d.decision.as_dict(),
        )
        Instalment.objects.bulk_create(
            Instalment(plan=plan, number=i.number, due=i.due, amount=i.amount)
            for i in plan_d.instalments
        )
        Payment.objects.create(
            policy=new,
            kind=PaymentKind.FINANCE_DRAWDOWN,
            amount=q.total,
            premium_part=annual,
            method=PaymentMethod.DIRECT_DEBIT,
            provider_reference=plan.agreement_reference,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
        settled = True
    yd_ledger.post_purchase(
        actor=actor,
        policy=new,
        quote=q,
        params=params,
        fee=q.arrangement_fee,
        payment_key=idempotency_key,
        finance_amount=q.total if old.payment_method == PaymentMethod.DIRECT_DEBIT else None,
        settled=settled,
    )
    _version(
        new,
        actor=actor,
        kind="new_business",
        effective=new.start,
        changes={
            "renewal_of": old.number,
            "annual_premium": annual,
            "renewal_fee": q.arrangement_fee,
        },
        decision=q.decision,
    )
    device = current_device(old)
    if device is not None:
        device = Device.objects.select_for_update(of=("self",)).get(pk=device.pk)
        device.policy = new
        device.save(update_fields=["policy"])
        DeviceEvent.objects.create(
            device=device,
            from_state=device.state,
            to_state=device.state,
            note=f"Kept for the renewal {new.number}",
            actor_label=_label(actor),
        )
        if device.state != box.DeviceState.VERIFIED.value:
            _install_task(new, device, anchor=new.start, reason="renewal", params=params)
    else:
        device = _device_allocate(new, actor=actor, note="Allocated at renewal")
        _install_task(new, device, anchor=new.start, reason="renewal", params=params)
    renewal.status, renewal.new_policy = RenewalStatus.RENEWED, new
    renewal.save(update_fields=["status", "new_policy"])
    _version(
        old,
        actor=actor,
        kind="renewed",
        effective=now,
        changes={"renewed_by": new.number},
    )
    old.save()
    _letter(
        actor=actor,
        policy=new,
        kind="yd_renewal_schedule",
        letter=letters.renewal_schedule(
            number=new.number,
            start=new.start,
            end=new.end,
            renewal_of=old.number,
            annual=annual,
            fee=q.arrangement_fee,
            total=q.total,
        ),
        steps=list(q.stored_decision.steps),
        key=f"yd-renewal-schedule-{new.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.renew",
        obj=new,
        firm_id=new.firm_id,
        after={"number": new.number, "renewal_of": old.number, "annual_premium": annual},
    )
    return new


@transaction.atomic
def yd_renewal_decline(*, actor: Any, policy: YDPolicy, today: date | None = None) -> YDRenewal:
    """YD-FEE-REN "No thanks": record the decline; the policy runs to its end (nothing is
    collected, no new policy). Idempotent; a renewed offer cannot be declined."""
    _policy_in_scope(actor, policy)
    now = _today(today)
    p = _lock(policy)
    renewal = YDRenewal.objects.select_for_update(of=("self",)).filter(policy=p).first()
    if renewal is None:
        raise DomainError(ErrorCode.CONFLICT, "no renewal invitation", "YD-FEE-REN", "policy")
    if renewal.status == RenewalStatus.DECLINED:
        return renewal
    if renewal.status == RenewalStatus.RENEWED:
        raise DomainError(ErrorCode.CONFLICT, "the policy is already renewed", "YD-FEE-REN")
    renewal.status, renewal.declined_on, renewal.declined_by = (
        RenewalStatus.DECLINED,
        now,
        _user(actor),
    )
    renewal.save(update_fields=["status", "declined_on", "declined_by"])
    _version(
        p,
        actor=actor,
        kind="renewal_declined",
        effective=now,
        changes={"renewal": "declined", "cover_ends": p.end},
    )
    p.save()
    _letter(
        actor=actor,
        policy=p,
        kind="yd_renewal_declined",
        letter=letters.renewal_declined(number=p.number, end=p.end),
        key=f"yd-renewal-declined-{p.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.renewal.decline",
        obj=renewal,
        firm_id=p.firm_id,
        after={"policy": p.number, "declined_on": now, "cover_ends": p.end},
    )
    return renewal
