"""Our notice of cancellation (YD-CANCEL-5) and the job that ends it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters
from covernote.domain.young_driver.cancellation import NOTICE_REASONS, CancelledBy
from covernote.products.selectors import params_of
from covernote.young_driver.inputs import CancelInput
from covernote.young_driver.models import (
    PolicyStatus,
    YDPolicy,
)
from covernote.young_driver.services._common import (
    _check_live,
    _letter,
    _lock,
    _policy_transition,
    _today,
    _version,
)
from covernote.young_driver.services.cancellation import (
    yd_policy_cancel,
)


@transaction.atomic
def yd_cancellation_notice_issue(
    *, actor: Any, policy: YDPolicy, rule: str, detail: str = "", today: date | None = None
) -> YDPolicy:
    """YD-CANCEL-5: our notice of cancellation (7 days, configurable) for a listed reason.

    The policy moves to ``notice``; ``yd_notices_expire`` cancels it when the notice
    ends, with the refund and fee rules of YD-CANCEL-1..4.
    """
    if rule not in NOTICE_REASONS:
        raise DomainError(ErrorCode.INVALID, f"no notice reason for {rule}", "YD-CANCEL-5", "rule")
    if isinstance(actor, User):
        require(actor, Action.YD_CANCELLATION_NOTICE)
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-CANCEL-5")
    if p.status == PolicyStatus.NOTICE:
        return p
    params = params_of(p.config)
    last_day = now + timedelta(days=params.periods.our_cancellation_notice_days)
    _policy_transition(p, PolicyStatus.NOTICE)
    p.notice_cancel_on = last_day
    reason = NOTICE_REASONS[rule]
    _version(
        p,
        actor=actor,
        kind="notice_of_cancellation",
        effective=now,
        changes={
            "status": ["live", "notice"],
            "cover_ends": last_day,
            "rule": rule,
            "reason": reason,
            "detail": detail,
        },
    )
    p.save()
    _letter(
        actor=actor,
        policy=p,
        kind="yd_cancellation_notice",
        letter=letters.notice_of_cancellation(
            reason=reason, rule=rule, detail=detail, last_day=last_day
        ),
        key=f"yd-notice-{p.pk}-{rule}-{now.isoformat()}",
    )
    audit_record(
        actor=actor,
        action="young_driver.notice_of_cancellation",
        obj=p,
        after={"rule": rule, "cover_ends": last_day},
    )
    return p


def yd_notices_expire(*, as_of: date) -> str:
    """Cancel policies whose YD-CANCEL-5 notice has run out (install notices: see
    ``yd_install_tasks_chase``). Idempotent: a cancelled policy is not picked again."""
    cancelled = 0
    for policy in YDPolicy.objects.filter(status=PolicyStatus.NOTICE, notice_cancel_on__lte=as_of):
        notice = policy.versions.filter(kind="notice_of_cancellation").order_by("-version").first()
        if notice is None or notice.notice_rule is None:
            continue
        assert policy.notice_cancel_on is not None
        yd_policy_cancel(
            actor=None,
            policy=policy,
            data=CancelInput(
                cancel_on=policy.notice_cancel_on,
                by=CancelledBy.US,
                reason=f"Notice of cancellation ({notice.notice_rule})",
                notice_date=notice.effective,
            ),
            today=as_of,
        )
        cancelled += 1
    return f"{cancelled} policies cancelled at the end of their notice"
