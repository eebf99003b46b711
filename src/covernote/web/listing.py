"""Lists that are never silently cut (issue 12): one page at a time with a total, the
filters kept in the page links, and the whole filtered list as CSV (``?format=csv``,
formula injection neutralised by :mod:`covernote.web.csv_export`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

from covernote.web.csv_export import csv_response

T = TypeVar("T")
PER_PAGE = 25


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def page_of(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> dict[str, Any]:
    """``page`` (a Django page: ``page.paginator.count`` is the total) and
    ``filter_query``: the request's filters without ``page``, for the pager links."""
    page: Page[Any] = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return {"page": page, "filter_query": query.urlencode()}


def csv_of(
    filename: str,
    header: Sequence[str],
    items: Iterable[T],
    row: Callable[[T], Sequence[object]],
) -> HttpResponse:
    return csv_response(filename, header, (row(item) for item in items))
