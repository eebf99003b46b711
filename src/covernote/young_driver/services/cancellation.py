"""Cancellation and void (YD-CANCEL-1..5, YD-VOID-1) and the Smartbox return (YD-CANCEL-4)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.domain.calendar import long_date
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO
from covernote.domain.young_driver import adjustments as adj
from covernote.domain.young_driver import cancellation as canx
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import smartbox as box
from covernote.products.selectors import params_of
from covernote.young_driver import ledger as yd_ledger
from covernote.young_driver.inputs import CancelInput, SmartboxReturnInput
from covernote.young_driver.models import (
    Fee,
    InstallTaskStatus,
    InstalmentStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    PolicyStatus,
    YDCancellation,
    YDPolicy,
)
from covernote.young_driver.selectors import PremiumPosition, premium_position
from covernote.young_driver.services._common import (
    _check_live,
    _device_move,
    _letter,
    _lock,
    _policy_in_scope,
    _policy_transition,
    _today,
    _user,
    _version,
)
from covernote.young_driver.services.payments import (
    _collect_or_refund,
    _raise_on_ledger,
    settle_due_for,
)

FEE_FIELD = {
    "YD-FEE-ARR": "arrangement",
    "YD-FEE-REN": "renewal",
    "YD-FEE-COV-NEW": "vehicle_change_new_box",
    "YD-FEE-COV-KEEP": "vehicle_change_keep_box",
    "YD-FEE-MTA": "mid_term_adjustment",
}


def premium_segments(policy: YDPolicy) -> tuple[canx.PremiumSegment, ...]:
    """YD-CANCEL-1: the annual rate in force from each effective date (latest change wins)."""
    by_date: dict[date, Decimal] = {}
    for v in policy.versions.order_by("version"):
        if v.kind in ("new_business", *[k.value for k in adj.AdjustmentKind]):
            by_date[v.effective] = v.annual_premium
    ordered = sorted(by_date.items())
    return tuple(canx.PremiumSegment(d, a) for d, a in ordered)


def fees_paid(policy: YDPolicy) -> canx.FeesPaid:
    totals = {
        row["rule"]: row["total"]
        for row in policy.fees.values("rule").annotate(total=Sum("amount"))
    }
    return canx.FeesPaid(**{field: totals.get(rule, ZERO) for rule, field in FEE_FIELD.items()})


def check_cancel_on(
    policy: YDPolicy, *, cancel_on: date, notice: date, void_for_fraud: bool = False
) -> None:
    """YD-CANCEL-1: cover cannot be ended in the past — the last day of cover is on or after
    the day notice is given (and the start, and no later than the end). Only a void for
    fraud (YD-VOID-1) goes back in time."""
    if void_for_fraud:
        return
    earliest = max(notice, policy.start)
    if cancel_on < earliest:
        raise DomainError(
            ErrorCode.INVALID,
            f"the last day of cover cannot be in the past: the earliest is {long_date(earliest)}",
            "YD-CANCEL-1",
            "cancel_on",
        )
    if cancel_on > policy.end:
        raise DomainError(
            ErrorCode.INVALID,
            f"the last day of cover cannot be after the policy ends on {long_date(policy.end)}",
            "YD-CANCEL-1",
            "cancel_on",
        )


def _outstanding(position: PremiumPosition) -> tuple[canx.Outstanding, ...]:
    return tuple(
        canx.Outstanding(
            amount=p.amount,
            premium_part=p.premium_part,
            collect_on=p.collect_on,
            label=p.get_kind_display(),
        )
        for p in position.outstanding
    )


def yd_cancellation_preview(
    *,
    policy: YDPolicy,
    cancel_on: date,
    by: str = "customer",
    void_for_fraud: bool = False,
    notice_date: date | None = None,
    today: date | None = None,
) -> canx.CancellationQuote:
    """The refund a cancellation would give now (no write) — the customer sees it first.

    YD-PAY-2: "paid" is what was collected; payments notified but not yet made (after
    ``today``) are netted against the refund, as :func:`yd_policy_cancel` does."""
    if notice_date is not None and by == "customer":
        check_cancel_on(
            policy, cancel_on=cancel_on, notice=notice_date, void_for_fraud=void_for_fraud
        )
    params = params_of(policy.config)
    position = premium_position(policy, due_by=_today(today))
    request = canx.CancellationRequest(
        start=policy.start,
        end=policy.end,
        cancel_on=cancel_on,
        premium_paid=position.collected,
        outstanding=() if void_for_fraud else _outstanding(position),
        segments=premium_segments(policy),
        fees_paid=fees_paid(policy),
        documents_received=policy.documents_received_on,
        notice_date=notice_date,
        by=canx.CancelledBy(by),
        void_for_fraud=void_for_fraud,
    )
    return canx.cancellation_refund(request, params)


def finance_settlement(
    policy: YDPolicy, *, refund: Decimal, not_yet_spread: Decimal = ZERO
) -> Decision:
    """YD-PAY-1 on cancellation: what the customer still owes the finance provider
    (amount financed + adjustments re-spread over the instalments − instalments collected,
    not below £0) and the refund set against it first; the rest of the refund goes to the
    customer, any shortfall stays owed to the provider. Read before instalments are cancelled.
    Interest not yet collected is not added (early settlement; the provider's own settlement
    figure governs any difference — product decision). ``not_yet_spread``: adjustments
    re-spread whose notice had not run (YD-PAY-2); they are cancelled with the policy and
    set against the refund instead, so they are not owed to the provider."""
    plan = policy.plan
    rows = list(plan.instalments.all())
    respread = sum((i.amount for i in rows), ZERO) - plan.total_payable - not_yet_spread
    collected_rows = [i for i in rows if i.status == InstalmentStatus.COLLECTED]
    collected = sum((i.amount for i in collected_rows), ZERO)
    d = Decision(outcome="settled")
    d.step(
        "YD-PAY-1",
        f"Amount financed under agreement {plan.agreement_reference} ({plan.provider})",
        plan.amount_financed,
    )
    if respread:
        d.step("YD-PAY-3", "Adjustments spread over the instalments", respread)
    if not_yet_spread:
        d.step(
            "YD-PAY-2",
            "Adjustments notified but not yet due are not owed to the provider (set against "
            "the refund instead)",
            ZERO - not_yet_spread,
        )
    d.step(
        "YD-PAY-1",
        f"Less instalments collected ({len(collected_rows)} of {len(rows)})",
        ZERO - collected,
    )
    owed = max(ZERO, plan.amount_financed + respread - collected)
    d.step(
        "YD-PAY-1",
        "Owed to the finance provider at settlement (not below £0; interest not yet "
        "collected is not added)",
        owed,
    )
    d.step("YD-CANCEL-1", "Refund due on cancellation", refund)
    set_off = min(refund, owed)
    d.step("YD-PAY-1", "Refund set against the provider balance first", set_off)
    d.step("YD-CANCEL-1", "Refund paid to the customer", refund - set_off)
    d.step("YD-PAY-1", "Balance the customer still owes the provider", owed - set_off)
    d.amounts.update(
        financed=plan.amount_financed,
        respread=respread,
        collected=collected,
        owed=owed,
        refund=refund,
        set_off=set_off,
        refund_to_customer=refund - set_off,
        balance=owed - set_off,
    )
    return d


@transaction.atomic
def yd_policy_cancel(
    *,
    actor: Any,
    policy: YDPolicy,
    data: CancelInput,
    today: date | None = None,
) -> YDCancellation:
    """YD-CANCEL-1..5, YD-VOID-1: refund now (box assumed not returned), letter, CPA notice."""
    cancel_on, by, void_for_fraud = data.cancel_on, data.by.value, data.void_for_fraud
    now = _today(today)
    p = _lock(policy)
    existing = YDCancellation.objects.filter(policy=p).first()
    if existing is not None:
        return existing
    if isinstance(actor, User):
        _policy_in_scope(actor, p)
        if by != "customer" or void_for_fraud:  # customers cancel as themselves
            require(actor, Action.YD_CANCEL_FOR_CUSTOMER)
        if void_for_fraud:
            require(actor, Action.YD_VOID)
        elif by == "us":
            require(actor, Action.YD_CANCELLATION_NOTICE)
    _check_live(p, "YD-CANCEL-1")
    notice = data.notice_date or now
    check_cancel_on(p, cancel_on=cancel_on, notice=notice, void_for_fraud=void_for_fraud)
    # YD-PAY-2: what is due by today is collected first; what is only notified is netted.
    settle_due_for(p, as_of=now)
    position = premium_position(p, due_by=now)
    result = yd_cancellation_preview(
        policy=p,
        cancel_on=cancel_on,
        by=by,
        void_for_fraud=void_for_fraud,
        notice_date=notice,
        today=now,
    )
    c = YDCancellation.objects.create(
        policy=p,
        by=by,
        void=result.void,
        reason=data.reason[:200],
        notice_date=notice,
        cancel_on=cancel_on,
        premium_paid=position.collected,
        refund=result.refund,
        premium_refund=result.premium_refund,
        cancellation_fee=result.cancellation_fee,
        box_credit=result.box_credit,
        in_cooling_off=result.in_cooling_off,
        box_return_deadline=result.box_return_deadline,
        refund_due_by=result.refund_due_by,
        decision=result.decision.as_dict(),
        outstanding_netted=result.outstanding_netted,
        balance_to_collect=result.balance_to_collect,
        created_by=_user(actor),
    )
    on_account = result.refund_on_premium
    deducted = result.premium_refund - on_account
    if deducted > 0:
        Fee.objects.create(
            policy=p,
            rule="YD-FEE-CANX",
            amount=deducted,
            charged_on=now,
            reason="Cancellation fee (after the cooling off), deducted from the refund",
        )
    params = params_of(p.config)
    netted = [] if result.void else list(position.outstanding)
    not_yet_spread = sum((x.amount for x in netted if x.status == PaymentStatus.RESPREAD), ZERO)
    Payment.objects.filter(pk__in=[x.pk for x in netted]).update(status=PaymentStatus.CANCELLED)
    settlement: Decision | None = None
    set_off = ZERO
    if p.payment_method == PaymentMethod.DIRECT_DEBIT:
        settlement = finance_settlement(p, refund=result.refund, not_yet_spread=not_yet_spread)
        set_off = settlement.amounts["set_off"]
        c.finance_owed = settlement.amounts["owed"]
        c.finance_set_off = set_off
        c.finance_balance = settlement.amounts["balance"]
        c.finance_refund_to_customer = settlement.amounts["refund_to_customer"]
        c.finance_decision = settlement.as_dict()
        c.save()
        # The agreement is settled now: no further instalments are collected.
        p.plan.instalments.filter(status=InstalmentStatus.SCHEDULED).update(
            status=InstalmentStatus.CANCELLED
        )
    provider = p.plan.provider if settlement is not None else None
    if result.premium_refund > 0:
        # The refund on the premium account is raised on the ledger in full; the notified
        # collections set against it were raised when notified, so the cash nets (YD-PAY-2).
        _raise_on_ledger(
            p,
            actor=actor,
            amount=-on_account,
            premium_part=-result.premium_refund,
            kind=PaymentKind.REFUND,
            reason=letters.cancellation_refund_reason(set_off=ZERO, provider=None),
            key=f"yd-refund-{p.number}",
            params=params,
        )
    if settlement is not None:
        yd_ledger.post_finance_settlement(actor=actor, policy=p, amount=set_off, key=p.number)
    if result.refund - set_off > 0:
        _collect_or_refund(
            p,
            actor=actor,
            amount=-(result.refund - set_off),
            premium_part=-result.premium_refund,
            kind=PaymentKind.REFUND,
            reason=letters.cancellation_refund_reason(set_off=set_off, provider=provider),
            key=f"yd-refund-{p.number}",
            today=now,
            params=params,
            post_ledger=False,
        )
    if result.balance_to_collect > 0:
        _collect_or_refund(
            p,
            actor=actor,
            amount=result.balance_to_collect,
            premium_part=ZERO,
            kind=PaymentKind.BALANCE,
            reason=letters.cancellation_balance_reason(),
            key=f"yd-balance-{p.number}",
            today=now,
            params=params,
            post_ledger=False,
        )
    p.install_tasks.filter(
        status__in=[InstallTaskStatus.OPEN, InstallTaskStatus.AWAITING_APPROVAL]
    ).update(status=InstallTaskStatus.CLOSED)
    before = p.status
    _policy_transition(p, PolicyStatus.VOID if result.void else PolicyStatus.CANCELLED)
    p.notice_cancel_on = None
    _version(
        p,
        actor=actor,
        kind="void" if result.void else "cancellation",
        effective=cancel_on,
        changes={
            "status": [before, p.status],
            "by": by,
            "reason": data.reason,
            "refund": result.refund,
        },
        decision=result.decision.as_dict(),
    )
    p.save()
    steps: list[Mapping[str, Any]] = list(c.stored_decision.steps)
    finance = None
    if settlement is not None:
        a = settlement.amounts
        finance = letters.FinanceSettlement(
            provider=p.plan.provider,
            owed=a["owed"],
            set_off=a["set_off"],
            refund_to_customer=a["refund_to_customer"],
            balance=a["balance"],
        )
        steps += [s.as_dict() for s in settlement.steps]
    _letter(
        actor=actor,
        policy=p,
        kind="yd_cancellation",
        letter=letters.cancellation(
            void=result.void,
            cancel_on=cancel_on,
            refund=result.refund,
            refund_due_by=result.refund_due_by,
            box_return_deadline=result.box_return_deadline,
            box_credit=result.box_credit,
            finance=finance,
            netted=result.outstanding_netted,
            balance=result.balance_to_collect,
        ),
        steps=steps,
        key=f"yd-cancel-{p.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.policy." + ("void" if result.void else "cancel"),
        obj=p,
        before={"status": before},
        after={
            "status": p.status,
            "cancel_on": cancel_on,
            "refund": result.refund,
            "by": by,
            "version": p.version,
        },
    )
    return c


@transaction.atomic
def yd_smartbox_return_record(
    *, actor: User, policy: YDPolicy, data: SmartboxReturnInput, today: date | None = None
) -> YDCancellation:
    """YD-CANCEL-4: the second transaction when the Smartbox comes back."""
    returned_on = data.returned_on
    require(actor, Action.YD_BOX_RETURN)
    now = _today(today)
    p = _lock(policy)
    c = YDCancellation.objects.select_for_update(of=("self",)).filter(policy=p).first()
    if c is None:
        raise DomainError(ErrorCode.CONFLICT, "the policy is not cancelled", "YD-CANCEL-4")
    if c.box_returned_on is not None:
        return c
    if returned_on > now:
        raise DomainError(
            ErrorCode.INVALID, "the return date is in the future", "YD-CANCEL-4", "returned_on"
        )
    first = canx.CancellationQuote(
        decision=Decision(outcome="refund"),
        refund=c.refund,
        premium_refund=c.premium_refund,
        cancellation_fee=c.cancellation_fee,
        box_credit=c.box_credit,
        fees_paid=ZERO,
        last_day_of_cover=c.cancel_on,
        box_return_deadline=c.box_return_deadline,
        refund_due_by=c.refund_due_by,
        in_cooling_off=c.in_cooling_off,
        void=c.void,
        premium_collected=c.premium_paid,
        outstanding_netted=c.outstanding_netted,
        balance_to_collect=c.balance_to_collect,
    )
    d = canx.smartbox_return_refund(first, returned_on)
    c.box_returned_on, c.box_refund, c.box_decision = returned_on, d.amounts["refund"], d.as_dict()
    c.save()
    if d.amounts["refund"] > 0:
        _collect_or_refund(
            p,
            actor=actor,
            amount=-d.amounts["refund"],
            premium_part=ZERO,
            kind=PaymentKind.BOX_REFUND,
            reason="We have received your Smartbox back",
            key=f"yd-box-refund-{p.number}",
            today=now,
            params=params_of(p.config),
        )
    for device in p.devices.select_for_update(of=("self",)).exclude(
        state=box.DeviceState.DEACTIVATED.value
    ):
        _device_move(device, box.DeviceState.DEACTIVATED, actor=actor, note="Returned")
    _version(
        p,
        actor=actor,
        kind="smartbox_returned",
        effective=returned_on,
        changes={"box_returned_on": returned_on, "box_refund": d.amounts["refund"]},
        decision=d.as_dict(),
    )
    p.save()
    audit_record(
        actor=actor,
        action="young_driver.smartbox.return",
        obj=c,
        firm_id=p.firm_id,
        after={"returned_on": returned_on, "refund": d.amounts["refund"], "outcome": d.outcome},
    )
    return c
