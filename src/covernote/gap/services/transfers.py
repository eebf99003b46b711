"""New-for-old vehicle transfer (GAP-CLAIM-3 exclusion 9, GAP-EXCL-9)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require, require_same_firm
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap import letters
from covernote.domain.gap.eligibility import (
    require_eligible,
)
from covernote.domain.gap.purchase import purchase_price
from covernote.domain.gap.transfer import check_replacement_vehicle
from covernote.gap.inputs.policy import TransferInput
from covernote.gap.models import (
    GapPolicy,
    GapVehicleTransfer,
    PolicyStatus,
    Vehicle,
)
from covernote.gap.services._common import (
    letter_issue,
    policy_facts,
    replayed,
    require_idempotency_key,
    vehicle_facts,
    vehicle_record,
)
from covernote.gap.services.fraud import fraud_db_submit
from covernote.products.selectors import params_of
from covernote.transactions import lock_row, retry_transaction


@retry_transaction
@transaction.atomic
def gap_policy_transfer_vehicle(
    *,
    actor: User,
    policy: GapPolicy,
    data: TransferInput,
    today: date | None = None,
) -> GapVehicleTransfer:
    """GAP-CLAIM-3 exclusion 9: on request, move the live policy to the new-for-old
    replacement. GAP-ELIG-2/3/5/7 are checked again (every failing rule refused, nothing
    changes); number, period, limit and premium stay; a new policy version, a history row,
    a new schedule (PLT-7), a MID update (PLT-9) and an audit record (before/after)."""
    require(actor, Action.GAP_TRANSFER)
    idempotency_key = data.idempotency_key
    require_idempotency_key(idempotency_key)

    def replay() -> GapVehicleTransfer | None:
        done = GapVehicleTransfer.objects.filter(idempotency_key=idempotency_key).first()
        return None if done is None else replayed(done, done.policy_id == policy.pk, "policy")

    if (done := replay()) is not None:
        return done
    today = today or timezone.localdate()
    lock_row(GapPolicy, policy.pk)  # the lock first, then the joins see the winner's rows
    p = GapPolicy.objects.select_related("customer", "vehicle", "quote__vehicle", "config").get(
        pk=policy.pk
    )
    require_same_firm(actor, p.customer.firm_id, label="customer", field="customer_id")
    if (done := replay()) is not None:
        return done
    if p.status != PolicyStatus.ACTIVE:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"only a live policy can move to a replacement vehicle (this one is {p.status})",
            "GAP-TERM-1",
            None,
        )
    transfer_on = data.transfer_on or today
    if transfer_on > today:
        raise DomainError(
            ErrorCode.INVALID, "the transfer date is in the future", "GAP-EXCL-9", "transfer_on"
        )
    if not p.start_on <= transfer_on <= p.cover_ends_on:
        raise DomainError(
            ErrorCode.INVALID,
            f"the transfer date must lie in the period {p.start_on} to {p.cover_ends_on}",
            "GAP-EXCL-9",
            "transfer_on",
        )
    last = p.transfers.order_by("-transferred_on", "-id").first()
    if last is not None and transfer_on < last.transferred_on:
        raise DomainError(
            ErrorCode.INVALID,
            f"cover already moved to {last.to_vehicle.registration} on {last.transferred_on}",
            "GAP-EXCL-9",
            "transfer_on",
        )
    pv = vehicle_record(data.vehicle, today)
    if pv.fields["registration"] == p.vehicle.registration:
        raise DomainError(
            ErrorCode.INVALID,
            "the replacement has the insured vehicle's registration",
            "GAP-EXCL-9",
            "vehicle.registration",
        )
    lines = data.purchase_lines
    price_decision = purchase_price(lines)
    price = price_decision.amounts["purchase_price"]
    previous_price = last.purchase_price if last is not None else p.quote.purchase_price
    check = check_replacement_vehicle(
        vehicle=pv.domain,
        purchase_price=price,
        original_purchase_price=previous_price,
        transfer_on=transfer_on,
        params=params_of(p.config),
    )
    require_eligible(check)  # not_eligible naming every failing rule; nothing is written

    old = p.vehicle
    new = Vehicle.objects.create(customer=p.customer, firm_id=p.firm_id, **pv.fields)
    before = {
        "version": p.version,
        "vehicle": str(old),
        "registration": old.registration,
        "purchase_price": previous_price,
    }
    p.vehicle = new
    p.version += 1
    p.save(update_fields=["vehicle", "version"])
    t = GapVehicleTransfer.objects.create(
        policy=p,
        policy_version=p.version,
        from_vehicle=old,
        to_vehicle=new,
        transferred_on=transfer_on,
        previous_purchase_price=previous_price,
        purchase_price=price,
        purchase=price_decision.as_dict(),
        eligibility=check.as_dict(),
        purchase_lines=data.lines_json(),
        note=data.note,
        idempotency_key=idempotency_key,
        requested_by=actor,
    )
    letter_issue(
        actor=actor,
        customer=p.customer,
        kind="gap_schedule",
        letter=letters.replacement_schedule(
            policy_facts(p, vehicle=new),
            old=vehicle_facts(old),
            transferred_on=t.transferred_on,
            purchase_price=t.purchase_price,
        ),
        related=p,
        key=f"gap-schedule:{p.number}:v{p.version}",
    )
    fraud_db_submit(
        database="MID",
        event="vehicle_changed",
        policy=p,
        payload={
            "policy": p.number,
            "old_registration": old.registration,
            "registration": new.registration,
            "from": transfer_on.isoformat(),
            "end": p.cover_ends_on.isoformat(),
        },
    )
    audit_record(
        actor=actor,
        action="gap.policy.transfer_vehicle",
        obj=p,
        before=before,
        after={
            "version": p.version,
            "vehicle": str(new),
            "registration": new.registration,
            "purchase_price": price,
            "transferred_on": transfer_on,
            "limit_of_liability": p.limit_of_liability,
            "gross_premium": p.gross_premium,
        },
    )
    return t
