"""Playwright with Debian's Chromium (installed by .ci/run); no browser download."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("COVERNOTE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (COVERNOTE_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("Chromium not installed: apt-get install chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _csp_violations(page):
    """Every browser test is also a Content-Security-Policy test: Chromium reports each
    refused inline style or script on the console (issue 11)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    violations = _csp_violations(page)
    yield page
    context.close()
    assert violations == [], f"pages broke the Content-Security-Policy: {violations[:3]}"


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    violations = _csp_violations(page)
    yield page
    context.close()
    assert violations == [], f"pages broke the Content-Security-Policy: {violations[:3]}"
