"""Writes to the work queue: the sync from the sources, and claim / assign / close.

Every person's action takes the acting user, checks the routing table's teams,
updates the row only if its ``version`` is the one the person saw (two people
claiming at once: one wins, the other is told who did), and writes an audit record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import require_staff
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.work.models import WorkItem, WorkStatus
from covernote.work.routing import Route, routing
from covernote.work.sources import SOURCES, SourceItem

RULE = "PLT-4"
#: The reason recorded when the source's own workflow finished the task.
DONE_AT_SOURCE = "Done at the source (the task is no longer open there)."


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} work items raised, {self.updated} updated, "
            f"{self.closed} closed at source, {self.reopened} reopened"
        )


def _route(key: str) -> Route:
    table = routing().routes
    if key in table:
        return table[key]
    prefix = key.split(".", 1)[0] + "."
    fallback = next((r for k, r in table.items() if k.startswith(prefix)), None)
    if fallback is None:
        raise DomainError(ErrorCode.CONFIGURATION, f"no work route for {key}", "PLT-4", "route")
    return fallback


def _fields(item: SourceItem) -> dict[str, object]:
    route = _route(item.route)
    due = item.due_at or item.start_at + timedelta(hours=route.due_hours or 24)
    return {
        "route": route.key,
        "type": route.type,
        "team": route.team,
        "priority": max(1, route.priority - 1) if item.urgent else route.priority,
        "title": item.title[:200],
        "detail": item.detail,
        "product": item.product,
        "due_at": due,
        "link_kind": item.link_kind,
        "link_id": item.link_id,
        "firm_id": item.firm_id,
    }


def work_sync(*, as_of: datetime | None = None, kinds: list[str] | None = None) -> SyncResult:
    """Bring the queue in step with the sources. Idempotent: run twice, nothing changes.

    New source tasks become items; an open item's title, due time and routing follow
    its source; an item whose source is done is closed; an item closed at the source
    whose source reopened (a GAP claim sent back for documents) is reopened. An item a
    person closed stays closed.
    """
    now = as_of or timezone.now()
    created = updated = closed = reopened = 0
    for kind, adapter in SOURCES.items():
        if kinds is not None and kind not in kinds:
            continue
        wanted = {i.source_id: _fields(i) for i in adapter()}
        existing = {
            w.source_id: w
            for w in WorkItem.objects.filter(source_kind=kind).filter(
                Q(status=WorkStatus.OPEN) | Q(source_id__in=list(wanted))
            )
        }
        new = [
            WorkItem(source_kind=kind, source_id=sid, created_at=now, updated_at=now, **fields)
            for sid, fields in wanted.items()
            if sid not in existing
        ]
        if new:
            WorkItem.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
        for sid, w in existing.items():
            fields = wanted.get(sid)
            if fields is None:
                if w.status == WorkStatus.OPEN and _close_at_source(w, now):
                    closed += 1
                continue
            if w.status == WorkStatus.CLOSED:
                if w.closed_by_id is None and _reopen(w, now):
                    reopened += 1
                continue
            changed = {k: v for k, v in fields.items() if getattr(w, k) != v}
            if changed:
                WorkItem.objects.filter(pk=w.pk).update(updated_at=now, **changed)
                updated += 1
    return SyncResult(created, updated, closed, reopened)


def _close_at_source(w: WorkItem, now: datetime) -> bool:
    with transaction.atomic():
        n = WorkItem.objects.filter(pk=w.pk, status=WorkStatus.OPEN).update(
            status=WorkStatus.CLOSED,
            closed_reason=DONE_AT_SOURCE,
            closed_at=now,
            closed_by=None,
            updated_at=now,
            version=F("version") + 1,
        )
        if n:
            audit_record(
                actor=None,
                action="work.close",
                obj=w,
                before={"status": "open", "owner": w.owner_id},
                after={"status": "closed", "reason": DONE_AT_SOURCE},
            )
    return bool(n)


def _reopen(w: WorkItem, now: datetime) -> bool:
    with transaction.atomic():
        n = WorkItem.objects.filter(
            pk=w.pk, status=WorkStatus.CLOSED, closed_by__isnull=True
        ).update(
            status=WorkStatus.OPEN,
            closed_reason="",
            closed_at=None,
            updated_at=now,
            version=F("version") + 1,
        )
        if n:
            audit_record(
                actor=None,
                action="work.reopen",
                obj=w,
                before={"status": "closed"},
                after={"status": "open", "reason": "open again at the source"},
            )
    return bool(n)


# --- what people do ---------------------------------------------------------------


def _load(item_id: int) -> WorkItem:
    try:
        return WorkItem.objects.select_related("owner").get(pk=item_id)
    except WorkItem.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, "no such work item", RULE, "item_id") from None


def _team_label(team: str) -> str:
    t = routing().teams.get(team)
    return t.label if t else team


def _require_open(item: WorkItem) -> None:
    if not item.is_open:
        raise DomainError(ErrorCode.CONFLICT, "this work item is already closed", RULE, "item")


def _lost_race(item_id: int, what: str) -> DomainError:
    now = _load(item_id)
    if not now.is_open:
        state = "it has been closed"
    elif now.owner is not None:
        state = f"it is now with {now.owner.full_name}"
    else:
        state = "it has changed"
    return DomainError(
        ErrorCode.CONFLICT,
        f"Someone else got there first: {state}. Reload the queue before you {what}.",
        RULE,
        "version",
    )


def _guarded(item: WorkItem, version: int | None) -> Q:
    """The row as the person saw it: same id, still open, same version."""
    return Q(
        pk=item.pk, status=WorkStatus.OPEN, version=item.version if version is None else version
    )


@transaction.atomic
def work_item_claim(*, actor: User, item_id: int, version: int | None = None) -> WorkItem:
    """Take an unowned item of one of your teams."""
    require_staff(actor, what="take work items")
    item = _load(item_id)
    _require_open(item)
    if not routing().is_member(actor.role, item.team):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"only the {_team_label(item.team)} team can take this item",
            RULE,
            "item",
        )
    if item.owner_id == actor.pk:
        return item
    if item.owner_id is not None:
        raise _lost_race(item.pk, "take it")
    n = WorkItem.objects.filter(_guarded(item, version), owner__isnull=True).update(
        owner=actor, updated_at=timezone.now(), version=F("version") + 1
    )
    if not n:
        raise _lost_race(item.pk, "take it")
    audit_record(
        actor=actor,
        action="work.claim",
        obj=item,
        before={"owner": None},
        after={"owner": actor.pk},
    )
    return _load(item.pk)


@transaction.atomic
def work_item_assign(
    *, actor: User, item_id: int, assignee: User | None, version: int | None = None
) -> WorkItem:
    """A team lead (a manager, QA) gives an item to anyone on the item's team, or unassigns it."""
    require_staff(actor, what="assign work items")
    item = _load(item_id)
    _require_open(item)
    table = routing()
    if not table.is_lead(actor.role, item.team):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"only a lead of the {_team_label(item.team)} team can assign this item",
            RULE,
            "assignee",
        )
    if assignee is not None and (
        not assignee.is_active or not table.is_member(assignee.role, item.team)
    ):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"{assignee.full_name} is not on the {_team_label(item.team)} team",
            RULE,
            "assignee",
        )
    before = item.owner_id
    if before == (assignee.pk if assignee else None):
        return item
    n = WorkItem.objects.filter(_guarded(item, version)).update(
        owner=assignee, updated_at=timezone.now(), version=F("version") + 1
    )
    if not n:
        raise _lost_race(item.pk, "assign it")
    audit_record(
        actor=actor,
        action="work.assign",
        obj=item,
        before={"owner": before},
        after={"owner": assignee.pk if assignee else None},
    )
    return _load(item.pk)


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` is not enough to close an item, or None."""
    table = routing()
    words = reason.split()
    if len(words) < table.reason_min_words or len(reason.strip()) < table.reason_min_chars:
        return (
            f"Say why you are closing it, in at least {table.reason_min_words} words "
            "(what was done, or why nothing is needed)."
        )
    return None


def source_is_open(item: WorkItem) -> bool:
    """Is the task still open at its source? (Asks the adapter, not the stored row.)"""
    adapter = SOURCES.get(item.source_kind)
    if adapter is None:
        return False
    return any(i.source_id == item.source_id for i in adapter())


@transaction.atomic
def work_item_close(
    *, actor: User, item_id: int, reason: str, version: int | None = None
) -> WorkItem:
    """Close an item with a reason.

    Anyone on the team may close an item that is theirs or unowned (a lead: any item
    of the team). If the source task is still open and its work is not done by
    closing the item (every type but a complaint clock contact), only the override
    roles (a manager) may close it, and the override is recorded.
    """
    require_staff(actor, what="close work items")
    reason = reason.strip()
    problem = reason_problem(reason)
    if problem:
        raise DomainError(ErrorCode.REQUIRED, problem, RULE, "reason")
    item = _load(item_id)
    _require_open(item)
    table = routing()
    lead = table.is_lead(actor.role, item.team)
    member = table.is_member(actor.role, item.team)
    override_role = actor.role in table.override_roles
    if not (lead or member or override_role):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"only the {_team_label(item.team)} team can close this item",
            RULE,
            "item",
        )
    if item.owner_id not in (None, actor.pk) and not (lead or override_role):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"this item is with {item.owner.full_name if item.owner else 'someone else'}",
            RULE,
            "item",
        )
    item_type = table.types.get(item.type)
    work_done_here = bool(item_type and item_type.work_done_here)
    open_at_source = not work_done_here and source_is_open(item)
    if open_at_source and not override_role:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the task is still open where the work is done: finish it there "
            "(the item then closes itself), or ask a manager to close it",
            RULE,
            "reason",
        )
    now = timezone.now()
    n = WorkItem.objects.filter(_guarded(item, version)).update(
        status=WorkStatus.CLOSED,
        closed_reason=reason,
        closed_by=actor,
        closed_at=now,
        closed_with_source_open=open_at_source,
        updated_at=now,
        version=F("version") + 1,
    )
    if not n:
        raise _lost_race(item.pk, "close it")
    audit_record(
        actor=actor,
        action="work.close_override" if open_at_source else "work.close",
        obj=item,
        before={"status": "open", "owner": item.owner_id},
        after={"status": "closed", "reason": reason, "source_open": open_at_source},
    )
    return _load(item.pk)
