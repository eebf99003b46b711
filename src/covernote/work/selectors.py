"""Reads of the work queue: the inbox with its filters, SLA badges, counts, the CSV.

Only the intermediary's staff see the queue (PLT-4); brokers and customers are refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import require_staff
from covernote.accounts.scoping import get_in_scope, scoped
from covernote.domain.errors import DomainError, ErrorCode
from covernote.work.models import WorkItem, WorkStatus
from covernote.work.routing import routing

OWNER_CHOICES = ("mine", "unassigned", "anyone")
DUE_CHOICES = ("overdue", "today", "week")
#: An item due within this many hours (and not today or overdue) is "due soon".
DUE_SOON_HOURS = 48


@dataclass(frozen=True)
class WorkFilters:
    team: str = ""
    product: str = ""
    type: str = ""
    owner: str = "anyone"
    due: str = ""
    status: str = WorkStatus.OPEN.value

    @classmethod
    def parse(cls, data: dict[str, str], *, actor: User) -> WorkFilters:
        """From query parameters; missing ones take the role's default view ("My work")."""
        default = routing().default_for(actor.role)
        table = routing()
        owner = data.get("owner", default.owner) or "anyone"
        team = data.get("team", default.team)
        return cls(
            team=team if team in table.teams else "",
            product=data.get("product", "") if data.get("product", "") in table.products else "",
            type=data.get("type", "") if data.get("type", "") in table.types else "",
            owner=owner if owner in OWNER_CHOICES else "anyone",
            due=data.get("due", "") if data.get("due", "") in DUE_CHOICES else "",
            status=data.get("status", "open")
            if data.get("status") in ("open", "closed")
            else "open",
        )


def _end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def work_scope(actor: User) -> QuerySet[WorkItem]:
    require_staff(actor, what="see the work queue")
    return scoped(actor, WorkItem.objects.select_related("owner"))


def work_list_for(
    actor: User, filters: WorkFilters, *, now: datetime | None = None
) -> QuerySet[WorkItem]:
    """The inbox: filtered, soonest due first, then the most urgent."""
    now = now or timezone.now()
    qs = work_scope(actor).filter(status=filters.status)
    if filters.team:
        qs = qs.filter(team=filters.team)
    if filters.product:
        qs = qs.filter(product=filters.product)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.owner == "mine":
        qs = qs.filter(owner=actor)
    elif filters.owner == "unassigned":
        qs = qs.filter(owner__isnull=True)
    end_today = _end_of_today(now)
    if filters.due == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif filters.due == "today":
        qs = qs.filter(due_at__gte=now, due_at__lt=end_today)
    elif filters.due == "week":
        qs = qs.filter(due_at__gte=now, due_at__lt=end_today + timedelta(days=6))
    return qs.order_by("due_at", "priority", "id")


def work_get_for(actor: User, item_id: int) -> WorkItem:
    return get_in_scope(actor, work_scope(actor), item_id, label="work item", field="item_id")


@dataclass(frozen=True)
class Sla:
    key: str  # overdue | today | soon | later | closed
    label: str


def sla_for(item: WorkItem, *, now: datetime | None = None) -> Sla:
    """The badge: said in words, so it never relies on colour alone."""
    now = now or timezone.now()
    if not item.is_open:
        return Sla("closed", "Closed")
    if item.due_at < now:
        return Sla("overdue", "Overdue")
    if item.due_at < _end_of_today(now):
        return Sla("today", "Due today")
    if item.due_at < now + timedelta(hours=DUE_SOON_HOURS):
        return Sla("soon", "Due soon")
    return Sla("later", "")


@dataclass(frozen=True)
class TeamCount:
    team: str
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class WorkCounts:
    teams: list[TeamCount]
    mine_open: int
    mine_overdue: int

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.teams)


def work_counts(actor: User, *, now: datetime | None = None) -> WorkCounts:
    """Open and overdue items per team, and the actor's own (the dashboard card)."""
    now = now or timezone.now()
    qs = work_scope(actor).filter(status=WorkStatus.OPEN)
    rows = {
        r["team"]: r
        for r in qs.values("team").annotate(
            open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
        )
    }
    teams = [
        TeamCount(
            key,
            t.label,
            rows.get(key, {}).get("open", 0),
            rows.get(key, {}).get("overdue", 0),
        )
        for key, t in routing().teams.items()
    ]
    mine = qs.filter(owner=actor).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
    )
    return WorkCounts(teams, mine["open"], mine["overdue"])


def assignees_for(item: WorkItem) -> QuerySet[User]:
    """Everyone an item may be given to: active users whose role is on the item's team."""
    team = routing().teams.get(item.team)
    roles = sorted(team.members) if team else []
    return User.objects.filter(is_active=True, role__in=roles).order_by("full_name")


#: A cell a spreadsheet would run as a formula starts with one of these (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """The cell as text, with a leading single quote when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_HEADER = (
    "id",
    "type",
    "title",
    "product",
    "team",
    "owner",
    "due_at",
    "sla",
    "priority",
    "status",
    "closed_reason",
)


def work_csv(items: Iterable[WorkItem], *, now: datetime | None = None) -> str:
    table = routing()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for w in items:
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    w.pk,
                    table.types[w.type].label if w.type in table.types else w.type,
                    w.title,
                    table.products.get(w.product, w.product),
                    table.teams[w.team].label if w.team in table.teams else w.team,
                    w.owner.full_name if w.owner else "",
                    timezone.localtime(w.due_at).isoformat(timespec="minutes"),
                    sla_for(w, now=now).label,
                    w.priority,
                    w.status,
                    w.closed_reason,
                )
            ]
        )
    return out.getvalue()


def assignee_get(user_id: int) -> User:
    """The person an item is being given to (team membership is checked by the service)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such user", "PLT-4", "user_id")
    return user
