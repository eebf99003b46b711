"""The work queue over REST (issue 12): list with filters, claim, assign, close.

Staff only (PLT-4): a broker or a customer is refused with 403. Every change takes
the ``version`` the client saw; a stale one is 409 with who got there first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from covernote.accounts.selectors import request_user
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.work.links import link_for
from covernote.work.models import WorkItem
from covernote.work.selectors import (
    WorkFilters,
    assignee_get,
    sla_for,
    work_get_for,
    work_list_for,
)
from covernote.work.services import work_item_assign, work_item_claim, work_item_close, work_sync

router = Router(tags=["work"])


class WorkQuery(Schema):
    team: str | None = None
    product: str | None = None
    type: str | None = None
    owner: Literal["mine", "unassigned", "anyone"] | None = None
    due: Literal["overdue", "today", "week"] | None = None
    status: Literal["open", "closed"] = "open"


class WorkItemOut(Schema):
    id: int
    type: str
    title: str
    detail: str
    product: str
    team: str
    owner_id: int | None
    owner: str | None
    due_at: datetime
    sla: str
    priority: int
    status: str
    source_kind: str
    source_id: str
    link: str | None
    closed_reason: str
    closed_at: datetime | None
    version: int


class WorkPage(Page):
    items: list[WorkItemOut]


class ClaimIn(Schema):
    version: int | None = Field(None, description="The version you saw; stale → 409.")


class AssignIn(Schema):
    user_id: int | None = Field(None, description="Anyone on the item's team; null unassigns.")
    version: int | None = None


class CloseIn(Schema):
    reason: str = Field(..., max_length=2000, description="At least a few words: what was done.")
    version: int | None = None


def item_out(w: WorkItem) -> WorkItemOut:
    return WorkItemOut(
        id=w.pk,
        type=w.type,
        title=w.title,
        detail=w.detail,
        product=w.product,
        team=w.team,
        owner_id=w.owner_id,
        owner=w.owner.full_name if w.owner else None,
        due_at=w.due_at,
        sla=sla_for(w).key,
        priority=w.priority,
        status=w.status,
        source_kind=w.source_kind,
        source_id=w.source_id,
        link=link_for(w),
        closed_reason=w.closed_reason,
        closed_at=w.closed_at,
        version=w.version,
    )


@router.get("", response=WorkPage, summary="List work items")
def list_work(
    request: HttpRequest, response: HttpResponse, q: Query[WorkQuery], page: PageQuery
) -> dict[str, Any]:
    """The work queue, a page at a time, filtered by team, product, type, owner and due
    date; soonest due first. Staff only: brokers and customers are refused (403, PLT-4).
    `count` is the whole filtered list's size."""
    actor = request_user(request)
    given = {k: v for k, v in q.model_dump().items() if v is not None}
    filters = WorkFilters.parse(given, actor=actor)
    qs = work_list_for(actor, filters)  # refuses anyone but staff before the sync below
    work_sync()
    return paginate(request, response, qs, page, item_out)


@router.post(
    "/{item_id}/claim",
    response=WorkItemOut,
    summary="Take a work item",
    openapi_extra={"x-problems": [409]},
)
def claim(request: HttpRequest, item_id: int, payload: ClaimIn) -> WorkItemOut:
    """Make the item yours. Send the `version` you saw: if someone took it first the answer
    is 409 naming who (PLT-4: staff only)."""
    actor = request_user(request)
    item = work_get_for(actor, item_id)
    return item_out(work_item_claim(actor=actor, item_id=item.pk, version=payload.version))


@router.post(
    "/{item_id}/assign",
    response=WorkItemOut,
    summary="Assign a work item",
    openapi_extra={"x-problems": [409]},
)
def assign(request: HttpRequest, item_id: int, payload: AssignIn) -> WorkItemOut:
    """Give the item to someone on its team, or unassign it (`user_id` null); a stale
    `version` is 409 (PLT-4: staff only)."""
    actor = request_user(request)
    item = work_get_for(actor, item_id)
    assignee = assignee_get(payload.user_id) if payload.user_id is not None else None
    return item_out(
        work_item_assign(actor=actor, item_id=item.pk, assignee=assignee, version=payload.version)
    )


@router.post(
    "/{item_id}/close",
    response=WorkItemOut,
    summary="Close a work item",
    openapi_extra={"x-problems": [409]},
)
def close(request: HttpRequest, item_id: int, payload: CloseIn) -> WorkItemOut:
    """Close the item with a reason saying what was done; a stale `version` is 409. Items
    the system raised close themselves when their cause is dealt with (PLT-4: staff
    only; a manager may override while the source is still open)."""
    actor = request_user(request)
    item = work_get_for(actor, item_id)
    return item_out(
        work_item_close(
            actor=actor, item_id=item.pk, reason=payload.reason, version=payload.version
        )
    )
