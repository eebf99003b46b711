"""Issue 10: the API reference pages render in a real browser, offline, within the CSP.

Swagger UI (`/api/v1/docs`) and ReDoc (`/api/v1/redoc`) load only from this server (any
request to another host fails the test) and show the operations' plain-English summaries.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _offsite(page, live_server):
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    return seen


def test_api_docs_swagger_ui_renders_offline(page, live_server):
    offsite = _offsite(page, live_server)
    page.set_default_timeout(60000)  # a 1.4 MB bundle from the test server
    page.goto("/api/v1/docs", wait_until="domcontentloaded")
    page.get_by_text("List GAP policies").first.wait_for()
    assert page.get_by_text("Quote GAP cover").first.is_visible()
    assert offsite == []


def test_api_docs_redoc_renders_offline(browser, live_server):
    """ReDoc's one external reference, its branding logo, is served from our own icon
    (the bundle at /api/v1/redoc.js): no request leaves the server, nothing breaks the CSP."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60000)  # a 1 MB bundle from the test server
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    offsite = _offsite(page, live_server)
    page.goto("/api/v1/redoc", wait_until="domcontentloaded")
    page.get_by_role("heading", name="List GAP policies").first.wait_for()
    assert page.get_by_role("heading", name="Quote GAP cover").first.is_visible()
    context.close()
    assert offsite == []
    assert [m for m in console if "Content Security Policy" in m] == []
