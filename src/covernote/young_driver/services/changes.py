"""Changes during the term: MTAs (YD-FEE-MTA), vehicle changes (YD-BOX-VEHICLE), driving reviews (YD-REVIEW-4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import SELLERS, require_role
from covernote.audit.services import audit_record
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import adjustments as adj
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import smartbox as box
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.domain.young_driver.rating import quote, rating_input_from_mapping
from covernote.products.selectors import params_of
from covernote.young_driver.inputs import AdjustInput, VehicleChangeInput
from covernote.young_driver.models import (
    Device,
    Fee,
    Payment,
    PaymentKind,
    PolicyVersion,
    YDPolicy,
)
from covernote.young_driver.services._common import (
    _check_live,
    _device_allocate,
    _device_move,
    _install_task,
    _lock,
    _today,
    _version,
    current_device,
)
from covernote.young_driver.services.payments import (
    _collect_or_refund,
)

RATED_FIELDS = ("licence_years", "vehicle_group", "annual_mileage", "no_claims_years")


def _rerate(policy: YDPolicy, updates: dict[str, Any], params: YoungDriverParams) -> Decision:
    inputs = {**policy.rating_inputs, **updates}
    return quote(rating_input_from_mapping(inputs), params)


def _adjust(
    *,
    actor: User,
    policy: YDPolicy,
    kind: adj.AdjustmentKind,
    updates: dict[str, Any],
    effective: date,
    today: date,
    extra_changes: dict[str, Any],
    extra_decision: dict[str, Any] | None = None,
    key: str,
) -> tuple[YDPolicy, Decision]:
    params = params_of(policy.config)
    rating = _rerate(policy, updates, params)
    new_annual = rating.amounts["premium_gross"] + rating.amounts["add_ons_gross"]
    d = adj.mid_term_adjustment(
        kind=kind,
        old_annual=policy.annual_premium,
        new_annual=new_annual,
        start=policy.start,
        end=policy.end,
        effective=effective,
        params=params,
    )
    premium_adj, fee = d.amounts["premium_adjustment"], d.amounts["fee"]
    rule = {
        adj.AdjustmentKind.MID_TERM_ADJUSTMENT: "YD-FEE-MTA",
        adj.AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX: "YD-FEE-COV-KEEP",
        adj.AdjustmentKind.VEHICLE_CHANGE_NEW_BOX: "YD-FEE-COV-NEW",
    }[kind]
    Fee.objects.create(
        policy=policy,
        rule=rule,
        amount=fee,
        charged_on=today,
        reason=kind.value.replace("_", " ").capitalize(),
    )
    before = policy.annual_premium
    old_inputs = dict(policy.rating_inputs)
    policy.annual_premium = new_annual
    policy.premium_paid += premium_adj
    policy.rating_inputs = {**policy.rating_inputs, **updates}
    changes = {
        **extra_changes,
        **{k: [old_inputs.get(k), v] for k, v in updates.items()},
        "annual_premium": [before, new_annual],
        "premium_adjustment": premium_adj,
        "fee": fee,
    }
    decision = {"adjustment": d.as_dict(), "rating": rating.as_dict(), **(extra_decision or {})}
    _version(
        policy,
        actor=actor,
        kind=kind.value,
        effective=effective,
        changes=changes,
        decision=decision,
    )
    policy.save()
    _collect_or_refund(
        policy,
        actor=actor,
        amount=d.amounts["total"],
        premium_part=premium_adj,
        kind=PaymentKind.ADJUSTMENT,
        reason=letters.adjustment_reason(kind.value, premium_adj, fee),
        key=key,
        today=today,
        params=params,
    )
    return policy, d


@transaction.atomic
def yd_policy_adjust(
    *,
    actor: User,
    policy: YDPolicy,
    data: AdjustInput,
    today: date | None = None,
) -> YDPolicy:
    """YD-FEE-MTA: re-rate, pro-rata premium adjustment plus the £25 fee."""
    changes, idempotency_key = dict(data.changes), data.idempotency_key
    require_role(actor, SELLERS, what="change a policy", rule="YD-FEE-MTA")
    if (
        Payment.objects.filter(idempotency_key=idempotency_key).exists()
        or PolicyVersion.objects.filter(
            policy=policy, changes__idempotency_key=idempotency_key
        ).exists()
    ):
        return YDPolicy.objects.get(pk=policy.pk)
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-FEE-MTA")
    p, _ = _adjust(
        actor=actor,
        policy=p,
        kind=adj.AdjustmentKind.MID_TERM_ADJUSTMENT,
        updates=changes,
        effective=data.effective,
        today=now,
        extra_changes={"idempotency_key": idempotency_key},
        key=idempotency_key,
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.mta",
        obj=p,
        after={"changes": changes, "annual_premium": p.annual_premium, "version": p.version},
    )
    return p


@transaction.atomic
def yd_policy_vehicle_change(
    *,
    actor: User,
    policy: YDPolicy,
    data: VehicleChangeInput,
    today: date | None = None,
) -> YDPolicy:
    """YD-BOX-VEHICLE: new cradle (YD-FEE-COV-KEEP) or new box (YD-FEE-COV-NEW); clock restarts."""
    new_box, idempotency_key = data.new_box, data.idempotency_key
    require_role(actor, SELLERS, what="change the vehicle", rule="YD-BOX-VEHICLE")
    if PolicyVersion.objects.filter(
        policy=policy, changes__idempotency_key=idempotency_key
    ).exists():
        return YDPolicy.objects.get(pk=policy.pk)
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-BOX-VEHICLE")
    params = params_of(p.config)
    device = current_device(p)
    if device is None:
        raise DomainError(ErrorCode.CONFLICT, "no Smartbox on the policy", "YD-BOX-VEHICLE")
    device = Device.objects.select_for_update(of=("self",)).get(pk=device.pk)
    box_d = box.vehicle_change(
        recorded_on=now,
        effective=data.effective,
        new_box=new_box,
        state=box.DeviceState(device.state),
        params=params,
    )
    old_reg = p.vehicle_reg
    if new_box:
        _device_move(device, box.DeviceState.DEACTIVATED, actor=actor, note="Vehicle change")
        device = _device_allocate(p, actor=actor, note="New Smartbox for the new vehicle")
    else:
        _device_move(
            device, box.DeviceState.REMOVED, actor=actor, note="Vehicle change: new cradle"
        )
    kind = (
        adj.AdjustmentKind.VEHICLE_CHANGE_NEW_BOX
        if new_box
        else adj.AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX
    )
    p.vehicle_reg = data.vehicle_reg
    p.vehicle_description = data.vehicle_description
    p, _ = _adjust(
        actor=actor,
        policy=p,
        kind=kind,
        updates={"vehicle_group": data.vehicle_group},
        effective=data.effective,
        today=now,
        extra_changes={
            "vehicle_reg": [old_reg, p.vehicle_reg],
            "smartbox": "new box" if new_box else "box kept, new cradle",
            "idempotency_key": idempotency_key,
        },
        extra_decision={"smartbox": box_d.as_dict()},
        key=idempotency_key,
    )
    # YD-BOX-INSTALL: 14 days from the new vehicle's effective date (never before recorded).
    task = _install_task(
        p, device, anchor=box_d.data["install_anchor"], reason="vehicle_change", params=params
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.vehicle_change",
        obj=p,
        after={
            "vehicle_reg": p.vehicle_reg,
            "new_box": new_box,
            "device": device.serial,
            "install_deadline": task.deadline,
            "version": p.version,
        },
    )
    return p


@transaction.atomic
def yd_premium_review_apply(
    *,
    actor: Any,
    policy: YDPolicy,
    review_date: date,
    new_annual_premium: Decimal,
    adjustment: Decimal,
    decision: dict[str, Any],
    key: str,
    today: date,
) -> Payment | None:
    """YD-REVIEW-4: a driving review's premium change becomes a policy version; the
    difference is collected, refunded or re-spread only after 14 days' written notice
    (YD-PAY-2/3). Driving changes are tracked apart from MTAs (YD-REVIEW-3)."""
    policy = _lock(policy)
    _check_live(policy, "YD-REVIEW-4")
    params = params_of(policy.config)
    before = policy.annual_premium
    policy.annual_premium = new_annual_premium
    policy.premium_paid += adjustment
    _version(
        policy,
        actor=actor,
        kind="driving_review",
        effective=review_date,
        changes={"annual_premium": [before, new_annual_premium], "premium_adjustment": adjustment},
        decision=decision,
    )
    policy.save()
    return _collect_or_refund(
        policy,
        actor=actor,
        amount=adjustment,
        premium_part=adjustment,
        kind=PaymentKind.ADJUSTMENT,
        reason=letters.review_reason(review_date, before, new_annual_premium),
        key=key,
        today=today,
        params=params,
    )
