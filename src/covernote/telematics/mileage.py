"""YD-MILES-1: tracked mileage against the declared mileage, top-up offers and their answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.documents.services import document_issue
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters
from covernote.domain.young_driver.mileage import mileage_check
from covernote.telematics.models import MileageTopUp, TopUpStatus, Trip
from covernote.young_driver.models import PolicyStatus, YDPolicy
from covernote.young_driver.selectors import policy_letterhead
from covernote.young_driver.services import (
    params_for,
    yd_additional_premium,
    yd_cancellation_notice_issue,
)

METRES_PER_MILE = Decimal("1609.344")


def mileage_check_run(*, as_of: date, actor: Any = "telematics") -> str:
    """Offer a top-up to every live policy over its allowance (one GROUP BY for the miles)."""
    miles = {
        r["policy_id"]: r["d"]
        for r in Trip.objects.filter(
            policy__status=PolicyStatus.LIVE, policy__start__lte=as_of, policy__end__gte=as_of
        )
        .values("policy_id")
        .annotate(d=Sum("distance_m"))
    }
    open_offers = set(
        MileageTopUp.objects.filter(status=TopUpStatus.OFFERED).values_list("policy_id", flat=True)
    )
    offered = 0
    for policy in YDPolicy.objects.filter(pk__in=list(miles)).select_related("config", "customer"):
        if policy.pk in open_offers:
            continue
        declared = int(policy.rating_inputs.get("annual_mileage") or 0)
        if declared <= 0:
            continue
        tracked = int(Decimal(str(miles[policy.pk])) / METRES_PER_MILE)
        decision = mileage_check(
            declared_annual=declared,
            tracked_miles=tracked,
            start=policy.start,
            end=policy.end,
            on=as_of,
            params=params_for(policy.config),
        )
        if decision.outcome != "top_up_required":
            continue
        bought = sum(
            MileageTopUp.objects.filter(policy=policy, status=TopUpStatus.BOUGHT).values_list(
                "miles", flat=True
            )
        )
        if bought:  # top-ups already bought raise the allowance for the year
            decision = mileage_check(
                declared_annual=declared + bought,
                tracked_miles=tracked,
                start=policy.start,
                end=policy.end,
                on=as_of,
                params=params_for(policy.config),
            )
            if decision.outcome != "top_up_required":
                continue
        with transaction.atomic():
            offer = MileageTopUp.objects.create(
                policy=policy,
                checked_on=as_of,
                tracked_miles=tracked,
                miles=decision.data["top_up_miles"],
                net=decision.amounts["top_up_net"],
                ipt=decision.amounts["top_up_ipt"],
                gross=decision.amounts["top_up_gross"],
                decision=decision.as_dict(),
            )
            letter = letters.mileage_top_up(
                tracked=tracked, declared=declared, miles=offer.miles, gross=offer.gross
            )
            offer.document = document_issue(
                actor=actor,
                customer=policy.customer,
                kind="yd_mileage_top_up",
                title=letter.title,
                template="documents/yd_letter.html",
                context={
                    "policy": policy,
                    "paragraphs": letter.paragraphs,
                    "rows": letter.rows,
                    "steps": offer.decision["steps"],
                },
                letterhead=policy_letterhead(policy),
                related=offer,
                idempotency_key=f"mileage-top-up-{offer.pk}",
            )
            offer.save(update_fields=["document"])
            audit_record(
                actor=actor,
                action="mileage.top_up_offered",
                obj=offer,
                firm_id=policy.firm_id,
                after={"tracked": tracked, "miles": offer.miles, "gross": offer.gross},
            )
        offered += 1
    return f"{offered} mileage top-ups offered"


@transaction.atomic
def mileage_top_up_answer(*, actor: Any, offer: MileageTopUp, accept: bool) -> MileageTopUp:
    """The customer buys the top-up (charged after 14 days' notice) or declines it (notice)."""
    locked = (
        MileageTopUp.objects.select_for_update(of=("self",))
        .select_related("policy")
        .get(pk=offer.pk)
    )
    if locked.status != TopUpStatus.OFFERED:
        raise DomainError(
            ErrorCode.CONFLICT, "this top-up has already been answered", "YD-MILES-1", "offer"
        )
    policy = locked.policy
    if accept:
        yd_additional_premium(
            actor=actor,
            policy=policy,
            amount=locked.gross,
            reason=letters.mileage_top_up_reason(locked.miles),
            key=f"mileage-top-up-{locked.pk}",
        )
        locked.status = TopUpStatus.BOUGHT
    else:
        yd_cancellation_notice_issue(
            actor="telematics",
            policy=policy,
            rule="YD-MILES-1",
            detail=letters.mileage_declined_detail(locked.miles),
        )
        locked.status = TopUpStatus.DECLINED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    audit_record(
        actor=actor,
        action=f"mileage.top_up_{locked.status}",
        obj=locked,
        firm_id=policy.firm_id,
        after={"status": locked.status},
    )
    return locked
