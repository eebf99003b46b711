"""Issue 11: a Content-Security-Policy the pages pass, with the existing security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB_TEMPLATES = Path("src/covernote/web/templates")
# Rendered to PDF by WeasyPrint, never served as a page.
PDF_ONLY = {"telematics/evidence_pack.html"}
INLINE = re.compile(r"<style|\sstyle=|<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+=")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_served_templates_have_no_inline_script_or_style_the_policy_would_block():
    offenders = [
        f"{path.relative_to(WEB_TEMPLATES)}:{n}"
        for path in WEB_TEMPLATES.rglob("*.html")
        if str(path.relative_to(WEB_TEMPLATES)) not in PDF_ONLY
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_charts_are_drawn_without_style_attributes():
    from covernote.web.charts import line_chart

    svg = line_chart([("Mon", 1.0), ("Tue", 2.0)], label="scores")
    assert "style=" not in svg
