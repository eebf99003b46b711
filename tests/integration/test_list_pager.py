"""One pager partial for every list (issue 12): GAP, Young Driver and complaint lists show
the total, the page links and the CSV; the customer list and the work queue, which show
their own total and CSV link, take only the page links from the same partial."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def _render(count: int, page: int, **extra: object) -> str:
    listing = Paginator(range(count), 25).get_page(page)
    return render_to_string(
        "web/_pager.html", {"page": listing, "filter_query": "q=Holloway", **extra}
    )


def test_pager_shows_total_pages_with_filters_and_the_csv():
    html = _render(30, 1)
    assert 'data-testid="list-total">30 in all' in html
    assert "Page 1 of 2" in html and 'href="?q=Holloway&amp;page=2"' in html
    assert 'href="?q=Holloway&amp;format=csv"' in html


def test_pager_links_only_gives_the_page_links_without_total_or_csv():
    html = _render(60, 2, links_only=True)
    assert 'href="?q=Holloway&amp;page=1"' in html and 'href="?q=Holloway&amp;page=3"' in html
    assert "Page 2 of 3" in html
    assert "in all" not in html and "format=csv" not in html


def test_pager_links_only_on_one_page_renders_nothing():
    assert _render(10, 1, links_only=True).strip() == ""


def test_pager_without_filters_starts_the_query_with_page():
    html = render_to_string(
        "web/_pager.html",
        {"page": Paginator(range(30), 25).get_page(1), "filter_query": "", "links_only": True},
    )
    assert 'href="?page=2"' in html
