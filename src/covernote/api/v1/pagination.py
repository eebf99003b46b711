"""Every list is a page: limit/offset, the total, and links to the next and previous pages.

Nothing is cut silently (issue 10): ``count`` is the number of rows the caller may see (in
their own tenant only, PLT-4), ``next`` is null on the last page, and the same links go in
an RFC 8288 ``Link`` header. The default and the largest page size are settings
(``COVERNOTE_API_PAGE_SIZE``, ``COVERNOTE_API_MAX_PAGE_SIZE``); a bigger ``limit`` is
refused with 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema

from covernote.domain.errors import DomainError, ErrorCode

T = TypeVar("T")

RULE = "API-PAGE"


class PageParams(Schema):
    limit: int | None = Field(
        None,
        ge=1,
        description="Rows per page (default COVERNOTE_API_PAGE_SIZE, 25; at most "
        "COVERNOTE_API_MAX_PAGE_SIZE, 100 — a bigger limit is refused, not cut)",
    )
    offset: int = Field(0, ge=0, description="Rows to skip: 0 for the first page")


PageQuery = Query[PageParams]


class Page(Schema):
    """One page of a list. Subclasses type ``items``."""

    count: int = Field(description="Rows in the whole list (only the caller's own, PLT-4)")
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL; null on the last page")
    previous: str | None = Field(description="The previous page's URL; null on the first")
    items: list[Any]


def _url(request: HttpRequest, offset: int, limit: int) -> str:
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


def page_size(limit: int | None) -> int:
    largest = int(settings.COVERNOTE_API_MAX_PAGE_SIZE)
    size = limit or int(settings.COVERNOTE_API_PAGE_SIZE)
    if size > largest:
        raise DomainError(
            ErrorCode.INVALID,
            f"limit must be at most {largest} (ask for the next page)",
            RULE,
            "limit",
        )
    return size


def paginate(
    request: HttpRequest,
    response: HttpResponse,
    rows: QuerySet[Any] | Sequence[T],
    page: PageParams,
    out: Callable[[Any], Any],
) -> dict[str, Any]:
    """The page of ``rows`` that ``page`` asks for, each row through ``out``;
    the links also go in ``response``'s ``Link`` header."""
    limit, offset = page_size(page.limit), page.offset
    if isinstance(rows, QuerySet):
        if not rows.ordered:  # a stable order, or pages could skip or repeat rows
            rows = rows.order_by("pk")
        total = rows.count()
    else:
        total = len(rows)
    items = [out(row) for row in rows[offset : offset + limit]]
    nxt = _url(request, offset + limit, limit) if offset + limit < total else None
    prev = _url(request, max(0, offset - limit), limit) if offset > 0 else None
    links = [f'<{u}>; rel="{rel}"' for u, rel in ((nxt, "next"), (prev, "prev")) if u]
    if links:
        response["Link"] = ", ".join(links)
    return {
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": nxt,
        "previous": prev,
        "items": items,
    }
