"""Render a document template to HTML and PDF (WeasyPrint), standard or large print."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from covernote.domain.correspondence import DocumentFormat

# RNIB guidance: large print is at least 16 pt; we use 18 pt body text.
LARGE_PRINT_PT = 18
STANDARD_PT = 11


def render_html(template: str, context: dict[str, Any], document_format: DocumentFormat) -> str:
    large = document_format is DocumentFormat.LARGE_PRINT
    ctx = {
        **context,
        "large_print": large,
        "font_pt": LARGE_PRINT_PT if large else STANDARD_PT,
        "platform": settings.COVERNOTE,
    }
    return render_to_string(template, ctx)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
