"""The work queue pages (issue 12): the inbox, its actions and the CSV export.

Views call the work selectors and services only. Only the intermediary's staff
see the queue; anyone else gets "no such page" (PLT-4).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from covernote.accounts.models import User
from covernote.accounts.selectors import request_user
from covernote.domain.errors import DomainError
from covernote.work.links import link_for, link_label
from covernote.work.models import WorkItem
from covernote.work.routing import routing
from covernote.work.selectors import (
    DUE_CHOICES,
    OWNER_CHOICES,
    WorkFilters,
    assignee_get,
    assignees_for,
    sla_for,
    work_counts,
    work_csv,
    work_get_for,
    work_list_for,
)
from covernote.work.services import work_item_assign, work_item_claim, work_item_close, work_sync

PAGE_SIZE = 25
OWNER_LABELS = {"mine": "My work", "unassigned": "Unassigned", "anyone": "Anyone"}
DUE_LABELS = {"overdue": "Overdue", "today": "Due today", "week": "Due this week"}


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.is_intermediary_staff:
        raise Http404("no such page")
    return user


def _row(item: WorkItem, user: User, assignees: dict[str, list[User]], now: Any) -> dict[str, Any]:
    table = routing()
    lead = table.is_lead(user.role, item.team)
    member = table.is_member(user.role, item.team)
    if item.team not in assignees:
        assignees[item.team] = list(assignees_for(item))
    return {
        "item": item,
        "sla": sla_for(item, now=now),
        "link": link_for(item),
        "link_label": link_label(item),
        "type_label": table.types[item.type].label if item.type in table.types else item.type,
        "team_label": table.teams[item.team].label if item.team in table.teams else item.team,
        "product_label": table.products.get(item.product, item.product),
        "can_claim": item.is_open and member and item.owner_id is None,
        "can_assign": item.is_open and lead,
        "can_close": item.is_open
        and (
            lead
            or user.role in table.override_roles
            or (member and item.owner_id in (None, user.pk))
        ),
        "assignees": assignees[item.team] if lead else [],
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    work_sync()  # cheap: one query per source, writes only what changed
    filters = WorkFilters.parse(request.GET.dict(), actor=user)
    now = timezone.now()
    page = Paginator(work_list_for(user, filters, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    assignees: dict[str, list[User]] = {}
    table = routing()
    query = {k: getattr(filters, k) for k in ("owner", "team", "type", "product", "due", "status")}
    return render(
        request,
        "work/inbox.html",
        {
            "page": page,
            "rows": [_row(i, user, assignees, now) for i in page.object_list],
            "filters": filters,
            "counts": work_counts(user, now=now),
            "teams": [(k, t.label) for k, t in table.teams.items()],
            "products": list(table.products.items()),
            "types": [(k, t.label) for k, t in table.types.items()],
            "owners": [(k, OWNER_LABELS[k]) for k in OWNER_CHOICES],
            "dues": [(k, DUE_LABELS[k]) for k in DUE_CHOICES],
            "query": urlencode(query),
            "here": request.get_full_path(),
        },
    )


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = WorkFilters.parse(request.GET.dict(), actor=user)
    items = work_list_for(user, filters)[:5000]
    response = HttpResponse(work_csv(items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="work-queue-{timezone.localdate().isoformat()}.csv"'
    )
    return response


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/backoffice/work/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/backoffice/work/"


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    try:
        item = work_get_for(user, item_id)
        version = _version(request)
        if action == "claim":
            work_item_claim(actor=user, item_id=item.pk, version=version)
            messages.success(request, f"You have taken “{item.title}”.")
        elif action == "assign":
            raw = request.POST.get("assignee", "")
            assignee = assignee_get(int(raw)) if raw.isdigit() else None
            done = work_item_assign(actor=user, item_id=item.pk, assignee=assignee, version=version)
            who = done.owner.full_name if done.owner else "nobody (unassigned)"
            messages.success(request, f"“{item.title}” is now with {who}.")
        elif action == "close":
            work_item_close(
                actor=user, item_id=item.pk, reason=request.POST.get("reason", ""), version=version
            )
            messages.success(request, f"Closed “{item.title}”.")
        else:
            raise Http404("no such action")
    except DomainError as exc:
        messages.error(request, exc.message[:1].upper() + exc.message[1:])
    return redirect(_back(request))
