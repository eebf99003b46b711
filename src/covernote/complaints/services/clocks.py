"""The scheduled clock check: tasks before and at a breach (COMP-7)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction

from covernote.accounts.models import Role
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintTask,
)
from covernote.complaints.selectors import (
    complaint_procedures,
    complaint_timeline_for,
)
from covernote.complaints.services._common import (
    record_event,
)
from covernote.domain.calendar import LONDON
from covernote.domain.complaints.clocks import clocks_needing_attention
from covernote.domain.correspondence import may_phone

# --- scheduled clock check (COMP-7) --------------------------------------------------------

CHECK_TIME = time(18, 0)  # after close of business: the day's 17:30 deadlines have passed
ALERT_WITHIN_DAYS = 2


@transaction.atomic
def complaint_clocks_check(*, as_of: date) -> int:
    """Raise a task for each open clock due within 2 days (``due``) or lapsed
    (``breached``). Idempotent: one task per complaint, clock and level. A customer
    whose adjustments rule out phone gets a written-contact task, never a phone task."""
    now = datetime.combine(as_of, CHECK_TIME, tzinfo=LONDON)
    created = 0
    open_complaints = Complaint.objects.filter(status__in=OPEN_STATUSES).select_related(
        "customer", "config"
    )
    for c in open_complaints:
        timeline = complaint_timeline_for(c)
        clocks = [(str(c.pk), clock) for clock in timeline.clocks]
        alerts = clocks_needing_attention(
            clocks, now=now, within_days=ALERT_WITHIN_DAYS, rules=complaint_procedures(c).clock
        )
        if not alerts:
            continue
        phone_ok = may_phone([a.as_adjustment() for a in c.customer.active_adjustments()])
        for alert in alerts:
            level = alert.status.value
            if ComplaintTask.objects.filter(
                complaint=c, clock=alert.clock.kind.value, level=level
            ).exists():
                continue
            action = "phone" if phone_ok else "write"
            contact = (
                "Phone the complainant with an update"
                if phone_ok
                else "Write to the complainant (their adjustments rule out phone calls)"
            )
            what = "has lapsed" if level == "breached" else "is due"
            task = ComplaintTask.objects.create(
                complaint=c,
                clock=alert.clock.kind.value,
                level=level,
                action=action,
                assigned_role=c.stage_owner_role or Role.MANAGER.value,
                due_at=alert.clock.due_at,
                note=(
                    f"{c.reference}: the {alert.clock.kind.value.replace('_', ' ')} clock "
                    f"{what} ({alert.clock.due_on:%d %b %Y}, {alert.clock.rule}). {contact}."
                    + (f" Next: {alert.clock.on_lapse}." if alert.clock.on_lapse else "")
                ),
            )
            record_event(
                complaint=c,
                kind=f"task_{level}",
                actor=None,
                at=now,
                before=c.status,
                detail={"clock": task.clock, "task": task.pk, "action": action},
            )
            audit_record(
                actor=None,
                action="complaint.task_raise",
                obj=task,
                firm_id=c.firm_id,
                after={
                    "complaint": c.reference,
                    "clock": task.clock,
                    "level": level,
                    "action": action,
                },
            )
            created += 1
    return created
