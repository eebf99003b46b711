"""Render a document template to HTML, PDF (WeasyPrint) and plain text (PLT-2, PLT-7).

Print size (standard or large print) is chosen when the HTML is rendered; the container
(tagged PDF or plain text) when it is written out:

* **PDF** is tagged PDF/UA-1 by default (WeasyPrint's ``pdf_variant="pdf/ua-1"``): a
  structure tree in reading order, the document language (``en-GB`` from ``<html lang>``)
  and the title (from ``<title>``) shown by the viewer, so screen readers get headings,
  paragraphs, lists and tables rather than loose glyphs (ADR 0022). ``tagged=False``
  writes the old untagged PDF.
* **Large print** follows the RNIB clear-print guidance: every line — body, headings,
  tables, the regulatory footer and the page numbers — at 16 pt or more (body 18 pt).
* **Plain text** is the same letter for an email body or a transcription service:
  headings, paragraphs, ``label: value`` table rows and list items, in reading order.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from covernote.domain.correspondence import DocumentFormat

#: RNIB clear print: large print is at least 16 pt; no line of a large-print document is
#: smaller than this (footer and page numbers included).
LARGE_PRINT_MIN_PT = 16
LARGE_PRINT_PT = 18
STANDARD_PT = 11
#: The smallest type in a standard letter (footer and page numbers).
STANDARD_MIN_PT = 8

#: The PDF variant every document is written in (WeasyPrint >= 62: PDF/UA-1, tagged).
PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "en-GB"


class OutputFormat(StrEnum):
    """What ``covernote letters render --format`` and the catalogue produce."""

    STANDARD = "standard"  # tagged PDF (PDF/UA-1), standard print
    LARGE_PRINT = "large-print"  # tagged PDF (PDF/UA-1), large print
    UNTAGGED = "untagged"  # the old untagged PDF, standard print (for comparison)
    TEXT = "text"  # plain text (email and SMS bodies, transcription)

    @classmethod
    def parse(cls, value: str) -> OutputFormat:
        """Accept the names people use: ``large_print``, ``tagged``, ``pdf-ua``, ``txt``."""
        key = value.strip().lower().replace("_", "-")
        aliases = {"tagged": "standard", "pdf-ua": "standard", "pdf/ua": "standard", "txt": "text"}
        try:
            return cls(aliases.get(key, key))
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise ValueError(f"format: unknown format {value!r}; one of {names} (PLT-7)") from None

    @property
    def is_pdf(self) -> bool:
        return self is not OutputFormat.TEXT

    @property
    def document_format(self) -> DocumentFormat:
        return (
            DocumentFormat.LARGE_PRINT
            if self is OutputFormat.LARGE_PRINT
            else DocumentFormat.STANDARD
        )

    @property
    def extension(self) -> str:
        return "txt" if self is OutputFormat.TEXT else "pdf"


def is_large(document_format: DocumentFormat) -> bool:
    return document_format is DocumentFormat.LARGE_PRINT


def render_html(template: str, context: dict[str, Any], document_format: DocumentFormat) -> str:
    large = is_large(document_format)
    ctx = {
        **context,
        "large_print": large,
        "font_pt": LARGE_PRINT_PT if large else STANDARD_PT,
        "min_pt": LARGE_PRINT_MIN_PT if large else STANDARD_MIN_PT,
        "language": LANGUAGE,
        "platform": settings.COVERNOTE,
    }
    return render_to_string(template, ctx)


def render_pdf(html: str, *, tagged: bool = True) -> bytes:
    """The PDF of ``html``: tagged PDF/UA-1 unless ``tagged`` is False (ADR 0022)."""
    from weasyprint import HTML  # imported late: it loads Pango

    options: dict[str, Any] = {"pdf_variant": PDF_VARIANT} if tagged else {}
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(**options)
    return pdf


def render(template: str, context: dict[str, Any], output: OutputFormat) -> tuple[str, bytes]:
    """``(html, bytes)`` of one document in one output format (PDF bytes or UTF-8 text)."""
    html = render_html(template, context, output.document_format)
    if output is OutputFormat.TEXT:
        return html, render_text(html).encode()
    return html, render_pdf(html, tagged=output is not OutputFormat.UNTAGGED)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- plain text

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "table", "ul", "ol", "li", "tr", "br", "section"}
_SKIP = {"style", "script", "title", "head"}
_BR = "\x00"  # a <br> inside a block: a line break that survives whitespace folding


class _TextWriter(HTMLParser):
    """HTML letter -> plain text: one blank line between blocks, ``label: value`` rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.kinds: list[str] | None = None
        self.lists: list[list[int]] = []  # [ordered, counter]
        self.skip = 0
        self.heading = False
        self.pre = False

    def _flush(self, blank: bool = True) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        text = "\n".join(line.strip() for line in text.split(_BR) if line.strip())
        self.current = []
        if text:
            self.lines.append(text)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in ("td", "th"):
            self.cell = []
            if self.kinds is not None:
                self.kinds.append(tag)
            return
        if tag == "tr":
            self.cells, self.kinds = [], []
            return
        if tag == "br":
            (self.cell if self.cell is not None else self.current).append(_BR)
            return
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append([1 if tag == "ol" else 0, 0])
            return
        if tag == "li":
            self._flush(blank=False)
            marker = "-"
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}."
            self.current.append(f"{marker} ")
            return
        if tag in _BLOCKS:
            self._flush()
            self.heading = tag in ("h1", "h2", "h3")
            # The address block keeps its lines (CSS white-space: pre-line).
            self.pre = "address" in (dict(attrs).get("class") or "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th") and self.cell is not None and self.cells is not None:
            cell = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.cells.append(cell.replace(_BR, " "))
            self.cell = None
            return
        if tag == "tr" and self.cells is not None:
            kinds = self.kinds or []
            if kinds and kinds == ["th", "td"] * (len(kinds) // 2):  # label, value, ...
                pairs = zip(self.cells[::2], self.cells[1::2], strict=True)
                row = " · ".join(f"{k}: {v}" if k else v for k, v in pairs if v)
            else:
                cells = [c for c in self.cells if c]
                labelled = len(cells) > 1 and kinds[:1] == ["th"] and "td" in kinds
                row = f"{cells[0]}: {' · '.join(cells[1:])}" if labelled else " · ".join(cells)
            if row:
                self.lines.append(row)
            self.cells = self.kinds = None
            return
        if tag == "li":
            self._flush(blank=False)
            return
        if tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            return
        if tag in _BLOCKS:
            self.pre = False
            if self.heading:
                text = re.sub(r"\s+", " ", "".join(self.current)).strip()
                self.current = [text.upper() if tag == "h1" else text]
                self.heading = False
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            data = data.replace("\n", _BR)
        (self.cell if self.cell is not None else self.current).append(data)

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        for line in self.lines:
            if line == "" and (not out or out[-1] == ""):
                continue
            out.append(line)
        return "\n".join(out).strip() + "\n"


def render_text(html: str) -> str:
    """The plain-text letter of rendered letter HTML (PLT-7: email and SMS bodies)."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
